"""`eml fit --time-limit T` counts T from the start of the command (issue 16): the fit gets a
deadline measured from the process start for the `eml` program itself, from the call for
`main([...])` inside another program, less the reserve kept for the report and shutdown.
Checked by the deadline the fit receives, not by timing a run."""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the fit needs scikit-learn (the [all] extra)")

from emlkit.cli import main
from emlkit.regress import deadline as dl
from emlkit.regress.estimator import EMLRegressor


@pytest.fixture
def spy(monkeypatch):
    seen: list[float | None] = []
    real = EMLRegressor.fit

    def fit(self, X, y, **kw):
        seen.append(kw.get("deadline"))
        return real(self, X, y, **kw)

    monkeypatch.setattr(EMLRegressor, "fit", fit)
    return seen


@pytest.fixture
def exits(monkeypatch):
    """The program's teardown-free exit, recorded instead of ending the test process."""
    import emlkit.cli._main

    codes: list[int] = []
    monkeypatch.setattr(emlkit.cli._main, "_exit_now", codes.append)
    return codes


@pytest.fixture
def ln_csv(tmp_path):
    xs = np.linspace(0.3, 4.0, 30)
    path = tmp_path / "ln.csv"
    path.write_text("x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in
                                      zip(xs.tolist(), np.log(xs).tolist())))
    return str(path)


def test_main_called_in_a_program_counts_from_the_call(spy, exits, ln_csv, tmp_path, capsys):
    before = time.monotonic()
    rc = main(["fit", ln_csv, "--max-depth", "4", "--time-limit", "30", "--quiet",
               "--checkpoint", str(tmp_path / "c.sqlite")])
    assert rc == 0 and capsys.readouterr().out.startswith("y = log(x)   (exact)")
    (deadline,) = spy
    assert before + 30 - dl.EXIT_RESERVE <= deadline <= time.monotonic() + 30 - dl.EXIT_RESERVE
    assert exits == []  # inside a program: main returns, the process goes on


def test_the_program_counts_from_the_process_start(spy, exits, ln_csv, tmp_path, monkeypatch,
                                                    capsys):
    # the test process may be old: a limit long enough to be left whatever its age
    limit = 1e6
    monkeypatch.setattr(sys, "argv", ["eml", "fit", ln_csv, "--max-depth", "4", "--time-limit",
                                      str(limit), "--json", "--quiet", "--checkpoint",
                                      str(tmp_path / "c.sqlite")])
    assert main() == 0
    (deadline,) = spy
    assert deadline == dl.process_start() + limit - dl.EXIT_RESERVE
    assert exits == [0]  # the program leaves at once, without the interpreter's teardown
    assert json.loads(capsys.readouterr().out)["exact"] is True


def test_a_limit_spent_at_start_up_runs_no_stage(spy, exits, ln_csv, tmp_path, monkeypatch,
                                                 capsys):
    # this test process started long before: a 0.5 s limit from its start is spent already
    monkeypatch.setattr(sys, "argv", ["eml", "fit", ln_csv, "--time-limit", "0.5", "--json",
                                      "--quiet", "--checkpoint", str(tmp_path / "c.sqlite")])
    if time.monotonic() - dl.process_start() < 1.0:
        pytest.skip("the test process is younger than the limit")
    assert main() == 0 and exits == [0]
    rep = json.loads(capsys.readouterr().out)
    assert rep["source"] == "constant" and set(rep["stages"].values()) <= {"skipped",
                                                                           "unavailable"}
