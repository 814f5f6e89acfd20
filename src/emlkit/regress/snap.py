"""Snapping trained EML trees to exact expressions, and repairing them by local search.

A *full tree layout* of depth ``d`` over ``V`` variables has ``2**(d-1)`` eml nodes at the
bottom level, half as many at each level above, one at the top. Every node has two inputs
(left, right); each input is a *mix* choosing among ``[1, var_1, ..., var_V]`` at the bottom
level and ``[1, var_1, ..., var_V, child]`` above (the child of input ``s`` of node ``j`` is
node ``2j + s`` of the level below). A hard tree is a vector of integer *choices*, one per mix,
ordered level by level from the bottom, node by node, left input before right.

:func:`decode` turns choices into an :class:`~emlkit.expr.Expr` (iteratively, unused
subtrees dropped); :func:`encode` does the reverse for any tree of depth <= ``d``;
:func:`hard_values` evaluates a batch of choice vectors at once (NumPy, complex128, the
guarded search arithmetic); :func:`repair` tries every change of one choice and of two
choices among the most promising, and optionally replaces a child of the root by a lookup in
a table of small trees (``y = exp(A) - ln(B)`` gives ``B = exp(exp(A) - y)``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..expr import ONE, Eml, Expr, Var

__all__ = ["Layout", "decode", "encode", "hard_loss", "hard_values", "repair"]


class Layout:
    """Index bookkeeping of a full EML tree of depth ``depth`` over ``variables``.

    >>> lay = Layout(2, ("x",))
    >>> lay.sizes, lay.n_mix, lay.options.tolist()
    ([2, 1], 6, [2, 2, 2, 2, 3, 3])
    """

    def __init__(self, depth: int, variables: Sequence[str] = ("x",)) -> None:
        if not isinstance(depth, (int, np.integer)) or depth < 1:
            raise ValueError(f"depth must be an integer >= 1, got {depth!r}")
        self.depth = int(depth)
        self.variables = tuple(variables)
        V = len(self.variables)
        self.sizes = [2 ** (self.depth - 1 - lev) for lev in range(self.depth)]
        self.n_choices = [1 + V if lev == 0 else 2 + V for lev in range(self.depth)]
        self.offsets = np.cumsum([0] + [2 * n for n in self.sizes]).tolist()
        self.n_mix = self.offsets[-1]
        self.options = np.concatenate(
            [np.full(2 * n, c, dtype=np.int64) for n, c in zip(self.sizes, self.n_choices)])
        self.leaves: list[Expr] = [ONE] + [Var(v) for v in self.variables]


def decode(layout: Layout, choices: Any) -> Expr:
    """The exact tree selected by one choice vector (level by level, no recursion).

    >>> lay = Layout(2, ("x",))
    >>> str(decode(lay, [1, 0, 0, 0, 2, 0]))        # eml(eml(x, 1), 1) = exp(exp(x))
    'eml(eml(x, 1), 1)'
    """
    ch = np.asarray(choices, dtype=np.int64).ravel()
    if ch.shape[0] != layout.n_mix:
        raise ValueError(f"need {layout.n_mix} choices for depth {layout.depth}, got {ch.shape[0]}")
    if np.any(ch < 0) or np.any(ch >= layout.options):
        bad = int(np.argmax((ch < 0) | (ch >= layout.options)))
        raise ValueError(f"choice {int(ch[bad])} at position {bad} is out of range")
    prev: list[Expr] = []
    nleaf = len(layout.leaves)
    for lev, n in enumerate(layout.sizes):
        cur: list[Expr] = []
        base = layout.offsets[lev]
        for j in range(n):
            ins = []
            for s in (0, 1):
                c = int(ch[base + 2 * j + s])
                ins.append(layout.leaves[c] if c < nleaf else prev[2 * j + s])
            cur.append(Eml(ins[0], ins[1]))
        prev = cur
    return prev[0]


def encode(layout: Layout, expr: Expr) -> np.ndarray:
    """Choice vector whose :func:`decode` is ``expr`` (unused mixes choose ``1``).

    >>> import emlkit as ek
    >>> lay = Layout(3, ("x",))
    >>> e = ek.parse("eml(1, eml(eml(1, x), 1))")
    >>> decode(lay, encode(lay, e)) is e
    True
    """
    if not isinstance(expr, Eml):
        msg = f"a full-tree layout needs an eml node at the root, got {expr}"
        raise ValueError(msg)  # noqa: TRY004 - the type is right (an Expr), its value a leaf
    if expr.depth > layout.depth:
        raise ValueError(
            f"tree of depth {expr.depth} does not fit a layout of depth {layout.depth}")
    ch = np.zeros(layout.n_mix, dtype=np.int64)
    child = len(layout.leaves)
    # (level, index, node): place node at level `level`, position `index`
    stack = [(layout.depth - 1, 0, expr)]
    while stack:
        lev, j, node = stack.pop()
        for s, arg in enumerate(node.args):
            pos = layout.offsets[lev] + 2 * j + s
            if isinstance(arg, Eml):
                ch[pos] = child
                stack.append((lev - 1, 2 * j + s, arg))
            elif arg is ONE:
                ch[pos] = 0
            elif isinstance(arg, Var):  # the only other leaf (One is a singleton)
                if arg.name not in layout.variables:
                    raise ValueError(f"variable {arg.name!r} is not one of {layout.variables}")
                ch[pos] = 1 + layout.variables.index(arg.name)
            else:
                raise TypeError(f"not an EML tree node: {arg!r}")
    return ch


def _eml_np(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from ..search.arithmetic import eml_arrays, exp_guarded, log_guarded

    return eml_arrays(exp_guarded(a), log_guarded(b))


def hard_values(layout: Layout, choices: np.ndarray, points: dict[str, np.ndarray]) -> np.ndarray:
    """Values of a batch of hard trees, shape ``(B, P)`` (NaN where undefined).

    >>> lay = Layout(1, ("x",))
    >>> x = np.array([0.5, 2.0])
    >>> np.allclose(hard_values(lay, np.array([[1, 0]]), {"x": x})[0], np.exp(x))
    True
    """
    ch = np.atleast_2d(np.asarray(choices, dtype=np.int64))
    B = ch.shape[0]
    cols = [np.asarray(points[v], dtype=np.complex128) for v in layout.variables]
    P = cols[0].shape[0]
    base = np.stack([np.ones(P, np.complex128)] + cols)  # (1+V, P)
    nleaf = base.shape[0]
    prev = None
    for lev, n in enumerate(layout.sizes):
        o = layout.offsets[lev]
        c = ch[:, o:o + 2 * n].reshape(B, n, 2)
        leaf = base[np.minimum(c, nleaf - 1)]  # (B, n, 2, P)
        if prev is not None:
            kids = prev.reshape(B, n, 2, P)
            inp = np.where((c == nleaf)[..., None], kids, leaf)
        else:
            inp = leaf
        prev = _eml_np(inp[:, :, 0], inp[:, :, 1])  # (B, n, P)
    assert prev is not None  # a layout has at least one level (depth >= 1)
    return prev[:, 0]


def hard_loss(layout: Layout, choices: np.ndarray, points: dict[str, np.ndarray],
              y: np.ndarray) -> np.ndarray:
    """Maximum relative error of each hard tree over the points (``inf`` where undefined).

    >>> lay = Layout(1, ("x",))
    >>> x = np.array([0.5, 2.0])
    >>> bool(hard_loss(lay, np.array([[1, 0], [0, 1]]), {"x": x}, np.exp(x))[0] < 1e-15)
    True
    """
    v = hard_values(layout, choices, points)
    y = np.asarray(y, dtype=np.complex128)
    with np.errstate(all="ignore"):
        err = np.max(np.abs(v - y) / np.maximum(np.abs(y), 1.0), axis=1)
    return np.where(np.isfinite(err), err, np.inf)


def _single_changes(layout: Layout, ch: np.ndarray) -> np.ndarray:
    rows = []
    for pos in range(layout.n_mix):
        for c in range(int(layout.options[pos])):
            if c != ch[pos]:
                r = ch.copy()
                r[pos] = c
                rows.append(r)
    return np.array(rows, dtype=np.int64).reshape(-1, layout.n_mix)


def repair(
    layout: Layout,
    choices: Any,
    points: dict[str, np.ndarray],
    y: Any,
    *,
    pairs: int = 24,
    rounds: int = 3,
    table: Any = None,
    tol: float = 1e-9,
    deadline: float | None = None,
) -> tuple[np.ndarray, float, Expr | None]:
    """Improve a snapped tree by changing one or two choices (and by table lookup).

    Every single change is evaluated at once; then every pair among the ``pairs`` best single
    changes. The best variant is kept and the search repeated (at most ``rounds`` times) while
    it improves. With ``table`` (an :class:`emlkit.regress.tables.Table` built at ``points``),
    the root ``eml(A, B)`` also tries ``B`` from the table with ``A`` kept
    (``B = exp(exp(A) - y)``) — the result may then not fit the layout and is returned as the
    third item. With a ``deadline`` (a ``time.perf_counter()`` value) no new round, pair stage
    or table lookup starts after it.

    Returns ``(choices, max_rel_error, expr_or_None)``.

    >>> import emlkit as ek
    >>> lay = Layout(3, ("x",))
    >>> good = encode(lay, ek.parse("eml(1, eml(eml(1, x), 1))"))
    >>> bad = good.copy(); bad[-1] = 1                       # corrupt one choice
    >>> x = np.linspace(0.5, 3, 9)
    >>> ch, err, _ = repair(lay, bad, {"x": x}, np.log(x))
    >>> err < 1e-12 and decode(lay, ch) is decode(lay, good)
    True
    """
    y = np.asarray(y, dtype=np.complex128)
    best = np.asarray(choices, dtype=np.int64).ravel().copy()
    best_err = float(hard_loss(layout, best[None], points, y)[0])
    def late() -> bool:
        return deadline is not None and time.perf_counter() > deadline

    for _ in range(rounds):
        if best_err <= tol or late():
            break
        singles = _single_changes(layout, best)
        if len(singles) == 0:
            break
        errs = hard_loss(layout, singles, points, y)
        cand, cerr = singles, errs
        k = min(pairs, len(singles))
        if k >= 2 and errs.min() > tol and not late():
            top = np.argsort(errs, kind="stable")[:k]
            diff = [np.flatnonzero(singles[i] != best)[0] for i in top]
            dbl = []
            for a in range(k):
                for b in range(a + 1, k):
                    if diff[a] != diff[b]:
                        r = singles[top[a]].copy()
                        r[diff[b]] = singles[top[b]][diff[b]]
                        dbl.append(r)
            if dbl:
                doubles = np.array(dbl)
                cand = np.concatenate([singles, doubles])
                cerr = np.concatenate([errs, hard_loss(layout, doubles, points, y)])
        i = int(np.argmin(cerr))
        if not cerr[i] < best_err:
            break
        best, best_err = cand[i].copy(), float(cerr[i])
    expr = None
    if table is not None and best_err > tol and not late():
        expr, terr = _table_root(layout, best, points, y, table)
        if expr is not None and terr < best_err:
            best_err = terr
        else:
            expr = None
    return best, best_err, expr


def _table_root(layout: Layout, ch: np.ndarray, points: dict[str, np.ndarray], y: np.ndarray,
                table: Any) -> tuple[Expr | None, float]:
    """Keep the root's left child ``A``; look up ``B = exp(exp(A) - y)`` in ``table``."""
    from ..search.arithmetic import exp_guarded
    from .targets import target_values

    root = decode(layout, ch)
    A = root.args[0]
    va = target_values(A, points)
    if va is None:
        return None, np.inf
    with np.errstate(all="ignore"):
        ea = exp_guarded(va)
        need = exp_guarded(ea - y)
    if not np.all(np.isfinite(need)):
        return None, np.inf
    # rounding of exp(A) - y is amplified by exp: propagate it into the lookup tolerance
    tol = np.maximum(np.abs(need), 1.0) * (1e-9 + 1e-13 * (np.abs(ea) + np.abs(y)))
    _, rows = table.lookup(need[None, :], tol[None, :])
    best, best_err = None, np.inf
    for r in rows[:16]:
        e = Eml(A, table.expr(int(r)))
        v = target_values(e, points)
        if v is None:
            continue
        with np.errstate(all="ignore"):
            err = float(np.max(np.abs(v - y) / np.maximum(np.abs(y), 1.0)))
        if err < best_err:
            best, best_err = e, err
    return best, best_err
