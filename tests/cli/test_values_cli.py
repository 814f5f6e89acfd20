"""Numbers on the command line (``emlkit.cli.values``): every requested digit of both parts of
an mpmath value is printed (issue 14, item 6), and the syntax of --at values."""

import subprocess
import sys

import mpmath
import pytest
from mpmath import mp

from emlkit.cli import format_value, parse_value


@pytest.mark.parametrize("dps", [20, 50, 100])
def test_both_parts_carry_all_digits(dps):
    with mp.workdps(dps + 10):
        z = mp.mpc(mp.e, -mp.pi)
        want_re, want_im = mp.nstr(+mp.e, dps), mp.nstr(-mp.pi, dps)
    re_, im, text = format_value(z, dps)
    assert (re_, im) == (want_re, want_im)
    assert text == f"{want_re}-{want_im[1:]}j"


def test_cli_eval_ln_minus_one_prints_pi_to_50_digits():
    out = subprocess.run(
        [sys.executable, "-m", "emlkit", "eval", "ln(x)", "--at", "x=-1", "--dps", "50"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    with mp.workdps(60):
        pi50 = mpmath.nstr(+mp.pi, 50)
    assert out.endswith(f"+{pi50}j"), out


def test_cli_eval_tiny_input_has_no_residue():
    """The identity at 1e-75 printed 1e-75 + 7.2e-71j before the scale-free cut rule."""
    out = subprocess.run(
        [sys.executable, "-m", "emlkit", "eval", "x", "--eml", "--at", "x=1e-75", "--dps", "30"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    re_, im = out.rstrip("j").split("+")
    assert float(im) == 0 and abs(float(re_) - 1e-75) < 1e-90, out


@pytest.mark.parametrize("text, want", [
    ("0.7", ("0.7", "0")), ("-2+0.5j", ("-2", "+0.5")), ("-0.0", ("-0.0", "0")),
    ("inf", ("inf", "0")), ("-INF", ("-inf", "0")), ("3i", ("0", "3")), ("1-j", ("1", "-1")),
    ("1e-3 + 2E2j", ("1e-3", "+2e2")), ("nan", ("nan", "0")),
])
def test_value_syntax(text, want):
    assert parse_value(text) == want
