"""EMLRegressor's defaults (issue 16): the vocabularies are tried in order (pure EML, arith,
standard) and the one used is reported; simple laws come out exactly; constant data are exact;
bad vocabularies and unfittable magnitudes are refused before any search; progress counts never
pass their totals. Runs are bounded by work (max_depth, max_K), with a time limit that never
binds, so the results do not depend on the machine's speed."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from emlkit.progress import Progress
from emlkit.regress import _stages
from emlkit.regress import estimator as est
from emlkit.regress.estimator import EMLRegressor

x = np.linspace(-2, 2, 20)
X1 = x[:, None]
SX = sympy.Symbol("x")
# bounded by work: the pure-EML table only (depth 4) and formulas up to 8 tokens
WORK = {"max_depth": 4, "max_K": 8, "time_limit": 3600.0, "method": "search", "random_state": 0}


def test_default_vocabulary_is_auto():
    assert EMLRegressor().vocabulary == "auto"


@pytest.mark.parametrize("law, truth, vocab", [
    (lambda t: t**2 + 1, SX**2 + 1, "arith"),
    (lambda t: 1 / (t**2 + 1), 1 / (SX**2 + 1), "arith"),
    (np.sin, sympy.sin(SX), "standard"),
    (lambda t: np.exp(-t), sympy.exp(-SX), "standard"),
])
def test_simple_laws_are_exact_and_the_vocabulary_is_reported(law, truth, vocab):
    reg = EMLRegressor(**WORK).fit(X1, law(x))
    assert reg.exact_ and reg.vocabulary_ == vocab
    assert reg.vocabularies_tried_[0] == "eml" and reg.vocabularies_tried_[-1] == vocab
    assert sympy.simplify(sympy.sympify(str(reg.sympy_), locals={"x": SX}) - truth) == 0


def test_a_two_variable_product():
    rng = np.random.default_rng(0)
    X2 = rng.uniform(0.5, 2, (20, 2))
    reg = EMLRegressor(**WORK).fit(X2, X2[:, 0] * X2[:, 1])
    a, b = sympy.symbols("x0 x1")
    assert reg.exact_ and sympy.simplify(sympy.sympify(str(reg.sympy_)) - a * b) == 0


def test_pure_eml_law_stops_before_the_vocabularies():
    reg = EMLRegressor(**WORK).fit(X1[10:], np.exp(x[10:]))
    assert reg.exact_ and reg.vocabulary_ == "eml" and reg.vocabularies_tried_ == ["eml"]


def _no_search(*args, **kwargs):
    raise AssertionError("a search ran")


def test_constant_data_are_exact_without_a_search(monkeypatch):
    monkeypatch.setattr("emlkit.regress.exact.search_exact", _no_search)
    monkeypatch.setattr("emlkit.regress.vocabulary.search_vocabulary", _no_search)
    for value in (5.0, -0.25, 0.1, 1e6):
        reg = EMLRegressor(time_limit=5).fit(X1, np.full(20, value))
        assert reg.exact_ and reg.vocabulary_ == "constant"
        assert abs(complex(reg.predict_complex([[0.3]])[0]) - value) <= 1e-12 * max(1, value)


def test_unknown_vocabulary_fails_before_any_search(monkeypatch):
    monkeypatch.setattr("emlkit.regress.exact.search_exact", _no_search)
    with pytest.raises(ValueError, match="unknown vocabulary 'bogus'"):
        EMLRegressor(vocabulary="bogus").fit(X1, x)


@pytest.mark.parametrize("bad, match", [(1e308, "magnitude"), (-1e305, "magnitude"),
                                        (np.inf, "infinity|finite"), (np.nan, "NaN")])
def test_unfittable_values_are_a_clear_error(bad, match):
    Xbad = np.where(np.arange(20)[:, None] == 3, bad, X1)
    with pytest.raises(ValueError, match=match):
        EMLRegressor(time_limit=5).fit(Xbad, x)
    y = x.copy()
    y[3] = bad
    if np.isfinite(bad):  # a huge finite target cannot be fitted in float64: refused
        with pytest.raises(ValueError, match=match):
            EMLRegressor(time_limit=5).fit(X1, y)
    else:  # inf/NaN targets are dropped with a warning (issue 14), the rest still fitted
        with pytest.warns(RuntimeWarning, match="dropped 1 of 20 samples"):
            reg = EMLRegressor(**WORK).fit(X1, y)
        assert reg.n_samples_used_ == 19


def test_training_progress_never_passes_its_total():
    pytest.importorskip("torch")
    from emlkit.regress.trainable import train

    seen: list[tuple[int, int]] = []

    class Recorder(Progress):
        def update(self, done=None, **fields):
            super().update(done, **fields)
            seen.append((self.done, self.total))

    bar = Recorder("train", total=10, enabled=False)
    train(X1, np.sin(x), depth=2, steps=10, restarts=2, time_limit=1.0, random_state=0,
          progress=bar)
    assert seen and all(done <= total for done, total in seen)


def test_progress_text_never_shows_a_count_past_its_total():
    bar = Progress("x", total=10, enabled=False)
    bar.update(25)
    assert bar.text().startswith("x: 25/25 ")


def test_auto_shares_leave_time_for_training():
    assert est.AUTO_VOCABULARIES == ("arith", "standard")
    assert all(0 < s < 1 for s in _stages.AUTO_SHARES)
