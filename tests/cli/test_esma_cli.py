"""CLI tests of ``eml esma``."""

from __future__ import annotations

import json

import mpmath
import pytest

from emlkit.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_text_output_lists_pattern_lfsr_pcf_and_digits(capsys):
    status, out, err = run_cli(capsys, "esma", "(E**2+1)/(E**2-1)", "--degree", "0",
                               "--cycle", "1")
    assert status == 0
    first = out.splitlines()[0]
    assert "signs [+]" in first and "LFSR [1, -2, 1]" in first
    assert "PCF(2n + 1, 1)" in out and "100 digits checked" in out
    assert "1 transforms × 2 sign cycles" in err


def test_json_values_match_mpmath(capsys):
    status, out, err = run_cli(capsys, "esma", "tan(1)", "--degree", "0", "--cycle", "1",
                               "--json", "--digits", "60")
    assert status == 0 and err == ""
    d = json.loads(out)
    r = d["results"][0]
    assert r["pattern"] == "[+]" and r["lfsr"] == [1, 0, -2, 0, 1]
    assert r["digits_verified"] == 60
    # the convergent from the printed terms approaches tan 1 (independent check)
    p0, p1, q0, q1 = 1, r["terms"][0], 0, 1
    for a in r["terms"][1:]:
        p0, p1, q0, q1 = p1, a * p1 + p0, q1, a * q1 + q0
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(p1) / q1 - mpmath.tan(1)) < mpmath.mpf(10) ** -40


def test_nothing_found_is_exit_status_1(capsys):
    status, out, _ = run_cli(capsys, "esma", "pi", "--degree", "0", "--quiet")
    assert status == 1 and out == ""


@pytest.mark.parametrize("args, message", [
    (["esma", "x+1", "--degree", "0"], "free symbols"),
    (["esma", "2/3", "--degree", "0"], "rational"),
    (["esma", "e", "--degree", "9"], "degree must be"),
    (["esma", "e", "--cycle", "0"], "must be at least 1"),
    (["esma", "x+", "--degree", "0"], "nor SymPy text"),
    (["esma", "(((", "--degree", "0"], "nor SymPy text"),
    (["esma", "tan(1", "--degree", "0"], "nor SymPy text"),
])
def test_bad_input_is_one_line_and_status_2(capsys, args, message):
    status, out, err = run_cli(capsys, *args)
    assert status == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_help(capsys):
    status, out, _ = run_cli(capsys, "esma", "--help")
    assert status == 0 and "Berlekamp" in out and "--coefficients" in out


def test_ctrl_c_exits_130():
    import os
    import signal
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.join(os.path.dirname(__file__), "..", "..", "src"),
         os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-m", "emlkit", "esma", "e", "--degree", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        # wait until the enumeration has started (the first progress line), then interrupt
        first = proc.stderr.readline()
        assert first.startswith("esma:"), first
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)   # a hang fails here
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130 and "interrupted" in err
