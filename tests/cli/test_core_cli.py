"""``eml compile``, ``eml eval`` and ``eml draw`` (``emlkit.cli.core``): outputs, the size guard
of ``compile``, and one-line errors with status 2."""

from __future__ import annotations

import cmath
import json
import math

import mpmath
import pytest
from _cli import bad, run  # tests/cli/_cli.py

import emlkit as ek
from emlkit.cli import text_size

LN = "eml(1, eml(eml(1, x), 1))"


# ---------------------------------------------------------------- compile


def test_compile_prints_pure_eml(capsys):
    assert run(capsys, "compile", "exp(x)") == (0, "eml(x, 1)\n", "")
    code, out, _ = run(capsys, "compile", "ln(x)", "--format", "rpn")
    assert code == 0 and out == "1 1 x E 1 E E\n"


def test_compile_stats_and_json(capsys):
    expr = ek.compile("sin(x) + y/2")
    code, out, _ = run(capsys, "compile", "sin(x) + y/2", "--stats")
    lines = out.splitlines()
    assert code == 0 and ek.parse(lines[0]) is expr
    assert lines[1] == f"K={expr.K} depth={expr.depth} dag_size={expr.dag_size}"
    code, out, _ = run(capsys, "compile", "sin(x) + y/2", "--json", "--format", "wolfram")
    data = json.loads(out)
    assert data == {
        "expr": ek.to_text(expr, "wolfram"), "format": "wolfram", "K": expr.K,
        "depth": expr.depth, "dag_size": expr.dag_size, "domain": "strip", "let": False,
    }


@pytest.mark.parametrize("fmt", ["eml", "rpn", "wolfram", "json", "latex", "dot"])
def test_compile_every_format_round_trips(capsys, fmt):
    code, out, _ = run(capsys, "compile", "x*y - 1", "--format", fmt)
    assert code == 0 and ek.parse(out, format=fmt) is ek.compile("x*y - 1")


def test_compile_let_and_domain(capsys):
    code, out, _ = run(capsys, "compile", "sin(x)", "--let")
    assert code == 0 and out.startswith("let") and ek.parse(out) is ek.compile("sin(x)")
    code, out, _ = run(capsys, "compile", "-x")  # a formula starting with '-' needs no '--'
    assert code == 0 and ek.parse(out) is ek.compile("-x")
    code, out, _ = run(capsys, "compile", "--domain", "plane", "--json", "--", "-x")
    assert json.loads(out)["domain"] == "plane"
    assert ek.parse(json.loads(out)["expr"]) is ek.compile("-x", domain="plane")


# ---------------------------------------------------------------- eval


def _value(out: str) -> complex:
    return complex(out.strip())


def test_eval_eml_text_and_formulas(capsys):
    code, out, _ = run(capsys, "eval", LN, "--at", "x=2")
    assert code == 0 and _value(out) == pytest.approx(math.log(2), abs=1e-15)
    code, out, _ = run(capsys, "eval", "1 1 x E 1 E E", "--at", "x=2")  # RPN, detected
    assert _value(out) == pytest.approx(math.log(2), abs=1e-15)
    code, out, _ = run(capsys, "eval", "sin(x)", "--at", "x=-2+0.5j")  # a formula: compiled
    assert _value(out) == pytest.approx(cmath.sin(-2 + 0.5j), abs=1e-12)
    code, out, _ = run(capsys, "eval", "x - y", "--at", "x=1.5", "--at", "y=-0.25")
    assert _value(out) == pytest.approx(1.75, abs=1e-12)


def test_eval_bare_constant_names_are_formulas(capsys):
    assert _value(run(capsys, "eval", "pi")[1]) == pytest.approx(math.pi, rel=1e-15)
    assert _value(run(capsys, "eval", "e")[1]) == pytest.approx(math.e, rel=1e-15)
    code, out, _ = run(capsys, "eval", "--eml", "e", "--at", "e=2")  # or a variable, if asked
    assert code == 0 and _value(out) == 2


def test_eval_values_with_signed_zero_and_infinity(capsys):
    _, above, _ = run(capsys, "eval", LN, "--at", "x=-2")
    _, below, _ = run(capsys, "eval", LN, "--at", "x=-2-0.0j")
    assert _value(above).imag == pytest.approx(math.pi)
    assert _value(below).imag == pytest.approx(-math.pi)
    _, out, _ = run(capsys, "eval", "eml(x, y)", "--at", "x=1", "--at", "y=0")
    assert _value(out) == complex(math.inf, 0)  # e - ln 0 = +inf
    _, out, _ = run(capsys, "eval", "eml(x, 1)", "--at", "x=-inf")
    assert _value(out) == 0


