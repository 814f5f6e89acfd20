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

import numpy as np
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


def _sample_arg(a: ArgRange, real: bool, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points of an argument range, log-uniform in magnitude (fresh, not the suite's)."""
    big = 1.7e308
    if real:
        pieces = []
        for lo, hi in a.real:
            for s, (p, q) in ((1, (max(lo, 0.0), hi)), (-1, (max(-hi, 0.0), -lo))):
                if q > 0 and q >= p:
                    pieces.append((s, max(p, 1e-300), min(q, big)))
        if not pieces:
            return np.zeros(0, complex)
        k = rng.integers(len(pieces), size=n)
        s, p, q = (np.array([pc[i] for pc in (pieces[j] for j in k)]) for i in range(3))
        mag = np.exp(rng.uniform(np.log(p), np.log(np.maximum(p, q))))
        imag = np.where(rng.random(n) < 0.5, 0.0, -0.0)
        return np.array([complex(v, w) for v, w in zip(s * np.clip(mag, p, q), imag)])
    if a.abs_min > a.abs_max:
        return np.zeros(0, complex)
    r = np.exp(rng.uniform(np.log(a.abs_min), np.log(min(a.abs_max, big)), n))
    im = rng.uniform(-1, 1, n) * np.minimum(a.im_max, r)
    re = r * np.sqrt(np.maximum(1 - (im / r) ** 2, 0.0)) * rng.choice([-1, 1], n)
    ok = im != 0
    return (re + 1j * im)[ok]


@pytest.mark.parametrize("name", [b.name for b in BASES])
def test_fresh_points_inside_the_range_are_right(name):
    """Points the ranges were not measured at, drawn inside the stated range, are right
    against mpmath (NumPy backend): the bounds between measured points hold too."""
    from .limits import BY_NAME, reference, rel_error, wrong

    basis, rng_ = BY_NAME[name], float64_range(name)
    gen = np.random.default_rng(sum(map(ord, name)))
    pts: list[tuple] = []
    for real in (True, False):
        cols = [_sample_arg(a, real, 150, gen) for a in rng_.args]
        m = min(len(c) for c in cols)
        pts += [p for p in zip(*(c[:m] for c in cols)) if rng_.contains(*p)]
    args = tuple(np.array([p[i] for p in pts]) for i in range(basis.arity))
    ref = reference(basis, args)
    expr = ek.compile(basis.formula)
    with np.errstate(all="ignore"):
        z = np.asarray(ek.evaluate(expr, dict(zip(sorted(expr.free_vars), args)),
                                   on_nan="ignore"), complex)
    finite = ref.defined & ~ref.pole & np.isfinite(ref.value)
    bad = wrong(ref, z) & finite
    assert finite.sum() >= 50
    examples = [(tuple(complex(a[i]) for a in args), complex(z[i]), complex(ref.value[i]))
                for i in np.flatnonzero(bad)[:3]]
    assert not bad.any(), f"{bad.sum()}/{finite.sum()} wrong inside the range: {examples}"
    worst = float(np.nanmax(rel_error(ref, z)[finite]))
    assert worst <= 10 * rng_.tolerance, f"worst error {worst:.1e} inside the stated range"
