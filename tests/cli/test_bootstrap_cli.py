"""CLI tests of ``eml bootstrap`` and ``eml scan``."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from emlkit.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_explain_prints_the_chain_and_the_verdict(capsys):
    status, out, err = run_cli(capsys, "bootstrap", "--constants", "1", "--operations", "EML",
                               "--explain")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "base {1; eml}: given 1"
    assert any(line.split()[1:4] == ["ln", "x", "6"] and "eml(1, exp(eml(1, x)))" in line
               for line in lines)
    assert lines[-1].startswith("complete: the base {1; eml} generates all 34 primitives")
    assert "bootstrap:" in err  # progress on standard error


def test_json_and_quiet(capsys):
    status, out, err = run_cli(capsys, "bootstrap", "--constants", "pi", "--functions",
                               "exp,ln,minus", "--operations", "plus", "--json")
    assert status == 0 and err == ""
    d = json.loads(out)
    assert d["complete"] and d["base"] == ["pi", "exp", "ln", "neg", "plus"]
    assert {s["name"] for s in d["chain"]} | set(d["given"]) >= {"e", "i", "sin", "hypot"}
    status, out, err = run_cli(capsys, "bootstrap", "--constants", "1", "--operations",
                               "plus", "--quiet", "--max-K", "6")
    assert status == 0 and err == ""
    assert out.splitlines()[0] == "chain: 2 3"
    assert out.splitlines()[1].startswith("incomplete: 3/34 primitives reached; missing -1, e,")
    assert "nothing new up to K = 6" in out


@pytest.mark.parametrize("args, message", [
    (["--operations", "EMLL"], "unknown operation 'EMLL' (did you mean 'EML'?)"),
    (["--constants", "phi"], "unknown constant 'phi'"),
    (["--functions", "plus"], "'plus' is a binary operation, not a function"),
    (["--max-K", "0"], "--max-K must be positive"),
    (["--time-limit", "soon"], "--time-limit must be a number"),
])
def test_bad_input_exits_2_with_one_line(capsys, args, message):
    status, out, err = run_cli(capsys, "bootstrap", *args, "--quiet")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("eml: ")


def test_scan_table(capsys):
    status, out, err = run_cli(capsys, "scan", "--operators", "exp(x)-ln(y)", "x-ln(y)",
                               "--time-limit", "20", "--quiet")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["operator", "complete", "reached", "chain", "K", "searched"]
    assert lines[1].split()[:3] == ["exp(x)-ln(y)", "yes", "34/34"]
    assert lines[2].split()[:3] == ["x-ln(y)", "no", "1/34"]
    assert lines[-1] == "generate the whole basis from {1}: exp(x)-ln(y)"
    status, out, err = run_cli(capsys, "scan", "--operators", "x+ln(y)", "--json")
    assert status == 0 and json.loads(out)["rows"][0]["complete"] is False
    status, out, err = run_cli(capsys, "scan", "--operators", "sin(x)+y")
    assert status == 2 and "bad operator 'sin(x)+y'" in err


def test_killed_run_resumes_to_the_same_chain(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "emlkit", "bootstrap", "--quiet", "--json"]
    db = tmp_path / "boot.sqlite"
    proc = subprocess.Popen(cmd + ["--catalog", str(db)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    found = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db) as conn:
                found = conn.execute("SELECT count(*) FROM forms").fetchone()[0]
        except sqlite3.Error:
            continue
        if found >= 8:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    resumed = json.loads(subprocess.run(cmd + ["--catalog", str(db)], env=env,
                                        capture_output=True, text=True, check=True).stdout)
    fresh = json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True,
                                      check=True).stdout)
    assert resumed["resumed"] >= 8
    assert [(s["name"], s["witness"]) for s in resumed["chain"]] == [
        (s["name"], s["witness"]) for s in fresh["chain"]]
    assert resumed["complete"] and fresh["complete"]


def test_graph_draws_the_chain(capsys, tmp_path):
    out = tmp_path / "chain.svg"
    status, stdout, err = run_cli(capsys, "bootstrap", "--constants", "1", "--operations", "plus",
                                  "--max-K", "5", "--targets", "2", "--quiet", "--graph", str(out))
    assert status == 0 and out.read_text().startswith("<?xml") and "chain:" in stdout
    assert f"wrote {out}: 3 blocks, 2 uses, 2 rows" in err


def test_graph_needs_a_picture_suffix(capsys, tmp_path):
    status, _, err = run_cli(capsys, "bootstrap", "--graph", str(tmp_path / "chain.txt"))
    assert status == 2 and len(err.strip().splitlines()) == 1 and ".svg or .png" in err
