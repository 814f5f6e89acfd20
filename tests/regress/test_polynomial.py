"""The polynomial stage of the vocabulary search: least squares, snapped to small rationals."""

import numpy as np
import pytest
import sympy

from emlkit.regress.polynomial import fit_polynomials
from emlkit.regress.vocabulary import search_vocabulary

x_, y_ = sympy.symbols("x y")


def _same(text, truth, variables=("x",)):
    got = sympy.sympify(text, locals={v: sympy.Symbol(v) for v in variables})
    return sympy.expand(got - truth) == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sum_of_six_powers_is_recovered_exactly(seed):
    x = np.random.default_rng(seed).uniform(-1, 1, 20)
    truth = sum(x_ ** k for k in range(1, 7))
    got = fit_polynomials(x[:, None], sympy.lambdify(x_, truth)(x), ("x",))
    assert got and _same(got[0][0], truth)


def test_two_variables_with_a_fraction():
    X = np.random.default_rng(3).uniform(0, 1, (20, 2))
    truth = x_ ** 4 - x_ ** 3 + y_ ** 2 / 2 - y_
    got = fit_polynomials(X, sympy.lambdify((x_, y_), truth)(X[:, 0], X[:, 1]), ("x", "y"))
    assert got and _same(got[0][0], truth, ("x", "y"))


@pytest.mark.parametrize("f", [np.sin, np.exp, np.sqrt, lambda x: 1 / (1 + x)])
def test_non_polynomials_give_nothing(f):
    x = np.random.default_rng(4).uniform(0.1, 1, 20)
    assert fit_polynomials(x[:, None], f(x), ("x",)) == []


def test_irrational_coefficient_gives_nothing():
    x = np.random.default_rng(5).uniform(-1, 1, 20)
    assert fit_polynomials(x[:, None], np.pi * x ** 2 + x, ("x",)) == []


def test_noise_at_the_stated_level_is_tolerated():
    rng = np.random.default_rng(6)
    x = rng.uniform(-1, 1, 24)
    clean = x ** 5 + x ** 4 + x ** 3 + x ** 2 + x
    noisy = clean * (1 + 1e-6 * rng.standard_normal(x.size))
    got = fit_polynomials(x[:, None], noisy, ("x",), rtol=1e-6)
    assert got and _same(got[0][0], sum(x_ ** k for k in range(1, 6)))
    assert fit_polynomials(x[:, None], noisy, ("x",), rtol=1e-12) == []


def test_too_few_samples_or_complex_data_give_nothing():
    x = np.linspace(-1, 1, 5)
    assert fit_polynomials(x[:, None], x ** 3, ("x",), max_degree=6) == []  # 4 monomials + 3 > 5
    z = x + 0.5j
    assert fit_polynomials(z[:, None], z ** 2, ("x",)) == []


def test_vocabulary_search_reaches_a_six_term_polynomial():
    x = np.random.default_rng(7).uniform(-1, 1, 20)
    truth = sum(x_ ** k for k in range(1, 7))
    best = search_vocabulary(x, sympy.lambdify(x_, truth)(x), vocabulary="arith",
                             max_K=7, time_limit=None, random_state=0)[0]  # work, not seconds
    assert best.exact and _same(best.formula, truth)
    # the pure EML tree it reports is the same function (NumPy reference)
    from emlkit import evaluate
    t = np.array([0.3, -0.7, 1.4])
    assert np.allclose(np.asarray(evaluate(best.expr, x=t)).real, sympy.lambdify(x_, truth)(t),
                       rtol=1e-9)


def test_vocabulary_without_division_does_not_fit_polynomials():
    x = np.random.default_rng(8).uniform(-1, 1, 20)
    found = search_vocabulary(x, x ** 6 / 3 + x, vocabulary=["plus", "subtract", "times"],
                              max_K=9, time_limit=None, random_state=0)
    assert not any(c.exact and _same(c.formula, x_ ** 6 / 3 + x_) for c in found)
