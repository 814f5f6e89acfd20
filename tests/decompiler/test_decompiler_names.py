"""The shipped table of constant names (issue 16: the first ek.decompile paused 4-11 s running
nsimplify on every constant of a compiled form): the README's decompile needs no nsimplify run,
gives the same answer, and a wrong entry in the table is never used."""

from __future__ import annotations

import pytest
import sympy

import emlkit as ek
from emlkit.decompiler import _names
from emlkit.decompiler import subforms as rec


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(rec, "_NAMES", {})
    return monkeypatch


def _no_nsimplify(*args, **kwargs):
    raise AssertionError("nsimplify was run")


@pytest.mark.parametrize("formula, truth", [
    ("sin(x)", lambda x: sympy.sin(x)),
    ("2*sinh(x)", lambda x: 2 * sympy.sinh(x)),
    ("cos(x)", lambda x: sympy.cos(x)),
])
def test_compiled_basis_needs_no_nsimplify(fresh, formula, truth):
    fresh.setattr(sympy, "nsimplify", _no_nsimplify)
    got = ek.decompile(ek.compile(formula))
    x = sympy.Symbol("x")
    assert sympy.simplify(got - truth(x)) == 0


def test_a_wrong_name_in_the_table_is_not_used(fresh):
    table = dict(_names.shipped())
    key = _names.key_of(complex(sympy.N(sympy.E - sympy.I * sympy.pi)), True)
    assert table.get(key) is not None  # e - i*pi is in the table
    table[key] = sympy.srepr(sympy.E + sympy.I * sympy.pi)  # the wrong sign
    fresh.setattr(_names, "shipped", lambda: table)
    import mpmath

    with mpmath.workdps(60):
        exact = mpmath.e - 1j * mpmath.pi
    got = rec._name_value(complex(exact), mpmath.mpc(exact))
    assert sympy.simplify(got - (sympy.E - sympy.I * sympy.pi)) == 0


def test_every_named_entry_is_right():
    for (re, im, exact), name in _names.shipped().items():
        if name is not None:
            v = complex(sympy.N(sympy.sympify(name), 30))
            assert abs(v - complex(re, im)) <= 1e-11 * max(1, abs(v)), name
