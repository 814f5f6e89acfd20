"""Differential tests: random EML trees on NumPy, mpmath, torch and arb against an independent
plain-mpmath oracle (:func:`eval_forms.oracle`), at real points of both signs (on the cut from
either side), complex points and zeros.

A backend is compared where its arithmetic can resolve the question: the oracle reports how
close the path came to the cut and whether it stayed finite and tame (no ``ln`` near 0, no
catastrophic cancellation, no float overflow). Floating backends are compared only when every
``ln`` argument on the negative side is at least ``1e-9`` (relative) off the axis; mpmath and
arb also on the cut itself, where the side comes from the signed zero of the input; floating
backends only where no subtraction cancels more than six digits.
"""

from __future__ import annotations

import cmath
import math

import numpy as np
import pytest
from eval_forms import X, Y, oracle
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

import emlkit as ek
from emlkit import ONE, eml

torch = pytest.importorskip("torch")
flint = pytest.importorskip("flint")

trees = st.recursive(
    st.sampled_from([ONE, X, X, Y]), lambda ch: st.builds(eml, ch, ch), max_leaves=9
)
coord = st.floats(-4, 4, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-3)
numbers = st.one_of(
    coord,
    st.tuples(coord, st.booleans()).map(lambda t: complex(t[0], -0.0 if t[1] else 0.0)),
    st.builds(complex, coord, st.floats(-3, 3).filter(lambda v: abs(v) > 1e-2)),
)

CUT_FLOAT = 1e-9  # NumPy decides sides only this far from the axis
CUT_EXACT = 1e-45  # the oracle's own rounding residue (60 digits) is far below this


def compare(tree, point) -> dict[str, bool]:
    """Evaluate on every backend and check against the oracle; return which were compared."""
    point = {k: v for k, v in point.items() if k in tree.free_vars}
    o = oracle(tree, point)
    done = {"mpmath": False, "numpy": False, "arb": False}
    if not o.tame:
        return done
    scale = 1 + abs(o.value)
    if o.cut_distance > CUT_EXACT:
        m = ek.evaluate(tree, point, backend="mpmath", dps=30, on_nan="ignore")
        with mp.workdps(60):
            assert abs(m - o.exact) <= mp.mpf("1e-20") * scale, (str(tree), point)
        done["mpmath"] = True
        c = ek.certify(tree, [point] if point else None, dps=30)[0]
        if c.certified:
            mid = complex(c.value.mid())
            assert abs(mid - o.value) <= 1e-12 * scale, (str(tree), point)
            done["arb"] = True
    if o.cut_distance > CUT_FLOAT and o.cancellation > 1e-6:  # at most ~6 digits lost
        n = complex(ek.evaluate(tree, point, on_nan="ignore"))
        t = complex(ek.evaluate(tree, point, backend="torch", on_nan="ignore"))
        assert abs(n - o.value) <= 1e-7 * scale, (str(tree), point, n, o.value)
        assert abs(t - n) <= 1e-9 * scale, (str(tree), point, t, n)
        done["numpy"] = True
    return done


@settings(max_examples=200, deadline=None)
@given(trees, numbers, numbers)
def test_backends_agree_with_the_oracle(tree, x, y):
    compare(tree, {"x": x, "y": y})


def test_the_comparison_is_not_vacuous():
    """A fixed sample of trees and points: most comparable cases are in fact compared."""
    rng = np.random.default_rng(20240607)
    leaves = [ONE, X, X, Y]

    def tree(budget):
        if budget <= 1 or rng.random() < 0.25:
            return leaves[rng.integers(len(leaves))]
        k = int(rng.integers(1, budget))
        return eml(tree(k), tree(budget - k))

    def number():
        r = rng.uniform(-4, 4)
        kind = rng.integers(3)
        return r if kind == 0 else complex(r, -0.0) if kind == 1 else complex(r, rng.uniform(-3, 3))

    counts = {"mpmath": 0, "numpy": 0, "arb": 0}
    for _ in range(200):
        done = compare(tree(12), {"x": number(), "y": number()})
        for k, v in done.items():
            counts[k] += v
    assert counts["mpmath"] >= 120 and counts["numpy"] >= 80 and counts["arb"] >= 80, counts


@pytest.mark.parametrize("x", [-2.5, complex(-2.5, -0.0), -0.3, complex(-0.3, -0.0)], ids=repr)
def test_on_the_cut_the_limit_from_the_side(x):
    """Trees whose ln arguments sit on the cut because x does: mpmath against the oracle."""
    ln_x = eml(ONE, eml(eml(ONE, X), ONE))
    for tree in (ln_x, eml(ln_x, X), eml(X, eml(ONE, X)), eml(ONE, eml(X, eml(ONE, X)))):
        o = oracle(tree, {"x": x})
        if not o.tame:
            continue
        m = complex(ek.evaluate(tree, x=x, backend="mpmath"))
        n = complex(ek.evaluate(tree, x=x))
        assert cmath.isclose(m, o.value, rel_tol=1e-12, abs_tol=1e-12), str(tree)
        assert cmath.isclose(n, o.value, rel_tol=1e-9, abs_tol=1e-9), str(tree)
        assert math.copysign(1, m.imag or 1.0) == math.copysign(1, o.value.imag or 1.0)
