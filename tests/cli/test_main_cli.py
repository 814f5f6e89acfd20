"""The ``eml`` program (``emlkit.cli._main``): a formula or number that starts with '-' needs no
'--' (issue 16), interrupts and internal errors, ``python -m emlkit``."""

from __future__ import annotations

import cmath
import os
import subprocess
import sys

import pytest

import emlkit as ek
from emlkit.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compile_minus_x(capsys):
    code, out, _ = run(capsys, "compile", "-x", "--stats")
    assert code == 0
    expr = ek.parse(out.splitlines()[0])
    assert abs(ek.evaluate(expr, x=0.7) + 0.7) < 1e-12
    assert out.splitlines()[1].startswith("K=")


def test_options_before_and_after(capsys):
    code, out, _ = run(capsys, "compile", "--format", "rpn", "-sin(x)")
    assert code == 0
    expr = ek.parse(out.strip(), format="rpn")
    assert abs(ek.evaluate(expr, x=0.5) + cmath.sin(0.5)) < 1e-12


def test_eval_with_negative_values(capsys):
    code, out, _ = run(capsys, "eval", "--at", "x=-2", "-x")
    assert code == 0 and complex(out.strip().replace("-0.0j", "+0j")) == 2


def test_double_dash_still_works_and_unknown_long_options_are_errors(capsys):
    assert run(capsys, "compile", "--", "-x")[0] == 0
    code, _, err = run(capsys, "compile", "--bogus", "x")
    assert code == 2 and "unrecognized" in err


def test_interrupt_and_internal_errors(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ek, "compile", interrupted)
    code, out, err = run(capsys, "compile", "x")
    assert code == 130 and err == "eml: interrupted\n"

    def broken(*args, **kwargs):
        raise TypeError("something\nwent wrong")

    monkeypatch.setattr(ek, "compile", broken)
    code, out, err = run(capsys, "compile", "x")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "internal error: TypeError: something" in err


# ---------------------------------------------------------------- as a program


def _python_m(*args, stdin=None):
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [sys.executable, "-m", "emlkit", *args], input=stdin, capture_output=True, env=env,
        timeout=60, check=False,
    )


def test_python_m_emlkit():
    proc = _python_m("compile", "exp(x)")
    assert proc.returncode == 0 and proc.stdout == b"eml(x, 1)\n" and proc.stderr == b""
    proc = _python_m("eval", "eml(1,", "--at", "x=1")
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode().count("\n") == 1 and b"parse error" in proc.stderr


def test_python_m_reads_stdin():
    text = ("(" * 50_000 + "x" + ")" * 50_000 + " + 1").encode()
    proc = _python_m("eval", "-", "--at", "x=0.5", stdin=text)
    assert proc.returncode == 0 and complex(proc.stdout.decode()) == pytest.approx(1.5)
    proc = _python_m("eval", "-", "--at", "x=1", stdin=b"\xff\xfe\x00garbage")
    assert proc.returncode == 2 and proc.stderr.count(b"\n") == 1 and b"UTF-8" in proc.stderr
