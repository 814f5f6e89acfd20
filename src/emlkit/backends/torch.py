"""torch backend: complex128 tensors that keep the autograd graph, and holomorphic derivatives.

The same walk as NumPy (C99 complex ``exp``/``log``, exact folded constants); nothing is done
in place, so inputs that require grad keep their graph. Subtraction is done on the real and
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

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from ..errors import DomainError, EvaluationError
from ..expr import ONE, Eml, Expr, ExprLike, as_expr
from ..semantics import check_on_nan, describe, report_nan
from ._walk import make_plan, run
from .numpy import Const

__all__ = ["TorchOps", "evaluate", "gradient", "trace_nan"]

_ONE = Const(ONE, 1 + 0j, complex(math.e, 0.0), 0j)


class TorchOps:
    """C99 ``exp`` and ``log`` and subtraction on complex128 tensors (never in place)."""

    def constant(self, node: Expr) -> Const:
        if node is ONE:
            return _ONE
        from .mpmath import constant_info

        info = constant_info(node)
        return Const(node, info.c, info.exp, info.ln, info)

    def one(self) -> Const:  # pragma: no cover - constants are always folded here
        return _ONE

    def eml(self, node: Eml, a: Any, b: Any, free_a: bool, free_b: bool) -> Any:
        lb = b.ln if type(b) is Const else torch.log(b)
        ea = a.exp if type(a) is Const else torch.exp(a)
        if type(lb) is complex and lb == 0:
            return ea
        return _sub(ea, lb)


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
    if type(value) is Const:
        if value.info is not None and value.info.first_nan is not None:
            raise _Found(value.info.first_nan)
    elif bool(torch.isnan(value).any()):
        raise _Found(node)


def _strict_hook(node: Expr, value: Any, a: Any, b: Any) -> None:
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
    nudged = _nudge_all(tensors)
    out = run(plan, TorchOps(), nudged, hook)
    if type(out) is Const:
        out = torch.tensor(out.value, dtype=torch.complex128)
    elif any(out is t for t in tensors.values()):
        out = out.clone()
    if nudged is not tensors:
        out = _finish_nudged(plan, tensors, out, hook)
    if on_nan != "ignore":
        nan = torch.isnan(out.detach())
        count = int(nan.sum())
        if count:
            node = _trace_subset(plan, tensors, nan)
            report_nan(on_nan, node, count, out.numel(), stacklevel=stacklevel + 1)
    return out


def _nudge_all(tensors: dict) -> dict:
    """Real inputs ``x ≠ 0`` move to ``x ± i·1e-300·S`` (docs/semantics.md §3, as NumPy).

    ``S = max(1, |Re v|)`` over all inputs at each point; only the (zero) imaginary part is
    replaced, so gradients with respect to real inputs are untouched.
    """
    from .numpy import NUDGE

    masks = {n: (t.imag == 0) & (t.real != 0) & torch.isfinite(t.real) for n, t in tensors.items()}
    if not any(bool(m.any()) for m in masks.values()):
        return tensors
    scale = torch.ones((), dtype=torch.float64)
    for t in tensors.values():
        re = t.real.detach().abs()
        scale = torch.maximum(scale, torch.where(torch.isfinite(re), re, torch.ones_like(re)))
    out = {}
    for n, t in tensors.items():
        size = torch.copysign(NUDGE * scale.expand_as(t.real), t.imag.detach())
        out[n] = torch.complex(t.real, torch.where(masks[n], size, t.imag))
    return out


def _finish_nudged(plan: Any, tensors: dict, out: torch.Tensor, hook: Any) -> torch.Tensor:
    """Recompute non-finite points without the nudge; drop the nudge's residue (as NumPy)."""
    from .numpy import NUDGE_RESIDUE

    bad = ~torch.isfinite(out.detach())
    if bool(bad.any()):
        again = run(plan, TorchOps(), tensors, hook)
        if type(again) is Const:
            again = torch.tensor(again.value, dtype=torch.complex128)
        out = torch.where(bad, torch.broadcast_to(again, out.shape), out)
    re, im = out.real, out.imag
    tiny = torch.isfinite(out.detach()) & (im.detach().abs() <= NUDGE_RESIDUE * torch.clamp(re.detach().abs(), min=1.0))
    return torch.complex(re, torch.where(tiny, torch.copysign(torch.zeros_like(im), im.detach()), im))


def _trace_subset(plan: Any, tensors: dict, mask: torch.Tensor) -> Expr | None:
    shape = mask.shape
    with torch.no_grad():
        sub = {n: torch.broadcast_to(t.detach(), shape)[mask] for n, t in tensors.items()}
        try:
            run(plan, TorchOps(), sub, _nan_hook)
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
            run(plan, TorchOps(), tensors, _nan_hook)
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
