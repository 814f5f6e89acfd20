"""identify(): known closed forms (checked by SymPy, not by our table), no false positives on
random numbers, near misses refused, clear errors, and the result records."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from types import SimpleNamespace

import mpmath
import pytest
import sympy

import emlkit as ek
from emlkit.errors import DomainError
from emlkit.identify import UnknownConstantError, identify


def decimal(expr: str, digits: int) -> str:
    """``expr`` (SymPy text) to ``digits`` significant digits, computed by SymPy."""
    return sympy.N(sympy.sympify(expr), digits + 20).__format__(f".{digits - 1}e")


def same_number(formula, expr: str) -> bool:
    return abs(sympy.N(formula - sympy.sympify(expr), 80)) < sympy.Float(10) ** -70


KNOWN = ["zeta(3)", "pi**2/6", "7*zeta(3)/pi**2", "exp(pi)", "log(3)/log(2)",
         "(1 + sqrt(5))/2", "4/(pi - 2)", "Catalan*pi", "6/zeta(3)", "E/(E - 2)", "cot(1)",
         "1/(2*log(2) - 1)", "sqrt(2) + sqrt(3)", "pi + E", "log(2)**2", "355/113",
         "3**(1/3)", "gamma(1/4)**2/(2*sqrt(2*pi))", "zeta(5)/zeta(3)", "(2*E + 1)/(3 - E)"]


@pytest.mark.parametrize("expr", KNOWN)
def test_known_constants_at_30_digits(expr):
    r = identify(decimal(expr, 30), eml=False)
    assert r, r.reason
    assert same_number(r.best.formula, expr), (expr, r.best.formula)
    assert r.best.digits_matched == 30 and r.best.significance >= 2
    assert r.best.spare_digits >= ek.identify.MARGIN
    assert sympy.sympify(str(r.best.formula)) == r.best.formula   # SymPy-parsable text


@pytest.mark.parametrize("expr", ["zeta(3)", "pi**2/6", "4/pi", "log(2)", "sqrt(2)"])
def test_known_constants_as_floats(expr):
    r = identify(float(sympy.N(sympy.sympify(expr), 20)), eml=False)
    assert r and same_number(r.best.formula, expr)


def test_zeta2_is_pi_squared_over_6():
    with mpmath.workdps(50):
        r = identify(mpmath.zeta(2), eml=False)
    assert sympy.simplify(r.best.formula - sympy.pi ** 2 / 6) == 0


def test_lemniscate_is_pi_times_gauss():
    # ϖ = π·G with G = 1/agm(1, √2): computed by mpmath here, found over the basis {Gauss, pi}
    with mpmath.workdps(50):
        value = mpmath.pi / mpmath.agm(1, mpmath.sqrt(2))
        r = identify(value, basis=["Gauss", "pi"], eml=False)
    assert r and r.best.kind == "power-product"
    assert sympy.simplify(r.best.formula - sympy.pi * sympy.gamma(sympy.Rational(1, 4)) ** 2
                          / (2 * sympy.pi) ** sympy.Rational(3, 2)) == 0


def test_random_numbers_give_nothing():
    rng = random.Random(2026)
    found = []
    for i in range(200):
        digits = "".join(rng.choice("0123456789") for _ in range(29))
        text = f"{rng.randint(1, 9)}.{digits}" if i % 2 else f"0.{rng.randint(1, 9)}{digits}"
        r = identify(text, eml=False)
        if r:
            found.append((text, r.best.text))
        else:
            assert r.reason.startswith("no relation explains the 30 digits")
    assert found == []


def test_random_numbers_with_eml_give_nothing():
    rng = random.Random(7)
    for _ in range(15):
        text = "0." + "".join(rng.choice("0123456789") for _ in range(30))
        assert not identify(text)


def test_short_inputs_are_not_over_identified():
    rng = random.Random(10)
    for _ in range(50):
        text = f"{rng.randint(1, 9)}." + "".join(rng.choice("0123456789") for _ in range(9))
        assert not identify(text, eml=False), text
    assert identify("3.141592654").best.text == "pi"        # 10 digits of pi are still pi


def test_pi_perturbed_is_not_pi():
    for eps in (15, 20, 25):
        with mpmath.workdps(60):
            value = mpmath.pi * (1 + mpmath.mpf(10) ** -eps)
        r = identify(value, digits=30)
        assert all(not same_number(i.formula, "pi") for i in r), eps


def test_rational_perturbed_is_not_rational():
    with mpmath.workdps(60):
        r = identify(mpmath.mpf(2) / 7 * (1 + mpmath.mpf(10) ** -12), digits=30)
    assert all(not same_number(i.formula, "2/7") for i in r)


def test_callable_is_reverified_with_more_digits():
    r = identify(lambda dps: mpmath.zeta(3), digits=30, eml=False)
    assert r.best.text == "zeta(3)" and r.best.verified_digits >= 60
    fake = identify(lambda dps: mpmath.pi + mpmath.mpf(10) ** -45, digits=30, eml=False)
    assert not fake and any("rejected" in n for n in fake.notes)


def test_limit_like_object():
    with mpmath.workdps(80):
        lim = SimpleNamespace(value=6 / mpmath.zeta(3), digits=60, status="converged")
    r = identify(lim, eml=False)
    assert r.best.text == "6/zeta(3)" and r.best.digits_matched == 60


def test_exact_input():
    r = identify(Fraction(-22, 7))
    assert r.best.formula == sympy.Rational(-22, 7) and r.best.kind == "rational"
    assert identify(10**40).best.formula == sympy.Integer(10) ** 40


def test_negative_and_magnitudes():
    assert identify("-" + decimal("zeta(3)", 30), eml=False).best.text == "-zeta(3)"
    for scale in ("e-40", "e+60"):
        text = decimal("pi", 30).replace("e+0", scale)
        r = identify(text, eml=False)
        assert r and same_number(r.best.formula, f"pi*10**({int(scale[1:])})")


def test_many_digits():
    r = identify(decimal("zeta(3)/7 + 2", 300), eml=False)     # 10x the usual digits
    assert r.best.text == "zeta(3)/7 + 2" and r.best.digits_matched == 300


def test_basis_restricts_the_search():
    text = decimal("pi**2/2 - 2", 30)
    assert identify(text, basis="pi,log(2)", eml=False).best.text == "pi**2/2 - 2"
    assert not identify(decimal("zeta(3)", 30), basis=["pi", "E"], eml=False)
    with mpmath.workdps(50):
        value = 3 * mpmath.glaisher ** 2                    # mpmath's own Glaisher constant
    r = identify(value, digits=40, basis=["Glaisher"], eml=False)
    assert r.best.text == "3*Glaisher**2"         # a constant SymPy does not know: a symbol


def test_kinds_filter():
    text = decimal("7*zeta(3)/pi**2", 30)
    assert not identify(text, kinds="rational,mobius", eml=False)
    assert identify(text, kinds=["power-product"]).best.kind == "power-product"


def test_eml_strategy_offers_pure_eml_forms():
    r = identify(decimal("exp(-1)", 30), kinds="eml")
    assert r.best.kind == "eml" and r.best.eml.startswith("eml(")
    assert same_number(r.best.formula, "exp(-1)")


def test_errors():
    with pytest.raises(UnknownConstantError, match="did you mean Catalan"):
        identify("1.2345678901234567", basis="pi,catalon")
    with pytest.raises(DomainError, match="too few digits: 5 given, at least 7"):
        identify("3.1416")
    with pytest.raises(DomainError, match="need at least 37 digits, 30 given"):
        identify(decimal("pi", 30), max_coeff=10**9)
    with pytest.raises(DomainError, match="did you mean 'mobius'"):
        identify("1.2345678901234567", kinds="mobus")
    with pytest.raises(DomainError, match="basis is empty"):
        identify("1.2345678901234567", basis=" , ")
    for bad in ({"limit": 0}, {"timeout": -1}, {"max_coeff": 0}):
        with pytest.raises(DomainError):
            identify("1.2345678901234567", **bad)


def test_max_coeff_skips_what_cannot_be_significant():
    r = identify(decimal("pi**2/6", 20), max_coeff=10, eml=False)
    assert r.best.text == "pi**2/6"
    assert any("skipped" in n and "need" in n for n in r.notes)


def test_records_print_and_serialise():
    r = identify(decimal("7*zeta(3)/pi**2", 30))
    d = json.loads(json.dumps(r.to_dict()))
    best = d["results"][0]
    assert best["formula"] == "7*zeta(3)/pi**2" and best["kind"] == "power-product"
    assert len(best["value"].replace(".", "").lstrip("0")) >= 30
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(best["value"]) - 7 * mpmath.zeta(3) / mpmath.pi ** 2) < 1e-29
    assert str(r.best.relation) == "log(x) - log(7) + 2*log(pi) - log(zeta(3)) = 0"
    assert "7*zeta(3)/pi**2" in str(r) and "<table>" in r._repr_html_()
    empty = identify("0.1234567890123456789012345678901", eml=False)
    assert not empty and len(empty) == 0 and empty.best is None
    assert "nothing found" in str(empty) and empty.to_dict()["results"] == []


def test_top_level_access():
    assert ek.identify(decimal("zeta(3)", 30), eml=False).best.text == "zeta(3)"
    assert ek.Identification is type(ek.identify("3.14159265358979323846").best)


def test_basis_names_with_commas_and_the_bessel_ratio():
    # PCF(n, 1) = I1(2)/I0(2); the value here comes from mpmath's Bessel functions
    with mpmath.workdps(50):
        value = mpmath.besseli(1, 2) / mpmath.besseli(0, 2)
    r = identify(value, digits=40, basis="besseli(0, 2), besseli(1, 2)", eml=False)
    assert r.best.text == "besseli(1, 2)/besseli(0, 2)"


def test_pure_eml_form_is_attached_to_the_shorter_duplicate():
    r = identify(decimal("E - 1", 30))
    assert r.best.kind == "mobius" and r.best.eml == "eml(1, eml(1, 1))"
    assert "pure EML form: eml(1, eml(1, 1))" in str(r)


def test_without_python_flint_pslq_is_used(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "flint", None)     # import flint now raises ImportError
    r = identify(decimal("7*zeta(3)/pi**2", 30), eml=False, kinds="power-product,mobius")
    assert r.best.text == "7*zeta(3)/pi**2"
    assert identify(decimal("1 + 2**(1/3)", 30), kinds="algebraic").best.kind == "algebraic"
    assert not identify("0.1234567890123456789012345678901", eml=False, kinds="mobius")
