"""``eml identify``: output, JSON, exit statuses and one-line errors (status 2)."""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy
from _cli import bad, run  # tests/cli/_cli.py

ZETA3 = "1.2020569031595942853997381615114"


def test_found(capsys):
    code, out, err = run(capsys, "identify", ZETA3, "--no-eml")
    assert code == 0 and err == ""
    assert out.startswith(f"{ZETA3} = zeta(3)  (mobius; 32 digits matched")


def test_json_is_machine_readable(capsys):
    code, out, _ = run(capsys, "identify", "0.852556797635011581847042853192", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["found"] and d["digits"] == 30
    best = d["results"][0]
    formula = sympy.sympify(best["formula"])         # SymPy-parsable text
    assert abs(sympy.N(formula - 7 * sympy.zeta(3) / sympy.pi ** 2, 50)) < 1e-45
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(best["value"]) - 7 * mpmath.zeta(3) / mpmath.pi ** 2) < 1e-29
    assert best["relation"]["terms"][0] == "log(x)"


def test_all_lists_ranked_forms(capsys):
    code, out, _ = run(capsys, "identify", "3.14626436994197234232913506571", "--all", "--no-eml")
    assert code == 0
    lines = out.splitlines()
    assert "sqrt(2) + sqrt(3)" in lines[0]
    assert any("CRootOf(x**4 - 10*x**2 + 1" in line for line in lines[1:])


def test_nothing_found_is_status_1(capsys):
    code, out, _ = run(capsys, "identify", "0.1234567890123456789012345678901", "--no-eml")
    assert code == 1 and out.startswith("nothing found for 0.1234567890123456789012345678901")
    code, out, _ = run(capsys, "identify", "0.1234567890123456789012345678901", "--json",
                       "--no-eml")
    assert code == 1 and json.loads(out)["results"] == []


def test_basis_and_kinds(capsys):
    code, out, _ = run(capsys, "identify", "2.9348022005446793094172454999",
                       "--basis", "pi,log(2)", "--kinds", "polynomial")
    assert code == 0 and "pi**2/2 - 2" in out


def test_list(capsys):
    code, out, _ = run(capsys, "identify", "--list")
    assert code == 0 and len(out.splitlines()) >= 50
    assert out.splitlines()[0].startswith("pi ") and "3.14159265358979323846264338328" in out


@pytest.mark.parametrize("argv, match", [
    (("identify", ZETA3, "--basis", "pi,zeta4"), "unknown constant 'zeta4'; did you mean"),
    (("identify", "3.1416"), "too few digits: 5 given, at least 7"),
    (("identify", "2.7182818", "--max-coeff", "1000"), "need at least"),
    (("identify", "abc"), "not a decimal number"),
    (("identify", "0.0000"), "zero"),
    (("identify", ZETA3, "--kinds", "mobus"), "did you mean 'mobius'"),
    (("identify",), "give a VALUE"),
    (("identify", ZETA3, "--timeout", "-1"), "timeout"),
])
def test_errors_are_one_line(capsys, argv, match):
    bad(capsys, *argv, match=match)


def test_help(capsys):
    code, out, _ = run(capsys, "identify", "--help")
    assert code == 0 and "--basis" in out and "--json" in out


def test_digits_above_those_given_is_a_usage_error_naming_both(capsys):
    bad(capsys, "identify", "1.2020569031595942853997381615", "--digits", "100",
        match="--digits 100 is more than the 29 digits given")
    code, out, _ = run(capsys, "identify", "1.2020569031595942853997381615", "--digits", "25")
    assert code == 0 and "zeta(3)" in out


@pytest.mark.parametrize("exponent", [-300, 300, -40])
def test_huge_and_tiny_scales_print_as_powers_of_ten(capsys, exponent):
    # QA 10: zeta(3)·10^k is written with 10**|k|, not |k| zeros, and still parses to it
    with mpmath.workdps(40):
        text = mpmath.nstr(mpmath.zeta(3) * mpmath.mpf(10) ** exponent, 30)
    code, out, _ = run(capsys, "identify", text, "--json")
    best = json.loads(out)["results"][0]
    assert code == 0 and f"10**{abs(exponent)}" in best["text"] and "000000" not in best["text"]
    value = sympy.sympify(best["text"])
    assert value == sympy.zeta(3) * sympy.Integer(10) ** exponent
