"""Test points of the bootstrap verifier, the high-precision check of a witness, and one search
round (the smallest K at which a missing primitive has a witness).

>>> from emlkit.search.grammar import Grammar, known_op
>>> g = Grammar([known_op("1"), known_op("plus")], ["x"])
>>> verify_term(("plus", ("1",), ("1",)), known_op("2"), g, 50)
True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .grammar import Grammar, Op, enumerate_grammar, evaluate_term_mp, known_op

__all__ = ["ENUM_POINTS", "VERIFY_POINTS", "search_round", "target_vector", "verify_term"]

# transcendental stand-ins for the variables (enumeration) and extra verification points
_GAMMA = 0.5772156649015329
_GLAISHER = 1.2824271291006226
_EXTRA_X = (0.9159655941772190, 0.6931471805599453, 1.2020569031595943, 2.3025850929940457)
_EXTRA_Y = (1.2020569031595943, 0.3183098861837907, 0.8652559794322651, 0.5772156649015329)
_CX = (-0.6168502750680849 + 0.4627408303378478j, 0.4515827052894549 - 1.1036383235143269j)
_CY = (0.8862269254527580 - 0.7341876082363298j, -1.3107287776965212 + 0.5872139151569291j)
#: Test points of the enumeration, per domain: (x values, y values, how many to start with).
ENUM_POINTS: dict[str, tuple[tuple, tuple, int]] = {
    "real": ((_GAMMA, *_EXTRA_X), (_GLAISHER, *_EXTRA_Y), 1),
    "complex": ((_GAMMA, *_CX, *_EXTRA_X), (_GLAISHER, *_CY, *_EXTRA_Y), 3),
}
#: Verification points, per domain (a real value is taken from the upper side).
VERIFY_POINTS: dict[str, list[tuple[complex, complex]]] = {
    "real": list(zip((_GAMMA, _GLAISHER, *_EXTRA_X), (_GLAISHER, _GAMMA, *_EXTRA_Y))),
}
VERIFY_POINTS["complex"] = VERIFY_POINTS["real"] + [
    *zip(_CX, _CY), (-1.2130603207181497, -0.3517525792303911),
    (1.9047154423063151 - 0.4219411371538862j, 0.2957170735138853 + 1.3861006417316052j),
    (-0.3711295465123851 - 2.1337127541287232j, -0.7723153382117645 - 0.2749127135151113j),
]


def mp_value(v: complex, eps: Any) -> Any:
    import mpmath as mp

    v = complex(v)
    return mp.mpc(v.real, eps if v.imag == 0 else v.imag)


def _mp_twin(target: Op) -> Callable[..., Any]:
    """The target's mpmath function (a bootstrap target needs one to be checked)."""
    if target.mp is None:
        raise ValueError(f"the bootstrap target {target.name!r} has no mpmath twin (Op.mp)")
    return target.mp


def mp_points(dps: int, domain: str) -> list[dict[str, Any]]:
    import mpmath as mp

    eps = mp.mpf(10) ** (-(3 * dps // 5))
    return [{"x": mp_value(a, eps), "y": mp_value(b, eps)} for a, b in VERIFY_POINTS[domain]]


def verify_term(term: tuple, target: Op, grammar: Grammar, dps: int, domain: str = "real") -> bool:
    """The witness equals the target at ``dps`` digits at every verification point."""
    import mpmath as mp

    with mp.workdps(dps):
        tol = mp.mpf(10) ** (-(dps * 3 // 5 - 2))
        for env in mp_points(dps, domain):
            args = [env["x"], env["y"]][: target.arity]
            t = _mp_twin(target)(*args)
            w = evaluate_term_mp(term, grammar, env)
            if t is None or w is None:
                return False
            t, w = mp.mpc(t), mp.mpc(w)
            if mp.isinf(t.real) or mp.isinf(w.real):
                return False
            if abs(w - t) > tol * (abs(t) + 1):
                return False
            if target.arity == 0:
                break
    return True


def target_vector(target: Op, xs: Sequence[complex], ys: Sequence[complex]) -> np.ndarray:
    import mpmath as mp

    out = []
    with mp.workdps(30):
        eps = mp.mpf(10) ** -25  # real inputs are taken from the upper side
        for a, b in zip(xs, ys):
            v = _mp_twin(target)(*[mp_value(a, eps), mp_value(b, eps)][: target.arity])
            out.append(complex(v) if v is not None else complex("nan"))
    return np.array(out, dtype=np.complex128)


def search_round(missing: list[str], blocks: list[Op], max_K: int, npoints: int,
                 remaining: float | None, memory: int, dps: int,
                 domain: str) -> tuple[list[tuple[str, tuple, Grammar]], dict[str, Any]]:
    """One search round: the smallest K at which some missing primitive has a witness.

    Returns ``(name, term, grammar)`` per primitive found at that K, and what the round saw.

    Constants, unary and binary targets are searched in separate enumerations (no variables,
    x, then x and y), cheapest first, each bounded by the best K found so far, so that a
    witness never holds a variable its target does not have (an identity such as
    ``exp(y) - ln(exp(exp(y) - ln x)) = ln x`` would otherwise stand in for ``ln x``).
    """
    info: dict[str, Any] = {"K": 0, "hits": False, "timed_out": False, "memory": False}
    xs, ys, _ = ENUM_POINTS[domain]
    pts = {"x": list(xs[:npoints]), "y": list(ys[:npoints])}
    t_end = None if remaining is None else time.perf_counter() + remaining
    best_K = max_K
    found: list[tuple[int, str, tuple, Grammar]] = []
    for arity, variables in ((0, []), (1, ["x"]), (2, ["x", "y"])):
        group = [n for n in missing if known_op(n).arity == arity]
        if not group:
            continue
        left = None if t_end is None else t_end - time.perf_counter()
        if left is not None and left <= 0:
            info["timed_out"] = True
            break
        tops = [known_op(n) for n in group]
        grammar = Grammar(blocks, variables)
        n = npoints if variables else 1  # a constant is one value
        vecs = np.array([target_vector(t, pts["x"][:n], pts["y"][:n]) for t in tops])
        en = enumerate_grammar(
            grammar, best_K, points={v: pts[v] for v in variables}, targets=vecs,
            stop_on_hit=True, time_limit=left, memory_limit_bytes=memory)
        info["K"] = max(info["K"], en.max_K)
        info["timed_out"] |= en.timed_out
        info["memory"] |= not en.complete and not en.hits and not en.timed_out
        verified = []
        for ti, gid in en.hits:
            info["hits"] = True
            term = en.term(gid)
            if verify_term(term, tops[ti], grammar, dps, domain):
                verified.append((en.size_of(gid), group[ti], term, grammar))
        if verified:
            k = min(v[0] for v in verified)
            if k < best_K:
                found = [f for f in found if f[0] <= k]
            best_K = k
            found += [v for v in verified if v[0] == k]
    if info["timed_out"]:
        return [], info  # a cut round may have missed a smaller witness: keep nothing from it
    out, seen = [], set()
    for _, name, term, grammar in found:
        if name not in seen:
            seen.add(name)
            out.append((name, term, grammar))
    return out, info
