"""A formula or number that starts with '-' needs no '--' (issue 16); options still work."""

from __future__ import annotations

import cmath

import emlkit as ek
from emlkit.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compile_minus_x(capsys):
    code, out, _ = run(capsys, "compile", "-x", "--stats")
    assert code == 0
    expr = ek.parse(out.splitlines()[0])
    assert abs(ek.evaluate(expr, x=0.7) + 0.7) < 1e-12
    assert out.splitlines()[1].startswith("K=")


def test_options_before_and_after(capsys):
    code, out, _ = run(capsys, "compile", "--format", "rpn", "-sin(x)")
    assert code == 0
    expr = ek.parse(out.strip(), format="rpn")
    assert abs(ek.evaluate(expr, x=0.5) + cmath.sin(0.5)) < 1e-12


def test_eval_with_negative_values(capsys):
    code, out, _ = run(capsys, "eval", "--at", "x=-2", "-x")
    assert code == 0 and complex(out.strip().replace("-0.0j", "+0j")) == 2


def test_double_dash_still_works_and_unknown_long_options_are_errors(capsys):
    assert run(capsys, "compile", "--", "-x")[0] == 0
    code, _, err = run(capsys, "compile", "--bogus", "x")
    assert code == 2 and "unrecognized" in err
