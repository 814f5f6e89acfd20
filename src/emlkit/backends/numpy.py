"""NumPy backend: complex128 (or float64) arrays, one vectorised exp, ln and subtraction per node.

Variable-free subtrees are folded into exact constants
(:func:`emlkit.backends.mpmath.constant_info`); the rest is C99 complex arithmetic
(``ln 0 = −∞``, signed zeros), with the side of every cut decided by the inputs' direction
(:func:`emlkit.semantics.cut_sides`): next to each value that depends on an input on an axis
its first-order ``ε``-term is carried, as a pair ``(value, term)``. A NaN in the result is
reported. Buffers of values that are no longer needed are reused in place, so a walk
allocates no more than straight-line code (twice that while a term is carried).

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
from ..semantics import CUT_RESIDUE, cut_sides, describe, report_nan
from ._const import ONE_COMPLEX, Const, complex_constant, directions
from ._walk import make_plan, run

__all__ = ["Const", "NumpyOps", "directions", "dual_inputs", "evaluate", "settle_cut", "trace_nan"]


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
    (array([1.        +0.j, 2.71828183+0.j]), None)
    >>> run(make_plan(eml("x", 1), fold_constants=True), NumpyOps(), dual_inputs({"x": x}))[1]
    array([0.+1.j        , 0.+2.71828183j])
    """

    def __init__(self, real: bool = False, foreign: Any = ()) -> None:
        self.real = real
        self.foreign = set(foreign)

    def constant(self, node: Expr) -> Const:
        if not self.real:
            return complex_constant(node)
        if node is ONE:
            return _ONE_REAL
        from .mpmath import constant_info  # exact constants need mpmath: import on first use

        info = constant_info(node)
        if info.first_nonreal is not None:
            raise EvaluationError(
                f"complex intermediate at node {describe(info.first_nonreal)} "
                "(a variable-free subtree); evaluate with real=False",
                info.first_nonreal,
            )
        ln = info.ln
        return Const(node, info.c.real, info.exp.real, None if ln.imag else ln.real, info)

    def one(self) -> Const:  # pragma: no cover - constants are always folded here
        return _ONE_REAL if self.real else ONE_COMPLEX

    def _scratch(self, v: Any, free: bool) -> Any:
        """``v`` itself when it may be overwritten (an array of ours, no longer needed)."""
        if free and type(v) is np.ndarray and v.ndim and id(v) not in self.foreign:
            return v
        return None

    def eml(self, node: Eml, a: Any, b: Any, free_a: bool, free_b: bool) -> Any:
        if self.real:
            return self._sub(self._ln(node, b, free_b), self._exp(a, free_a))
        av, ad = a if type(a) is tuple else (a, None)
        bv, bd = b if type(b) is tuple else (b, None)
        dl = None
        if bd is not None:  # the term of ln b (before b's buffer is reused) and b's side
            dl = _quotient(bd, bv)
            bv = settle_cut(bv, bd, self._scratch(bv, free_b))
        lb = self._ln(node, bv, free_b)
        ea = self._exp(av, free_a)
        de = None if ad is None else _product(ea, ad)
        r = self._sub(lb, ea)
        if dl is None:
            return r, de
        return r, (-dl if de is None else de - dl)

    def _ln(self, node: Eml, b: Any, free_b: bool) -> Any:
        if type(b) is Const:
            if b.ln is None:
                raise EvaluationError(
                    f"ln of the negative constant {b.value!r} at node {describe(node)} "
                    "(complex intermediate at every input); evaluate with real=False",
                    node,
                )
            return b.ln
        return np.log(b, out=self._scratch(b, free_b))

    def _exp(self, a: Any, free_a: bool) -> Any:
        if type(a) is Const:
            return a.exp
        return np.exp(a, out=self._scratch(a, free_a))

    @staticmethod
    def _sub(lb: Any, ea: Any) -> Any:
        """``ea − lb``, in the buffer of either when it is ours and has the result's shape."""
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


def _quotient(d: Any, v: Any) -> Any:
    """``d / v`` with ``0 / v = 0`` for every ``v`` (a constant's term stays zero)."""
    q = np.divide(d, v)
    return np.where(d == 0, 0j, q) if np.any(d == 0) else q


