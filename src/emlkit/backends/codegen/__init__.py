"""Generate standalone source code (C99, NumPy, torch, mpmath) that evaluates an EML DAG.

The generated function takes the expression's variables, sorted by name, as arguments and
computes every distinct eml node once, as a temporary, in topological order (straight-line code,
no recursion, so a 100,000-deep chain is fine). It follows :mod:`emlkit.semantics` exactly as
:func:`emlkit.evaluate` does, so the two agree everywhere, ``±0``, ``±inf``, tiny and huge
inputs included:

* plain C99 complex ``exp``/``log`` (``cexp``/``clog``, ``np.exp``/``np.log``,
  ``torch.exp``/``torch.log``), which follow Annex G: ``ln(±0 ± 0i) = −∞ + i·Arg`` with the
  signed zeros, ``exp(−∞ + iy) = 0·cis y``, signed zeros on the cuts;
* next to each value ``t<k>`` its first-order ``ε``-term ``d<k>`` (each input's term is its
  direction: ``±i`` on the real axis, ``±1`` on the imaginary axis, ``0`` elsewhere); each
  ``ln`` whose argument is on the negative real axis, up to ``2**-40`` relative rounding
  residue, takes the side of the term's imaginary part (:func:`emlkit.semantics.cut_sides`);
* a zero imaginary part of the result gets the sign of its term's, as :func:`emlkit.evaluate`.

Constant subtrees are folded at generation time to the exact constants the NumPy backend uses
(:func:`emlkit.backends.mpmath.constant_info`, the mpmath ops: snapped exact arithmetic, so an
intermediate that is exactly on the cut in exact arithmetic takes the principal ``+iπ``): the
literal of a constant operand is the rounded ``exp`` or ``ln`` of its exact value, a shortest
round-trip double.

The mpmath output embeds the mpmath backend's own arithmetic (:mod:`._runtime`: the ops, the
working precision that grows with the magnitudes, the one-sided limits), so it returns what
``evaluate(..., backend="mpmath", dps=mp.dps)`` returns, constants computed at each call's
working precision.

One module per job: :mod:`._names` (reserved words, parameters), :mod:`._targets` (how C,
NumPy and torch spell things, a table), :mod:`._helpers` (their cut-rule helpers),
:mod:`._float` (their straight-line body), :mod:`._mpmath` and :mod:`._runtime` (mpmath).

>>> from emlkit.expr import eml
>>> src = to_code(eml(1, eml(eml(1, "x"), 1)), "numpy", name="ln")   # ln x
>>> ns = {}
>>> exec(src, ns)
>>> round(complex(ns["ln"](-1.0)).imag, 12), round(complex(ns["ln"](complex(-1, -0.0))).imag, 12)
(3.14159265359, -3.14159265359)
"""

from __future__ import annotations

from ...errors import DomainError
from ...expr import Expr, Var, postorder
from .._walk import variable_free
from ._float import body_lines, target
from ._mpmath import mpmath_source
from ._names import RESERVED, check_name, parameters
from ._targets import comment

__all__ = ["LANGUAGES", "fold_constants", "to_code"]

#: The target languages :func:`to_code` accepts.
LANGUAGES = ("c", "numpy", "torch", "mpmath")
_HELPER_KINDS = ("cx", "dir", "ln", "dln", "exp", "dexp", "sub", "zside", "body")


def fold_constants(expr: Expr) -> dict[int, object]:
    """Exact values (mpmath ``mpc``) of the variable-free nodes, keyed by ``id(node)``.

    The values of :func:`emlkit.backends.mpmath.constant_info` (snapped exact arithmetic, the
    constants that :func:`emlkit.evaluate` uses); iterative, cached per node.

    Parameters
    ----------
    expr : Expr
        Any expression; only its constant nodes are evaluated.

    Returns
    -------
    dict
        ``id(node) -> mpmath.mpc`` for every node without variables.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> zero = eml(1, eml(eml(1, 1), 1))          # e - ln(e^e) = 0, exactly
    >>> values = fold_constants(zero)
    >>> values[id(zero)]
    mpc(real='0.0', imag='0.0')
    """
    from ..mpmath import constant_info

    order = postorder(expr)
    consts = variable_free(order)
    return {id(n): constant_info(n).value[0] for n in order if id(n) in consts}



