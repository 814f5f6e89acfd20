"""NumPy backend: complex128 (or float64) arrays, one vectorised exp, ln and subtraction per node.

Variable-free subtrees are folded into exact constants
(:func:`emlkit.backends.mpmath.constant_info`); the rest is C99 complex arithmetic, which
already follows :mod:`emlkit.semantics` (``ln 0 = −∞``, signed zeros pick the side of a cut);
a NaN in the result is reported. Buffers of values that are no longer needed are reused in
place, so a walk allocates no more than straight-line code.

>>> from emlkit import eml
>>> import numpy as np
>>> ln = eml(1, eml(eml(1, "x"), 1))
>>> evaluate(ln, {"x": np.array([1.0, np.e, -1.0])})
array([0.+0.j        , 1.+0.j        , 0.+3.14159265j])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import DomainError, EvaluationError
from ..expr import ONE, Eml, Expr
from ..semantics import describe, report_nan
from ._walk import make_plan, run

__all__ = ["Const", "NumpyOps", "evaluate", "trace_nan"]


class Const:
    """A folded variable-free subtree: its value and the ``exp`` and ``ln`` of its exact value.

    ``info`` is the :class:`~emlkit.backends.mpmath.ConstInfo` (``None`` for the leaf ``1``).
    """

    __slots__ = ("exp", "info", "ln", "node", "value")

    def __init__(self, node: Expr, value: Any, exp: Any, ln: Any, info: Any = None) -> None:
        self.node = node
        self.value = value
        self.exp = exp
        self.ln = ln
        self.info = info


_ONE_COMPLEX = Const(ONE, 1 + 0j, complex(math.e, 0.0), 0j)
_ONE_REAL = Const(ONE, 1.0, math.e, 0.0)


class NumpyOps:
    """The NumPy operations: C99 ``exp`` and ``log``, subtraction in place where possible.

    Parameters
    ----------
    real : bool
        Work in float64 instead of complex128.
    foreign : iterable of int
        Ids of arrays that belong to the caller (inputs): never written in place.

    Examples
    --------
    >>> import numpy as np
    >>> from emlkit import eml
    >>> from emlkit.backends._walk import make_plan, run
    >>> x = np.array([0.0, 1.0 + 0j])
    >>> run(make_plan(eml("x", 1), fold_constants=True), NumpyOps(foreign=[id(x)]), {"x": x})
    array([1.        +0.j, 2.71828183+0.j])
    """

    def __init__(self, real: bool = False, foreign: Any = ()) -> None:
        self.real = real
        self.foreign = set(foreign)

    def constant(self, node: Expr) -> Const:
        if node is ONE:
            return _ONE_REAL if self.real else _ONE_COMPLEX
        from .mpmath import constant_info  # exact constants need mpmath: import on first use

        info = constant_info(node)
        if not self.real:
            return Const(node, info.c, info.exp, info.ln, info)
        if info.first_nonreal is not None:
            raise EvaluationError(
                f"complex intermediate at node {describe(info.first_nonreal)} "
                "(a variable-free subtree); evaluate with real=False",
                info.first_nonreal,
            )
        ln = info.ln
        return Const(node, info.c.real, info.exp.real, None if ln.imag else ln.real, info)

    def one(self) -> Const:  # pragma: no cover - constants are always folded here
        return _ONE_REAL if self.real else _ONE_COMPLEX

    def _scratch(self, v: Any, free: bool) -> Any:
        """``v`` itself when it may be overwritten (an array of ours, no longer needed)."""
        if free and type(v) is np.ndarray and v.ndim and id(v) not in self.foreign:
            return v
        return None

    def eml(self, node: Eml, a: Any, b: Any, free_a: bool, free_b: bool) -> Any:
        if type(b) is Const:
            lb = b.ln
            if lb is None:
                raise EvaluationError(
                    f"ln of the negative constant {b.value!r} at node {describe(node)} "
                    "(complex intermediate at every input); evaluate with real=False",
                    node,
                )
        else:
            lb = np.log(b, out=self._scratch(b, free_b))
        if type(a) is Const:
            ea = a.exp
        else:
            ea = np.exp(a, out=self._scratch(a, free_a))
        if type(lb) is not np.ndarray:
            if lb == 0 and type(ea) is np.ndarray:
                return ea  # ln 1 = +0: subtracting it changes nothing, not even a zero's sign
            if type(ea) is np.ndarray:
                return np.subtract(ea, lb, out=ea)
            return ea - lb
        if type(ea) is np.ndarray and ea.shape == np.broadcast_shapes(ea.shape, lb.shape):
            return np.subtract(ea, lb, out=ea)
        if lb.shape == np.broadcast_shapes(np.shape(ea), lb.shape):
            return np.subtract(ea, lb, out=lb)
        return ea - lb


def _convert(name: str, value: Any, real: bool) -> Any:
    kind = np.float64 if real else np.complex128
    try:
        arr = np.asarray(value)
        if real and np.iscomplexobj(arr):
            if np.any(arr.imag != 0):
                raise DomainError(f"variable {name!r} has complex values but real=True was asked")
            arr = arr.real
        arr = np.asarray(arr, dtype=kind)
    except (TypeError, ValueError) as err:
        if isinstance(err, DomainError):
            raise
        raise DomainError(
            f"cannot convert the value of variable {name!r} to {kind.__name__}: {err}"
        ) from err
    return arr[()] if arr.ndim == 0 else arr


class _Found(Exception):
    def __init__(self, node: Expr) -> None:
        self.node = node


def _nan_origin(node: Expr, value: Any) -> Expr | None:
    if type(value) is Const:
        return value.info.first_nan if value.info is not None else None
    return node if np.isnan(value).any() else None


def _strict_hook(node: Expr, value: Any, a: Any, b: Any) -> None:
    if type(value) is Const:
        origin = value.info.first_inf if value.info is not None else None
    else:
        origin = node if np.isinf(value).any() else None
    if origin is not None:
        raise EvaluationError(
            f"infinite value at node {describe(origin)}; strict=True refuses infinities", origin
        )


def _prepare(expr: Expr, inputs: Mapping[str, Any], real: bool) -> tuple[Any, dict, NumpyOps]:
    plan = make_plan(expr, fold_constants=True)
    arrays = {name: _convert(name, v, real) for name, v in inputs.items()}
    ops = NumpyOps(real, foreign=(id(v) for v in arrays.values() if type(v) is np.ndarray))
    return plan, arrays, ops


#: Relative size of the nudge that carries a real input's side of the cut (semantics §3).
NUDGE = 1e-300
#: Imaginary parts below this relative size in a result are the nudge's residue.
NUDGE_RESIDUE = 1e-250


def nudge_scale(arrays: Mapping[str, Any]) -> Any:
    """One scale per point, ``max(1, |Re v|)`` over all inputs, so ``x − y`` stays exactly real."""
    scale: Any = 1.0
    for value in arrays.values():
        re = np.abs(np.real(value))
        scale = np.maximum(scale, np.where(np.isfinite(re), re, 1.0))
    return scale


def nudge(value: Any, scale: Any = 1.0) -> Any:
    """A real input ``x ≠ 0`` moved to ``x ± i·1e-300·scale``, the sign of its zero imag part.

    IEEE signed zeros carry the side of a branch cut through most operations but not through
    ``0.0 − 0.0 = +0.0``; the nudge survives exactly there and is far below every rounding
    residue elsewhere, so the tree's value is its limit from the side of the signed zero.

    >>> nudge(np.complex128(complex(-2.0, -0.0)), 2.0)
    np.complex128(-2-2e-300j)
    """
    arr = np.asarray(value)
    on_axis = (arr.imag == 0) & (arr.real != 0) & np.isfinite(arr.real)
    if not np.any(on_axis):
        return value
    moved = np.where(on_axis, arr.real + 1j * np.copysign(NUDGE * scale, arr.imag), arr)
    return moved[()] if moved.ndim == 0 else moved


def _unnudge_residue(out: Any) -> Any:
    """Replace an imaginary part that is only the nudge's residue by a zero of the same sign."""
    arr = np.asarray(out)
    tiny = np.isfinite(arr) & (np.abs(arr.imag) <= NUDGE_RESIDUE * np.maximum(np.abs(arr.real), 1.0))
    if not np.any(tiny & (arr.imag != 0)):
        return out
    fixed = np.array(arr, dtype=np.complex128, copy=True)
    # assign into .imag: re + 1j*(−0.0) would give +0 (1j·−0.0 has a +0 real part, and
    # the sum of the imaginary parts 0·… + (−0.0) is +0), losing the side of the cut
    fixed.imag = np.where(tiny, np.copysign(0.0, arr.imag), arr.imag)
    return fixed[()] if fixed.ndim == 0 else fixed


