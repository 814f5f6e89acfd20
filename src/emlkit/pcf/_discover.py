"""One shard of a PCF search: float sieve, Möbius lookup, exact check, canonical form.

A shard is an index range of a box; :func:`run_shard` takes and returns plain JSON-ready
data only, so it runs unchanged in this process, a process pool or a Ray task.

>>> box = {"deg_a": 1, "deg_b": 2, "coefficients": [0, 2], "b_coefficients": None}
>>> out = run_shard(box, 0, 208, {"constants": ["pi"]})
>>> [(r["a"], r["b"], r["formula"]) for r in out["records"] if r["kind"] == "identified"][:1]
[([1, 2], [0, 0, 1], '4/pi')]
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .canonical import canonical
from .sieve import CONVERGED, FEATURES, CoefficientBox, sieve

__all__ = ["DEFAULT_CONSTANTS", "ShardParams", "run_shard"]

DEFAULT_CONSTANTS = (
    "pi", "pi**2", "E", "log(2)", "zeta(3)", "Catalan", "cot(1)", "coth(1)",
    "besseli(1, 2)/besseli(0, 2)", "sqrt(2)", "sqrt(3)", "sqrt(5)",
)


@dataclass(frozen=True)
class ShardParams:
    """Settings of a search, shared by every shard (all JSON-ready).

    >>> ShardParams().depth
    256
    """

    constants: tuple[str, ...] = DEFAULT_CONSTANTS
    depth: int = 256            # float sieve depth
    min_digits: float = 10.0    # float digits needed before a lookup
    bound: int = 8              # Möbius coefficients |α|, |β|, |γ|, |δ| ≤ bound
    scaled: int = 60            # and r·c, r/c with r = u/v, |u| ≤ scaled, v ≤ 12
    verify_digits: int = 30     # exact check: digits that must agree
    max_depth: int = 4096       # deepest exact convergent in the check
    rationals: bool = True      # look for small rational limits too
    max_denominator: int = 10000

    @staticmethod
    def from_dict(d: dict) -> ShardParams:
        """From a dictionary (unknown keys raise TypeError naming them).

        >>> ShardParams.from_dict({"constants": ["pi"]}).constants
        ('pi',)
        """
        known = set(ShardParams.__dataclass_fields__)
        bad = sorted(set(d) - known)
        if bad:
            raise TypeError(f"unknown search setting(s): {', '.join(bad)}")
        d = dict(d)
        if "constants" in d:
            d["constants"] = tuple(d["constants"])
        return ShardParams(**d)

    def as_dict(self) -> dict:
        """Plain dictionary (constants as a list)."""
        d = asdict(self)
        d["constants"] = list(self.constants)
        return d


def _decimal(x: Any, digits: int) -> str:
    import mpmath

    return mpmath.nstr(x, max(1, digits), strip_zeros=False)


def _features(row: np.ndarray) -> dict:
    return {k: (None if not np.isfinite(v) else round(float(v), 6)) for k, v in zip(FEATURES, row)}


def _record(box: CoefficientBox, i: int, kind: str, formula: str, constant: str | None,
            mobius: list[int] | None, value: str, digits: int | None, proof: str,
            feats: np.ndarray, blind_delta: float | None, depth: int) -> dict:
    a, b = box.pcf_at(i)
    c = canonical(a, b)
    return {
        "index": int(i), "a": list(a), "b": list(b), "kind": kind, "formula": formula,
        "constant": constant, "mobius": mobius, "value": value, "digits": digits,
        "proof": proof, "canonical_a": list(c.a), "canonical_b": list(c.b),
        "blind_delta": None if blind_delta is None else round(blind_delta, 6),
        "depth": depth, "features": _features(feats),
    }


def _check_mobius(box: CoefficientBox, i: int, hits: list, p: ShardParams, feats: np.ndarray,
                  ) -> dict | None:
    import mpmath

    from ._evaluate import exact_limit

    a, b = box.pcf_at(i)
    ex = exact_limit(a, b, digits=p.verify_digits, start=32, max_depth=p.max_depth)
    if ex.value is None or ex.digits < p.verify_digits:
        return None
    with mpmath.workdps(p.verify_digits + 10):
        for h in hits[:8]:
            target = h.value(p.verify_digits + 10)
            diff = abs(ex.value - target)
            ok = diff == 0 or diff <= abs(target) * mpmath.mpf(10) ** (-p.verify_digits)
            if ok:
                kind = "algebraic" if h.const.algebraic else "identified"
                digits = min(ex.digits, p.verify_digits + 10)
                return _record(box, i, kind, str(h.formula), h.const.name, list(h.coeffs),
                               _decimal(ex.value, digits), digits, "checked", feats,
                               ex.blind_delta, ex.depth)
    return None


def _check_rational(box: CoefficientBox, i: int, x: float, digits: float, p: ShardParams,
                    feats: np.ndarray) -> dict | None:
    import mpmath

    from ._evaluate import exact_limit

    f = Fraction(float(x)).limit_denominator(p.max_denominator)
    if abs(float(f) - x) > 10.0 ** (1 - digits) * max(abs(x), 1e-300):
        return None
    a, b = box.pcf_at(i)
    ex = exact_limit(a, b, digits=p.verify_digits, start=32, max_depth=p.max_depth)
    if ex.value is None or ex.digits < p.verify_digits:
        return None
    with mpmath.workdps(p.verify_digits + 10):
        target = mpmath.mpf(f.numerator) / f.denominator
        if abs(ex.value - target) > abs(target) * mpmath.mpf(10) ** (-p.verify_digits) \
                and ex.value != target:
            return None
    text = str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
    return _record(box, i, "rational", text, None, None, text, ex.digits, "checked", feats,
                   ex.blind_delta, ex.depth)


def _check_quadratic(box: CoefficientBox, i: int, x: float, p: ShardParams,
                     feats: np.ndarray) -> dict | None:
    """PCF(a, b) with constant a, b: the limit solves x² = a·x + b (a quadratic irrational)."""
    import math

    import mpmath
    import sympy

    from ._evaluate import exact_limit

    a, b = box.pcf_at(i)
    if any(a[1:]) or any(b[1:]):
        return None
    a0, b0 = a[0], b[0]
    disc = a0 * a0 + 4 * b0
    if disc <= 0 or math.isqrt(disc) ** 2 == disc:
        return None  # complex roots, or a rational limit (found as such)
    roots = [(sympy.Integer(a0) + s * sympy.sqrt(disc)) / 2 for s in (1, -1)]
    root = min(roots, key=lambda r: abs(float(r) - x))
    ex = exact_limit(a, b, digits=p.verify_digits, start=32, max_depth=p.max_depth)
    if ex.value is None or ex.digits < p.verify_digits:
        return None
    with mpmath.workdps(p.verify_digits + 10):
        t = mpmath.mpf(str(root.evalf(p.verify_digits + 15)))
        if abs(ex.value - t) > abs(t) * mpmath.mpf(10) ** (-p.verify_digits):
            return None
    _, rad = sympy.sqrt(disc).as_coeff_Mul()
    digits = min(ex.digits, p.verify_digits + 10)
    return _record(box, i, "algebraic", str(root), str(rad), None, _decimal(ex.value, digits),
                   digits, "checked", feats, ex.blind_delta, ex.depth)


def run_shard(box: dict, start: int, stop: int, params: dict) -> dict:
    """Search PCFs ``start .. stop-1`` of a box (given as :meth:`CoefficientBox.as_dict`).

    Returns a dictionary: ``start``, ``stop``, ``counts`` (sieve statuses), ``candidates``
    (converged to the lookup precision), ``records`` (one per formula found, JSON-ready:
    PCF, kind ``identified``/``algebraic``/``rational``, SymPy-readable formula, value as
    decimal text to its checked digits, canonical form, features) and ``seconds``.

    Terminating PCFs (b(n0) = 0 for some n0 ≥ 1) have proven rational limits; they are
    only counted.
    """
    t0 = time.perf_counter()
    bx = CoefficientBox(**box)
    p = ShardParams.from_dict(params)
    s = sieve(bx, start, stop, depth=p.depth)
    counts = s.counts()
    want = (s.status == CONVERGED) & (s.digits >= p.min_digits)
    cand = s.select(want)
    records: list[dict] = []
    if len(cand):
        from ._mobius import mobius_table

        table = mobius_table(p.constants, p.bound, p.scaled)
        rtol = 10.0 ** (1.0 - np.minimum(cand.digits, 12.0))
        hits = table.lookup(cand.value, rtol)
        for k in range(len(cand)):
            i = int(cand.index[k])
            rec = None
            if hits[k]:
                rec = _check_mobius(bx, i, hits[k], p, cand.features[k])
            else:
                rec = _check_quadratic(bx, i, float(cand.value[k]), p, cand.features[k])
                if rec is None and p.rationals:
                    rec = _check_rational(bx, i, float(cand.value[k]), float(cand.digits[k]),
                                          p, cand.features[k])
            if rec is not None:
                records.append(rec)
    return {"start": int(start), "stop": int(stop), "counts": counts,
            "candidates": len(cand), "terminating": int(counts["terminating"]),
            "records": records, "seconds": round(time.perf_counter() - t0, 3)}
