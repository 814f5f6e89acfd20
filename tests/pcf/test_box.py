"""evaluate_box: verified digits against exact flint convergents, statuses, the box, errors."""

from __future__ import annotations

import random

import mpmath
import numpy as np
import pytest

from emlkit.errors import DomainError
from emlkit.pcf import PCF
from emlkit.pcf.box import STATUS, coefficient_box, evaluate_box


@pytest.fixture(scope="module")
def box():
    a, b = coefficient_box()  # deg a, b <= 2, coefficients in [-2, 2], neither zero
    return evaluate_box(a, b, digits=30)


def test_the_box_has_15376_pcfs_and_every_row_a_status(box):
    assert len(box) == 124 * 124 == 15376
    assert sum(box.counts().values()) == len(box)
    assert set(box.counts()) <= set(STATUS)
    conv = box.status == 0
    assert conv.sum() > 5000  # most of the box converges
    assert np.all(box.digits[conv] == 30) and np.all(np.isfinite(box.hi[conv]))
    assert np.all(np.isnan(box.hi[(box.status == 3) | (box.status == 1) | (box.status == 2)]))


def test_random_sample_against_exact_convergents(box):
    """The verified digits hold against the exact limit (flint convergents far deeper)."""
    rng = random.Random(12)
    idx = [int(i) for i in np.nonzero(box.status == 0)[0]]
    sample = rng.sample(idx, 120)
    # include checked (not proven) rows explicitly: they rely on the rate estimate
    sample += rng.sample([i for i in idx if not box.proven[i]], 60)
    for i in sample:
        pcf = box.pcf(i)
        ref = pcf.limit(digits=45)
        assert ref.status == "converged", pcf
        with mpmath.workdps(60):
            got = mpmath.mpf(box.decimal(i))
            unit = mpmath.mpf(10) ** (int(mpmath.floor(mpmath.log10(abs(ref.value)))) - 29)
            assert abs(got - ref.value) < unit, (pcf, box.decimal(i), ref)


def test_terminating_rows_are_exactly_those_with_a_positive_integer_root_of_b(box):
    for i in range(0, len(box), 97):
        pcf = box.pcf(i)
        roots = [k for k in pcf.b.integer_roots(1) if k <= int(box.depth[i]) + 1]
        assert (box.status_of(i) == "terminating") == bool(roots), pcf


def test_known_members_and_statuses():
    rows_a = [[1, 2], [5, 27, 51, 34], [1], [3, 1], [1], [1, 1]]
    rows_b = [[0, 0, 1], [0, 0, 0, 0, 0, 0, -1], [1], [0, -1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
              [-1, 1]]
    width = 11
    A = np.array([r + [0] * (width - len(r)) for r in rows_a])
    B = np.array([r + [0] * (width - len(r)) for r in rows_b])
    res = evaluate_box(A, B, digits=30, max_depth=600)
    with mpmath.workdps(40):
        refs = [4 / mpmath.pi, 6 / mpmath.zeta(3), mpmath.phi, mpmath.e]
        for i, ref in enumerate(refs):
            assert res.status_of(i) == "converged"
            assert abs(mpmath.mpf(res.decimal(i)) / ref - 1) < mpmath.mpf(10) ** -29
    assert res.proven[0] and res.proven[2]  # positive fractions: proven
    # PCF(1, n^10) oscillates; b(n) outgrows the 31-bit terms of the kernel before it shows
    assert res.status_of(4) in ("oscillating", "inconclusive") and res.digits[4] == 0
    assert res.status_of(5) == "terminating"  # b(1) = 0
    assert res.pcf(1) is PCF("34n^3+51n^2+27n+5", "-n^6")


def test_fewer_digits_and_large_coefficients():
    res = evaluate_box([[1, 2]], [[0, 0, 1]], digits=10)
    assert res.decimal(0) == "1.273239545"
    big = 1000
    res = evaluate_box([[big, 2 * big]], [[0, 0, big * big]], digits=25)  # = 1000 * 4/pi
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(res.decimal(0)) - big * 4 / mpmath.pi) < mpmath.mpf(10) ** -18


def test_empty_batch():
    res = evaluate_box(np.zeros((0, 3), int), np.zeros((0, 3), int))
    assert len(res) == 0 and res.counts() == {}


@pytest.mark.parametrize("kwargs, message", [
    ({"a": [[1, 2]], "b": [[1], [2]]}, "rows"),
    ({"a": [1, 2], "b": [1, 2]}, "2-D"),
    ({"a": [[0.5]], "b": [[1]]}, "non-integer"),
    ({"a": [[0, 0]], "b": [[0]]}, "both polynomials zero"),
    ({"a": [[2**40]], "b": [[1]]}, r"above 2\^20"),
    ({"a": [[1]], "b": [[1]], "digits": 31}, "digits"),
    ({"a": [[1]], "b": [[1]], "digits": 0}, "digits"),
    ({"a": [[1]], "b": [[1]], "max_depth": 0}, "max_depth"),
])
def test_bad_input(kwargs, message):
    with pytest.raises(DomainError, match=message):
        evaluate_box(**kwargs)


def test_coefficient_box_shapes_and_errors():
    a, b = coefficient_box(1, 1, -1, 1)
    assert a.shape == b.shape == (64, 2)
    assert not np.any(~a.any(axis=1)) and not np.any(~b.any(axis=1))
    with pytest.raises(DomainError):
        coefficient_box(-1)
    with pytest.raises(DomainError):
        coefficient_box(1, 1, 2, 1)


def test_numpy_fallback_gives_the_same_results():
    """Without numba the NumPy version runs: identical statuses, digits and values."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import sys, json; sys.modules['numba'] = None\n"
        "from emlkit.pcf import _box_kernel as K\n"
        "from emlkit.pcf.box import coefficient_box, evaluate_box\n"
        "assert not K.HAVE_NUMBA\n"
        "a, b = coefficient_box(2, 1, -2, 2)\n"
        "r = evaluate_box(a, b, digits=30)\n"
        "print(json.dumps([r.status.tolist(), r.digits.tolist(), [r.decimal(i) for i in "
        "range(len(r))]]))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                         text=True, timeout=120, env=env, check=True).stdout
    status, digits, decimals = json.loads(out)
    a, b = coefficient_box(2, 1, -2, 2)
    r = evaluate_box(a, b, digits=30)
    assert status == r.status.tolist() and digits == r.digits.tolist()
    assert decimals == [r.decimal(i) for i in range(len(r))]


def test_numpy_version_matches_the_kernel_on_the_whole_box(box):
    from emlkit.pcf import _box_numpy
    from emlkit.pcf.box import _positive_tails

    k0 = _positive_tails(box.a, box.b)
    hi, lo, dg, st, dp, pv = _box_numpy.run(box.a, box.b, 30, 300, k0)
    assert np.array_equal(st, box.status) and np.array_equal(dg, box.digits)
    assert np.array_equal(dp, box.depth) and np.array_equal(pv, box.proven)
    assert np.array_equal(hi, box.hi, equal_nan=True) and np.array_equal(lo, box.lo, equal_nan=True)
