import mpmath
import numpy as np
import pytest

import emlkit as ek
from emlkit.regress.exact import search_exact
from emlkit.regress.targets import exact_values, paper_targets, sample_points
from emlkit.regress.verify import verify_exact

X = np.linspace(0.5, 3, 16)


@pytest.mark.parametrize("f, ref", [
    (np.exp, mpmath.exp),
    (np.log, mpmath.log),
    (lambda x: np.e - x, lambda x: mpmath.e - x),
])
def test_known_functions(f, ref):
    c = search_exact(X, f(X), random_state=0)
    assert c and c[0].exact
    assert verify_exact(c[0].expr, ref) is not None  # independent: mpmath at 50 digits


@pytest.mark.parametrize("depth", [3, 4, 6])
def test_random_targets(depth):
    pts = sample_points(20, np.random.default_rng(1))
    t = paper_targets(depth, 1, points=pts)[0]
    c = search_exact(pts["x"], exact_values(t, pts), random_state=0, time_limit=20)
    assert c and verify_exact(c[0].expr, t) is not None


def test_two_variables():
    rng = np.random.default_rng(2)
    X2 = rng.uniform(0.5, 3, (16, 2))
    c = search_exact(X2, np.exp(X2[:, 0]) - np.log(X2[:, 1]), random_state=0)
    assert c and c[0].exact
    assert verify_exact(c[0].expr, lambda x, y: mpmath.exp(x) - mpmath.log(y), ("x", "y")) is not None


def test_noise():
    y = np.exp(X) * (1 + 1e-6 * np.random.default_rng(3).standard_normal(len(X)))
    c = search_exact(X, y, rtol=1e-5, random_state=0, max_depth=3)
    assert c and verify_exact(c[0].expr, mpmath.exp) is not None


def test_noisy_deep_target_beats_a_shallower_stand_in():
    # depth 6, values 14..447: with 1e-6 noise a depth-5 tree fits within the noise bound
    # too, but worse than the law; the search must go on and rank the law first
    pts = sample_points(24, np.random.default_rng(123))
    t = ek.parse("eml(eml(1, eml(eml(1, 1), eml(eml(eml(1, 1), x), eml(1, eml(x, 1))))), "
                 "eml(1, x))")
    y = exact_values(t, pts) * (1 + 1e-6 * np.random.default_rng(1).standard_normal(24))
    c = search_exact(pts["x"], y, rtol=1e-5, random_state=0, time_limit=30)
    assert c and verify_exact(c[0].expr, t) is not None


def test_not_found_is_honest():
    y = np.sin(X) + 0.3
    assert not [c for c in search_exact(X, y, max_depth=2, rtol=1e-9, random_state=0) if c.exact]


def test_bad_input():
    with pytest.raises(ValueError, match="rows"):
        search_exact(X, X[:-1])
    with pytest.raises(ValueError, match="non-finite"):
        search_exact(X, np.where(X > 2, np.nan, X))
    with pytest.raises(ValueError, match="at least 6"):
        search_exact(X[:3], X[:3])
