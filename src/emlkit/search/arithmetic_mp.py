"""The search policy in mpmath: the high-precision twin of :mod:`emlkit.search.arithmetic`.

The rules are those of :data:`emlkit.semantics.SEARCH` (stated once, in
:mod:`emlkit.semantics`), at the current mpmath precision instead of float64: principal ``ln``,
``ln 0 = -inf``, ``exp(-inf) = 0``, ``exp(+inf) = ln(+inf) = +inf``; ``ln(-inf)``,
``exp(+inf + ic)`` (``c != 0``) and ``exp`` of an argument with a part beyond
``SEARCH.mp_exp_limit`` undefined (``None``); the parts of a difference below
``10**-(dps - SEARCH.mp_guard)`` times its operands' size snapped to exactly ``0``. ``None``
stands for "undefined" and propagates.

:class:`MpSearchOps` is the ops object of the one DAG walk (:func:`emlkit.backends._walk.run`);
:func:`emlkit.search.verify.evaluate_mp`, the grammar's mpmath twins
(:mod:`emlkit.search.grammar`) and the operator scan (:mod:`emlkit.search.scan`) use it.

>>> import mpmath
>>> with mpmath.workdps(30):
...     e = mp_exp(mpmath.mpc(1))
...     zero = mp_sub(e, mp_log(mp_exp(e)))          # e - ln(e^e) = 0 exactly
...     zero, mp_log(zero)
(mpc(real='0.0', imag='0.0'), mpc(real='-inf', imag='0.0'))
"""

from __future__ import annotations

from typing import Any

import mpmath

from ..semantics import SEARCH

__all__ = [
    "MpSearchOps",
    "mp_exp",
    "mp_log",
    "mp_log_base",
    "mp_power",
    "mp_snap_own",
    "mp_snap_sum",
    "mp_sub",
    "mp_tolerance",
]


def mp_tolerance() -> Any:
    """The snapping tolerance ``10**-(dps - SEARCH.mp_guard)`` at the current precision.

    >>> with mpmath.workdps(30):
    ...     mp_tolerance() == mpmath.mpf(10) ** -20
    True
    """
    return mpmath.mpf(10) ** (-(mpmath.mp.dps - SEARCH.mp_guard))


def mp_exp(z: Any) -> Any:
    """``exp`` under the search policy (``None`` where undefined).

    >>> mp_exp(mpmath.mpc(-mpmath.inf, 2)), mp_exp(mpmath.mpc(mpmath.inf, 1)), mp_exp(None)
    (mpc(real='0.0', imag='0.0'), None, None)
    """
    if z is None:
        return None
    re, im = z.real, z.imag
    if mpmath.isinf(re):
        if re > 0:
            return mpmath.mpc(mpmath.inf, 0) if im == 0 else None
        return mpmath.mpc(0)
    if abs(re) > SEARCH.mp_exp_limit or abs(im) > SEARCH.mp_exp_limit:
        return None
    return mpmath.exp(z)


def mp_log(z: Any) -> Any:
    """Principal ``ln`` under the search policy: ``ln 0 = -inf``, ``ln(-inf)`` undefined.

    >>> mp_log(mpmath.mpc(0)), mp_log(mpmath.mpc(-mpmath.inf)), mp_log(mpmath.mpc(mpmath.inf))
    (mpc(real='-inf', imag='0.0'), None, mpc(real='+inf', imag='0.0'))
    """
    if z is None:
        return None
    re, im = z.real, z.imag
    if mpmath.isinf(re):
        return mpmath.mpc(mpmath.inf, 0) if re > 0 else None
    if re == 0 and im == 0:
        return mpmath.mpc(-mpmath.inf, 0)
    return mpmath.log(z)


