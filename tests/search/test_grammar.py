"""Tests of the generic enumerator over building blocks (emlkit.search.grammar)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

import emlkit as ek
from emlkit.search import enumerate_forms
from emlkit.search.grammar import (
    KNOWN_OPS,
    Grammar,
    Op,
    enumerate_grammar,
    known_op,
    term_formula,
    term_size,
)

X, Y = sympy.symbols("x y")


def test_eml_grammar_counts_match_the_eml_enumerator():
    g = Grammar.from_names(["1", "eml"], variables=["x"])
    en = enumerate_grammar(g, 11)
    ref = enumerate_forms(11, ("x",))
    assert {k: v for k, v in en.counts.items() if v} == ref.counts


def test_formulas_evaluate_to_the_stored_values_in_sympy():
    # every representative's calculator text, read by SymPy and evaluated at 30 digits,
    # equals the stored float value vector (an independent evaluation of the templates)
    g = Grammar.from_names(["1", "pi", "exp", "ln", "neg", "plus", "times", "sqrt"], ["x"])
    en = enumerate_grammar(g, 4)
    pts = en.points["x"]
    rng = np.random.default_rng(1)
    gids = rng.choice(en.total, size=40, replace=False)
    for gid in gids:
        text = en.formula(int(gid))
        expr = sympy.sympify(text)
        assert expr.free_symbols <= {X}
        f = sympy.lambdify([X], expr, modules="mpmath")
        with mpmath.workdps(30):
            for p, v in zip(pts[:3], en.value(int(gid))[:3]):
                want = complex(f(mpmath.mpc(p.real, p.imag)))
                assert abs(want - v) <= 1e-9 * (abs(want) + 1), (text, p, want, v)


def test_formula_compiles_to_eml_with_the_same_value():
    g = Grammar.from_names(["1", "exp", "ln", "subtract"], ["x"])
    en = enumerate_grammar(g, 5)
    target = np.log(en.points["x"]) - 1
    gid = en.find_values(target)[0]
    f = ek.compile(en.formula(gid))
    got = ek.evaluate(f, x=0.7 + 0.2j)
    assert abs(got - (np.log(0.7 + 0.2j) - 1)) < 1e-12


def test_all_known_ops_agree_between_numpy_and_mpmath():
    rng = np.random.default_rng(7)
    a = rng.uniform(-1.5, 1.5, 6) + 1j * rng.uniform(-1.2, 1.2, 6)
    b = rng.uniform(0.2, 1.5, 6) + 1j * rng.uniform(-1.2, 1.2, 6)
    for name in KNOWN_OPS:
        op = known_op(name)
        with mpmath.workdps(40):
            if op.arity == 0:
                assert abs(complex(op.mp()) - op.fn) < 1e-15
                continue
            got = op.fn(a) if op.arity == 1 else op.fn(a, b)
            for i in range(6):
                args = [mpmath.mpc(a[i]), mpmath.mpc(b[i])][: op.arity]
                want = complex(op.mp(*args))
                assert abs(got[i] - want) <= 1e-12 * (abs(want) + 1), (name, a[i], b[i])


def test_ln_zero_is_minus_infinity_and_undefined_values_are_dropped():
    g = Grammar.from_names(["0", "ln", "exp", "inv"])
    en = enumerate_grammar(g, 3)
    vals = {en.formula(gid): complex(en.value(gid)[0]) for gid in range(en.total)}
    assert vals["log(0)"] == complex(-np.inf, 0)
    assert vals["exp(0)"] == 1
    assert "exp(log(0))" not in vals  # exp(-inf) = 0: a duplicate of the leaf 0
    assert [en.formula(g_) for g_ in en.find_values(0)] == ["0"]
    assert "1/0" not in vals  # undefined: dropped
    assert "log(log(0))" not in vals  # ln(-inf) is undefined


def test_find_values_term_size_and_deep_terms_are_iterative():
    succ = Op("succ", 1, lambda a: a + 1, "{0} + 1")
    g = Grammar([known_op("1"), succ])
    en = enumerate_grammar(g, 1500)  # deeper than Python's recursion limit
    gid = en.find_values(1500.0)[0]
    assert en.size_of(gid) == 1500 and en.total == 1500
    term = en.term(gid)
    assert term_size(term) == 1500
    assert en.formula(gid).startswith("((((") and en.formula(gid).endswith(") + 1")


def test_term_formula_parenthesises_only_where_needed():
    t = ("times", ("plus", ("x",), ("1",)), ("exp", ("subtract", ("y",), ("pi",))))
    text = term_formula(t)
    assert text == "(x + 1)*exp(y - pi)"
    assert sympy.sympify(text) == (X + 1) * sympy.exp(Y - sympy.pi)


def test_custom_op_and_commutative_flag():
    op = Op("mean3", 2, lambda a, b: (2 * a + b) / 3, "(2*{0} + {1})/3")
    g = Grammar([known_op("1"), known_op("2"), op])
    en = enumerate_grammar(g, 3)
    assert sorted(round(complex(en.value(g_)[0]).real, 12) for g_ in en.ids(3)) == sorted(
        [round(x, 12) for x in {4 / 3, 5 / 3}])


def test_memory_and_time_limits_stop_cleanly():
    g = Grammar.from_names(["1", "eml"], ["x"])
    en = enumerate_grammar(g, 21, memory_limit_bytes=1 << 20)
    assert not en.complete and en.max_K < 21
    en = enumerate_grammar(g, 25, time_limit=0.05)
    assert not en.complete and en.timed_out


def test_targets_are_reported_as_hits():
    g = Grammar.from_names(["1", "eml"], ["x"])
    en0 = enumerate_grammar(g, 1)
    t = np.log(en0.points["x"])
    en = enumerate_grammar(g, 9, targets=[t], stop_on_hit=True)
    assert en.hits and en.size_of(en.hits[0][1]) == 7


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="did you mean 'plus'"):
        Grammar.from_names(["1", "pluss"])
    with pytest.raises(ValueError, match="given twice"):
        Grammar.from_names(["1", "1"])
    with pytest.raises(ValueError, match="no test points given for variable 'y'"):
        enumerate_grammar(Grammar.from_names(["1"], ["x", "y"]), 3, points={"x": [1.0]})
    with pytest.raises(ValueError, match="max_K"):
        enumerate_grammar(Grammar.from_names(["1"]), 0)
