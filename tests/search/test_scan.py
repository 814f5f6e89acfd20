"""Tests of the operator scan."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from emlkit.search.scan import DEFAULT_OPERATORS, format_table, parse_operator, scan_operators


@pytest.mark.parametrize("text", DEFAULT_OPERATORS)
def test_operators_match_their_definition_in_mpmath(text):
    op = parse_operator(text)
    rng = np.random.default_rng(3)
    a = rng.uniform(-1, 1.5, 5) + 1j * rng.uniform(-1, 1, 5)
    b = rng.uniform(0.3, 1.5, 5) + 1j * rng.uniform(-1, 1, 5)
    got = op.fn(a, b)
    f = {"exp": mpmath.exp, "ln": mpmath.log}
    for i in range(5):
        x, y = mpmath.mpc(a[i]), mpmath.mpc(b[i])
        # independent reading of the text: evaluate it with mpmath's own functions
        want = eval(text.replace("^", "**"), {"exp": f["exp"], "ln": f["ln"], "x": x, "y": y})
        assert abs(complex(want) - got[i]) <= 1e-12 * (abs(complex(want)) + 1), (text, x, y)
        assert abs(complex(op.mp(x, y)) - complex(want)) <= 1e-12 * (abs(complex(want)) + 1)


def test_eml_is_the_one_that_generates_the_basis():
    rows = scan_operators(["exp(x)-ln(y)", "exp(x)+ln(y)", "x-ln(y)", "exp(x)*ln(y)"],
                          time_limit=20)
    assert [r.complete for r in rows] == [True, False, False, False]
    assert rows[0].reached == rows[0].total == 34 and rows[0].missing == []
    assert all(r.reached < r.total and r.missing for r in rows[1:])
    assert "e" in rows[0].result.found()
    table = format_table(rows)
    assert table.splitlines()[1].split()[:3] == ["exp(x)-ln(y)", "yes", "34/34"]


def test_another_constant():
    rows = scan_operators(["exp(x)-ln(y)", "x*y"], constant="pi", time_limit=10, max_K=7)
    r = rows[0].result
    assert r.base == ["pi", "exp(x)-ln(y)"] and r.given == ["pi"]
    assert rows[1].result.chain[0].name == "sq"  # x*x, from {pi; x*y}


@pytest.mark.parametrize("text", ["sin(x)+y", "exp(y)-ln(x)", "x", "exp(x)^ln(y)", ""])
def test_bad_operators_are_refused(text):
    with pytest.raises(ValueError, match="bad operator"):
        parse_operator(text)


def test_bad_constant():
    with pytest.raises(ValueError, match="unknown constant 'tau'"):
        scan_operators(["exp(x)-ln(y)"], constant="tau")
