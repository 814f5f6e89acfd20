"""Evaluate EML expressions with NumPy, mpmath, torch or arb: one walk, one semantics.

Every backend runs the same walk (:mod:`emlkit.backends._walk`) over the expression's DAG with
its own small ops object, and follows the contract of :mod:`emlkit.semantics`. The backend
modules, and the libraries behind them, are imported on first use.

>>> import emlkit as ek
>>> from emlkit import eml
>>> ln = eml(1, eml(eml(1, "x"), 1))                      # ln x
>>> complex(ek.evaluate(ln, x=-2.0)).imag                   # upper side of the cut: +iπ
3.141592653589793
>>> complex(ek.evaluate(ln, x=complex(-2, -0.0))).imag      # lower side: −iπ
-3.141592653589793
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Mapping
from typing import Any

from ..errors import DomainError, EMLError
from ..expr import Expr, ExprLike, as_expr
from ..semantics import EvaluationWarning as EvaluationWarning  # re-exported
from ..semantics import check_on_nan

__all__ = [
    "BACKENDS",
    "EvaluationWarning",
    "MissingVariableError",
    "certify",
    "evaluate",
    "trace_nan",
]

#: Names accepted by ``backend=``.
BACKENDS = ("numpy", "mpmath", "torch", "arb")
_OPTIONS = {
    "evaluate": ("backend", "dps", "real", "strict", "on_nan"),
    "trace_nan": ("backend", "dps", "real"),
}


class MissingVariableError(EMLError, TypeError):
    """A variable of the expression was given no value."""


def _backend(name: str) -> Any:
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; valid backends: {', '.join(BACKENDS)}")
    return importlib.import_module(f"{__name__}.{name}")


def resolve_values(
    expr: Expr, values: Mapping[str, Any] | None, kwvalues: Mapping[str, Any], caller: str
) -> dict[str, Any]:
    """Merge the ``values`` mapping and keyword values into one value per variable of ``expr``.

    Keys of ``values`` that are not variables of ``expr`` are ignored (a data set may hold more
    columns); an unknown *keyword* is a :class:`TypeError` with a suggestion; a variable
    without a value is a :class:`MissingVariableError`.

    Examples
    --------
    >>> from emlkit import eml
    >>> resolve_values(eml("x", "y"), {"y": 2, "z": 3}, {"x": 1}, "evaluate")
    {'y': 2, 'x': 1}
    >>> resolve_values(eml("x", 1), None, {"xx": 1}, "evaluate")
    Traceback (most recent call last):
    ...
    TypeError: evaluate() got an unexpected keyword argument 'xx'; did you mean 'x'?
    """
    names = expr.free_vars
    merged: dict[str, Any] = {}
    if values is not None:
        if not isinstance(values, Mapping):
            raise TypeError(
                f"{caller}() takes the variables' values as a mapping or as keywords, "
                f"got {type(values).__name__}"
            )
        merged = {k: v for k, v in values.items() if k in names}
    for key, value in kwvalues.items():
        if key not in names:
            options = _OPTIONS.get(caller, ())
            close = difflib.get_close_matches(key, [*sorted(names), *options], n=1, cutoff=0.6)
            hint = (
                f"; did you mean {close[0]!r}?"
                if close
                else f"; the expression's variables are: {', '.join(sorted(names)) or '(none)'}"
            )
            raise TypeError(f"{caller}() got an unexpected keyword argument {key!r}{hint}")
        if key in merged:
            raise TypeError(f"{caller}() got two values for variable {key!r}")
        merged[key] = value
    missing = sorted(names.difference(merged))
    if missing:
        raise MissingVariableError(
            f"{caller}() needs a value for variable {missing[0]!r} of the expression "
            f"(pass {missing[0]}=... or a mapping)"
        )
    return merged


def evaluate(
    expr: ExprLike,
    values: Mapping[str, Any] | None = None,
    /,
    *,
    backend: str = "numpy",
    dps: int | None = None,
    real: bool = False,
    strict: bool = False,
    on_nan: str = "warn",
    **kwvalues: Any,
) -> Any:
    """Value of an EML expression at the given inputs.

    Parameters
    ----------
    expr : Expr
        The expression (``1`` and variable names are accepted as leaves).
    values : mapping, optional
        Values by variable name (for names that clash with the options); keys that are not
        variables of ``expr`` are ignored.
    backend : {"numpy", "mpmath", "torch", "arb"}, default "numpy"
        ``numpy``: complex128 arrays that broadcast together (a scalar for scalar inputs).
        ``mpmath``: ``mpc`` at ``dps`` digits (object arrays for array inputs).
        ``torch``: complex128 tensors; inputs that require grad keep the graph.
        ``arb``: rigorous ``flint.acb`` balls at ``dps`` digits (see :func:`certify`).
    dps : int, optional
        Decimal digits for mpmath (default 50) and arb (default 30).
    real : bool, default False
        NumPy only: evaluate in float64; ``ln`` of a negative value raises
        :class:`~emlkit.errors.EvaluationError` naming the node and the first such input.
    strict : bool, default False
        Refuse infinities: :class:`~emlkit.errors.EvaluationError` names the first node whose
        value is infinite (not for arb, which never produces an infinity silently).
    on_nan : {"warn", "raise", "ignore"}, default "warn"
        What to do when the result contains NaN: warn with an :class:`EvaluationWarning`
        naming the node that produced it first, raise
        :class:`~emlkit.errors.EvaluationError`, or return silently.
    **kwvalues
        Values by variable name, e.g. ``x=0.7``.

    Returns
    -------
    The value(s) in the backend's number type.

    Raises
    ------
    MissingVariableError
        A variable of ``expr`` has no value.
    TypeError
        A keyword is neither an option nor a variable of ``expr``.
    ValueError
        Unknown backend (:class:`~emlkit.errors.DomainError` for option values that do not fit).

    Examples
    --------
    >>> from emlkit import eml
    >>> evaluate(eml("x", 1), x=[0.0, 1.0])                  # exp
    array([1.        +0.j, 2.71828183+0.j])
    >>> import mpmath
    >>> mpmath.nstr(evaluate(eml(1, 1), backend="mpmath", dps=30), 30)  # e
    '(2.71828182845904523536028747135 + 0.0j)'
    >>> evaluate(eml(1, "dps"), {"dps": 1.0})   # a variable named like an option; e − ln(1 + i0⁺)
    np.complex128(2.718281828459045-0j)
    >>> evaluate(eml("x", "y"), x=1.0)
    Traceback (most recent call last):
    ...
    emlkit.backends.MissingVariableError: evaluate() needs a value for variable 'y' ...
    """
    expr = as_expr(expr)
    module = _backend(backend)
    check_on_nan(on_nan)
    if real and backend != "numpy":
        raise DomainError(f"real=True is supported by the numpy backend only, not {backend!r}")
    if dps is not None and backend not in ("mpmath", "arb"):
        raise DomainError(f"dps applies to the mpmath and arb backends, not {backend!r}")
    if strict and backend == "arb":
        raise DomainError("strict=True does not apply to arb: balls are never infinite silently")
    inputs = resolve_values(expr, values, kwvalues, "evaluate")
    options: dict[str, Any] = {"on_nan": on_nan, "stacklevel": 2}
    if backend in ("mpmath", "arb"):
        options["dps"] = dps
    if backend != "arb":
        options["strict"] = strict
    if backend == "numpy":
        options["real"] = real
    return module.evaluate(expr, inputs, **options)


def trace_nan(
    expr: ExprLike,
    values: Mapping[str, Any] | None = None,
    /,
    *,
    backend: str = "numpy",
    dps: int | None = None,
    real: bool = False,
    **kwvalues: Any,
) -> Expr | None:
    """The first node (children before parents) whose value is NaN at some input, or ``None``.

    Parameters
    ----------
    expr, values, backend, dps, real, **kwvalues
        As for :func:`evaluate`.

    Examples
    --------
    >>> from emlkit import eml
    >>> f = eml(eml("x", 1), "y")
    >>> print(trace_nan(f, x=1.0, y=2.0))
    None
    >>> print(trace_nan(f, x=complex(0, float("inf")), y=2.0))   # exp(i·∞) is NaN
    eml(x, 1)
    """
    expr = as_expr(expr)
    module = _backend(backend)
    if real and backend != "numpy":
        raise DomainError(f"real=True is supported by the numpy backend only, not {backend!r}")
    inputs = resolve_values(expr, values, kwvalues, "trace_nan")
    if backend == "numpy":
        return module.trace_nan(expr, inputs, real=real)
    if backend in ("mpmath", "arb"):
        return module.trace_nan(expr, inputs, dps=dps)
    return module.trace_nan(expr, inputs)


def certify(
    expr: ExprLike,
    points: Any = None,
    reference: Any = None,
    *,
    dps: int = 30,
    **kwvalues: Any,
) -> list[Any]:
    """Certify values of ``expr`` (and optionally its equality to ``reference``) with arb balls.

    See :func:`emlkit.backends.arb.certify` for the parameters and the report objects. The
    points may also be given as :func:`evaluate` takes them: keywords by variable name
    (``x=0.7``, or arrays that broadcast together, one certificate per element).

    Examples
    --------
    >>> from emlkit import eml
    >>> ln = eml(1, eml(eml(1, "x"), 1))
    >>> [c.certified for c in certify(ln, [2.0, -2.0, 0.0])]
    [True, True, False]
    >>> [c.certified for c in certify(ln, x=0.7)], len(certify(ln, x=[1.0, 2.0]))
    ([True], 2)
    """
    if kwvalues:
        if points is not None:
            raise TypeError("certify() takes points or keyword values (x=...), not both")
        names = as_expr(expr).free_vars | (
            reference.free_vars if isinstance(reference, Expr) else frozenset())
        unknown = sorted(set(kwvalues) - names)
        if unknown:
            raise TypeError(f"certify() got a value for {unknown[0]!r}, which is neither an "
                            "option nor a variable of the expression")
        points = kwvalues
    return _backend("arb").certify(expr, points, reference, dps=dps)
