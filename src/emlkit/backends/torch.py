"""torch backend: complex128 tensors that keep the autograd graph, and holomorphic derivatives.

The same walk as NumPy (C99 complex ``exp``/``log``, exact folded constants, the side of a cut
from the inputs' directions, :func:`emlkit.semantics.cut_sides`); nothing is done in place, so
inputs that require grad keep their graph (the first-order terms that pick the side of a cut
are computed without it). Subtraction is done on the real and
imaginary parts separately: torch's complex ``a − b`` multiplies ``b`` by a complex ``1`` first,
which makes ``e − ln 0`` NaN instead of ``+∞``.

Derivatives. For complex tensors torch's backward computes, for an output ``f`` and upstream
gradient ``v``, ``v · conj(∂f/∂z)`` when ``f`` is holomorphic (the conjugate Wirtinger
convention, made for real losses). :func:`gradient` therefore back-propagates ``v = 1`` and
conjugates the result: it returns the ordinary complex derivative ``df/dz``.

>>> from emlkit import eml
>>> ln = eml(1, eml(eml(1, "x"), 1))
>>> gradient(ln, x=[1.0, 2.0, -4.0]).real                  # d ln x / dx = 1/x
tensor([ 1.0000,  0.5000, -0.2500], dtype=torch.float64)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from ..errors import DomainError, EvaluationError
from ..expr import Eml, Expr, ExprLike, as_expr
from ..semantics import CUT_RESIDUE, check_on_nan, cut_sides, describe, report_nan
from ._const import ONE_COMPLEX, Const, complex_constant, directions
from ._walk import make_plan, run

__all__ = ["TorchOps", "evaluate", "gradient", "trace_nan"]



class TorchOps:
    """C99 ``exp`` and ``log`` and subtraction on complex128 tensors (never in place)."""

    def constant(self, node: Expr) -> Const:
        return complex_constant(node)

    def one(self) -> Const:  # pragma: no cover - constants are always folded here
        return ONE_COMPLEX

    def eml(self, node: Eml, a: Any, b: Any, free_a: bool, free_b: bool) -> Any:
        av, ad = a if type(a) is tuple else (a, None)
        bv, bd = b if type(b) is tuple else (b, None)
        dl = None
        if bd is not None:
            with torch.no_grad():
                dl = _zero_safe(bd, bd / bv.detach())
            bv = _settle(bv, bd)
        lb = bv.ln if type(bv) is Const else torch.log(bv)
        ea = av.exp if type(av) is Const else torch.exp(av)
        r = ea if type(lb) is complex and lb == 0 else _sub(ea, lb)
        de = None
        if ad is not None:
            with torch.no_grad():
                e = ea if type(ea) is complex else ea.detach()
                de = _zero_safe(ad, e * ad)
        if dl is None:
            return r, de
        return r, (-dl if de is None else de - dl)


def _zero_safe(d: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """``value`` where the term ``d`` is nonzero, ``0`` where it is zero (``∞ · 0 = 0``)."""
    return torch.where(d == 0, torch.zeros_like(value), value)


def _settle(b: Any, d: torch.Tensor) -> Any:
    """``b`` with a signed zero imaginary part where the term ``d`` decides the side of the cut."""
    if type(b) is Const:
        return b
    with torch.no_grad():
        upper, lower = cut_sides(b.real.detach(), b.imag.detach(), d.real, d.imag, CUT_RESIDUE)
        if not bool((upper | lower).any()):
            return b
        sign = torch.where(upper, 1.0, -1.0).to(torch.float64)
    zero = torch.copysign(torch.zeros_like(b.real), sign)
    return torch.complex(b.real, torch.where(upper | lower, zero, b.imag))


def _zero_side(v: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    """A zero imaginary part of the result gets the sign of its first-order term's (as NumPy)."""
    fix = (v.imag.detach() == 0) & torch.isfinite(d.imag) & (d.imag != 0)
    if not bool(fix.any()):
        return v
    zero = torch.copysign(torch.zeros_like(v.real), d.imag)
    return torch.complex(v.real, torch.where(fix, zero, v.imag))


def _directions(t: torch.Tensor) -> torch.Tensor | None:
    """Each input's direction (:func:`emlkit.semantics.direction`), or ``None`` off the axes."""
    d = directions(t.detach().numpy())
    return None if d is None else torch.as_tensor(np.asarray(d), dtype=torch.complex128)


def _dual(tensors: Mapping[str, torch.Tensor]) -> dict[str, tuple]:
    return {n: (t, _directions(t)) for n, t in tensors.items()}


def _value(v: Any) -> Any:
    return v[0] if type(v) is tuple else v


def _sub(a: Any, b: Any) -> torch.Tensor:
    """``a − b`` part by part. torch's complex subtraction computes ``a − 1·b`` with a complex
    product, which turns ``∞ + 0j`` into ``∞ + NaN·j`` and loses IEEE zero signs."""
    return torch.complex(a.real - b.real, a.imag - b.imag)


def _convert(name: str, value: Any) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value if value.dtype == torch.complex128 else value.to(torch.complex128)
    try:
        return torch.as_tensor(np.asarray(value, dtype=np.complex128))
    except (TypeError, ValueError) as err:
        raise DomainError(
            f"cannot convert the value of variable {name!r} to complex128: {err}"
        ) from err


class _Found(Exception):
    def __init__(self, node: Expr) -> None:
        self.node = node


def _nan_hook(node: Expr, value: Any, a: Any, b: Any) -> None:
    value = _value(value)
    if type(value) is Const:
        if value.info is not None and value.info.first_nan is not None:
            raise _Found(value.info.first_nan)
    elif bool(torch.isnan(value).any()):
        raise _Found(node)


