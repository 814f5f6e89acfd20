"""High-precision verification of EML forms and classification of their validity domain.

:func:`evaluate_mp` evaluates an expression in mpmath with exactly the extended arithmetic of
the search: the :data:`emlkit.semantics.SEARCH` policy in mpmath
(:mod:`emlkit.search.arithmetic_mp`, run by the one DAG walk of the backends). Differences are
snapped, so an intermediate that is exactly real (or zero) in exact arithmetic is exactly real
(or zero) here and ``ln`` of an exactly negative real takes ``Arg = +pi``; ``ln(-inf)``, complex
infinities and ``exp`` of a part beyond ``SEARCH.mp_exp_limit`` are undefined.

Inputs on a cut: a real input ``x`` means ``x + 0i``, the *upper side* (as in C99/NumPy).
mpmath has no signed zero, so :func:`classify` carries the side by evaluating both the form
and the target at ``x + i*eps`` with ``eps = 10**-(3*dps//5)`` (far above the snapping
threshold, so every intermediate that depends on ``x`` leaves a cut on the side the limit from
above takes) and compares at ``10**-(2*dps//5)`` relative (both tolerances are
:func:`emlkit.tolerances.cut_offset_digits` and :func:`~emlkit.tolerances.agreement_digits`).
For example the K = 7 form of ``ln x`` is, in exact arithmetic at exactly real ``x < 0``,
``ln|x| - i*pi`` (its inner ``exp`` lands exactly on the negative axis), but its limit from
above is ``ln x``.

:func:`classify` checks a form against a SymPy target on the grids :func:`strip_grid`
(real inputs of both signs and complex inputs with ``|Im| < pi``) and :func:`plane_grid`
(inputs with ``|Im| >= pi``), skipping grid points where the target is undefined.

>>> from emlkit.expr import eml
>>> ln_x = eml(1, eml(eml(1, "x"), 1))
>>> classify(ln_x, "log(x)", ("x",)).domain
'plane'
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import mpmath

from ..backends.walk import make_plan, run
from ..expr import Expr
from ..tolerances import agreement_digits, cut_offset_digits
from .arithmetic_mp import MpSearchOps, mp_exp, mp_log, mp_sub

__all__ = [
    "PLANE_POINTS",
    "STRIP_COMPLEX",
    "STRIP_REAL",
    "Classification",
    "classify",
    "evaluate_mp",
    "plane_grid",
    "special_failures",
    "strip_grid",
    "target_function",
]

#: Real inputs of the strip grid (both signs, small and large).
STRIP_REAL = (-25.0, -2.5, -0.3, 0.4, 3.7, 25.0)
#: Complex inputs of the strip grid (|Im| < pi, both signs of Re and Im).
STRIP_COMPLEX = tuple(
    complex(b, o) for b in (-2.5, -0.3, 0.4, 3.7) for o in (0.5, -0.5, 2.9, -2.9)
)
#: Inputs outside the strip (|Im| >= pi).
PLANE_POINTS = (
    complex(1, 4), complex(-2, -7), complex(0, 30), complex(0, -30),
    complex(0.4, -3.3), complex(-0.3, 3.2), complex(3.7, 9.5), complex(-2.5, -4.5),
)

# The search policy in mpmath (emlkit.semantics.SEARCH), under the names this module had for it.
_exp = mp_exp
_log = mp_log
_sub = mp_sub


def evaluate_mp(
    expr: Expr, env: Mapping[str, Any] | None = None, *, dps: int = 50, trace: dict | None = None
) -> Any:
    """Value of ``expr`` (an ``mpmath.mpc``) with variables from ``env``; ``None`` if undefined.

    Infinite values are returned as ``mpc(+-inf, im)``. When ``trace`` is a dict, it receives
    two flags: ``"infinity"`` (an intermediate value was infinite) and ``"cut"`` (``ln`` was
    applied to an exactly negative real intermediate, so a floating evaluator must know the
    value is exact to pick ``Arg = +pi``).

    >>> from emlkit.expr import eml
    >>> zero = eml(1, eml(eml(1, 1), 1))
    >>> evaluate_mp(zero)
    mpc(real='0.0', imag='0.0')
    >>> neg_inf = eml(1, eml(1, zero))
    >>> evaluate_mp(neg_inf)
    mpc(real='-inf', imag='0.0')
    >>> inv = eml(eml(neg_inf, "x"), 1)          # 1/x, through ln 0 = -inf
    >>> t = {}
    >>> mpmath.nstr(evaluate_mp(inv, {"x": 4}, trace=t).real, 10), t
    ('0.25', {'infinity': True, 'cut': False})
    """
    env = env or {}
    flags = {"infinity": False, "cut": False}

    def watch(node: Expr, value: Any, a: Any, b: Any) -> None:
        if b is not None and b.imag == 0 and b.real < 0:
            flags["cut"] = True
        if value is not None and mpmath.isinf(value.real):
            flags["infinity"] = True

    with mpmath.workdps(dps):
        inputs = {name: mpmath.mpc(value) for name, value in env.items()}
        value = run(make_plan(expr, fold_constants=False), MpSearchOps(), inputs, watch)
    if trace is not None:
        trace.update(flags)
    return value


def strip_grid(variables: Sequence[str]) -> list[dict[str, complex]]:
    """Grid points of the strip domain: every variable real or with ``|Im| < pi``.

    >>> len(strip_grid(("x",))), len(strip_grid(("x", "y"))), strip_grid(())
    (22, 484, [{}])
    """
    pts = [complex(r, 0) for r in STRIP_REAL] + list(STRIP_COMPLEX)
    return [dict(zip(variables, combo)) for combo in itertools.product(pts, repeat=len(variables))]


def plane_grid(variables: Sequence[str]) -> list[dict[str, complex]]:
    """Grid points outside the strip: at least one variable with ``|Im| >= pi``.

    >>> len(plane_grid(("x",))), len(plane_grid(("x", "y")))
    (8, 144)
    """
    if not variables:
        return []
    inside = [complex(r, 0) for r in (-2.5, 0.4, 3.7)] + [complex(0.4, 2.9), complex(-0.3, -0.5)]
    out = []
    for combo in itertools.product(inside + list(PLANE_POINTS), repeat=len(variables)):
        if any(abs(c.imag) >= mpmath.pi for c in combo):
            out.append(dict(zip(variables, combo)))
    return out


def target_function(target: Any, variables: Sequence[str]) -> Callable[..., Any]:
    """An mpmath function of ``variables`` for a SymPy expression or string (principal branches).

    >>> f = target_function("sqrt(x)", ("x",))
    >>> with mpmath.workdps(20):
    ...     print(f(mpmath.mpc(-4)))
    (0.0 + 2.0j)
    """
    import sympy

    expr = sympy.sympify(target) if isinstance(target, str) else target
    syms = [sympy.Symbol(v) for v in variables]
    if expr is sympy.oo or expr is -sympy.oo:
        val = mpmath.mpc(mpmath.inf if expr is sympy.oo else -mpmath.inf, 0)
        return lambda *args: val
    return sympy.lambdify(syms, expr, modules="mpmath")


def _target_value(f: Callable[..., Any], point: Mapping[str, complex], variables: Sequence[str]):
    try:
        v = f(*(mpmath.mpc(point[n]) for n in variables))
        v = mpmath.mpc(v)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None
    if mpmath.isnan(v.real) or mpmath.isnan(v.imag):
        return None
    # only the real infinities are values of the calculus
    if (mpmath.isinf(v.real) or mpmath.isinf(v.imag)) and (mpmath.isinf(v.imag) or v.imag != 0):
        return None
    return v


def _close(f: Any, t: Any, dps: int) -> bool:
    if f is None:
        return False
    if mpmath.isinf(t.real):
        return mpmath.isinf(f.real) and (f.real > 0) == (t.real > 0) and f.imag == 0
    if mpmath.isinf(f.real):
        return False
    tol = mpmath.mpf(10) ** (-agreement_digits(dps)) * max(abs(t), 1)
    return abs(f - t) <= tol


@dataclass
class Classification:
    """Outcome of :func:`classify`.

    ``domain`` is ``"plane"``, ``"strip"`` or ``None`` (wrong somewhere in the strip);
    ``failure`` names the first grid point where the form disagrees with the target (or is
    undefined where the target is defined); ``through_infinity`` tells whether an intermediate
    was infinite at some grid point, ``touches_cut`` whether ``ln`` met an exactly negative
    real intermediate (see :func:`evaluate_mp`); ``checked`` counts the grid points compared.
    """

    domain: str | None
    failure: str | None = None
    through_infinity: bool = False
    touches_cut: bool = False
    checked: int = 0
    skipped: int = 0
    details: dict = field(default_factory=dict)


class _Tally(TypedDict):
    """What :func:`_check` counts and notices over the grid points."""

    checked: int
    skipped: int
    inf: bool
    cut: bool


def _check(expr, f, grid, variables, dps, state: _Tally) -> str | None:
    for given in grid:
        with mpmath.workdps(dps):
            eps = mpmath.mpf(10) ** (-cut_offset_digits(dps))
            point = {
                k: mpmath.mpc(c.real, eps) if c.imag == 0 else mpmath.mpc(c.real, c.imag)
                for k, c in given.items()
            }
        with mpmath.workdps(dps):
            t = _target_value(f, point, variables)
        if t is None:
            state["skipped"] += 1
            continue
        trace: dict = {}
        with mpmath.workdps(dps):
            v = evaluate_mp(expr, point, dps=dps, trace=trace)
            ok = _close(v, t, dps)
        state["checked"] += 1
        state["inf"] |= trace["infinity"]
        state["cut"] |= trace["cut"]
        if not ok:
            where = ", ".join(f"{k}={c}" for k, c in given.items()) or "constant"
            got = "undefined" if v is None else mpmath.nstr(v, 12)
            return f"at {where}: form gives {got}, target {mpmath.nstr(t, 12)}"
    return None


def classify(
    expr: Expr,
    target: Any,
    variables: Iterable[str] = ("x",),
    *,
    dps: int = 50,
    check_plane: bool = True,
) -> Classification:
    """Check ``expr`` against ``target`` at ``dps`` digits on the strip grid, then the plane grid.

    A constant (no variables) is checked once and, when right, is valid on the whole plane.

    >>> from emlkit.expr import eml
    >>> neg_inf = eml(1, eml(1, eml(1, eml(eml(1, 1), 1))))
    >>> classify(neg_inf, "-oo", ()).domain
    'plane'
    >>> classify(eml(1, 1), "2", ()).domain is None
    True
    """
    variables = tuple(variables)
    f = target_function(target, variables)
    state: _Tally = {"checked": 0, "skipped": 0, "inf": False, "cut": False}
    fail = _check(expr, f, strip_grid(variables), variables, dps, state)
    if fail is not None:
        return Classification(
            None, fail, state["inf"], state["cut"], state["checked"], state["skipped"]
        )
    domain = "strip"
    plane_fail = None
    if check_plane:
        plane_fail = _check(expr, f, plane_grid(variables), variables, dps, state)
        if plane_fail is None:
            domain = "plane"
    return Classification(
        domain, plane_fail, state["inf"], state["cut"], state["checked"], state["skipped"]
    )


def special_failures(
    expr: Expr, target: Any, variables: Iterable[str] = ("x",), *, dps: int = 50
) -> list[str]:
    """Special inputs (0, 1, -1) where the target is defined but the form is wrong or undefined.

    The grids of :func:`classify` avoid these points; a form built on ``ln x`` may pass
    through ``ln 0`` or ``ln 1 = 0`` there. Each variable in turn takes 0, 1 and -1 (the others
    1.5), and with several variables all take 0 together. 0 and 1 are exact, -1 is taken
    from the upper side like every real input. Returns descriptions such as ``"x=0"``.

    >>> from emlkit.expr import eml
    >>> special_failures(eml(1, eml(eml(1, "x"), 1)), "log(x)")    # ln 0 = -inf, as the target
    []
    >>> zero = eml(1, eml(eml(1, 1), 1))
    >>> neg_x = eml(eml(1, eml(1, zero)), eml("x", 1))            # 0 - ln(exp x)
    >>> special_failures(neg_x, "-x")
    []
    """
    variables = tuple(variables)
    if not variables:
        return []
    f = target_function(target, variables)
    points: list[dict[str, Any]] = []
    for v in variables:
        for sval in (0, 1, -1):
            pt = {w: 1.5 for w in variables}
            pt[v] = sval
            points.append(pt)
    if len(variables) > 1:
        points.append({w: 0 for w in variables})
    out = []
    with mpmath.workdps(dps):
        eps = mpmath.mpf(10) ** (-cut_offset_digits(dps))
        for pt in points:
            env = {
                k: mpmath.mpc(c, eps) if c == -1 else mpmath.mpc(c) for k, c in pt.items()
            }
            t = _target_value(f, env, variables)
            if t is None:
                continue
            if not _close(evaluate_mp(expr, env, dps=dps), t, dps):
                out.append(", ".join(f"{k}={c}" for k, c in pt.items() if c != 1.5 or
                                     len(variables) == 1))
    return out
