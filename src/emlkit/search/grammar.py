"""Bottom-up enumeration by size over arbitrary building blocks (a *grammar* of operations).

A :class:`Grammar` is a set of :class:`Op` building blocks: leaves (constants and variables,
arity 0), unary and binary operations. :func:`enumerate_grammar` builds every expression by
size ``K`` (tokens: every leaf and every operation application counts 1, so over ``{1; eml}``
it is the EML ``K``) and keeps one representative per distinct value vector at fixed test
points (observational equivalence), exactly as :func:`emlkit.search.enumerate_forms` does for
pure EML; the hashing is shared with it.

Arithmetic: the :data:`emlkit.semantics.SEARCH` policy (stated in :mod:`emlkit.semantics`), in
float64 from :mod:`emlkit.search.arithmetic` and in mpmath from
:mod:`emlkit.search.arithmetic_mp`: principal ``ln``, ``ln 0 = -inf``, ``exp(-inf) = 0``; a value
that is NaN or has an infinite imaginary part is undefined, and a candidate undefined at any test
point is dropped. After every operation a part below ``SEARCH.snap`` times the value's size is
set to exactly zero (additive operations such as ``eml``, ``plus``, ``subtract`` use the
operands' size), so exactly real values stay exactly real.

The operation table (:data:`KNOWN_OPS`) also carries an mpmath twin of each operation, used by
the bootstrap verifier to check witnesses at high precision (:func:`evaluate_term_mp`).

>>> g = Grammar.from_names(["1", "eml"], variables=["x"])
>>> en = enumerate_grammar(g, 7)
>>> en.counts
{1: 2, 2: 0, 3: 4, 4: 0, 5: 16, 6: 0, 7: 80}
>>> en.formula(en.find_values(np.log(en.points["x"]))[0])
'exp(1) - log(exp(exp(1) - log(x)) - log(1))'
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compiler import registry
from ._grammar_run import GrammarEnumeration, enumerate_grammar
from ._grammar_terms import evaluate_term_mp, format_term, term_size
from .arithmetic import eml_arrays, exp_guarded, log_guarded, power_guarded, snap_sum

# GrammarEnumeration, enumerate_grammar, evaluate_term_mp and term_size live in the modules
# imported above and are re-exported here, their public home.
__all__ = [
    "KNOWN_OPS",
    "Grammar",
    "GrammarEnumeration",
    "Op",
    "enumerate_grammar",
    "evaluate_term_mp",
    "known_op",
    "term_formula",
    "term_size",
]


@dataclass(frozen=True)
class Op:
    """One building block: a leaf (arity 0) or an operation (arity 1 or 2).

    Attributes
    ----------
    name : str
        Identifier, e.g. ``"eml"``, ``"exp"``, ``"pi"``, ``"x"``.
    arity : int
        0 (constant or variable leaf), 1 or 2.
    fn : callable or complex or None
        Vectorised NumPy complex128 function (``f(a)`` or ``f(a, b)`` with broadcasting); a
        complex value for a constant; ``None`` for a variable.
    template : str
        Calculator notation with ``{0}``, ``{1}`` for the arguments (``"exp({0})"``); readable
        by :func:`emlkit.compile` and :func:`sympy.sympify`.
    commutative : bool
        ``f(a, b) == f(b, a)``: only one order of sizes is enumerated.
    mp : callable, optional
        mpmath twin of ``fn`` (returns ``None`` where undefined), for high-precision checks.

    >>> Op("plus", 2, np.add, "{0} + {1}").arity
    2
    """

    name: str
    arity: int
    fn: Any
    template: str
    commutative: bool = False
    mp: Callable[..., Any] | None = field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- NumPy operations


def _ign(f: Callable) -> Callable:
    def g(*args):
        with np.errstate(all="ignore"):
            return f(*args)
    return g


# The same arithmetic as every search kernel (emlkit.search.arithmetic), under local names.
_snap_add = snap_sum
_power = power_guarded


def _blocks(arity: int | None = None) -> list[tuple[str, registry.Function]]:
    """The registry's grammar building blocks (of ``arity``), each with its grammar name."""
    return [(f.grammar, f) for f in registry.functions(arity=arity, grammar=True)
            if f.grammar is not None]  # grammar=True: every one has a name


