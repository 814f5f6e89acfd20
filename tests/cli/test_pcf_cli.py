"""CLI tests of ``eml pcf``: output, JSON, statuses with exit 2, errors, the search hand-over."""

from __future__ import annotations

import json

import mpmath
import pytest

from emlkit.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_limit_with_proven_digits(capsys):
    status, out, err = run_cli(capsys, "pcf", "2n+1", "n^2", "--digits", "1000")
    assert status == 0 and err == ""
    first, second = out.splitlines()
    assert first.startswith("PCF(2n + 1, n^2) = 1.2732395447")
    assert second.startswith("  1000 digits, proven by an arb ball (depth ")
    with mpmath.workdps(1020):
        value = mpmath.mpf(first.split(" = ")[1])
        assert abs(value - 4 / mpmath.pi) < mpmath.mpf(10) ** -999


def test_negative_polynomial_without_dashdash_and_convergents(capsys):
    status, out, _ = run_cli(capsys, "pcf", "34n^3+51n^2+27n+5", "-n^6", "--digits", "20",
                             "--convergents", "1,2")
    assert status == 0
    assert out.splitlines()[0] == "PCF(34n^3 + 51n^2 + 27n + 5, -n^6) = 4.9914442354842448121"
    assert "  p_1/q_1 = 584/117" in out and "  p_2/q_2 = 312120/62531" in out
    status, out, _ = run_cli(capsys, "pcf", "n+3", "--", "-n", "--digits", "5")
    assert status == 2  # options after -- are positionals: a usage error


def test_json(capsys):
    status, out, err = run_cli(capsys, "pcf", "n+3", "-n", "--digits", "30", "--json",
                               "--convergents", "0,3")
    assert status == 0 and err == ""
    d = json.loads(out)
    assert d["pcf"] == "PCF(n + 3, -n)" and d["limit"]["status"] == "converged"
    assert d["limit"]["digits"] == 30 and d["limit"]["proven"] is True
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(d["limit"]["value"]) - mpmath.e) < mpmath.mpf(10) ** -29
    assert d["convergents"] == [{"depth": 0, "value": "3"}, {"depth": 3, "value": "87/32"}]
    assert d["latex"].startswith("3 - \\cfrac{1}{4")


@pytest.mark.parametrize("args, status_word", [
    (["0", "n-2"], "terminating"),  # 0 + (-1)/0: q_1 = 0, the finite fraction has no value
    (["n", "-n^2"], "oscillating"),
    (["1", "n^10", "--max-depth", "1000"], "oscillating"),
    (["1", "n", "--max-depth", "100"], "inconclusive"),
    (["0", "1", "--max-depth", "100"], "divergent"),
])
def test_no_limit_is_exit_2_and_says_why(capsys, args, status_word):
    status, out, err = run_cli(capsys, "pcf", *args, "--digits", "30")
    assert status == 2
    assert status_word in out
    assert err.count("\n") == 1 and status_word in err
    status, out, err = run_cli(capsys, "pcf", *args, "--digits", "30", "--json")
    assert status == 2 and json.loads(out)["limit"]["status"] == status_word


@pytest.mark.parametrize("args, message", [
    (["2n++1", "n"], "parse error: unexpected '+'"),
    (["x+1", "n"], "parse error: unknown name 'x'"),
    (["0", "0"], "both polynomials"),
    (["n", ""], "parse error: empty polynomial"),
    (["n", "n", "--digits", "0"], "--digits"),
    (["n", "n", "--convergents", "1,x"], "not a whole number"),
    (["n", "n", "--convergents", "-1"], "negative"),
    (["n"], "usage error"),
])
def test_bad_input_one_line_exit_2(capsys, args, message):
    status, out, err = run_cli(capsys, "pcf", *args)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_identify_requires_a_converged_limit(capsys):
    status, _, err = run_cli(capsys, "pcf", "n", "n^2-1", "--identify")
    assert status == 2 and "needs a converged limit" in err


def test_help_and_search_hand_over(capsys):
    assert main(["pcf", "--help"]) == 0
    out = capsys.readouterr().out
    assert "eml pcf search --help" in out and "--digits" in out
    assert main(["pcf", "search", "--help"]) == 0
    assert "--deg-a" in capsys.readouterr().out