def _product(e: Any, d: Any) -> Any:
    """``e · d`` with ``e · 0 = 0`` for every ``e`` (also ``∞ · 0``)."""
    p = np.multiply(e, d)
    return np.where(d == 0, 0j, p) if np.any(d == 0) else p


def settle_cut(b: Any, d: Any, out: Any = None) -> Any:
    """``b`` with the zero imaginary part that puts it on the side of the cut given by ``d``.

    Where :func:`~emlkit.semantics.cut_sides` decides (``b`` on the negative real axis up to
    rounding residue, ``Im d`` not negligible), ``Im b`` becomes ``+0`` or ``−0``; elsewhere
    ``b`` is unchanged. ``out`` may be ``b`` itself when its buffer may be overwritten.

    >>> settle_cut(np.complex128(complex(-6, 7e-16)), np.complex128(-1j))   # x·y at (−3, 2)
    np.complex128(-6-0j)
    """
    upper, lower = cut_sides(b.real, b.imag, d.real, d.imag, CUT_RESIDUE)
    if not (np.any(upper) or np.any(lower)):
        return b
    if np.ndim(b) == 0 and np.ndim(upper) == 0:
        return np.complex128(complex(float(b.real), 0.0 if upper else -0.0))
    fixed = out if out is not None and np.shape(out) == np.broadcast_shapes(
        np.shape(b), np.shape(upper)) else np.array(np.broadcast_to(b, np.broadcast_shapes(
            np.shape(b), np.shape(upper))), dtype=np.complex128)
    fixed.imag = np.where(upper, 0.0, np.where(lower, -0.0, fixed.imag))
    return fixed


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
    value = _value(value)
    if type(value) is Const:
        return value.info.first_nan if value.info is not None else None
    return node if np.isnan(value).any() else None


def _strict_hook(node: Expr, value: Any, a: Any, b: Any) -> None:
    value = _value(value)
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


def zero_side(v: Any, d: Any) -> Any:
    """A result's zero imaginary part gets the sign of its first-order term's (the side it is
    approached from), so the result fed back as an input keeps its side of a cut.

    >>> zero_side(np.complex128(-2), np.complex128(-1j))
    np.complex128(-2-0j)
    """
    im = np.imag(d)
    fix = (np.imag(v) == 0) & np.isfinite(im) & (im != 0)
    if not np.any(fix):
        return v
    out = np.array(v, dtype=np.complex128, copy=True)
    out.imag = np.where(fix, np.copysign(0.0, im), out.imag)
    return out[()] if out.ndim == 0 else out


def dual_inputs(arrays: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each input as the walk's pair ``(value, direction)`` (see :func:`directions`).

    >>> dual_inputs({"x": np.complex128(2)})
    {'x': (np.complex128(2+0j), np.complex128(1j))}
    """
    return {name: (v, directions(v)) for name, v in arrays.items()}


def _value(v: Any) -> Any:
    """The value part of a walk value (a pair in complex mode)."""
    return v[0] if type(v) is tuple else v


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
        out = run(plan, ops, arrays if real else dual_inputs(arrays), hook)
        if type(out) is tuple:
            out = out[0] if out[1] is None or type(out[0]) is Const else zero_side(*out)
        if type(out) is Const:
            out = np.float64(out.value) if real else np.complex128(out.value)
        elif type(out) is np.ndarray and id(out) in ops.foreign:
            out = out.copy()
        nan = np.isnan(out)
        count = int(np.count_nonzero(nan))
        if count and (real or on_nan != "ignore"):
            node = _trace_subset(plan, ops, arrays, nan, np.shape(out), real)
            report_nan(on_nan, node, count, int(np.size(out)), stacklevel=stacklevel + 1)
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
        if real and b is not None and type(b) is not Const:  # (real mode: plain values)
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
        run(plan, ops, sub if real else dual_inputs(sub), hook)
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
            run(plan, ops, arrays if real else dual_inputs(arrays), hook)
        except _Found as found:
            return found.node
    return None