# exp and ln are the search's guarded ones, sigmoid goes through the guarded exp; every other
# unary block is the registry's NumPy function (emlkit.compiler.registry)
_OWN_UNARY = ("exp", "ln", "sigmoid")
_NP: dict[str, Callable] = {
    "exp": exp_guarded, "ln": log_guarded,
    **{g: _ign(f.numpy_function()) for g, f in _blocks(arity=1) if g not in _OWN_UNARY},
    "sigmoid": _ign(lambda a: 1.0 / (1.0 + exp_guarded(-a))),
    "eml": lambda a, b: eml_arrays(exp_guarded(a), log_guarded(b)),
    "plus": _ign(lambda a, b: _snap_add(a + b, a, b)),
    "subtract": _ign(lambda a, b: _snap_add(a - b, a, b)),
    "times": _ign(lambda a, b: a * b), "divide": _ign(lambda a, b: a / b),
    "power": _ign(_power),
    "log": _ign(lambda a, b: log_guarded(b) / log_guarded(a)),
    "avg": _ign(lambda a, b: _snap_add((a + b) * 0.5, a, b)),
    "hypot": _ign(lambda a, b: np.sqrt(_snap_add(a * a + b * b, a * a, b * b))),
}

# ---------------------------------------------------------------- mpmath twins


def _mp_table() -> dict[str, Callable]:
    import mpmath as mp

    from .arithmetic_mp import mp_exp as _exp
    from .arithmetic_mp import mp_log as _log
    from .arithmetic_mp import mp_log_base as log2
    from .arithmetic_mp import mp_power as power
    from .arithmetic_mp import mp_snap_sum as add_snap
    from .arithmetic_mp import mp_sub

    def eml(a, b):
        return mp_sub(_exp(a), _log(b))

    return {
        "exp": _exp, "ln": _log,
        **{g: f.mpmath_function(mp.mp) for g, f in _blocks(arity=1) if g not in ("exp", "ln")},
        "eml": eml, "plus": lambda a, b: add_snap(a + b, a, b),
        "subtract": lambda a, b: add_snap(a - b, a, b), "times": lambda a, b: a * b,
        "divide": lambda a, b: a / b, "power": power, "log": log2,
        "avg": lambda a, b: add_snap((a + b) / 2, a, b),
        "hypot": lambda a, b: mp.sqrt(add_snap(a * a + b * b, a * a, b * b)),
    }


_MP: dict[str, Callable] = {}


def _mp_fn(name: str) -> Callable:
    if not _MP:
        _MP.update(_mp_table())
    return _MP[name]


_CONSTANTS = {
    "1": (1.0, "1"), "e": (np.e, "E"), "pi": (np.pi, "pi"), "i": (1j, "I"),
    "-1": (-1.0, "-1"), "2": (2.0, "2"), "0": (0.0, "0"),
}
#: SymPy templates of the blocks, from the registry's definitions (``{0}``, ``{1}``: arguments).
_TEMPLATES = {g: f.grammar_template for g, f in _blocks()}
_COMMUTATIVE = {"plus", "times", "avg", "hypot"}


