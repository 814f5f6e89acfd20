"""Hypothesis strategies for random EML expressions, shared by every test package.

Import as ``from strategies import exprs`` or ``from tests.strategies import exprs``
(``tests/conftest.py`` puts both ``tests/`` and the repository root on ``sys.path``).
"""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import strategies as st

from emlkit.expr import ONE, Eml, Expr, Var

__all__ = ["exprs"]


def exprs(
    variables: Iterable[str] = ("x", "y"),
    max_leaves: int = 12,
    *,
    min_leaves: int = 1,
    share: bool = True,
    max_K: int | None = None,
) -> st.SearchStrategy[Expr]:
    """Random EML trees over ``1`` and ``variables``, built iteratively, often with sharing.

    A tree starts as a row of ``min_leaves`` to ``max_leaves`` drawn leaves; adjacent entries
    are joined by ``eml`` until one is left (so every tree shape can occur). With
    ``share=True`` an already built subtree sometimes replaces a row entry, so the result is
    a DAG with shared subterms (``eml(a, a)`` and deeper repeats). Each join makes at most one
    new node, so ``dag_size <= max_leaves - 1``; sharing can raise ``K`` above the leaf count,
    up to ``max_K`` (default ``8 * max_leaves``). Shrinks towards small trees of ``1``.

    Parameters
    ----------
    variables : iterable of str, default ("x", "y")
        Variable names that may appear (empty: constant trees only).
    max_leaves : int, default 12
        Most leaves drawn for the initial row.
    min_leaves : int, default 1
        Fewest leaves (1 allows a bare leaf).
    share : bool, default True
        Whether to reuse built subtrees.
    max_K : int, optional
        Upper bound on ``K`` when sharing.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=25, database=None)
    ... @given(exprs(max_leaves=5))
    ... def check(e):
    ...     assert e.free_vars <= {"x", "y"} and e.dag_size <= 4 and e.K <= 40
    >>> check()
    """
    leaves = (ONE, *(Var(name) for name in variables))
    if not 1 <= min_leaves <= max_leaves:
        raise ValueError(f"need 1 <= min_leaves <= max_leaves, got {min_leaves}, {max_leaves}")
    limit = 8 * max_leaves if max_K is None else max_K
    return _trees(leaves, min_leaves, max_leaves, share, limit)


@st.composite
def _trees(
    draw: st.DrawFn,
    leaves: tuple[Expr, ...],
    min_leaves: int,
    max_leaves: int,
    share: bool,
    max_K: int,
) -> Expr:
    count = draw(st.integers(min_leaves, max_leaves))
    row: list[Expr] = [leaves[draw(st.integers(0, len(leaves) - 1))] for _ in range(count)]
    total_K = count
    built: list[Expr] = []
    while len(row) > 1:
        i = draw(st.integers(0, len(row) - 2))
        node = Eml(row[i], row[i + 1])
        row[i : i + 2] = [node]
        total_K += 1
        built.append(node)
        if share and len(row) > 1 and draw(st.integers(0, 2)) == 0:
            j = draw(st.integers(0, len(row) - 1))
            reused = built[draw(st.integers(0, len(built) - 1))]
            if total_K - row[j].K + reused.K <= max_K:
                total_K += reused.K - row[j].K
                row[j] = reused
    return row[0]
