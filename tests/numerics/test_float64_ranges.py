"""The stated float64 ranges (``emlkit.float64_range``): lookup, membership and the CLI line.

Whether the stated ranges are *true* is checked against mpmath by the differential suite
(``test_differential_limits.py``: no wrong value inside a range); these tests check the table's
interface and a few facts an independent float64 argument gives (``e^(2x)`` overflows above
354.9, so no range of ``sinh`` may reach 360; ``ln(exp y)`` loses ``y`` below 1e-16).
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

import emlkit as ek
from emlkit.compiler.ranges import ArgRange, float64_range, float64_ranges, ranges_for_formula

from .limits import BASES


def test_public_name_and_lookup_by_formula():
    assert ek.float64_range("sinh") is float64_range("sinh")
    assert float64_range("x+y") is float64_range("add")
    assert float64_range("hypot(x, y)").name == "hypot"
    with pytest.raises(ValueError, match="no stated float64 range for 'gamma'"):
        float64_range("gamma")


def test_table_covers_every_basis_function_once():
    assert set(float64_ranges()) == {b.name for b in BASES}
    for r in float64_ranges().values():
        assert r.tolerance == 1e-12
        for a in r.args:
            assert all(lo <= hi for lo, hi in a.real)


@pytest.mark.parametrize("name, inside, outside", [
    ("sinh", [(1.0,), (-2.5,), (300.0,)], [(360.0,), (1e-20,)]),
    ("exp", [(1.0,), (-700.0,), (complex(1, 2),)], [(complex(1, 4),)]),
    ("neg", [(3.0,), (-600.0,)], [(1e-20,), (800.0,)]),
    ("add", [(1.0, 2.0)], [(1.0, 1e300), (1e-20, 3e-20)]),
])
def test_membership_agrees_with_the_float64_limits(name, inside, outside):
    r = float64_range(name)
    for p in inside:
        assert r.contains(*p), (name, p)
    for p in outside:
        assert not r.contains(*p), (name, p)


def test_membership_edge_cases():
    a = ArgRange(real=((-1.0, 2.0),), abs_min=1.0, abs_max=5.0, im_max=1.0)
    assert a.contains(complex(2.0, -0.0)) and not a.contains(2.5)
    assert a.contains(complex(3, 0.5)) and not a.contains(complex(3, 1.5))
    assert not a.contains(complex(math.nan, 0))
    r = float64_range("mul")
    assert not r.contains(2.0, complex(1, 1))  # one real and one non-real: not measured
    with pytest.raises(TypeError, match="mul takes 2 argument"):
        r.contains(1.0)


def test_ranges_for_formula_lists_each_operation_once():
    names = [r.name for r in ranges_for_formula("sin(x)*sin(x) + sqrt(y) - 1")]
    assert len(names) == len(set(names)) and set(names) == {"sub", "add", "sqrt", "mul", "sin"}
    assert ranges_for_formula("x") == []


def test_cli_stats_prints_the_ranges(tmp_path):
    out = subprocess.run([sys.executable, "-m", "emlkit", "compile", "sinh(x)", "--stats"],
                         capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("float64:")]
    assert line == [f"float64: {float64_range('sinh').describe()}"]
