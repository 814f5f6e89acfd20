"""mpmath backend: complex values at any precision, with exact landings and signed-zero sides.

Values are ``mpc`` numbers computed at ``working_dps(dps)`` digits plus the guard digits the
point's magnitudes need, and rounded to ``dps``, at the inputs themselves; intermediates that
land exactly on the cut are snapped, and the side of the cut is decided by the inputs'
directions, carried as first-order terms (see :mod:`emlkit.semantics`); limits through
``ln 0``, at infinite and at zero inputs are taken numerically (the point driver,
:mod:`emlkit.backends._mppoint`). This module also computes the exact constants that the NumPy
and torch backends inject (:func:`constant_info`).

>>> import mpmath
>>> from emlkit import eml, ONE
>>> ln = lambda z: eml(ONE, eml(eml(ONE, z), ONE))       # e − ln(e^e / z) = ln z
>>> mpmath.nstr(evaluate(ln("x"), {"x": complex(-2, -0.0)}, dps=20), 20)   # lower side
'(0.69314718055994530942 - 3.1415926535897932385j)'

"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Mapping
from typing import Any

from mpmath import mp

from ..errors import DomainError, EvaluationError
from ..expr import Eml, Expr, One
from ..semantics import CONSTANT_DPS, EvaluationWarning, describe, report_nan, working_dps
from ._mpops import MpmathOps
from ._mppoint import MAX_GUARD_DIGITS, input_value, point_value
from ._walk import join_points, make_plan, run, split_points

__all__ = [
    "DEFAULT_DPS",
    "ConstInfo",
    "MpmathOps",
    "constant_info",
    "convert_point",
    "evaluate",
    "trace_nan",
]

#: Digits of an mpmath result when ``dps`` is not given.
DEFAULT_DPS = 50
_isfinite = mp.isfinite
_isnan = mp.isnan
_mag = mp.mag


def _finite(z: Any) -> bool:
    return _isfinite(z.real) and _isfinite(z.imag)


# ---------------------------------------------------------------------------------------------
# points
# ---------------------------------------------------------------------------------------------


def convert_point(point: Mapping[str, Any], dps: int) -> dict[str, tuple[Any, Any, Any]]:
    """The inputs of one point as ops values ``(mpc, zero_signs, direction)``.

    The value is the input itself (no perturbation); an exact zero keeps the signs of its
    parts; the direction (:func:`emlkit.semantics.direction`) is ``None`` off both axes.
    Call under ``workdps``.

    >>> from mpmath import mp
    >>> with mp.workdps(65):
    ...     z, zs, d = convert_point({"x": complex(-2.0, -0.0)}, 15)["x"]
    >>> z, zs, d
    (mpc(real='-2.0', imag='0.0'), None, mpc(real='0.0', imag='-1.0'))
    """
    values: dict[str, Any] = {}
    for name, value in point.items():
        try:
            values[name] = input_value(value)
        except (TypeError, ValueError) as err:
            raise DomainError(f"cannot use {value!r} as the value of variable {name!r}") from err
    return values


class _Found(Exception):
    def __init__(self, node: Expr) -> None:
        self.node = node


def _check_dps(dps: int | None) -> int:
    if dps is None:
        return DEFAULT_DPS
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 1:
        raise DomainError(f"dps must be a positive integer, got {dps!r}")
    return dps


def _body(plan: Any) -> Any:
    """The DAG walk as a body for :func:`~emlkit.backends._mppoint.point_value`."""
    return lambda ops, values, hook: run(plan, ops, values, hook)


def _point(body: Any, point: Mapping[str, Any], dps: int, hook: Any) -> tuple[Any, bool]:
    convert_point(point, dps)  # a clear error for an unusable input
    return point_value(body, point, dps, hook)


def evaluate(
    expr: Expr,
    inputs: Mapping[str, Any],
    *,
    dps: int | None = None,
    strict: bool = False,
    on_nan: str = "warn",
    stacklevel: int = 2,
) -> Any:
    """Value of ``expr`` as an ``mpc`` at ``dps`` digits (an object array for array inputs).

    Parameters
    ----------
    expr : Expr
    inputs : mapping
        Value per variable: numbers, strings (read at working precision) or arrays of them.
    dps : int, default 50
    strict : bool, default False
        Raise :class:`~emlkit.errors.EvaluationError` at the first infinite value.
    on_nan : {"warn", "raise", "ignore"}

    Examples
    --------
    The result is rounded to ``dps`` digits; mpmath prints at its global precision, so use
    :func:`mpmath.nstr` to see the digits.

    >>> import mpmath
    >>> from emlkit import eml
    >>> mpmath.nstr(evaluate(eml(1, 1), {}, dps=30), 30)     # e
    '(2.71828182845904523536028747135 + 0.0j)'
    >>> [mpmath.nstr(v, 5) for v in evaluate(eml("x", 1), {"x": [0, 1]}, dps=5)]   # elementwise
    ['(1.0 + 0.0j)', '(2.7183 + 0.0j)']
    """
    dps = _check_dps(dps)
    body = _body(make_plan(expr, fold_constants=False))
    shape, points = split_points(inputs)
    nan_origin: list[Expr] = []

    def hook(node: Expr, value: Any, a: Any, b: Any) -> None:
        z = value[0]
        if _finite(z):
            return
        if _isnan(z.real) or _isnan(z.imag):
            if not nan_origin:
                nan_origin.append(node)
        elif strict:
            raise EvaluationError(
                f"infinite value at node {describe(node)}; strict=True refuses infinities", node
            )

    results = []
    first_nan: Expr | None = None
    count = short = 0
    for point in points:
        nan_origin.clear()
        z, ok = _point(body, point, dps, hook)
        short += not ok
        if _isnan(z.real) or _isnan(z.imag):
            count += 1
            first_nan = first_nan or (nan_origin[0] if nan_origin else None)
        results.append(z)
    if short:
        warnings.warn(EvaluationWarning(
            f"mpmath: {short} of {len(points)} points did not reach {dps} digits within "
            f"{MAX_GUARD_DIGITS} guard digits (their intermediates need more)", None, short,
        ), stacklevel=stacklevel + 1)
    report_nan(on_nan, first_nan, count, len(points), stacklevel=stacklevel + 1)
    return join_points(results, shape)


def trace_nan(expr: Expr, inputs: Mapping[str, Any], *, dps: int | None = None) -> Expr | None:
    """The first node (in evaluation order) whose value is NaN at some point, or ``None``.

    Examples
    --------
    >>> from emlkit import eml
    >>> inf = float("inf")
    >>> print(trace_nan(eml("x", 1), {"x": complex(0, inf)}))      # exp(i·∞) is NaN
    eml(x, 1)
    """
    dps = _check_dps(dps)
    body = _body(make_plan(expr, fold_constants=False))

    def hook(node: Expr, value: Any, a: Any, b: Any) -> None:
        z = value[0]
        if _isnan(z.real) or _isnan(z.imag):
            raise _Found(node)

    for point in split_points(inputs)[1]:
        try:
            _point(body, point, dps, hook)
        except _Found as found:
            return found.node
    return None


# ---------------------------------------------------------------------------------------------
# exact constants for the floating backends
# ---------------------------------------------------------------------------------------------


class ConstInfo:
    """A variable-free node computed with the mpmath rules at ``CONSTANT_DPS`` digits.

    Attributes
    ----------
    value : tuple
        The ops value ``(mpc, zero_signs)`` at working precision (see
        :mod:`emlkit.backends._mpops`).
    c : complex
        The value rounded to complex128 (an exact zero keeps the signs of its parts).
    exp, ln : complex
        ``exp`` and ``ln`` of the exact value, rounded; so ``ln`` of a constant exactly on the
        cut is the principal ``+iπ`` branch of the constant, not of its rounding.
    first_inf, first_nan, first_nonreal : Expr or None
        The first node of the subtree (children first) whose value is infinite, NaN, not real.

    Examples
    --------
    >>> from emlkit import eml
    >>> zero = eml(1, eml(eml(1, 1), 1))              # e − ln(e^e) = 0, exactly
    >>> constant_info(zero).c, constant_info(zero).ln
    (0j, (-inf+0j))
    """

    __slots__ = ("_exp", "_ln", "_markers", "c", "value")

    def __init__(self, value: tuple, first_inf: Any, first_nan: Any, first_nonreal: Any) -> None:
        self.value = value
        self.c = _to_complex(value, _constant_ops())
        # weak: a marker may be the cached node itself, which must stay collectable
        markers = (first_inf, first_nan, first_nonreal)
        self._markers = tuple(None if m is None else weakref.ref(m) for m in markers)
        self._exp: complex | None = None
        self._ln: complex | None = None

    def _marker(self, i: int) -> Expr | None:
        ref = self._markers[i]
        return None if ref is None else ref()

    @property
    def first_inf(self) -> Expr | None:
        return self._marker(0)

    @property
    def first_nan(self) -> Expr | None:
        return self._marker(1)

    @property
    def first_nonreal(self) -> Expr | None:
        return self._marker(2)

    @property
    def exp(self) -> complex:
        if self._exp is None:
            ops = _constant_ops()
            with mp.workdps(ops.wp):
                self._exp = _to_complex(ops.exp(self.value[0], self.value[1]), ops)
        return self._exp

    @property
    def ln(self) -> complex:
        if self._ln is None:
            ops = _constant_ops()
            with mp.workdps(ops.wp):
                self._ln = _to_complex(ops.ln(self.value[0], self.value[1]), ops)
        return self._ln


def _to_complex(value: tuple, ops: MpmathOps) -> complex:
    """Round an ops value to complex128, dropping residue parts (zero signs kept)."""
    z, zs = value[0], value[1]
    re, im = z.real, z.imag
    if re and im and _isfinite(re) and _isfinite(im):
        if ops.tiny(re, im):
            re = 0
        elif ops.tiny(im, re):
            im = 0
    if not re and not im and zs is not None:
        return complex(zs[0] * 0.0, zs[1] * 0.0)
    return complex(float(re), float(im))


_CONSTANTS: weakref.WeakKeyDictionary[Expr, ConstInfo] = weakref.WeakKeyDictionary()
_CONST_OPS: list[MpmathOps] = []


def _constant_ops() -> MpmathOps:
    if not _CONST_OPS:
        _CONST_OPS.append(MpmathOps(working_dps(CONSTANT_DPS)))
    return _CONST_OPS[0]


def constant_info(node: Expr) -> ConstInfo:
    """Exact value of a variable-free node and where it first became infinite, NaN or complex.

    Results are cached per node (weakly, nodes are interned); only uncached descendants are
    visited, so asking for every constant node of a DAG costs one pass in total.

    Examples
    --------
    >>> from emlkit import eml
    >>> constant_info(eml(1, 1)).c                     # e
    (2.718281828459045+0j)
    """
    info = _CONSTANTS.get(node)
    if info is not None:
        return info
    ops = _constant_ops()
    stack: list[tuple[Expr, bool]] = [(node, False)]
    with mp.workdps(ops.wp):
        while stack:
            n, expanded = stack.pop()
            if n in _CONSTANTS:
                continue
            if isinstance(n, Eml) and not expanded:
                stack.append((n, True))
                for child in (n.right, n.left):
                    if child not in _CONSTANTS:
                        stack.append((child, False))
                continue
            if isinstance(n, One):
                _CONSTANTS[n] = ConstInfo(ops.one(), None, None, None)
                continue
            if not isinstance(n, Eml):
                raise DomainError(f"constant_info needs a variable-free node, got {n!r}")
            left, right = _CONSTANTS[n.left], _CONSTANTS[n.right]
            value = ops.eml(n, left.value, right.value)
            z = value[0]
            nan = _isnan(z.real) or _isnan(z.imag)
            _CONSTANTS[n] = ConstInfo(
                value,
                left.first_inf or right.first_inf or (n if not nan and not _finite(z) else None),
                left.first_nan or right.first_nan or (n if nan else None),
                left.first_nonreal or right.first_nonreal or (n if z.imag != 0 else None),
            )
    return _CONSTANTS[node]