def evaluate(
    expr: Expr,
    inputs: Mapping[str, Any],
    *,
    real: bool = False,
    strict: bool = False,
    on_nan: str = "warn",
    stacklevel: int = 2,
) -> Any:
    """Value of ``expr``: a NumPy scalar for scalar inputs, else an array of the broadcast shape.

    Parameters
    ----------
    expr : Expr
    inputs : mapping
        Value (number or array-like) per variable; arrays broadcast together.
    real : bool, default False
        Evaluate in float64; ``ln`` of a negative value raises
        :class:`~emlkit.errors.EvaluationError` naming the node and the first such input.
    strict : bool, default False
        Raise :class:`~emlkit.errors.EvaluationError` at the first infinite value.
    on_nan : {"warn", "raise", "ignore"}

    Examples
    --------
    >>> from emlkit import eml
    >>> evaluate(eml("x", 1), {"x": 0.0})                    # exp(0)
    np.complex128(1+0j)
    >>> evaluate(eml("x", 1), {"x": [0.0, 1.0]}, real=True)
    array([1.        , 2.71828183])
    """
    plan, arrays, ops = _prepare(expr, inputs, real)
    hook = _strict_hook if strict else None
    with np.errstate(all="ignore"):
        scale = None if real else nudge_scale(arrays)
        nudged = arrays if real else {n: nudge(v, scale) for n, v in arrays.items()}
        if not real and any(nudged[n] is not arrays[n] for n in arrays):
            ops = NumpyOps(real, foreign=(id(v) for v in nudged.values() if type(v) is np.ndarray))
        out = run(plan, ops, nudged, hook)
        if type(out) is Const:
            out = np.float64(out.value) if real else np.complex128(out.value)
        elif type(out) is np.ndarray and id(out) in ops.foreign:
            out = out.copy()
        if not real and nudged is not arrays:
            out = _retry_unnudged(plan, arrays, out, hook)
        nan = np.isnan(out)
        count = int(np.count_nonzero(nan))
        if count and (real or on_nan != "ignore"):
            node = _trace_subset(plan, ops, arrays, nan, np.shape(out), real)
            report_nan(on_nan, node, count, int(np.size(out)), stacklevel=stacklevel + 1)
    return out


