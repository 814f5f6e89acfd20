"""The constant table: names, aliases, errors, and every value against independent mpmath/SymPy."""

from __future__ import annotations

import json
from importlib import resources

import mpmath
import pytest
import sympy

from emlkit.identify import UnknownConstantError, constants


def test_table_size_and_unique_names():
    names = constants.names()
    assert len(names) >= 50
    assert len(set(names)) == len(names)
    owner: dict[str, str] = {}
    for c in constants.TABLE:
        for k in (c.name, *c.aliases):
            key = k.replace(" ", "").lower()
            assert owner.setdefault(key, c.name) == c.name, f"{k!r} names two constants"
            assert constants.get(k).name == c.name


def test_stored_file_has_every_constant_to_2000_digits():
    data = json.loads(resources.files("emlkit").joinpath("data/constants.json").read_text())
    assert set(data["values"]) == set(constants.names())
    for name, text in data["values"].items():
        digits = sum(ch.isdigit() for ch in text.lstrip("-0."))
        assert digits >= 2000, name


# Independent definitions, written here and not taken from the table's mpmath text.
INDEPENDENT = {
    "pi": lambda: 4 * mpmath.atan(1),
    "E": lambda: mpmath.exp(1),
    "log(2)": lambda: -mpmath.log(mpmath.mpf(1) / 2),
    "zeta(3)": lambda: mpmath.zeta(3),
    "Catalan": lambda: mpmath.nsum(lambda k: (-1) ** k / (2 * k + 1) ** 2, [0, mpmath.inf]),
    "EulerGamma": lambda: -mpmath.diff(mpmath.gamma, 1),
    "GoldenRatio": lambda: (1 + mpmath.sqrt(5)) / 2,
    "Gauss": lambda: mpmath.gamma(0.25) ** 2 / (2 * mpmath.pi) ** 1.5,
    "lemniscate": lambda: mpmath.gamma(0.25) ** 2 / (2 * mpmath.sqrt(2 * mpmath.pi)),
    "Glaisher": lambda: mpmath.exp(mpmath.mpf(1) / 12 - mpmath.zeta(-1, derivative=1)),
    "besseli(0, 2)": lambda: mpmath.nsum(lambda k: 1 / mpmath.factorial(k) ** 2, [0, mpmath.inf]),
    "exp(pi)": lambda: mpmath.e ** mpmath.pi,
    "LambertW(1)": lambda: mpmath.findroot(lambda w: w * mpmath.exp(w) - 1, 0.5),
    "Dottie": lambda: mpmath.findroot(lambda t: mpmath.cos(t) - t, 0.7),
}


@pytest.mark.parametrize("name", sorted(INDEPENDENT))
def test_values_against_independent_definitions(name):
    dps = 60
    with mpmath.workdps(dps + 10):
        ref = INDEPENDENT[name]()
        got = constants.get(name).value(dps)
        assert abs(got - ref) <= abs(ref) * mpmath.mpf(10) ** (-dps)


def test_many_digits_of_a_sample():
    for name, ref in (("pi", mpmath.pi), ("log(2)", mpmath.ln2), ("zeta(3)", mpmath.apery)):
        with mpmath.workdps(2010):
            got = constants.get(name).value(2000)
            assert abs(got - (+ref)) < mpmath.mpf(10) ** -1998


@pytest.mark.parametrize("const", [c for c in constants.TABLE if c.sympy != c.name
                                   or c.name in ("pi", "E", "EulerGamma", "Catalan",
                                                 "GoldenRatio")], ids=lambda c: c.name)
def test_sympy_formula_evaluates_to_the_value(const):
    expr = const.sympy_expr()
    assert not expr.free_symbols
    ref = sympy.N(expr, 50)
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(str(ref)) - const.value(50)) < mpmath.mpf(10) ** -45 * \
            max(1, abs(const.value(20)))


def test_symbols_for_constants_without_a_sympy_form():
    for name in ("Glaisher", "Khinchin", "Mertens", "Dottie"):
        assert constants.get(name).sympy_expr() == sympy.Symbol(name)


def test_more_digits_than_stored_are_computed():
    with mpmath.workdps(constants.STORED_DIGITS + 60):
        got = constants.mp_value("E", constants.STORED_DIGITS + 50)
        assert abs(got - mpmath.e) < mpmath.mpf(10) ** -(constants.STORED_DIGITS + 45)


def test_aliases_and_spelling():
    assert constants.get("ln2").name == "log(2)"
    assert constants.get(" Zeta(3) ").name == "zeta(3)"
    assert constants.get("apery").name == "zeta(3)"
    assert constants.get("phi").name == "GoldenRatio"
    assert constants.get("exp(2)").name == "E**2"     # its SymPy text works too


def test_unknown_name_says_did_you_mean():
    with pytest.raises(UnknownConstantError, match=r"unknown constant 'glaisher_A'; did you mean "
                       r"Glaisher\?"):
        constants.get("glaisher_A")
    with pytest.raises(ValueError, match="unknown constant 'xyzzy'"):
        constants.get("xyzzy")
    with pytest.raises(UnknownConstantError, match="must be text"):
        constants.get(3)  # type: ignore[arg-type]
