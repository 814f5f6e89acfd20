"""Random EML targets of exact depth (the paper's recovery protocol) and their sample points.

Two target distributions are offered:

``"master"`` (the default)
    A random *snap* of the paper's master formula: a full binary EML tree of depth ``d`` in
    which every input of every node is chosen uniformly among ``{1, each variable, the child's
    result}`` (the inputs of the bottom nodes among ``{1, each variable}``), kept only when the
    resulting tree has depth exactly ``d``. This is the space the paper's trainer searches
    (any tree of depth at most ``d`` is a snap of it), and at depth 2 it contains exactly the
    32 trees of depth 2 over ``{1, x}`` that the paper's "32/32" counts.
``"uniform"``
    Uniform over *all* trees of exact depth ``d`` (every tree equally likely). Such trees are
    nearly full binary trees (K close to ``2**(d+1) - 1``): a much harder set at depth 6.

Rejection rule (both distributions): a target is rejected and redrawn when, at the sample
points, the search arithmetic (complex128, :func:`emlkit.search.enumerate.eml_arrays`) makes
any intermediate value of the tree non-finite or undefined (overflow, ``ln 0``), when that
float64 evaluation differs from the exact value (mpmath, 30 digits) by more than ``1e-9``
relative at some point (ill-conditioned trees, e.g. ``exp(x) - ln(exp(exp(x) - ...))``, whose
float64 values are mostly rounding error: no float64 method can match them), or when the
target does not depend on ``x`` numerically (``max |y - y[0]| <= 1e-9 * max(1, |y[0]|)``,
e.g. constants and forms like ``eml(1, eml(x, 1)) - ...`` that cancel). Duplicate trees are not
repeated within one :func:`paper_targets` set.

Sample points: real ``x`` uniform in ``[0.5, 3]`` (the paper's range is not stated; this one
keeps ``exp(exp(x))`` finite, stays off ``x <= 0`` where ``ln`` jumps, and is wide enough that
different functions differ clearly), as ``x + 0j``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..expr import ONE, Eml, Expr, Var

__all__ = [
    "X_RANGE",
    "exact_values",
    "paper_targets",
    "random_target",
    "sample_points",
    "target_values",
]

#: Range of the real sample points.
X_RANGE = (0.5, 3.0)
#: Default seed of :func:`paper_targets` (the arXiv number of the paper).
PAPER_SEED = 260321852


def sample_points(
    n: int,
    rng: np.random.Generator,
    variables: Sequence[str] = ("x",),
    low: float = X_RANGE[0],
    high: float = X_RANGE[1],
) -> dict[str, np.ndarray]:
    """``n`` real sample points per variable, uniform in ``[low, high]`` (sorted for one variable).

    >>> pts = sample_points(5, np.random.default_rng(0))
    >>> pts["x"].shape, bool(((pts["x"] >= 0.5) & (pts["x"] <= 3)).all())
    ((5,), True)
    """
    if n < 1:
        raise ValueError(f"need at least one sample point, got n={n}")
    out = {v: rng.uniform(low, high, n) for v in variables}
    if len(out) == 1:
        (v,) = out
        out[v] = np.sort(out[v])
    return out


def target_values(expr: Expr, points: dict[str, np.ndarray]) -> np.ndarray | None:
    """Values of ``expr`` at ``points`` in the search arithmetic; ``None`` if any intermediate
    is non-finite or undefined there.

    >>> x = np.array([1.0, 2.0])
    >>> target_values(Eml(Var("x"), ONE), {"x": x}).real.round(6).tolist()
    [2.718282, 7.389056]
    >>> zero = Eml(ONE, Eml(Eml(ONE, ONE), ONE))                  # e - ln(e^e) = 0
    >>> target_values(Eml(ONE, zero), {"x": x}) is None       # e - ln 0
    True
    """
    from ..search.arithmetic import search_values

    for name in sorted(expr.free_vars):
        if name not in points:
            raise ValueError(f"no sample points for variable {name!r}")
    env = {k: np.asarray(v, dtype=np.complex128) + 0j for k, v in points.items()}
    n = len(next(iter(env.values()))) if env else 1
    try:
        return search_values(expr, env, n, hook=_stop_at_non_finite)
    except _NonFinite:
        return None


class _NonFinite(Exception):
    """An intermediate of a target is not finite at a sample point."""


def _stop_at_non_finite(node: Expr, value: Any, a: Any, b: Any) -> None:
    if isinstance(node, Eml) and not np.isfinite(value).all():
        raise _NonFinite


def _acceptable(expr: Expr, points: dict[str, np.ndarray]) -> bool:
    y = target_values(expr, points)
    if y is None or not np.max(np.abs(y - y[0])) > 1e-9 * max(1.0, abs(y[0])):
        return False
    yt = exact_values(expr, points)
    return yt is not None and bool(np.all(np.abs(y - yt) <= 1e-9 * np.maximum(np.abs(yt), 1.0)))


def exact_values(expr: Expr, points: dict[str, np.ndarray], dps: int = 30) -> np.ndarray | None:
    """Values of ``expr`` at ``points`` computed with mpmath at ``dps`` digits, rounded to
    complex128 (the noise-free data of a target); ``None`` if undefined somewhere.

    >>> exact_values(Eml(Var("x"), ONE), {"x": np.array([0.0])}).tolist()
    [(1+0j)]
    """
    from ..search.verify import evaluate_mp

    names = list(points)
    n = len(points[names[0]]) if names else 1
    out = np.empty(n, dtype=np.complex128)
    for i in range(n):
        v = evaluate_mp(expr, {k: complex(points[k][i]) for k in names}, dps=dps)
        if v is None or not (np.isfinite(complex(v))):
            return None
        out[i] = complex(v)
    return out


def _snap_tree(depth: int, rng: np.random.Generator, leaves: list[Expr]) -> Expr:
    """One random snap of the master formula of the given depth (depth is small: recursion ok)."""
    choices = len(leaves) + (1 if depth > 1 else 0)
    kids = []
    for _ in range(2):
        c = int(rng.integers(choices))
        kids.append(leaves[c] if c < len(leaves) else _snap_tree(depth - 1, rng, leaves))
    return Eml(kids[0], kids[1])


def _counts(depth: int, n_leaves: int) -> list[int]:
    """Number of trees of depth <= k over ``n_leaves`` leaves, k = 0..depth (exact ints)."""
    c = [n_leaves]
    for _ in range(depth):
        c.append(n_leaves + c[-1] ** 2)
    return c


def _uniform_tree(depth: int, rng: np.random.Generator, leaves: list[Expr], le: bool) -> Expr:
    """Uniform tree of depth exactly ``depth`` (or at most ``depth`` when ``le``)."""
    N = _counts(depth, len(leaves))
    if le:  # choose the exact depth with weight = number of trees of that exact depth
        exact = [N[0]] + [N[k] - N[k - 1] for k in range(1, depth + 1)]
        u = rng.random() * N[depth]
        k = 0
        while k < depth and u >= exact[k]:
            u -= exact[k]
            k += 1
        depth = k
    if depth == 0:
        return leaves[int(rng.integers(len(leaves)))]
    e1 = N[depth - 1] - (N[depth - 2] if depth >= 2 else 0)  # exact depth - 1
    lo = N[depth - 2] if depth >= 2 else 0  # depth <= d - 2
    weights = np.array([e1 * e1, e1 * lo, lo * e1], dtype=float)
    case = int(rng.choice(3, p=weights / weights.sum()))
    a = _uniform_tree(depth - 1, rng, leaves, False) if case < 2 else None
    b = _uniform_tree(depth - 1, rng, leaves, False) if case != 1 else None
    if a is None:
        a = _uniform_tree(depth - 2, rng, leaves, True)
    if b is None:
        b = _uniform_tree(depth - 2, rng, leaves, True)
    return Eml(a, b)


def random_target(
    depth: int,
    rng: np.random.Generator,
    variables: Sequence[str] = ("x",),
    *,
    distribution: str = "master",
    points: dict[str, np.ndarray] | None = None,
    max_tries: int = 100_000,
) -> Expr:
    """A random EML tree of depth exactly ``depth`` over ``{1, variables}`` (see module doc).

    ``points`` are the sample points of the rejection rule (default: 16 fixed points from
    :func:`sample_points` with seed 0).

    >>> t = random_target(4, np.random.default_rng(1))
    >>> t.depth, t.free_vars
    (4, frozenset({'x'}))
    """
    if not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be an integer >= 1, got {depth!r}")
    if distribution not in ("master", "uniform"):
        raise ValueError(f"unknown distribution {distribution!r} (use 'master' or 'uniform')")
    variables = tuple(variables)
    leaves: list[Expr] = [ONE] + [Var(v) for v in variables]
    if points is None:
        points = sample_points(16, np.random.default_rng(0), variables)
    for _ in range(max_tries):
        if distribution == "master":
            t = _snap_tree(depth, rng, leaves)
            if t.depth != depth:
                continue
        else:
            t = _uniform_tree(depth, rng, leaves, False)
        if any(v not in t.free_vars for v in variables[:1]):
            continue
        if _acceptable(t, points):
            return t
    raise RuntimeError(f"no acceptable target of depth {depth} in {max_tries} draws")


def all_trees(depth: int, variables: Sequence[str] = ("x",)) -> list[Expr]:
    """Every tree of depth exactly ``depth`` (small depths only).

    >>> len(all_trees(2))
    32
    """
    leaves: list[Expr] = [ONE] + [Var(v) for v in variables]
    levels = [list(leaves)]
    for _ in range(depth):
        allp = [t for lv in levels for t in lv]
        last = levels[-1]
        new: list[Expr] = [Eml(a, b) for a, b in itertools.product(allp, allp)
                           if a in last or b in last]
        levels.append(new)
    return levels[depth]


def paper_targets(
    depth: int,
    n: int = 64,
    seed: int = PAPER_SEED,
    *,
    distribution: str = "master",
    points: dict[str, np.ndarray] | None = None,
) -> list[Expr]:
    """``n`` distinct acceptable random targets of exact depth ``depth`` over ``{1, x}``.

    Seeded with ``seed + depth`` so each depth's set is reproducible on its own. At depth 2
    the whole set of acceptable depth-2 trees is returned (there are only 32 trees, as in the
    paper, before rejection).

    >>> ts = paper_targets(3, n=4)
    >>> [t.depth for t in ts], len(set(ts))
    ([3, 3, 3, 3], 4)
    """
    if points is None:
        points = sample_points(16, np.random.default_rng(0))
    if depth <= 2:
        return [t for t in all_trees(depth) if "x" in t.free_vars and _acceptable(t, points)][:n]
    rng = np.random.default_rng(seed + depth)
    out: list[Expr] = []
    seen: set[Expr] = set()
    tries = 0
    while len(out) < n and tries < 100 * n:
        tries += 1
        t = random_target(depth, rng, distribution=distribution, points=points)
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out
