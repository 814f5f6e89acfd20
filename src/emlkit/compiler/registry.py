"""The one registry of functions: every name, arity and library counterpart in one table.

Each :class:`Function` says how the function is written in formula text, in SymPy, mpmath,
NumPy and C99, what the grammar search and the bootstrap call it, and where its EML form is
made. The formula parser, :func:`~emlkit.compiler.formula.from_sympy`, the lowering, the
decompiler, the grammar search, the bootstrap and ``docs/functions.md`` all read this table;
nothing else lists functions.

The module is pure data over the standard library: the library functions are looked up by name
only when asked for (:meth:`Function.numpy_function`, ...), so reading the table imports none
of NumPy, mpmath or SymPy. It sits in ``compiler/`` (layer 4) because its readers are the
compiler and the layers above it; the backends evaluate EML trees only and need no names.

>>> lookup("arcsin").name, lookup("arcsin").numpy, lookup("arcsin").c
('asin', 'arcsin', 'casin')
>>> [f.name for f in functions(arity=2)][:4]
['eml', 'add', 'sub', 'mul']
>>> lookup("sinn")
Traceback (most recent call last):
...
KeyError: "unknown function 'sinn' (did you mean 'sin'?)"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

__all__ = ["REGISTRY", "Function", "functions", "lookup", "markdown_table"]


@dataclass(frozen=True)
class Function:
    """One function of the calculator basis or one building block of the grammar search.

    ``definition`` is its SymPy text in the arguments ``x`` (and ``y``); the grammar's template
    is read off it. A name that is None means the library has no such function (``compose``
    then builds it from ``exp``, ``log`` and ``sqrt``).
    """

    name: str  #: canonical name: the formula AST head (``"asin"``, ``"add"``) or block name
    arity: int
    definition: str  #: SymPy text of f(x) or f(x, y): ``"asin(x)"``, ``"1/(1 + exp(-x))"``
    spellings: tuple[str, ...] = ()  #: call names in formula text: ``("asin", "arcsin")``
    grammar: str | None = None  #: building-block name in the grammar search and bootstrap
    grammar_aliases: tuple[str, ...] = ()  #: other names the bootstrap accepts
    grammar_swapped: bool = False  #: the block takes the arguments in the other order
    label: str = ""  #: readable name in bootstrap reports (``"arcsin x"``)
    sympy: str | None = None  #: SymPy class of the head (``sympy.asin``)
    mpmath: str | None = None  #: mpmath function (``mpmath.asin``)
    numpy: str | None = None  #: NumPy ufunc (``numpy.arcsin``)
    c: str | None = None  #: C99 ``<complex.h>`` function or operator (``casin``, ``+``)
    compose: Callable[..., Any] | None = None  #: ``compose(lib, *args)`` from lib.exp/log/sqrt
    cut_args: tuple[int, ...] = ()  #: arguments whose real values can sit on a branch cut
    inverse: str | None = None  #: registry name of the inverse (the decompiler reads it)
    decompile: bool = False  #: the decompiler tries it as a named unary operation
    lowering: str | None = None  #: where its EML form is made (None: written with operators)
    template: str | None = None  #: shortest-forms table target the lowering may substitute
    notes: str = ""  #: domain: branch cuts, poles, conventions

    @property
    def grammar_template(self) -> str:
        """The grammar's SymPy template: ``definition`` with ``{0}``, ``{1}`` for x, y.

        >>> lookup("log").grammar_template
        'log({1}, {0})'
        """
        first, second = ("{1}", "{0}") if self.grammar_swapped else ("{0}", "{1}")
        return re.sub(r"\b[xy]\b", lambda m: first if m.group() == "x" else second,
                      self.definition)

    def numpy_function(self) -> Callable[..., Any]:
        """The NumPy function (or the composition over NumPy when NumPy has none).

        >>> lookup("asinh").numpy_function().__name__
        'arcsinh'
        """
        import numpy

        return self._in(numpy, self.numpy)

    def mpmath_function(self, ctx: Any = None) -> Callable[..., Any]:
        """The mpmath function of ``ctx`` (default the global ``mpmath.mp``).

        >>> import mpmath
        >>> lookup("ln").mpmath_function()(mpmath.e)
        mpf('1.0')
        """
        if ctx is None:
            import mpmath

            ctx = mpmath.mp
        return self._in(ctx, self.mpmath)

    def sympy_function(self) -> Callable[..., Any]:
        """The SymPy function, or a builder of the definition: ``f(a[, b]) -> sympy.Expr``.

        >>> import sympy
        >>> lookup("sigmoid").sympy_function()(sympy.Symbol("x"))
        1/(1 + exp(-x))
        """
        import sympy

        if self.sympy is not None:
            return getattr(sympy, self.sympy)
        expr, symbols = _sympy_definition(self.definition, self.arity)
        return lambda *args: expr.xreplace(dict(zip(symbols, args)))

    def _in(self, lib: Any, attr: str | None) -> Callable[..., Any]:
        if self.compose is not None:
            return partial(self.compose, lib)
        if attr is None:  # pragma: no cover - every entry has a name or a composition
            raise LookupError(f"{self.name} has no function in {lib!r}")
        return getattr(lib, attr)


@cache
def _sympy_definition(text: str, arity: int) -> tuple[Any, tuple[Any, ...]]:
    import sympy

    return sympy.sympify(text), tuple(sympy.symbols("x y")[:arity])


def _f(name: str, arity: int, definition: str, **kw: Any) -> Function:
    return Function(name, arity, definition, **kw)


# Compositions: the exact expressions every reader evaluates (the lowering folds constants
# with them), written for any library that has exp, log and sqrt.
def _add(_: Any, a: Any, b: Any) -> Any:
    return a + b


def _sub(_: Any, a: Any, b: Any) -> Any:
    return a - b


def _mul(_: Any, a: Any, b: Any) -> Any:
    return a * b


def _div(_: Any, a: Any, b: Any) -> Any:
    return a / b


def _neg(_: Any, a: Any) -> Any:
    return -a


def _inv(_: Any, a: Any) -> Any:
    return 1 / a


def _sq(_: Any, a: Any) -> Any:
    return a * a


def _half(_: Any, a: Any) -> Any:
    return a / 2


def _sigmoid(lib: Any, a: Any) -> Any:
    return 1 / (1 + lib.exp(-a))


def _log(lib: Any, a: Any, b: Any) -> Any:
    return lib.log(a) / lib.log(b)


def _avg(_: Any, a: Any, b: Any) -> Any:
    return (a + b) / 2


def _hypot(lib: Any, a: Any, b: Any) -> Any:
    return lib.sqrt(a**2 + b**2)


def _eml(lib: Any, a: Any, b: Any) -> Any:
    return lib.exp(a) - lib.log(b)


_CUT = (0,)
_FN = "function"  # made by a function of compiler/functions.py


def _trig(name: str, np_name: str, inverse: str, notes: str, *, cut: bool = False,
          alias: tuple[str, ...] = (), label: str = "") -> Function:
    """A unary elementary function that SymPy, mpmath, NumPy and C99 all have."""
    return _f(name, 1, f"{name}(x)", spellings=(name, *alias), grammar=name,
              grammar_aliases=alias, label=label or f"{name} x", sympy=name, mpmath=name,
              numpy=np_name, c="c" + name, cut_args=_CUT if cut else (), inverse=inverse,
              decompile=True, lowering=_FN, notes=notes)


#: Every function, in one stable order: unary (elementary, trigonometric, hyperbolic and their
#: inverses), then the EML operation, then binary. Readers keep this order.
REGISTRY: tuple[Function, ...] = (
    _f("exp", 1, "exp(x)", spellings=("exp",), grammar="exp", label="exp x", sympy="exp",
       mpmath="exp", numpy="exp", c="cexp", inverse="ln", decompile=True, lowering="primitive",
       notes="entire; exp(−∞) = 0"),
    _f("ln", 1, "log(x)", spellings=("ln",), grammar="ln", grammar_aliases=("log",),
       label="ln x", sympy="log", mpmath="log", numpy="log", c="clog", cut_args=_CUT,
       inverse="exp", decompile=True, lowering="primitive",
       notes="principal branch, cut (−∞, 0]; ln 0 = −∞; `log(x)` with one argument is ln"),
    _f("neg", 1, "-x", grammar="neg", grammar_aliases=("minus", "negate"), label="-x",
       mpmath="fneg", numpy="negative", c="-", compose=_neg, inverse="neg", decompile=True,
       lowering="arithmetic", notes="written `-x`"),
    _f("inv", 1, "1/x", grammar="inv", grammar_aliases=("inverse", "reciprocal"),
       label="1/x", numpy="reciprocal", compose=_inv, inverse="inv", decompile=True,
       notes="written `1/x`; x ≠ 0"),
    _f("sq", 1, "x**2", grammar="sq", grammar_aliases=("square",), label="x^2",
       numpy="square", compose=_sq, inverse="sqrt", template="x**2", notes="written `x^2`"),
    _f("sqrt", 1, "sqrt(x)", spellings=("sqrt",), grammar="sqrt", label="sqrt x",
       sympy="sqrt", mpmath="sqrt", numpy="sqrt", c="csqrt", cut_args=_CUT, inverse="sq",
       decompile=True, lowering=_FN, notes="principal branch, cut (−∞, 0)"),
    _f("half", 1, "x/2", grammar="half", label="x/2", compose=_half, notes="written `x/2`"),
    _f("sigmoid", 1, "1/(1 + exp(-x))", spellings=("sigmoid", "logistic", "expit"),
       grammar="sigmoid", grammar_aliases=("logistic",), label="sigmoid x", compose=_sigmoid,
       decompile=True, lowering=_FN, notes="poles iπ(2k + 1); SymPy input by name"),
    _trig("sin", "sin", "asin", "entire"),
    _trig("cos", "cos", "acos", "entire"),
    _trig("tan", "tan", "atan", "poles π/2 + kπ"),
    _trig("sinh", "sinh", "asinh", "entire"),
    _trig("cosh", "cosh", "acosh", "entire"),
    _trig("tanh", "tanh", "atanh", "poles iπ/2 + ikπ"),
    _trig("asin", "arcsin", "sin", "cuts (−∞, −1) and (1, ∞)", cut=True, alias=("arcsin",),
          label="arcsin x"),
    _trig("acos", "arccos", "cos", "cuts (−∞, −1) and (1, ∞)", cut=True, alias=("arccos",),
          label="arccos x"),
    _trig("atan", "arctan", "tan", "cuts ±i[1, ∞)", cut=True, alias=("arctan",),
          label="arctan x"),
    _trig("asinh", "arcsinh", "sinh", "cuts ±i(1, ∞)", cut=True, alias=("arsinh", "arcsinh"),
          label="arsinh x"),
    _trig("acosh", "arccosh", "cosh", "cut (−∞, 1)", cut=True, alias=("arcosh", "arccosh"),
          label="arcosh x"),
    _trig("atanh", "arctanh", "tanh", "cuts (−∞, −1] and [1, ∞)", cut=True,
          alias=("artanh", "arctanh"), label="artanh x"),
    _f("eml", 2, "exp(x) - log(y)", grammar="eml", grammar_aliases=("EML",),
       label="eml(x, y)", compose=_eml, notes="the one EML operation; written as a tree"),
    _f("add", 2, "x + y", grammar="plus", grammar_aliases=("add",), label="x + y",
       mpmath="fadd", numpy="add", c="+", compose=_add, lowering="arithmetic",
       template="x+1", notes="written `x + y`"),
    _f("sub", 2, "x - y", grammar="subtract", grammar_aliases=("sub", "minus"),
       label="x - y", mpmath="fsub", numpy="subtract", c="-", compose=_sub,
       lowering="arithmetic", template="1-x", notes="written `x - y`"),
    _f("mul", 2, "x*y", grammar="times", grammar_aliases=("mul", "multiply"), label="x * y",
       mpmath="fmul", numpy="multiply", c="*", compose=_mul, lowering="arithmetic",
       notes="written `x * y`; 0·y = 0 for every y, as SymPy"),
    _f("div", 2, "x/y", grammar="divide", grammar_aliases=("div",), label="x / y",
       mpmath="fdiv", numpy="divide", c="/", compose=_div, lowering="arithmetic",
       notes="written `x / y`; y ≠ 0"),
    _f("pow", 2, "x**y", spellings=("pow",), grammar="power", grammar_aliases=("pow",),
       label="x ^ y", mpmath="power", numpy="power", c="cpow", cut_args=_CUT,
       lowering="arithmetic", notes="written `x ^ y` or `x ** y`; principal exp(y·ln x)"),
    _f("log", 2, "log(x, y)", spellings=("log",), grammar="log",
       grammar_aliases=("log_b", "logb"), grammar_swapped=True, label="log_x y",
       compose=_log, cut_args=(0, 1), lowering=_FN,
       notes="log(x, b) = ln x / ln b (SymPy's order; the grammar's block is log_x y)"),
    _f("avg", 2, "(x + y)/2", spellings=("avg", "mean"), grammar="avg",
       grammar_aliases=("mean",), label="(x + y)/2", compose=_avg, lowering=_FN,
       notes="the arithmetic mean"),
    _f("hypot", 2, "sqrt(x**2 + y**2)", spellings=("hypot",), grammar="hypot",
       label="hypot(x, y)", compose=_hypot, lowering=_FN,
       notes="√(x² + y²) for complex x, y (C and NumPy's hypot are |·| of reals only)"),
)

_BY_NAME: dict[str, Function] = {}
for _entry in REGISTRY:  # precedence: name, then formula spelling, then grammar name, alias
    _BY_NAME.setdefault(_entry.name, _entry)
for _entry in REGISTRY:
    for _key in _entry.spellings:
        _BY_NAME.setdefault(_key, _entry)
for _entry in REGISTRY:
    if _entry.grammar is not None:
        _BY_NAME.setdefault(_entry.grammar, _entry)
for _entry in REGISTRY:
    for _key in _entry.grammar_aliases:
        _BY_NAME.setdefault(_key, _entry)
del _entry, _key


def lookup(name: str) -> Function:
    """The function called ``name``: its canonical name, a formula spelling or a grammar name.

    Raises ``KeyError`` naming the closest known name for anything else.

    >>> lookup("plus").name, lookup("mean").name, lookup("expit").name
    ('add', 'avg', 'sigmoid')
    """
    if not isinstance(name, str):
        raise TypeError(f"a function name is a str, not {type(name).__name__}")
    found = _BY_NAME.get(name)
    if found is not None:
        return found
    close = difflib.get_close_matches(name, list(_BY_NAME), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise KeyError(f"unknown function {name!r}{hint}")


def functions(*, arity: int | None = None, formula: bool | None = None,
              grammar: bool | None = None) -> tuple[Function, ...]:
    """Registry entries in the registry's order, optionally filtered.

    ``formula=True``: callable by name in formula text; ``grammar=True``: a grammar block.

    >>> [f.name for f in functions(arity=2, formula=True)]
    ['pow', 'log', 'avg', 'hypot']
    """
    return tuple(
        f for f in REGISTRY
        if (arity is None or f.arity == arity)
        and (formula is None or bool(f.spellings) == formula)
        and (grammar is None or (f.grammar is not None) == grammar)
    )


def markdown_table() -> str:
    """The table of ``docs/functions.md``, one row per registry entry (kept true by a test).

    >>> markdown_table().splitlines()[2].split(" | ")[0]
    '| exp'
    """
    head = ("| name | arity | formula text | grammar block | SymPy | mpmath | NumPy | C99 "
            "| EML form | notes |")
    rows = [head, "|" + "---|" * 10]
    for f in REGISTRY:
        cells = [
            f.name, str(f.arity), ", ".join(f"`{s}`" for s in f.spellings) or "-",
            f"`{f.grammar}`" if f.grammar else "-", f.sympy or f"`{f.definition}`",
            f.mpmath or "-", f.numpy or "-", f"`{f.c}`" if f.c else "-",
            f.lowering or "operators", f.notes,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"