def mp_sub(E: Any, L: Any, tol: Any = None) -> Any:
    """``E - L`` (the ``eml`` difference) with snapping; ``inf - inf`` is undefined.

    ``tol`` defaults to :func:`mp_tolerance`.

    >>> with mpmath.workdps(30):
    ...     mp_sub(mpmath.mpc(2, 1e-25), mpmath.mpc(1, 0))
    mpc(real='1.0', imag='0.0')
    """
    if E is None or L is None:
        return None
    einf, linf = mpmath.isinf(E.real), mpmath.isinf(L.real)
    if einf or linf:
        if einf and linf and (E.real > 0) == (L.real < 0):
            return None  # inf - inf
        re = E.real if einf else -L.real
        im = E.imag - L.imag
        return mpmath.mpc(re, 0 if abs(im) == 0 else im)
    if tol is None:
        tol = mp_tolerance()
    re = E.real - L.real
    im = E.imag - L.imag
    thr = max(abs(E.real), abs(E.imag), abs(L.real), abs(L.imag)) * tol
    if abs(im) <= thr:
        im = mpmath.mpf(0)
    if abs(re) <= thr:
        re = mpmath.mpf(0)
    return mpmath.mpc(re, im)


def mp_snap_sum(r: Any, *operands: Any) -> Any:
    """Zero the parts of a sum or difference ``r`` that are residue relative to its operands.

    Non-finite values (and ``None``) are returned as they are.

    >>> with mpmath.workdps(30):
    ...     a, b = mpmath.mpc(1, 1), mpmath.mpc(2, -1)
    ...     mp_snap_sum(a + b, a, b)
    mpc(real='3.0', imag='0.0')
    """
    if r is None or not (mpmath.isfinite(r.real) and mpmath.isfinite(r.imag)):
        return r
    thr = max(max(abs(o.real), abs(o.imag)) for o in operands) * mp_tolerance()
    re = r.real if abs(r.real) > thr else mpmath.mpf(0)
    im = r.imag if abs(r.imag) > thr else mpmath.mpf(0)
    return mpmath.mpc(re, im)


def mp_snap_own(v: Any, tol: Any = None) -> Any:
    """A grammar value after an operation: undefined if NaN or with an infinite imaginary part,
    else its parts below ``tol`` (default :func:`mp_tolerance`) times its size set to ``0``.

    >>> with mpmath.workdps(30):
    ...     mp_snap_own(mpmath.mpc(5, 1e-40)), mp_snap_own(mpmath.mpc(1, mpmath.inf))
    (mpc(real='5.0', imag='0.0'), None)
    """
    if v is None:
        return None
    if mpmath.isnan(v.real) or mpmath.isnan(v.imag) or mpmath.isinf(v.imag):
        return None
    if mpmath.isinf(v.real):
        return v
    if tol is None:
        tol = mp_tolerance()
    thr = max(abs(v.real), abs(v.imag)) * tol
    return mpmath.mpc(v.real if abs(v.real) > thr else 0, v.imag if abs(v.imag) > thr else 0)


def mp_power(a: Any, b: Any) -> Any:
    """``a**b = exp(b ln a)`` under the search policy; ``0**b`` is ``0`` for ``Re b > 0``.

    >>> mp_power(mpmath.mpc(4), mpmath.mpc(0.5)), mp_power(mpmath.mpc(0), mpmath.mpc(-1))
    (mpc(real='2.0', imag='0.0'), None)
    """
    if a == 0:
        return mpmath.mpc(0) if b.real > 0 else None
    w = mp_log(a)
    return None if w is None else mp_exp(b * w)


def mp_log_base(a: Any, b: Any) -> Any:
    """``log_a b = ln b / ln a`` under the search policy.

    >>> mp_log_base(mpmath.mpc(2), mpmath.mpc(8))
    mpc(real='3.0', imag='0.0')
    """
    la, lb = mp_log(a), mp_log(b)
    return None if la is None or lb is None else lb / la


class MpSearchOps:
    """Ops object of the DAG walk for the search policy in mpmath (values ``mpc`` or ``None``).

    The tolerance is fixed when the object is made (at the current precision).

    >>> from emlkit.backends.walk import make_plan, run
    >>> from emlkit.expr import eml
    >>> with mpmath.workdps(30):
    ...     v = run(make_plan(eml(1, eml(eml(1, "x"), 1)), fold_constants=False), MpSearchOps(),
    ...             {"x": mpmath.mpc(2)})
    >>> mpmath.nstr(v.real, 12)
    '0.69314718056'
    """

    def __init__(self) -> None:
        self.tol = mp_tolerance()

    def one(self) -> Any:
        return mpmath.mpc(1)

    def eml(self, node: Any, a: Any, b: Any, free_a: bool, free_b: bool) -> Any:
        return mp_sub(mp_exp(a), mp_log(b), self.tol)
