"""`eml compile` output size (issue 16): a tree text longer than --max-chars is printed as a
let-form (eml, wolfram) or refused naming its size and the options (rpn, latex); nested
sin(sin(...)) answers at once however deep, and the let-form reads back to the same DAG."""

from __future__ import annotations

import json

import pytest

import emlkit as ek
from emlkit.cli import main, text_size


def nested(n: int) -> str:
    return "sin(" * n + "x" + ")" * n


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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