def known_op(name: str) -> Op:
    """The built-in :class:`Op` called ``name`` (constants, unary and binary operations).

    >>> known_op("plus").template, known_op("e").fn == np.e
    ('{0} + {1}', True)
    >>> try:
    ...     known_op("tanhh")
    ... except ValueError as exc:
    ...     print(str(exc)[:60])
    unknown building block 'tanhh' (did you mean 'tanh'?); known
    """
    if name in _CONSTANTS:
        value, tmpl = _CONSTANTS[name]
        return Op(name, 0, complex(value), tmpl, mp=lambda v=value, s=name: _mp_const(s))
    if name in _TEMPLATES:
        arity = 2 if "{1}" in _TEMPLATES[name] else 1
        return Op(name, arity, _NP[name], _TEMPLATES[name], name in _COMMUTATIVE,
                  mp=lambda *a, n=name: _mp_fn(n)(*a))
    known = list(_CONSTANTS) + list(_TEMPLATES)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown building block {name!r}{hint}; known: " + ", ".join(known))


def _mp_const(name: str) -> Any:
    import mpmath as mp

    return {"1": mp.mpc(1), "e": mp.mpc(mp.e), "pi": mp.mpc(mp.pi), "i": mp.mpc(0, 1),
            "-1": mp.mpc(-1), "2": mp.mpc(2), "0": mp.mpc(0)}[name]


#: Names accepted by :meth:`Grammar.from_names`.
KNOWN_OPS: tuple[str, ...] = tuple(_CONSTANTS) + tuple(_TEMPLATES)


class Grammar:
    """A set of building blocks plus the variable names that act as leaves.

    >>> g = Grammar.from_names(["pi", "exp", "ln", "plus"], variables=["x"])
    >>> [op.name for op in g.leaves], [op.name for op in g.unary], [op.name for op in g.binary]
    (['pi', 'x'], ['exp', 'ln'], ['plus'])
    >>> Grammar([known_op("1"), Op("y", 0, None, "y"), known_op("eml")]).variables
    ('y',)
    """

    def __init__(self, ops: Sequence[Op], variables: Sequence[str] = ()) -> None:
        # a leaf Op without a value (fn None) is a variable too
        variables = list(variables) + [
            op.name for op in ops if op.arity == 0 and op.fn is None and op.name not in variables]
        ops = [op for op in ops if not (op.arity == 0 and op.fn is None)]
        names = [op.name for op in ops] + list(variables)
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"building block {dup[0]!r} given twice")
        for op in ops:
            if op.arity not in (0, 1, 2):
                raise ValueError(f"operation {op.name!r} has arity {op.arity}; use 0, 1 or 2")
        var_ops = [Op(v, 0, None, v) for v in variables]
        self.ops: tuple[Op, ...] = tuple(ops)
        self.variables: tuple[str, ...] = tuple(variables)
        self.leaves = [op for op in ops if op.arity == 0] + var_ops
        self.unary = [op for op in ops if op.arity == 1]
        self.binary = [op for op in ops if op.arity == 2]
        self.all_ops: tuple[Op, ...] = tuple(self.leaves + self.unary + self.binary)
        self.index = {op.name: i for i, op in enumerate(self.all_ops)}

    @classmethod
    def from_names(cls, names: Iterable[str], variables: Sequence[str] = ()) -> Grammar:
        """Grammar of built-in blocks by name (see :data:`KNOWN_OPS`).

        >>> Grammar.from_names(["1", "eml"]).ops[1].arity
        2
        """
        return cls([known_op(str(n)) for n in names], variables)

    def __repr__(self) -> str:
        return f"Grammar({[op.name for op in self.ops]!r}, variables={list(self.variables)!r})"


def term_formula(term: tuple, grammar: Grammar | None = None) -> str:
    """Calculator notation of a term ``(name, *children)`` (iterative, minimal parentheses).

    Names are looked up in ``grammar`` first, then among the built-in blocks; variables are
    printed as they are.

    >>> term_formula(("times", ("plus", ("x",), ("1",)), ("e",)))
    '(x + 1)*E'
    """
    table: dict[str, Op] = {op.name: op for op in grammar.all_ops} if grammar is not None else {}
    stack = [term]
    while stack:
        t = stack.pop()
        name = t[0]
        if name not in table:
            table[name] = known_op(name) if name in KNOWN_OPS else Op(name, 0, None, name)
        stack.extend(t[1:])
    return format_term(term, table)