def test_dynamics_and_identify_are_passed_through(capsys):
    pytest.importorskip("emlkit.pcf.dynamics")
    pytest.importorskip("emlkit.identify")
    status, out, _ = run_cli(capsys, "pcf", "2n+1", "n^2", "--digits", "30", "--dynamics",
                             "--identify")
    assert status == 0
    assert "dynamics of PCF(2n + 1, n^2)" in out
    assert any(line.startswith("  = 4/pi") for line in out.splitlines())
    status, out, _ = run_cli(capsys, "pcf", "2n+1", "n^2", "--digits", "30", "--dynamics",
                             "--identify", "--json")
    d = json.loads(out)
    assert status == 0 and "delta" in d["dynamics"]
    assert d["identify"][0]["formula"] == "4/pi"


def test_ctrl_c_interrupts_a_long_limit():
    import os
    import signal
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-m", "emlkit", "pcf", "2n+1", "n^2", "--digits",
                             "400000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    note = proc.stderr.readline()  # the progress note: the long work has started
    assert "computing PCF(2n + 1, n^2) to 400000 digits" in note
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and out == ""
    assert err.strip().splitlines() == ["eml: interrupted"]


def test_digits_above_the_limit_is_one_line_before_any_progress(capsys):
    status, out, err = run_cli(capsys, "pcf", "2n+1", "n^2", "--digits", "1000000000")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "--digits: 1000000000 is above the limit 1000000" in err


def test_terminating_prints_its_exact_rational_exit_0(capsys):
    from fractions import Fraction

    status, out, err = run_cli(capsys, "pcf", "1", "0", "--digits", "10")
    assert status == 0 and err == ""
    assert out.splitlines()[0] == "PCF(1, 0) = 1" and "exact rational" in out
    status, out, _ = run_cli(capsys, "pcf", "n+5", "n-7", "--json")
    t = Fraction(0)
    for k in range(6, 0, -1):  # b(7) = 0: the finite fraction, bottom up
        t = Fraction(k - 7) / (k + 5 + t)
    d = json.loads(out)["limit"]
    assert status == 0 and d["status"] == "terminating" and d["exact"] == str(5 + t)
    assert d["value"] is None


def test_limit_zero_prints_its_decimal_places(capsys):
    status, out, err = run_cli(capsys, "pcf", "3n+1", "-2n^2", "--digits", "10", "--identify")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "PCF(3n + 1, -2n^2) = 0"
    assert lines[1].startswith("  |L| < 1e-10 (10 decimal places), proven by an arb ball")
    assert lines[2].startswith("  = 0  (rational, 10 digits matched")
    with mpmath.workdps(80):  # reference: the fraction from depth 400 up, in mpmath
        t = mpmath.mpf(0)
        for k in range(400, 0, -1):
            t = -2 * k * k / (3 * k + 1 + t)
        assert abs(1 + t) < mpmath.mpf(10) ** -10
    status, out, _ = run_cli(capsys, "pcf", "3n+1", "-2n^2", "--digits", "10", "--json")
    d = json.loads(out)["limit"]
    assert status == 0 and d["zero"] is True and d["value"] == "0" and d["digits"] == 10


def test_plot_draws_the_convergence_of_4_over_pi(tmp_path, capsys):
    # 4/pi = PCF(2n+1, n^2) gains about 0.77 digits per term (rate from mpmath's own value)
    import mpmath

    from emlkit.cli import main

    out = tmp_path / "conv.png"
    assert main(["pcf", "2n+1", "n^2", "--digits", "40", "--plot", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    from emlkit.viz.convergence import convergence_digits

    with mpmath.mp.workdps(120):
        pts, _ = convergence_digits(lambda n: 2 * n + 1, lambda n: n * n, 4 / mpmath.pi, 58)
    assert pts[-1][1] >= 40  # the depth the limit used does reach its 40 digits


def test_plot_refuses_a_bad_file_or_a_limit_that_is_not_established(tmp_path, capsys):
    from emlkit.cli import main

    assert main(["pcf", "2n+1", "n^2", "--plot", str(tmp_path / "c.pdf")]) == 2
    assert "unsupported file type '.pdf'" in capsys.readouterr().err
    assert main(["pcf", "n", "-n^2", "--digits", "10", "--plot", str(tmp_path / "c.png")]) == 2
    assert "--plot needs a converged limit" in capsys.readouterr().err
    assert not (tmp_path / "c.png").exists()
