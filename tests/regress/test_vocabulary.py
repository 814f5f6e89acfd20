"""Vocabulary search: laws that are small over derived blocks, checked against SymPy and NumPy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import emlkit as ek
from emlkit.regress.estimator import EMLRegressor
from emlkit.regress.vocabulary import VOCABULARIES, resolve_vocabulary, search_vocabulary

x_, y_ = sympy.symbols("x y")


def _same_law(formula: str, truth) -> bool:
    return sympy.simplify(sympy.sympify(formula, locals={"x": x_, "y": y_}) - truth) == 0


def _eml_matches(expr, f, **ranges) -> None:
    """The pure EML tree reproduces the law at fresh points (NumPy reference)."""
    rng = np.random.default_rng(99)
    env = {k: rng.uniform(lo, hi, 15) for k, (lo, hi) in ranges.items()}
    got = np.asarray(ek.evaluate(expr, backend="numpy", **env))
    np.testing.assert_allclose(got.real, f(**env), rtol=1e-9, atol=1e-12)
    assert np.max(np.abs(got.imag)) < 1e-9


def test_polynomial_over_arithmetic_is_exact_and_pure_eml():
    x = np.random.default_rng(0).uniform(-1, 1, 20)
    best = search_vocabulary(x, x**3 + x**2 + x, vocabulary="arith", random_state=0)[0]
    assert best.exact and best.source == "vocabulary"
    assert _same_law(best.formula, x_**3 + x_**2 + x_)
    assert best.info["K_vocabulary"] == 9
    # every node of the reported tree is eml, 1 or x
    assert set(ek.to_text(best.expr).replace("eml(", "").replace(")", "").replace(",", " ")
               .split()) <= {"1", "x"}
    _eml_matches(best.expr, lambda x: x**3 + x**2 + x, x=(-2.0, 2.0))


def test_meet_in_the_middle_reaches_beyond_the_table():
    # x**4 + x**3 + x**2 + x needs 13 tokens; the enumerated table stops well below that
    x = np.random.default_rng(1).uniform(-1, 1, 20)
    y = x**4 + x**3 + x**2 + x
    cands = search_vocabulary(x, y, vocabulary="arith", max_K=9, random_state=0)
    assert cands and cands[0].exact
    assert cands[0].info["K_vocabulary"] > 9
    assert _same_law(cands[0].formula, x_**4 + x_**3 + x_**2 + x_)


def test_two_variables_and_transcendental_blocks():
    rng = np.random.default_rng(2)
    X = rng.uniform(0, 1, (20, 2))
    y = 2 * np.sin(X[:, 0]) * np.cos(X[:, 1])
    best = search_vocabulary(X, y, vocabulary="standard", random_state=0)[0]
    assert best.exact
    assert _same_law(best.formula, 2 * sympy.sin(x_) * sympy.cos(y_))
    _eml_matches(best.expr, lambda x, y: 2 * np.sin(x) * np.cos(y), x=(0.1, 1.0), y=(0.1, 1.0))


def test_root_inverse_of_a_unary_block():
    # log(x**2 + x + 1): found by looking up exp(y) = x**2 + x + 1
    x = np.linspace(0.2, 2.0, 18)
    best = search_vocabulary(x, np.log(x**2 + x + 1), vocabulary="standard", random_state=0)[0]
    assert best.exact
    assert _same_law(best.formula, sympy.log(x_**2 + x_ + 1))


def test_noisy_data_still_recovers_the_law():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 30)
    y = (x**3 + x**2 + x) * (1 + 1e-6 * rng.standard_normal(30))
    best = search_vocabulary(x, y, vocabulary="arith", rtol=1e-5, random_state=0)[0]
    assert best.exact
    assert _same_law(best.formula, x_**3 + x_**2 + x_)


def test_out_of_reach_law_is_not_called_exact():
    x = np.linspace(0.5, 3, 20)
    from scipy.special import gamma

    cands = search_vocabulary(x, gamma(x), vocabulary="arith", max_K=7, time_limit=5,
                              random_state=0)
    assert not any(c.exact for c in cands)


def test_regressor_with_a_vocabulary():
    x = np.random.default_rng(4).uniform(-1, 1, 24)
    y = np.sin(x**2) * np.cos(x) - 1
    reg = EMLRegressor(vocabulary="standard", time_limit=20, random_state=0).fit(x[:, None], y)
    assert reg.exact_
    assert sympy.simplify(reg.sympy_ - (sympy.sin(x_**2) * sympy.cos(x_) - 1)) == 0
    xt = np.linspace(-0.9, 0.9, 11)
    np.testing.assert_allclose(reg.predict(xt[:, None]), np.sin(xt**2) * np.cos(xt) - 1,
                               rtol=1e-9, atol=1e-12)


def test_vocabulary_names_and_errors():
    assert resolve_vocabulary(["+", "*", "sin", "log"]) == ("1", "plus", "times", "sin", "ln")
    assert resolve_vocabulary("plus,times") == ("1", "plus", "times")
    assert set(VOCABULARIES) >= {"arith", "standard", "calculator"}
    with pytest.raises(ValueError, match="did you mean 'sin'"):
        resolve_vocabulary(["plus", "sinn"])
    with pytest.raises(ValueError, match="unknown vocabulary 'trig'"):
        resolve_vocabulary("trig")
    x = np.linspace(0.5, 2, 10)
    with pytest.raises(ValueError, match="building block"):
        search_vocabulary(x, x, vocabulary=["1", "e", "plus"], variables=["e"])
    with pytest.raises(ValueError, match="non-finite value at index"):
        search_vocabulary(x, np.where(x > 1, np.nan, x), vocabulary="arith")
    with pytest.raises(ValueError, match="at least 6 samples"):
        search_vocabulary(x[:4], x[:4], vocabulary="arith")
