"""Checks behind :func:`emlkit.search.recognizer.recognize` (private helpers).

Float re-evaluation with the search's arithmetic, mpmath at ``dps`` digits against a target or
samples, arb enclosures that prove the digits, and a check that the readable (decompiled) form
means the same number.

>>> from emlkit import eml
>>> from emlkit.search.targets import parse_number
>>> c = check_constant(eml(1, 1), parse_number("2.71828182845904523536"), 50)
>>> c.ok, c.digits
(True, 21)
>>> arb_digits(eml(1, 1), None, c.values, 50)
(True, 50, '')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..expr import Expr
from .arithmetic import search_values
from .samples import Samples
from .targets import Target

__all__ = [
    "SAMPLE_DIGITS",
    "Check",
    "agreement",
    "arb_digits",
    "check_constant",
    "check_samples",
    "check_value",
    "float_eval",
    "mp_env",
    "mp_target",
    "readable_checked",
    "same_values",
]

#: A float64 sample holds no more significant digits than this.
SAMPLE_DIGITS = 17

def float_eval(expr: Expr, env: dict[str, np.ndarray], P: int) -> np.ndarray:
    """Values with the search's float arithmetic (exact zeros and reals snapped)."""
    return search_values(expr, env, P)


def agreement(diff: Any, ref: Any) -> int:
    """Significant digits of ``ref`` that a value within ``diff`` of it reproduces."""
    import mpmath

    if diff == 0:
        return 10**6
    e = int(mpmath.floor(mpmath.log10(abs(ref)))) if ref != 0 else 0
    return int(mpmath.floor(e + 1 - mpmath.log10(diff)))

def readable(expr: Expr) -> str:
    try:
        from ..decompiler import decompile

        return str(decompile(expr))
    except Exception:  # noqa: BLE001 - the EML form is the answer; a failed reading must not lose it
        return str(expr)




@dataclass
class Check:
    ok: bool
    error: float = math.inf
    digits: int = 0
    values: list = field(default_factory=list)  # mpmath values at the checked points


def mp_target(t: Target) -> Any:
    import mpmath

    return mpmath.mpc(mpmath.mpf(t.re.numerator) / t.re.denominator,
                      mpmath.mpf(t.im.numerator) / t.im.denominator)


def check_value(v: Any, t: Target, dps: int) -> Check:
    """Does the mpmath value ``v`` fall in the target's interval (plus one unit at ``dps``)?

    The interval is the one the target stands for (half a unit of its last digit either side
    for a rounded decimal); a real target is matched only by a value that reproduces all its
    significant digits. ``digits`` never exceeds the digits the target has.
    """
    import mpmath

    if v is None or mpmath.isinf(v.real) or mpmath.isinf(v.imag):
        return Check(False)
    with mpmath.workdps(dps + 15):
        tc = mp_target(t)
        # one unit at dps digits *relative to the target*: a tiny target is not matched by 0
        scale = abs(tc) if tc != 0 else 1
        slack = mpmath.mpf(10) ** (1 - dps) * scale
        ok = (abs(v.real - tc.real) <= t.tol_re + slack
              and abs(v.imag - tc.imag) <= t.tol_im + slack)
        diff = abs(v - tc)
        err = float(diff / abs(tc)) if tc != 0 else float(diff)
        digits = min(dps, agreement(diff, abs(tc)), t.digits or dps)
        if ok and t.digits and t.im == 0 and t.tol_im == 0:
            ok = agreement(diff, abs(tc)) >= t.digits  # fewer digits than given: no match
    return Check(bool(ok), err, digits, [v])


def check_constant(expr: Expr, t: Target, dps: int) -> Check:
    from .verify import evaluate_mp

    return check_value(evaluate_mp(expr, dps=dps + 15), t, dps)


def mp_env(s: Samples, i: int) -> dict[str, Any]:
    import mpmath

    return {v: mpmath.mpc(complex(s.X[i, j])) for j, v in enumerate(s.variables)}


def check_samples(values_at: Any, s: Samples, idx: np.ndarray, rtol: float, dps: int) -> Check:
    """Compare mpmath values (``values_at(i)`` for row ``i``) with the samples."""
    import mpmath

    vals, worst, digits = [], 0.0, SAMPLE_DIGITS
    with mpmath.workdps(dps + 15):
        for i in idx:
            v = values_at(int(i))
            if v is None or mpmath.isinf(v.real) or mpmath.isinf(v.imag):
                return Check(False)
            y = mpmath.mpc(complex(s.y[i]))
            diff = abs(v - y)
            if diff > rtol * (abs(y) + 1):
                return Check(False)
            worst = max(worst, float(diff / abs(y)) if y != 0 else float(diff))
            digits = min(digits, agreement(diff, abs(y)))
            vals.append(v)
    return Check(True, worst, digits, vals)


def arb_digits(
    expr: Expr, points: list[dict] | None, refs: list, dps: int
) -> tuple[bool, int, str]:
    """Certify ``expr`` with arb at each point; digits proven against the reference values."""
    try:
        from ..backends.arb import certify, distance_bound
    except ImportError:  # python-flint is an optional extra
        return False, 0, "arb not installed (pip install emlkit[arb])"
    import mpmath

    certs = certify(expr, points, dps=dps)
    digits = 10**6
    for c, ref in zip(certs, refs):
        if not c.certified:
            where = f" at node K={c.node.K}" if c.node is not None else ""
            return False, 0, f"arb: {c.reason}{where}"
        diff = distance_bound(c.value, ref, dps)
        with mpmath.workdps(dps + 15):
            digits = min(digits, agreement(diff, abs(ref)))
    return True, min(digits, dps), ""


def readable_checked(expr: Expr, envs: list[dict], values: list, dps: int) -> tuple[str, str]:
    """Decompiled text, and a note when it does not evaluate to the form's values."""
    import mpmath
    import sympy

    text = readable(expr)
    try:
        f = sympy.sympify(text)
        syms = sorted(f.free_symbols, key=str)
        fn = sympy.lambdify(syms, f, modules="mpmath")
        with mpmath.workdps(dps):
            for env, v in zip(envs, values):
                w = mpmath.mpc(fn(*(env[str(s)] for s in syms)))
                if abs(w - v) > mpmath.mpf(10) ** (10 - dps) * max(abs(v), 1):
                    got = mpmath.nstr(w, 8)
                    return text, f"the readable form differs from the EML form ({got})"
    except Exception as exc:  # noqa: BLE001 - the EML form stays the answer
        return text, f"readable form not checked ({type(exc).__name__})"
    return text, ""

def same_values(a: list, b: list, dps: int) -> bool:
    import mpmath

    tol = mpmath.mpf(10) ** (10 - dps)
    return all(abs(u - w) <= tol * max(abs(w), 1) for u, w in zip(a, b))
