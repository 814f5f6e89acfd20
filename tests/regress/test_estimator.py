"""EMLRegressor: exact recovery (search and gradient paths), noise, reproducibility, pictures."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import emlkit as ek
from emlkit.regress.estimator import EMLRegressor


def _agrees_at_50_digits(expr, reference, points) -> None:
    """The recovered formula equals ``reference`` at 50 digits (mpmath, independent of numpy)."""
    with mpmath.workdps(60):
        for p in points:
            x = mpmath.mpf(p)
            got = ek.evaluate(expr, backend="mpmath", dps=60, x=x)
            want = reference(x)
            assert abs(got - want) <= mpmath.mpf(10) ** -50 * max(1, abs(want)), (p, got, want)


def test_exact_target_ln_by_search():
    x = np.linspace(0.3, 4.0, 30)
    reg = EMLRegressor(max_depth=4, random_state=0).fit(x[:, None], np.log(x))
    assert reg.exact_ is True
    assert reg.loss_curve_ == []  # found by search, no training
    _agrees_at_50_digits(reg.formula_, mpmath.log, ["0.7", "2.5", "11.25", "1e-3"])
    xt = np.linspace(0.1, 9.0, 13)[:, None]
    np.testing.assert_allclose(reg.predict(xt), np.log(xt[:, 0]), rtol=1e-13, atol=1e-14)
    assert reg.score(xt, np.log(xt[:, 0])) == pytest.approx(1.0, abs=1e-12)
    import sympy

    assert sympy.simplify(reg.sympy_ - sympy.log(sympy.Symbol("x"))) == 0


def test_exact_target_exp_minus_ln():
    x = np.linspace(0.4, 2.5, 24)
    y = np.exp(x) - np.log(x)
    reg = EMLRegressor(max_depth=3, random_state=1).fit(x[:, None], y)
    assert reg.exact_
    _agrees_at_50_digits(reg.formula_, lambda t: mpmath.exp(t) - mpmath.log(t), ["0.5", "1.75"])


def test_gradient_path_recovers_exp_and_records_loss():
    x = np.linspace(0.2, 2.0, 24)
    reg = EMLRegressor(method="gradient", depth=2, restarts=8, steps=300, random_state=0,
                       time_limit=30).fit(x[:, None], np.exp(x))
    assert len(reg.loss_curve_) > 0 and all(np.isfinite(reg.loss_curve_[-5:]))
    assert reg.candidates_[0].source in ("gradient", "constant")
    assert reg.exact_
    _agrees_at_50_digits(reg.formula_, mpmath.exp, ["0.3", "1.9"])


def test_small_noise_still_exact_large_noise_reasonable():
    rng = np.random.default_rng(3)
    x = np.linspace(0.3, 4.0, 40)
    y = np.log(x)
    noisy = y * (1 + 1e-6 * rng.standard_normal(x.size))
    reg = EMLRegressor(max_depth=4, random_state=0, noise=1e-5).fit(x[:, None], noisy)
    assert reg.exact_
    _agrees_at_50_digits(reg.formula_, mpmath.log, ["0.9", "3.3"])
    loud = y + 0.05 * rng.standard_normal(x.size)
    # bounded by work (pure-EML tables to depth 4), not by the clock
    reg2 = EMLRegressor(max_depth=4, vocabulary="eml", method="search", time_limit=3600,
                        random_state=0).fit(x[:, None], loud)
    # 5 % noise: no tree fits, nothing is claimed exact, and the model is the stated fallback,
    # the mean to 4 significant digits (reference: NumPy's mean, printed by Python)
    assert not reg2.exact_ and reg2.vocabulary_ == "constant"
    want = float(f"{np.mean(loud):.4g}")
    np.testing.assert_allclose(reg2.predict([[0.5], [3.0]]), [want, want], rtol=1e-13)
    with mpmath.workdps(60):
        got = ek.evaluate(reg2.formula_, backend="mpmath", dps=60)
        assert abs(got - mpmath.mpf(f"{np.mean(loud):.4g}")) < mpmath.mpf(10) ** -50


def test_reproducible_with_random_state():
    rng = np.random.default_rng(5)
    X = rng.uniform(0.5, 2, size=(20, 1))
    y = np.sin(X[:, 0]) + 0.1 * rng.standard_normal(20)
    kw = {"method": "gradient", "depth": 2, "restarts": 4, "steps": 60, "random_state": 7,
          "time_limit": 60}
    a, b = EMLRegressor(**kw).fit(X, y), EMLRegressor(**kw).fit(X, y)
    assert a.formula_ is b.formula_  # interned nodes: identical trees are the same object
    assert a.loss_curve_ == b.loss_curve_
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_constant_fallback_on_tiny_data_is_the_mean():
    reg = EMLRegressor(random_state=0, method="search").fit([[1.0], [2.0]], [2.0, 3.0])
    assert not reg.exact_
    np.testing.assert_allclose(reg.predict([[7.0]]), [2.5], rtol=1e-12)


def test_predict_returns_real_part_of_principal_branch():
    x = np.linspace(0.3, 4.0, 30)
    reg = EMLRegressor(max_depth=4, random_state=0).fit(x[:, None], np.log(x))
    z = reg.predict_complex([[-2.0]])
    assert z[0] == pytest.approx(complex(np.log(2.0), np.pi), abs=1e-12)
    assert reg.predict([[-2.0]])[0] == pytest.approx(np.log(2.0), abs=1e-12)


def test_dataframe_names_become_variables():
    pd = pytest.importorskip("pandas")
    t = np.linspace(0.2, 2.0, 16)
    reg = EMLRegressor(max_depth=2, random_state=0).fit(pd.DataFrame({"t": t}), np.exp(t))
    assert list(reg.feature_names_in_) == ["t"] and reg.variables_ == ("t",)
    assert str(reg.formula_) == "eml(t, 1)"


def test_bad_parameters_are_named():
    with pytest.raises(TypeError, match="did you mean 'time_limit'"):
        EMLRegressor(timelimit=3)
    with pytest.raises(TypeError, match="keyword arguments only"):
        EMLRegressor(3)
    with pytest.raises(ValueError, match="method must be one of"):
        EMLRegressor(method="magic").fit([[1.0]] * 8, [1.0] * 8)
    with pytest.raises(ValueError, match="time_limit"):
        EMLRegressor(time_limit=-1).fit([[1.0]] * 8, [1.0] * 8)
    with pytest.raises(ValueError, match="NaN"):
        EMLRegressor().fit([[1.0], [np.nan]] * 4, [1.0] * 8)


def test_checkpoint_resumes_finished_stages(tmp_path):
    x = np.linspace(0.3, 4.0, 30)
    kw = {"max_depth": 4, "random_state": 0, "checkpoint": str(tmp_path / "fit.sqlite")}
    a = EMLRegressor(**kw).fit(x[:, None], np.log(x))
    assert a.stages_["search"] != "resumed"
    b = EMLRegressor(**kw).fit(x[:, None], np.log(x))
    assert b.stages_["search"] == "resumed" and b.formula_ is a.formula_ and b.exact_


def test_repr_html_and_plots(tmp_path):
    x = np.linspace(0.3, 4.0, 30)
    assert "EMLRegressor" in EMLRegressor()._repr_html_()  # unfitted: scikit-learn's view
    assert repr(EMLRegressor(max_depth=4)) == "EMLRegressor(max_depth=4)"
    reg = EMLRegressor(max_depth=4, random_state=0).fit(x[:, None], np.log(x))
    html = reg._repr_html_()
    assert "<svg" in html and "log(x)" in html and "exact" in html
    ax = reg.plot(tmp_path / "loss.png", tree=tmp_path / "tree.svg")
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "tree.svg").read_text()
    assert ax.get_title() == "EMLRegressor: log(x)" and not ax.lines  # found by search