def test_eval_high_precision(capsys):
    code, out, _ = run(capsys, "eval", "eml(1, 1)", "--dps", "50")
    with mpmath.workdps(60):
        assert code == 0 and out == mpmath.nstr(+mpmath.e, 50) + "+0.0j\n"
    code, out, _ = run(capsys, "eval", LN, "--at", "x=0.1", "--dps", "40", "--json")
    data = json.loads(out)
    assert data["backend"] == "mpmath" and data["dps"] == 40
    assert data["re"].startswith("-2.302585092994045684017991454684364207")  # ln(1/10) exactly


def test_eval_json_and_backends(capsys):
    code, out, _ = run(capsys, "eval", LN, "--at", "x=2", "--json")
    data = json.loads(out)
    assert data["backend"] == "numpy" and data["at"] == {"x": "2.0+0.0j"}
    assert float(data["re"]) == pytest.approx(math.log(2)) and float(data["im"]) == 0
    for backend in ("mpmath", "torch"):
        code, out, _ = run(capsys, "eval", LN, "--at", "x=2", "--backend", backend)
        assert code == 0 and _value(out) == pytest.approx(math.log(2), abs=1e-15)
    code, out, _ = run(capsys, "eval", LN, "--at", "x=2", "--backend", "arb", "--dps", "20")
    assert code == 0 and out.startswith("[0.69314718055994530942 +/- ")  # a rigorous ball


def test_eval_reports_nan_in_one_line(capsys):
    code, out, err = run(capsys, "eval", "eml(x, y)", "--at", "x=inf", "--at", "y=inf")
    assert code == 0 and out.startswith("nan")
    assert err.count("\n") == 1 and err.startswith("eml: warning: NaN") and "eml(x, y)" in err


# ---------------------------------------------------------------- draw


def test_draw_writes_a_picture(capsys, tmp_path):
    out_file = tmp_path / "tree.png"
    code, out, _ = run(capsys, "draw", "sin(x)", "-o", str(out_file))
    assert code == 0 and out_file.read_bytes().startswith(b"\x89PNG")
    assert out.startswith(f"wrote {out_file}: ") and "shared" in out
    code, out, _ = run(capsys, "draw", LN, "-o", str(tmp_path / "ln.svg"), "--share-leaves")
    assert code == 0 and (tmp_path / "ln.svg").read_text().startswith("<?xml")


# ---------------------------------------------------------------- help


@pytest.mark.parametrize("command", [[], ["compile"], ["eval"], ["draw"]])
def test_help_has_an_example(capsys, command):
    code, out, err = run(capsys, *command, "--help")
    assert code == 0 and err == "" and "example" in out and "eml" in out


# ---------------------------------------------------------------- bad input


def test_bad_expressions(capsys):
    bad(capsys, "compile", "", match="empty")
    bad(capsys, "eval", "", match="empty")
    bad(capsys, "eval", "eml(1, x", "--at", "x=1", match="parse error")
    bad(capsys, "eval", "eml(1, x))", "--at", "x=1", match="line 1, column 10")
    bad(capsys, "compile", "sin(x", match="parse error")
    bad(capsys, "compile", "(x + 1))", match="unbalanced")
    bad(capsys, "compile", "foo(x)", match="foo")
    bad(capsys, "eval", "foo(x)", "--at", "x=1", match="foo")
    bad(capsys, "eval", "eml(1, \x00x)", "--at", "x=1", match="parse error")
    bad(capsys, "compile", "x +\x00 1", match="parse error")
    bad(capsys, "compile", "x @ y", match="parse error")
    bad(capsys, "eval", "eml(1, 2)", match="parse error")


def test_huge_and_deep_input(capsys):
    n = 100_000
    bad(capsys, "eval", "eml(1, " * n + "x", "--at", "x=1", match="parse error")
    bad(capsys, "eval", "eml(1, " * 200_000 + "x", "--at", "x=1", match="parse error")  # 1.4 MB
    bad(capsys, "compile", "(" * n + "x", match="parse error")
    bad(capsys, "compile", ")" + "x+" * 500_000, match="column 1")  # a megabyte
    code, out, _ = run(capsys, "eval", "(" * n + "x" + ")" * n, "--at", "x=0.5")
    assert code == 0 and _value(out) == 0.5
    deep = "eml(" * 30_000 + "1" + ", x)" * 30_000  # valid, but far too big to draw
    bad(capsys, "draw", deep, "-o", "deep.svg", match="too large to draw")


