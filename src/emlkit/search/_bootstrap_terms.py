"""Terms of the bootstrap verifier (nested tuples ``(name, *children)``): expansion over the
base, sizes, and conversions (all iterative, sharing subterms).

>>> t = ("plus", ("x",), ("1",))
>>> term_call(expand(t, {"plus": ("subtract", ("x",), ("neg", ("y",)))}))
'subtract(x, neg(1))'
>>> dag_size(t), term_rpn(t)
(3, 'x 1 plus')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "as_tuple", "dag_size", "expand", "fold", "substitute", "term_call", "term_rpn", "to_eml",
]


def fold(term: Any, fn: Callable[[Any, list[Any]], Any]) -> Any:
    """``fn(t, values of t's children)`` bottom up, once per distinct subterm (iterative).

    >>> fold(("plus", ("x",), ("x",)), lambda t, kids: 1 + sum(kids))
    3
    """
    memo: dict[int, Any] = {}
    stack: list[tuple[Any, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in memo:
            continue
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        memo[id(t)] = fn(t, [memo[id(c)] for c in t[1:]])
    return memo[id(term)]


def substitute(body: tuple, env: dict[str, tuple]) -> tuple:
    """``body`` with its variable leaves replaced from ``env`` (shares subterms)."""
    return fold(body, lambda t, kids: env.get(t[0], t) if len(t) == 1 else (t[0], *kids))


def expand(term: tuple, expansions: dict[str, tuple]) -> tuple:
    """Replace every derived block in ``term`` by its expansion over the base."""

    def step(t: tuple, kids: list[tuple]) -> tuple:
        body = expansions.get(t[0])
        if body is None:
            return (t[0], *kids)
        return substitute(body, dict(zip(("x", "y"), kids)))

    return fold(term, step)


def dag_size(term: tuple) -> int:
    """Tokens of the fully inlined tree (memoised on shared subterms)."""
    return fold(term, lambda t, kids: 1 + sum(kids))


def to_eml(term: tuple) -> Any:
    """A term over {1, eml, variables} as an interned EML expression."""
    from ..expr import ONE, Eml, Var

    def step(t: tuple, kids: list[Any]) -> Any:
        if t[0] == "eml":
            return Eml(kids[0], kids[1])
        return ONE if t[0] == "1" else Var(t[0])

    return fold(term, step)


def as_tuple(obj: Any) -> tuple:
    """A term read back from JSON (nested lists) as nested tuples."""
    return fold(obj, lambda t, kids: (t[0], *kids))


def term_call(term: tuple) -> str:
    """A term in call notation over the block names, e.g. ``eml(1, exp(eml(1, x)))``.

    >>> term_call(("eml", ("1",), ("exp", ("eml", ("1",), ("x",)))))
    'eml(1, exp(eml(1, x)))'
    """
    return fold(term, lambda t, kids: t[0] if len(t) == 1 else f"{t[0]}({', '.join(kids)})")


def term_rpn(term: tuple) -> str:
    """The term in RPN over the block names (``E`` for ``eml``), written out as a tree."""
    out: list[str] = []
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in reversed(t[1:]))
            continue
        out.append("E" if t[0] == "eml" else t[0])
    return " ".join(out)