def _strict_hook(node: Expr, value: Any, a: Any, b: Any) -> None:
    value = _value(value)
    if type(value) is Const:
        origin = value.info.first_inf if value.info is not None else None
    else:
        origin = node if bool(torch.isinf(value).any()) else None
    if origin is not None:
        raise EvaluationError(
            f"infinite value at node {describe(origin)}; strict=True refuses infinities", origin
        )


def evaluate(
    expr: Expr,
    inputs: Mapping[str, Any],
    *,
    strict: bool = False,
    on_nan: str = "warn",
    stacklevel: int = 2,
) -> torch.Tensor:
    """Value of ``expr`` as a complex128 tensor of the inputs' broadcast shape.

    Parameters
    ----------
    expr : Expr
    inputs : mapping
        Tensors (any dtype, converted to complex128 differentiably), numbers or array-likes.
    strict : bool, default False
        Raise :class:`~emlkit.errors.EvaluationError` at the first infinite value.
    on_nan : {"warn", "raise", "ignore"}

    Examples
    --------
    >>> import torch
    >>> from emlkit import eml
    >>> x = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    >>> y = evaluate(eml("x", 1), {"x": x})                     # exp
    >>> y.real.sum().backward()
    >>> x.grad
    tensor([1.6487, 2.7183], dtype=torch.float64)
    """
    plan = make_plan(expr, fold_constants=True)
    tensors = {name: _convert(name, v) for name, v in inputs.items()}
    hook = _strict_hook if strict else None
    out = run(plan, TorchOps(), _dual(tensors), hook)
    if type(out) is tuple:
        out = out[0] if out[1] is None or type(out[0]) is Const else _zero_side(*out)
    if type(out) is Const:
        out = torch.tensor(out.value, dtype=torch.complex128)
    elif any(out is t for t in tensors.values()):
        out = out.clone()
    if on_nan != "ignore":
        nan = torch.isnan(out.detach())
        count = int(nan.sum())
        if count:
            node = _trace_subset(plan, tensors, nan)
            report_nan(on_nan, node, count, out.numel(), stacklevel=stacklevel + 1)
    return out


def _trace_subset(plan: Any, tensors: dict, mask: torch.Tensor) -> Expr | None:
    shape = mask.shape
    with torch.no_grad():
        sub = {n: torch.broadcast_to(t.detach(), shape)[mask] for n, t in tensors.items()}
        try:
            run(plan, TorchOps(), _dual(sub), _nan_hook)
        except _Found as found:
            return found.node
    return None


def trace_nan(expr: Expr, inputs: Mapping[str, Any]) -> Expr | None:
    """The first node (in evaluation order) whose value is NaN at some point, or ``None``.

    Examples
    --------
    >>> from emlkit import eml
    >>> print(trace_nan(eml("x", 1), {"x": complex(0, float("inf"))}))
    eml(x, 1)
    """
    plan = make_plan(expr, fold_constants=True)
    with torch.no_grad():
        tensors = {name: _convert(name, v).detach() for name, v in inputs.items()}
        try:
            run(plan, TorchOps(), _dual(tensors), _nan_hook)
        except _Found as found:
            return found.node
    return None


def gradient(
    expr: ExprLike,
    values: Mapping[str, Any] | None = None,
    /,
    *,
    wrt: str | None = None,
    on_nan: str = "warn",
    **kwvalues: Any,
) -> torch.Tensor:
    """The complex derivative ``df/d(wrt)`` at every point, by torch autograd.

    Parameters
    ----------
    expr : Expr
    values : mapping, optional
        Values by variable name, as for :func:`emlkit.evaluate`.
    wrt : str, optional
        The variable to differentiate by; may be left out when ``expr`` has one variable.
    on_nan : {"warn", "raise", "ignore"}, default "warn"
        Policy for NaN in the *value* of ``expr``.
    **kwvalues
        Values by variable name.

    Returns
    -------
    torch.Tensor
        complex128, of the inputs' broadcast shape, detached. For a holomorphic ``f`` this is
        ``f'`` (the conjugate of what ``backward`` leaves in ``.grad``, see the module notes).

    Examples
    --------
    >>> from emlkit import eml
    >>> complex(gradient(eml("x", "y"), x=0.0, y=2.0, wrt="y"))   # d(e^x − ln y)/dy = −1/y
    (-0.5-0j)
    """
    from . import resolve_values

    expr = as_expr(expr)
    check_on_nan(on_nan)
    names = sorted(expr.free_vars)
    if wrt is None:
        if len(names) != 1:
            listed = ", ".join(names) or "(none)"
            raise TypeError(f"gradient() needs wrt= for an expression with variables {listed}")
        wrt = names[0]
    elif wrt not in names:
        raise DomainError(
            f"the expression has no variable {wrt!r}; its variables: {', '.join(names) or '(none)'}"
        )
    inputs = resolve_values(expr, values, kwvalues, "gradient")
    tensors = {name: _convert(name, v) for name, v in inputs.items()}
    shape = torch.broadcast_shapes(*(t.shape for t in tensors.values()))
    point = tensors[wrt].detach().broadcast_to(shape).clone().requires_grad_(True)
    tensors[wrt] = point
    with torch.enable_grad():
        f = evaluate(expr, tensors, on_nan=on_nan, stacklevel=2)
        (g,) = torch.autograd.grad(f, point, grad_outputs=torch.ones_like(f), allow_unused=True)
    if g is None:  # pragma: no cover - every variable of expr reaches the root
        return torch.zeros_like(point.detach())
    return g.detach().conj().resolve_conj()