def _retry_unnudged(plan: Any, arrays: dict, out: Any, hook: Any) -> Any:
    """Non-finite results are recomputed without the nudge (exp(+∞ + i·tiny) would be ∞ + ∞i)."""
    out = _unnudge_residue(out)
    bad = ~np.isfinite(out)
    if not np.any(bad):
        return out
    shape = np.shape(out)
    if shape:
        sub = {n: np.broadcast_to(v, shape)[bad] for n, v in arrays.items()}
    else:
        sub = dict(arrays)
    ops = NumpyOps(False, foreign=(id(v) for v in sub.values() if type(v) is np.ndarray))
    again = run(plan, ops, sub, hook)
    again = np.complex128(again.value) if type(again) is Const else again
    if not shape:
        return again
    out = np.array(out, copy=True)
    out[bad] = again
    return out


def _trace_subset(
    plan: Any, ops: NumpyOps, arrays: dict, mask: Any, shape: tuple, real: bool
) -> Expr | None:
    """Re-walk only the NaN points, stopping at the first node whose value is NaN there."""
    if shape:
        sub = {n: np.broadcast_to(v, shape)[mask] for n, v in arrays.items()}
    else:
        sub = dict(arrays)
    ops = NumpyOps(real, foreign=(id(v) for v in sub.values() if type(v) is np.ndarray))

    def hook(node: Expr, value: Any, a: Any, b: Any) -> None:
        if real and b is not None and type(b) is not Const:
            negative = np.asarray(b < 0)
            if negative.any():
                i = int(np.argmax(negative.ravel()))
                point = ", ".join(
                    f"{n}={np.broadcast_to(v, negative.shape).ravel()[i]!r}" for n, v in sub.items()
                )
                raise EvaluationError(
                    f"ln of a negative value at node {describe(node)} (complex intermediate, "
                    f"first at {point}); evaluate with real=False",
                    node,
                )
        origin = _nan_origin(node, value)
        if origin is not None:
            raise _Found(origin)

    try:
        run(plan, ops, sub, hook)
    except _Found as found:
        return found.node
    return None


def trace_nan(expr: Expr, inputs: Mapping[str, Any], *, real: bool = False) -> Expr | None:
    """The first node (in evaluation order) whose value is NaN at some point, or ``None``.

    Examples
    --------
    >>> from emlkit import eml
    >>> inf = float("inf")
    >>> print(trace_nan(eml(eml("x", 1), 1), {"x": [0.0, complex(0, inf)]}))
    eml(x, 1)
    """
    plan, arrays, ops = _prepare(expr, inputs, real)

    def hook(node: Expr, value: Any, a: Any, b: Any) -> None:
        origin = _nan_origin(node, value)
        if origin is not None:
            raise _Found(origin)

    with np.errstate(all="ignore"):
        try:
            run(plan, ops, arrays, hook)
        except _Found as found:
            return found.node
    return None
