"""Time limits counted from the process start (issue 16), tested by their mechanism, never by
the machine's speed: the clock's origin, stages that would start after the deadline, the cost
of starting PyTorch, repair past the deadline, and the checkpoint key that ignores deadlines."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the fit needs scikit-learn (the [all] extra)")

from emlkit.regress import deadline as dl
from emlkit.regress.estimator import EMLRegressor

x = np.linspace(0.2, 3.0, 24)
X1 = x[:, None]
HARD = np.sin(3 * x) * np.exp(-x) + x**2.7 / (1 + x)  # no small formula fits


def _forbidden(*args, **kwargs):
    raise AssertionError("a stage ran after the deadline")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/stat")
def test_process_start_is_the_start_of_the_process_not_of_the_import():
    # the child sleeps before importing emlkit: the clock must count that sleep too
    code = ("import time; time.sleep(0.4); t = time.monotonic()\n"
            "from emlkit.regress.deadline import process_start\n"
            "print(t - process_start())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert float(out.stdout) >= 0.4


def test_process_start_is_fixed_and_in_the_past():
    assert dl.process_start() == dl.process_start() <= time.monotonic()
    assert dl.command_deadline(7.0, start=50.0, reserve=0.5) == 56.5
    assert dl.command_deadline(7.0) == dl.process_start() + 7.0 - dl.EXIT_RESERVE


def test_stages_that_would_start_after_the_deadline_are_skipped(monkeypatch):
    monkeypatch.setattr("emlkit.regress.exact.search_exact", _forbidden)
    monkeypatch.setattr("emlkit.regress.vocabulary.search_vocabulary", _forbidden)
    monkeypatch.setattr("emlkit.regress.trainable.train", _forbidden)
    monkeypatch.setattr("emlkit.regress.trainable.torch_available", lambda: True)
    reg = EMLRegressor(time_limit=3600, random_state=0)
    reg.fit(X1, HARD, deadline=time.monotonic() - 1.0)  # spent before the fit began
    assert reg.stages_ == {"search": "skipped", "vocabulary:arith": "skipped",
                           "vocabulary:standard": "skipped", "gradient": "skipped"}
    assert reg.vocabulary_ == "constant" and reg.vocabularies_tried_ == []
    np.testing.assert_allclose(reg.predict([[1.0]]), [np.mean(HARD)], rtol=1e-3)


def test_the_earlier_of_deadline_and_time_limit_wins(monkeypatch):
    seen = []

    def search(X, y, **kw):
        seen.append(kw["time_limit"])
        return []

    monkeypatch.setattr("emlkit.regress.exact.search_exact", search)
    kw = {"vocabulary": "eml", "method": "search", "random_state": 0}
    EMLRegressor(time_limit=100.0, **kw).fit(X1, HARD, deadline=time.monotonic() + 10.0)
    EMLRegressor(time_limit=4.0, **kw).fit(X1, HARD, deadline=time.monotonic() + 1000.0)
    assert 0 < seen[0] <= 10.0 and 0 < seen[1] <= 4.0  # the searches' budgets, share of each


def test_torch_is_not_started_when_its_cost_exceeds_what_is_left(monkeypatch):
    monkeypatch.setattr("emlkit.regress.trainable.train", _forbidden)
    monkeypatch.setattr("emlkit.regress.trainable.torch_start_cost", lambda: 1e9)
    monkeypatch.setattr("emlkit.regress.trainable.torch_available", lambda: True)
    reg = EMLRegressor(method="gradient", time_limit=3600, random_state=0).fit(X1, HARD)
    assert reg.stages_["gradient"] == "skipped" and reg.loss_curve_ == []


def test_torch_is_started_when_it_is_already_loaded(monkeypatch):
    calls = []

    def train(X, y, **kw):
        calls.append(kw["time_limit"])
        from emlkit.regress.trainable import TrainResult

        return TrainResult(None, [], [1.0], 1, 0.0)

    monkeypatch.setattr("emlkit.regress.trainable.train", train)
    monkeypatch.setattr("emlkit.regress.trainable.torch_start_cost", lambda: 0.0)
    monkeypatch.setattr("emlkit.regress.trainable.torch_available", lambda: True)
    reg = EMLRegressor(method="gradient", time_limit=60, random_state=0)
    reg.fit(X1, HARD, deadline=time.monotonic() + 5.0)
    assert reg.stages_["gradient"] == 0 and len(calls) == 1 and 0 < calls[0] <= 5.0


def test_torch_start_cost_is_zero_once_loaded():
    from emlkit.regress import trainable

    cost = trainable.torch_start_cost()
    assert cost == (0.0 if "torch._dynamo" in sys.modules else trainable.TORCH_START_SECONDS)


def test_repair_starts_nothing_after_its_deadline():
    import emlkit as ek
    from emlkit.regress.snap import Layout, encode, repair

    lay = Layout(3, ("x",))
    good = encode(lay, ek.parse("eml(1, eml(eml(1, x), 1))"))
    bad = good.copy()
    bad[-1] = 1  # one wrong choice: a single repair round fixes it
    ch, err, _ = repair(lay, bad, {"x": x}, np.log(x), deadline=time.perf_counter() - 1.0)
    assert np.array_equal(ch, bad) and err > 1e-3  # nothing tried
    ch, err, _ = repair(lay, bad, {"x": x}, np.log(x), deadline=time.perf_counter() + 3600)
    assert np.array_equal(ch, good) and err < 1e-12


def test_a_resumed_fit_finds_its_checkpoint_whatever_the_deadline(tmp_path):
    cp = str(tmp_path / "fit.sqlite")
    kw = {"max_depth": 3, "vocabulary": "eml", "method": "search", "random_state": 0,
          "checkpoint": cp}
    a = EMLRegressor(**kw).fit(X1, np.exp(x), deadline=time.monotonic() + 600)
    b = EMLRegressor(**kw).fit(X1, np.exp(x), deadline=time.monotonic() + 5)
    assert a.stages_["search"] != "resumed" and b.stages_["search"] == "resumed"
    assert b.formula_ is a.formula_ and str(b.formula_) == "eml(x, 1)"