def to_code(expr: Expr, lang: str = "c", *, name: str = "f") -> str:
    """Source code of a standalone function that evaluates ``expr``.

    Each distinct eml node is computed once, as a temporary ``t<k>`` with its first-order term
    ``d<k>``, in topological order (iterative, straight-line code). Variable-free subtrees are
    folded to the exact constants of :func:`emlkit.evaluate` (module docstring). The arguments
    are the expression's variables sorted by name; a variable whose name is a keyword or reserved
    word of the target, or clashes with a temporary or helper, gets a ``v_`` prefix (listed in the
    header comment).

    Parameters
    ----------
    expr : Expr
        The expression.
    lang : {"c", "numpy", "torch", "mpmath"}, default "c"
        ``"c"``: a C99 function over ``double complex`` (``<complex.h>``, ``cexp``/``clog``;
        build with ``cc -std=c99 -O2 file.c -lm``). ``"numpy"``: a function over complex128
        arrays (``np.exp``/``np.log``, broadcasting, floating-point warnings silenced).
        ``"torch"``: complex128 tensors, differentiable (``torch.exp``/``torch.log``).
        ``"mpmath"``: the mpmath backend's arithmetic, embedded, returning the value at the
        caller's ``mp.dps`` (the working precision grows as the backend's does).
    name : str, default "f"
        Name of the generated function (helpers are named after it, so several generated
        functions can share one file).

    Returns
    -------
    str
        The source text: includes/imports, small helpers (an input's direction, ``ln`` with
        the side of the cut, the first-order terms of ``ln`` and ``exp``, the sign of a zero
        imaginary part of the result) and the straight-line function ``name``.

    Raises
    ------
    DomainError
        Unknown ``lang`` or an invalid ``name``.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> blocks = to_code(eml("x", "y"), "c").split("\\n\\n")      # exp(x) - ln(y)
    >>> print(next(b for b in blocks if b.startswith("double complex f(")).rstrip())
    double complex f(double complex x, double complex y)
    {
        const double complex d0 = f_dir(x);
        const double complex d1 = f_dir(y);
        const double complex u0 = cexp(x);
        const double complex t0 = u0 - f_ln(y, d1);
        const double complex d2 = f_dexp(u0, d0) - f_dln(d1, y);
        return f_zside(t0, d2);
    }
    >>> ns = {}
    >>> exec(to_code(eml("x", 1), "mpmath", name="exp"), ns)    # exp x; ln 1 folds away
    >>> ns["exp"](1)
    mpc(real='2.7182818284590451', imag='0.0')
    """
    if lang not in LANGUAGES:
        raise DomainError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    if not isinstance(expr, Expr):
        raise TypeError(f"to_code expects an Expr, got {type(expr).__name__}")
    check_name(name, lang)
    h = name if lang == "c" else f"_{name}"
    variables = sorted({n.name for n in postorder(expr) if isinstance(n, Var)})
    taken = {name} | {f"{h}_{k}" for k in _HELPER_KINDS}
    params = parameters(variables, taken, RESERVED[lang])
    renamed = [f"{v} -> {p}" for v, p in params.items() if v != p]
    text = (
        f"Generated by emlkit: {name}({', '.join(variables)}), an EML expression with "
        f"K={expr.K}, depth={expr.depth}, dag_size={expr.dag_size}.\n"
        + (_MP_NOTE if lang == "mpmath" else _FLOAT_NOTE)
        + (f"\nRenamed arguments: {', '.join(renamed)}." if renamed else "")
    )
    if lang == "mpmath":
        return mpmath_source(expr, name, params, comment(text, False))
    spec = target(lang, h)
    body = body_lines(expr, spec, h, params)
    helpers = spec.helpers(h, {"ln"} if params else set())
    parts = [spec.header(text), helpers, spec.signature(name, list(params.values()))]
    gap = "\n\n" if lang == "c" else "\n\n\n"
    out = gap.join(p.rstrip("\n") for p in parts if p)
    return out + "\n" + "".join(f"{spec.indent}{line}\n" for line in body) + spec.end


_FLOAT_NOTE = (
    "Semantics: principal ln, C99 Annex G exp/log (ln 0 = -inf); constant subtrees folded "
    "to exact values.\n"
    "Inputs on a cut: each value t<k> carries its first-order term d<k> (an input's is "
    "its direction,\n+-i on the real axis, +-1 on the imaginary axis); ln on the negative "
    "real axis takes the side\nof Im d."
)
_MP_NOTE = (
    "Semantics: those of emlkit.evaluate(..., backend='mpmath', dps=mp.dps), whose arithmetic "
    "is embedded\nbelow (_eml_*): exact values, the side of a cut from each input's signed "
    "zero, working\nprecision grown with the magnitudes, one-sided limits through ln 0 and at "
    "infinite inputs."
)
