"""benchmarks/sr_nguyen.py: the Nguyen laws, the exact-recovery rule, the formula readers, a run."""

from __future__ import annotations

import importlib.util
import types
from pathlib import Path

import numpy as np
import pytest
import sympy

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "sr_nguyen.py"


@pytest.fixture(scope="module")
def ng():
    # Loaded by path without a sys.modules entry, exactly as benchmarks/sr_recovery.py does.
    spec = importlib.util.spec_from_file_location("sr_nguyen_under_test", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


#: The laws written independently in NumPy: (function, low, high, number of variables).
REFERENCE = {
    1: (lambda x: x**3 + x**2 + x, -1, 1, 1),
    2: (lambda x: x**4 + x**3 + x**2 + x, -1, 1, 1),
    3: (lambda x: x**5 + x**4 + x**3 + x**2 + x, -1, 1, 1),
    4: (lambda x: x**6 + x**5 + x**4 + x**3 + x**2 + x, -1, 1, 1),
    5: (lambda x: np.sin(x**2) * np.cos(x) - 1, -1, 1, 1),
    6: (lambda x: np.sin(x) + np.sin(x + x**2), -1, 1, 1),
    7: (lambda x: np.log(x + 1) + np.log(x**2 + 1), 0, 2, 1),
    8: (lambda x: np.sqrt(x), 0, 4, 1),
    9: (lambda x, y: np.sin(x) + np.sin(y**2), 0, 1, 2),
    10: (lambda x, y: 2 * np.sin(x) * np.cos(y), 0, 1, 2),
    11: (lambda x, y: x**y, 0, 1, 2),
    12: (lambda x, y: x**4 - x**3 + y**2 / 2 - y, 0, 1, 2),
}


@pytest.mark.parametrize("n", sorted(REFERENCE))
def test_problem_definitions(ng, n):
    f, low, high, nvar = REFERENCE[n]
    p = ng.PROBLEMS[n]
    assert (p.name, p.low, p.high, len(p.variables)) == (f"N{n}", low, high, nvar)
    train, test = p.points(20, 0), p.points(200, 1)
    assert train.shape == (20, nvar) and test.shape == (200, nvar)
    assert train.min() >= low and train.max() <= high
    assert not np.allclose(train, test[:20])  # the test set is fresh
    np.testing.assert_array_equal(train, p.points(20, 0))  # and seeded
    np.testing.assert_allclose(p.values(test), f(*test.T), rtol=1e-13, atol=1e-15)


def test_exactness_rule(ng):
    x = ng.X
    p = ng.Problem(0, x**2 + x, (x,), -1.0, 1.0)
    assert ng.exact_recovery(x * (x + 1), p) == (True, "symbolic")
    exact, how = ng.exact_recovery(1.0000001 * x + x**2, p)
    assert not exact and how.startswith("numeric")
    assert ng.exact_recovery(1.0 * x + x**2, p)[0]  # an integer-valued float counts
    assert not ng.exact_recovery(x**2, p)[0]
    # Decided numerically (not simplified to 0 for a symbol without assumptions):
    q = ng.PROBLEMS[7]
    exact, how = ng.exact_recovery(sympy.log(sympy.Abs(x + 1)) + sympy.log(x**2 + 1), q)
    assert exact and how.startswith("numeric")
    assert ng.exact_recovery(None, p) == (False, "no formula")


def test_gplearn_program_string_and_list(ng):
    functions = pytest.importorskip("gplearn.functions")  # the [bench] extra
    add2, mul2 = functions.add2, functions.mul2

    x, y = ng.X, ng.Y
    got = ng.gplearn_to_sympy("add(mul(X0, X0), sub(X1, -0.500))", (x, y))
    assert sympy.simplify(got - (x**2 + y + sympy.Rational(1, 2))) == 0
    got = ng.gplearn_to_sympy("div(sin(X0), log(exp(X0)))", (x,))
    assert got.has(sympy.sin, sympy.Abs)  # protected log read as log|.|
    assert ng.gplearn_to_sympy([add2, mul2, 0, 0, 1.25], (x,)) == x**2 + sympy.Float(1.25)
    with pytest.raises(ValueError):
        ng.gplearn_to_sympy("add(X0, )", (x,))


def test_operon_model_string(ng):
    x, y = ng.X, ng.Y
    model = ("((-0.50000000000000000) + ((1.00000000000000000 * x) + "
             "(2.00000000000000000 * sin((1.00000000000000000 * y)))))")
    got = ng.operon_to_sympy(model, (x, y))
    assert got.free_symbols == {x, y}
    assert ng.exact_recovery(got, ng.Problem(0, x + 2 * sympy.sin(y) - sympy.Rational(1, 2),
                                             (x, y), 0.0, 1.0))[0]
    got = ng.operon_to_sympy("(0.80297672748565674 * log((1.5 * x)))", (x,))
    assert abs(float(got.subs(x, 2)) - 0.80297672748565674 * np.log(3.0)) < 1e-15


def _table_rows(text):
    return [ln for ln in text.splitlines() if ln.startswith(" " * 8) and ln.strip()]


def test_run_one_problem_emlkit_only(ng):
    args = types.SimpleNamespace(quick=True, time_limit=1.0, problems=[8], tools=["emlkit"])
    records = []
    text = ng.run_nguyen(args, log=None, records=records)
    lines = text.splitlines()
    assert lines[0].startswith("Nguyen benchmark: 1 problem(s), tools emlkit")
    assert any(ln.startswith("N8:") and "sqrt(x)" in ln for ln in lines)
    rows = _table_rows(text)
    assert len(rows) == 1 and rows[0].split()[0] == "emlkit"
    assert rows[0].split()[1] in ("yes", "no")
    assert lines[-1].startswith("emlkit     exact ") and lines[-1].split()[2] in ("0/1,", "1/1,")
    (rec,) = records
    assert {"exact", "r2", "seconds", "formula", "eml"} <= set(rec)


def test_a_failing_tool_is_an_error_row(ng, monkeypatch):
    def boom(*_):
        raise RuntimeError("tool exploded")

    monkeypatch.setitem(ng.FITTERS, "gplearn", boom)
    text = ng.run_nguyen(types.SimpleNamespace(problems=[1, 2], tools=["gplearn"]), log=None)
    rows = _table_rows(text)
    assert len(rows) == 2
    assert all("error: RuntimeError: tool exploded" in r and r.split()[1] == "-" for r in rows)
    assert text.splitlines()[-1] == "gplearn    exact 0/2, median R² -, total 0.0 s, 2 error(s)"
