"""The function registry against independent references, and every table that reads it.

Each entry's SymPy, mpmath and NumPy functions must agree with its SymPy definition (evaluated
by SymPy at 40 digits) at complex points off every branch cut; its compiled EML form must agree
with mpmath's own function at 50 digits; and every reader (parser, SymPy front end, lowering,
decompiler, grammar search, bootstrap, docs) must list exactly the registry's functions.
"""

from __future__ import annotations

import re
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy

import emlkit as ek
from emlkit.compiler import formula, functions, registry
from emlkit.compiler.registry import REGISTRY, Function, lookup

ROOT = Path(__file__).resolve().parents[2]
# complex points away from every cut and pole of the basis (|z| < 1, Im ≠ 0, Re ≠ 0)
XS = [0.37 + 0.21j, -0.52 + 0.33j, 0.61 - 0.27j]
YS = [0.83 - 0.12j, 0.45 + 0.58j, -0.29 - 0.44j]
# C99 <complex.h> functions and the C operators (written here, not read from the registry)
C99 = {"cexp", "clog", "csqrt", "cpow", "csin", "ccos", "ctan", "casin", "cacos", "catan",
       "csinh", "ccosh", "ctanh", "casinh", "cacosh", "catanh", "+", "-", "*", "/"}
IDS = [f.name for f in REGISTRY]


def _args(f: Function, i: int) -> list[complex]:
    return [XS[i], YS[i]][: f.arity]


def _definition(f: Function, args: list[complex]) -> complex:
    """The entry's SymPy definition at 40 digits: the reference for every library function."""
    x, y = sympy.symbols("x y")
    expr = sympy.sympify(f.definition).subs(dict(zip((x, y), map(sympy.sympify, args))))
    return complex(sympy.N(expr, 40))


@pytest.mark.parametrize("f", REGISTRY, ids=IDS)
def test_library_functions_agree_with_the_definition(f: Function):
    for i in range(len(XS)):
        args = _args(f, i)
        want = _definition(f, args)
        got = {}
        if f.sympy is not None:
            got["sympy"] = complex(sympy.N(getattr(sympy, f.sympy)(*map(sympy.sympify, args)), 30))
        if f.mpmath is not None:
            got["mpmath"] = complex(getattr(mpmath, f.mpmath)(*map(mpmath.mpc, args)))
        if f.numpy is not None:
            got["numpy"] = complex(getattr(np, f.numpy)(*map(np.complex128, args)))
        got["numpy_function"] = complex(f.numpy_function()(*map(np.complex128, args)))
        got["mpmath_function"] = complex(f.mpmath_function()(*map(mpmath.mpc, args)))
        got["sympy_function"] = complex(sympy.N(f.sympy_function()(*map(sympy.sympify, args))))
        for lib, value in got.items():
            assert abs(value - want) <= 1e-12 * max(1, abs(want)), (f.name, lib, args, value)


@pytest.mark.parametrize("f", REGISTRY, ids=IDS)
def test_names_are_real_library_names(f: Function):
    assert f.sympy is None or callable(getattr(sympy, f.sympy))
    assert f.mpmath is None or callable(getattr(mpmath, f.mpmath))
    assert f.numpy is None or isinstance(getattr(np, f.numpy), np.ufunc)
    assert f.c is None or f.c in C99
    assert f.inverse is None or lookup(f.inverse).arity == 1
    assert f.mpmath or f.numpy or f.compose, f.name


def _text(f: Function) -> str:
    """How the entry is written in formula text: its call, or its definition (operators)."""
    if f.spellings:
        return f"{f.spellings[0]}({', '.join('xy'[: f.arity])})"
    return f.definition


def _mp_reference(f: Function, args: list) -> mpmath.mpc:
    if f.mpmath is not None:
        return getattr(mpmath, f.mpmath)(*args)
    x, y = sympy.symbols("x y")
    values = [sympy.Float(a.real, 60) + sympy.I * sympy.Float(a.imag, 60) for a in args]
    expr = sympy.sympify(f.definition).subs(dict(zip((x, y), values)))
    return mpmath.mpc(complex(0)) + mpmath.mpmathify(sympy.N(expr, 60))


@pytest.mark.parametrize("domain", ["strip", "plane"])
@pytest.mark.parametrize("f", REGISTRY, ids=IDS)
def test_compiled_form_matches_mpmath_at_50_digits(f: Function, domain: str):
    tree = ek.compile(_text(f), domain=domain)
    with mpmath.workdps(60):
        for i in range(len(XS)):
            args = [mpmath.mpc(a) for a in _args(f, i)]
            want = _mp_reference(f, args)
            env = dict(zip("xy", _args(f, i)))
            got = ek.evaluate(tree, backend="mpmath", dps=50, **env)
            assert abs(got - want) <= mpmath.mpf(10) ** -45 * max(1, abs(want)), (f.name, env)


@pytest.mark.parametrize("f", REGISTRY, ids=IDS)
def test_every_name_finds_its_entry(f: Function):
    for name in (f.name, *f.spellings):
        assert lookup(name) is f
    for name in (f.grammar, *f.grammar_aliases):
        if name is not None:  # the bootstrap's aliases are per arity: "log" is ln as a function
            assert lookup(name).arity == f.arity or name in ("log", "minus")
    for spelling in f.spellings:
        head = formula.parse_formula(f"{spelling}({', '.join('xy'[: f.arity])})")[0]
        assert head == f.name
    if f.sympy is not None:
        x = sympy.Symbol("x")
        assert formula.from_sympy(getattr(sympy, f.sympy)(x))[0] == f.name


def test_unknown_names_get_a_suggestion():
    with pytest.raises(KeyError, match="did you mean 'arcsin'"):
        lookup("arcsinn")
    with pytest.raises(ek.UnsupportedError, match="did you mean 'tanh'"):
        ek.compile("tanhh(x)")
    with pytest.raises(TypeError, match="str"):
        lookup(3)


def test_the_readers_list_exactly_the_registry():
    from emlkit.decompiler import subforms as recognize
    from emlkit.search import bootstrap, grammar

    heads = {f.name for f in REGISTRY if f.lowering is not None}
    assert set(formula.ARITY) == heads
    assert all(formula.ARITY[f.name] == f.arity for f in REGISTRY if f.name in heads)
    assert set(formula.FUNCTION_NAMES.values()) == {f.name for f in REGISTRY if f.spellings}
    assert set(functions.FUNCTIONS) == {f.name for f in REGISTRY if f.lowering == "function"}
    blocks = [f.grammar for f in REGISTRY if f.grammar is not None]
    assert [n for n in grammar.KNOWN_OPS if grammar.known_op(n).arity > 0] == blocks
    assert [n for n in bootstrap.BASIS if n in blocks] == [b for b in blocks if b != "eml"]
    assert set(recognize._unary()) == {f.name for f in REGISTRY if f.decompile}
    for f in REGISTRY:
        if f.grammar is not None:
            assert grammar.known_op(f.grammar).arity == f.arity


def test_grammar_templates_are_the_definitions():
    for f in REGISTRY:
        if f.grammar is None:
            continue
        args = ("y", "x") if f.grammar_swapped else ("x", "y")
        text = f.grammar_template.format(*args[: f.arity])
        assert sympy.simplify(sympy.sympify(text) - sympy.sympify(f.definition)) == 0, f.name


def test_docs_list_exactly_the_registry():
    doc = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
    assert registry.markdown_table() in doc, "regenerate the table: registry.markdown_table()"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"calculator basis only \(([^)]*)\)", readme).group(1).split()
    assert listed == [f.name for f in REGISTRY if f.spellings]