def test_megabyte_valid_input(capsys):
    e = ek.Var("x")
    for _ in range(7_000):  # ln(exp(e)) = e
        e = ek.eml(1, ek.eml(ek.eml(1, ek.eml(e, 1)), 1))
    text = ek.to_text(e)
    assert len(text) > 200_000
    code, out, _ = run(capsys, "eval", text, "--at", "x=0.5")
    assert code == 0 and _value(out) == pytest.approx(0.5, abs=1e-9)


def test_bad_options(capsys):
    bad(capsys, "eval", LN, "--at", "x=abc", match="'abc' is not a number")
    bad(capsys, "eval", LN, "--at", "x", match="NAME=VALUE")
    bad(capsys, "eval", LN, "--at", "2x=1", match="NAME=VALUE")
    bad(capsys, "eval", LN, "--at", "x=1", "--at", "x=2", match="twice")
    bad(capsys, "eval", LN, "--at", "x=1", "--at", "z=2", match="unknown variable 'z'")
    bad(capsys, "eval", LN, match="missing value for 'x'")
    bad(capsys, "eval", LN, "--at", "x=1", "--dps", "0", match="--dps")
    bad(capsys, "eval", LN, "--at", "x=1", "--dps", "abc", match="--dps")
    bad(capsys, "eval", LN, "--at", "x=1", "--dps", "10", "--backend", "numpy", match="--dps")
    bad(capsys, "eval", LN, "--at", "x=1", "--backend", "gpu", match="--backend")
    bad(capsys, "compile", "x", "--format", "svg", match="--format")
    bad(capsys, "compile", "x", "--format", "rpn", "--let", match="let")
    bad(capsys, "compile", "x", "--domain", "disc", match="--domain")
    bad(capsys, "draw", LN, match="--output")
    bad(capsys, "draw", LN, "-o", "tree.gif", match=".svg or .png")
    bad(capsys, "draw", LN, "-o", "/nonexistent-dir/t.png", match="no such file")
    bad(capsys, match="COMMAND")
    bad(capsys, "frobnicate", match="invalid choice")
    bad(capsys, "eval", LN, "--at", "x=1", "--bogus", match="unrecognized")


# ---------------------------------------------------------------- compile: output size
# A tree text longer than --max-chars is printed as a let-form (eml, wolfram) or refused naming
# its size and the options (rpn, latex); nested sin(sin(...)) answers at once however deep, and
# the let-form reads back to the same DAG.


def nested(n: int) -> str:
    return "sin(" * n + "x" + ")" * n


def test_a_long_tree_text_is_printed_as_a_let_form(capsys):
    f = ek.compile(nested(12))
    assert text_size(f, "eml") > 10**6  # today's output: 4.7 MB of tree text
    code, out, err = run(capsys, "compile", nested(12))
    assert code == 0 and len(out) < 10**5 and out.startswith("let")
    assert ek.parse(out) is f
    assert "let-form" in err and "--max-chars" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("levels", [30, 200])
def test_deep_nesting_answers_with_a_small_let_form(capsys, levels):
    code, out, _ = run(capsys, "compile", nested(levels), "--json")
    d = json.loads(out)
    assert code == 0 and d["let"] is True and len(d["expr"]) < 40 * d["dag_size"]
    assert ek.parse(d["expr"]) is ek.compile(nested(levels))


def test_raising_max_chars_prints_the_tree(capsys):
    f = ek.compile(nested(12))
    code, out, _ = run(capsys, "compile", nested(12), "--max-chars", "5000000")
    assert code == 0 and len(out.strip()) == text_size(f, "eml") and ek.parse(out) is f


def test_formats_without_let_are_refused_with_the_size(capsys):
    code, out, err = run(capsys, "compile", nested(30), "--format", "rpn")
    assert code == 2 and out == ""
    assert "characters" in err and "--max-chars" in err and "--let" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["eml", "rpn", "wolfram", "latex"])
@pytest.mark.parametrize("formula", ["x", "exp(x)", "x*y - 2", "sin(long_name) + pi"])
def test_text_size_is_the_length_of_the_text(fmt, formula):
    f = ek.compile(formula)
    assert text_size(f, fmt) == len(ek.to_text(f, fmt))
