"""``eml recognize``: output, JSON, CSV input and one-line errors (status 2)."""

from __future__ import annotations

import json

import mpmath
import numpy as np
import pytest
from _cli import bad, run  # tests/cli/_cli.py

import emlkit as ek


def test_constant_e(capsys):
    code, out, err = run(capsys, "recognize", "2.718281828459045", "--max-K", "9")
    assert code == 0
    assert out.splitlines()[0].endswith("= E  (K = 3, 16 digits)")
    assert "eml(1, 1)" in out
    assert "searched every form with K ≤ 9" in err


def test_json_and_independent_check(capsys):
    code, out, _ = run(capsys, "recognize", "--json", "--max-K", "15", "--", "-1")
    assert code == 0
    d = json.loads(out)
    assert d["found"] and d["candidates"][0]["K"] == 15
    expr = ek.parse(d["candidates"][0]["rpn"], format="rpn")
    with mpmath.workdps(50):
        v = ek.evaluate(expr, backend="mpmath", dps=50)
        assert abs(v + 1) < mpmath.mpf(10) ** -45


def test_not_found_status_1(capsys):
    code, out, _ = run(capsys, "recognize", "0.1", "--exact", "--max-K", "11", "--quiet")
    assert code == 1
    assert out.strip() == "no form with K ≤ 11 matches 0.1 (exact) to 50 digits"


def test_vocabulary(capsys):
    code, out, _ = run(capsys, "recognize", "6.283185307179586", "--vocabulary", "pi,plus",
                       "--max-K", "5", "--quiet")
    assert code == 0 and "pi + pi" in out and "pure EML K=" in out


def test_data_csv(tmp_path, capsys):
    x = np.linspace(0.3, 3.0, 12)
    path = tmp_path / "points.csv"
    lines = ["t,f"] + [f"{float(a)!r},{float(b)!r}" for a, b in zip(x, np.log(x))]
    path.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "recognize", "--data", str(path), "--max-K", "9", "--quiet")
    assert code == 0 and "log(t)" in out and "eml(1, eml(eml(1, t), 1))" in out
    # a named target column in the middle
    path2 = tmp_path / "p2.csv"
    lines = ["x,g,y"] + [f"{float(a)!r},{float(a - b)!r},{float(b)!r}" for a, b in zip(x, x[::-1])]
    path2.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "recognize", "--data", str(path2), "--target", "g",
                       "--max-K", "11", "--json")
    d = json.loads(out)
    assert code == 0 and d["variables"] == ["x", "y"] and d["candidates"][0]["K"] == 11
    f = ek.parse(d["candidates"][0]["eml"])
    assert abs(complex(ek.evaluate(f, x=0.25, y=-1.5)) - 1.75) < 1e-12


@pytest.mark.parametrize(
    "text, match",
    [
        ("x,f\n1,2\n2,abc\n", "line 3: 'abc' in column 'f' is not a number"),
        ("x,f\n1,2\n2,nan\n", "line 3: 'nan' in column 'f' is not finite"),
        ("x,f\n1,2\n2\n", "line 3: 1 fields, expected 2"),
        ("x,f\n", "no data rows"),
        ("", "empty file"),
        ("x,x\n1,2\n", "distinct"),
    ],
)
def test_bad_csv(tmp_path, capsys, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    bad(capsys, "recognize", "--data", str(path), match=match)


def test_bad_inputs(capsys):
    bad(capsys, "recognize", "3.14x", match="unexpected 'x' in a number at line 1, column 5")
    bad(capsys, "recognize", "1.2.3", match="column 4")
    bad(capsys, "recognize", match="give either a VALUE or --data")
    bad(capsys, "recognize", "1", "--max-K", "0", match="must be at least 1")
    bad(capsys, "recognize", "1", "--vocabulary", "pie", match="did you mean 'pi'")
    bad(capsys, "recognize", "1", "--dps", "5", match="dps must be")
    bad(capsys, "recognize", "--data", "/nonexistent/x.csv", match="/nonexistent/x.csv")
    bad(capsys, "recognize", "--target", "f", "1", match="--target needs --data")
