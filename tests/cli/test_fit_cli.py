"""`eml fit`: report, --json, pictures, bad input, and resume after kill -9."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from emlkit.cli import main


def _csv(path, xs, ys, header="x,y"):
    rows = "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(xs, ys))
    path.write_text(header + "\n" + rows)
    return str(path)


@pytest.fixture
def ln_csv(tmp_path):
    xs = np.linspace(0.3, 4.0, 30)
    return _csv(tmp_path / "ln.csv", xs, np.log(xs))


def test_report_and_pictures(ln_csv, tmp_path, capsys):
    cp = str(tmp_path / "fit.sqlite")
    loss, tree = tmp_path / "loss.png", tmp_path / "tree.svg"
    rc = main(["fit", ln_csv, "--target", "y", "--max-depth", "4", "--quiet", "--checkpoint",
               cp, "--plot", str(loss), "--tree", str(tree)])
    out = capsys.readouterr().out
    assert rc == 0
    assert out.startswith("y = log(x)   (exact)")
    assert "EML:  eml(1, eml(eml(1, x), 1))" in out and "R^2 1" in out
    assert loss.read_bytes()[:4] == b"\x89PNG" and "<svg" in tree.read_text()


def test_json_values_checked_independently(ln_csv, tmp_path, capsys):
    rc = main(["fit", ln_csv, "--max-depth", "4", "--json", "--quiet", "--checkpoint",
               str(tmp_path / "c.sqlite")])
    rep = json.loads(capsys.readouterr().out)
    assert rc == 0 and rep["exact"] is True and rep["variables"] == ["x"]
    import emlkit as ek

    f = ek.parse(rep["formula"])
    for x in (0.5, 2.0, 7.0):  # the reported formula is ln x (NumPy reference)
        assert abs(complex(ek.evaluate(f, x=x)) - math.log(x)) < 1e-14
    assert rep["rmse"] < 1e-12 and rep["r2"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "content, args, message",
    [
        (None, [], "no such file"),
        ("x,y\n1,2\n", ["--target", "z"], "no column 'z' (columns: x, y)"),
        ("x,y\n1,2\n3,abc\n", [], "line 3: 'abc' in column 'y' is not a number"),
        ("x,y\n1,2\nnan,3\n", [], "line 3: 'nan' in column 'x' is not finite"),
    ],
)
def test_bad_input(tmp_path, capsys, content, args, message):
    path = tmp_path / "d.csv"
    if content is not None:
        path.write_text(content)
    rc = main(["fit", str(path), "--quiet", "--checkpoint", str(tmp_path / "c.sqlite"), *args])
    err = capsys.readouterr().err
    assert rc == 2 and message in err and "Traceback" not in err


def _run_cli(args, env):
    return subprocess.run([sys.executable, "-m", "emlkit", "fit", *args], capture_output=True,
                          check=False,
                          text=True, env=env, timeout=240)


def _search_saved(cp: str) -> bool:
    from emlkit.catalog import Catalog

    if not os.path.exists(cp):
        return False
    try:
        with Catalog(cp) as cat:
            return any("search" in ((r.checkpoint() or {}).get("stages", []))
                       for r in cat.runs())
    except Exception:  # noqa: BLE001 - a half-written file counts as not saved yet
        return False


def test_resume_after_kill(tmp_path):
    # sin x is no small EML tree: the search stage ends empty, then training runs.
    xs = np.linspace(0.2, 3.0, 24)
    data = _csv(tmp_path / "s.csv", xs, np.sin(xs))
    cp = str(tmp_path / "fit.sqlite")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    args = [data, "--max-depth", "3", "--depth", "3", "--steps", "800", "--restarts", "16",
            "--time-limit", "200", "--json", "--checkpoint", cp]
    proc = subprocess.Popen([sys.executable, "-m", "emlkit", "fit", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    t0 = time.monotonic()
    while not _search_saved(cp) and proc.poll() is None and time.monotonic() - t0 < 120:
        time.sleep(0.2)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert killed, "the fit finished before it could be interrupted"
    resumed = _run_cli(args, env)
    assert resumed.returncode == 0, resumed.stderr
    rep = json.loads(resumed.stdout)
    assert rep["resumed"] == ["search"] and "resuming after stage(s) search" in resumed.stderr
    # the same result as an uninterrupted run (its own fresh checkpoint file)
    fresh = _run_cli([*args[:-1], str(tmp_path / "other.sqlite")], env)
    ref = json.loads(fresh.stdout)
    assert ref["resumed"] == [] and ref["formula"] == rep["formula"]
    assert ref["rmse"] == pytest.approx(rep["rmse"], rel=1e-9)
    # a third run is answered from the finished result
    again = json.loads(_run_cli(args, env).stdout)
    assert again["resumed"] == "finished" and again["formula"] == rep["formula"]


def _hard_csv(tmp_path):
    # no small formula fits this noisy sum: every stage runs until the time limit
    rng = np.random.default_rng(1)
    xs = np.linspace(0.2, 3.0, 40)
    ys = np.sin(3 * xs) * np.exp(-xs) + xs ** 2.7 / (1 + xs) + rng.normal(0, 0.01, xs.size)
    return _csv(tmp_path / "hard.csv", xs, ys)


def test_ctrl_c_exits_130_at_once(tmp_path):
    data, cp = _hard_csv(tmp_path), str(tmp_path / "fit.sqlite")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen([sys.executable, "-m", "emlkit", "fit", data, "--time-limit", "60",
                             "--quiet", "--checkpoint", cp],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    t0 = time.monotonic()  # start-up is not measured: wait until the fit has begun
    while not os.path.exists(cp) and proc.poll() is None and time.monotonic() - t0 < 120:
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the fit ended before it could be interrupted"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    elapsed = time.monotonic() - sent  # from Ctrl-C to exit (typically 0.01-0.06 s)
    assert proc.returncode == 130 and err.decode().strip() == "eml: interrupted"
    assert elapsed < 1.0


def test_time_limit_honoured(tmp_path):
    limit = 3.0
    rep = json.loads(_run_cli([_hard_csv(tmp_path), "--time-limit", str(limit), "--json",
                               "--quiet", "--checkpoint", str(tmp_path / "c.sqlite")],
                              {**os.environ, "PYTHONWARNINGS": "ignore"}).stdout)
    assert rep["exact"] is False
    assert rep["seconds"] < limit + 1.0  # the run's own fit time, start-up excluded
