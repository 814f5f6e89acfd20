"""The value index (emlkit.search.value_index): tolerant lookup against its plain definition,
rounded hashing, and the meet-in-the-middle inversion against NumPy's own exp and log."""

import numpy as np
import pytest

from emlkit.search.arithmetic import exp_guarded
from emlkit.search.value_index import (
    KeyIndex,
    ValueIndex,
    close_rows,
    match_tolerance,
    needed_right,
    needed_right_rows,
    row_keys,
)


def _brute(vals, need, tol):
    """Every (query, row) pair within tolerance at each point that constrains the query
    (finite value and tolerance, tolerance at most half the value): the plain definition."""
    out = set()
    for i in range(len(need)):
        with np.errstate(all="ignore"):
            free = ~(np.isfinite(need[i]) & np.isfinite(tol[i])) | ~(
                tol[i] <= 0.5 * np.abs(need[i]))
        for r in range(len(vals)):
            if np.all(free | (np.abs(vals[r] - need[i]) <= tol[i])):
                out.add((i, r))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loose_lookup_equals_the_definition(seed):
    rng = np.random.default_rng(seed)
    vals = rng.normal(size=(400, 5)) + 1j * rng.normal(size=(400, 5))
    rows = rng.integers(0, 400, 60)
    need = vals[rows] * (1 + 1e-4 * rng.normal(size=(60, 5)))
    tol = np.full((60, 5), 1e-3) * np.abs(need)
    # per query: some points unknown (NaN), some loose (tolerance 10x the value), one sharp
    for i in range(60):
        k = rng.integers(0, 4)
        pts = rng.permutation(5)
        need[i, pts[:k]] = np.nan if i % 2 else need[i, pts[:k]]
        tol[i, pts[:k]] = 10 * np.abs(need[i, pts[:k]]) if i % 2 == 0 else 1e-3
    got = set(zip(*ValueIndex(vals).lookup(need, tol, loose=1e-2)))
    assert got == _brute(vals, need, tol)
    assert all((i, r) in got for i, r in enumerate(rows))  # every planted row is found


def test_loose_lookup_skips_what_cannot_be_identified():
    vals = np.array([[1, 2, 3], [1.5, 2, 3], [1, 2.5, 3]], dtype=complex)
    ix = ValueIndex(vals)
    # nothing known at any point: no answer (rather than every row)
    i, r = ix.lookup(np.full((1, 3), np.nan, complex), np.full((1, 3), 0.1), loose=1e-2)
    assert len(i) == 0
    # first point unknown, the others sharp: answered from them
    i, r = ix.lookup(np.array([[np.nan, 2, 3]]), np.full((1, 3), 1e-3), loose=1e-2)
    assert sorted(r.tolist()) == [0, 1]
    # min_sharp: two sharp points are not enough when three are asked for
    i, r = ix.lookup(np.array([[np.nan, 2, 3]]), np.full((1, 3), 1e-3), loose=1e-2, min_sharp=3)
    assert len(i) == 0
    # without ``loose`` a query is answered from its first point only, as before
    i, r = ix.lookup(np.array([[1, 2, 3]]), np.full((1, 3), 1e-3))
    assert r.tolist() == [0]


def test_old_import_path_is_the_same_index():
    from emlkit.regress import tables

    assert tables.ValueIndex is ValueIndex


def test_lookup_returns_every_row_within_tolerance_in_blocks(monkeypatch):
    import emlkit.search.value_index as vi

    monkeypatch.setattr(vi, "_HITS", 7)  # many small blocks: the same answer as one
    rng = np.random.default_rng(5)
    vals = np.round(rng.normal(size=(300, 3)), 1) + 0j  # many ties: wide windows
    need = vals[rng.integers(0, 300, 40)]
    tol = np.full(need.shape, 0.051)
    got = set(zip(*ValueIndex(vals).lookup(need, tol)))
    want = {(i, r) for i in range(40) for r in range(300)
            if np.all(np.abs(vals[r] - need[i]) <= tol[i])}
    assert got == want


def test_row_keys_identify_rounded_vectors_and_separate_different_ones():
    rng = np.random.default_rng(3)
    v = rng.normal(size=(500, 4)) + 1j * rng.normal(size=(500, 4))
    h, _ = row_keys(v)
    assert len(np.unique(h)) == 500  # distinct vectors, distinct keys
    h2, _ = row_keys(v * (1 + 1e-15))  # a relative change far below the grid
    assert (h == h2).mean() > 0.95  # (a vector on a grid edge may round the other way)
    h3, _ = row_keys(v * (1 + 1e-6))  # far above it
    assert (h != h3).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_needed_right_child_reproduces_the_target(seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(50, 4)) * 0.5 + 1j * rng.normal(size=(50, 4)) * 0.3
    y = rng.normal(size=4) * 0.3 + 0.1j * rng.normal(size=4)
    b = needed_right(np.exp(a), y)
    # eml(a, b) = exp(a) - ln(b) = y, with ln the principal branch, where exp(a) - y has
    # its imaginary part in (-pi, pi]
    ok = np.abs((np.exp(a) - y).imag) < np.pi
    np.testing.assert_allclose((np.exp(a) - np.log(b))[ok], np.broadcast_to(y, a.shape)[ok],
                               rtol=1e-12, atol=1e-12)
    assert ok.mean() > 0.5


def test_needed_right_principal_guard_against_numpy():
    # the match_roots variant: plain exp(exp(A) - y), NaN where exp(A) - y is not finite or
    # has |Im| > pi (no principal log equals it), or where exp overflows or underflows to 0
    rng = np.random.default_rng(3)
    ea = rng.normal(size=(400, 3)) * 3 + 1j * rng.normal(size=(400, 3)) * 3
    # the edge cases by hand: inf, NaN, overflow, underflow, Im w = 3.2 > pi, Im w = 3.1
    ea[:6, 0] = [np.inf, np.nan, 800, -800, complex(1, 3.0), complex(1, 2.9)]
    y = np.array([0.5 - 0.2j, 0.0, -1.0 + 1j])
    got = needed_right(ea, y, guard="principal")
    w = ea - y
    with np.errstate(all="ignore"):
        b = np.array([[np.exp(v) for v in row] for row in w.tolist()])  # scalar by scalar
    valid = np.isfinite(w) & (np.abs(w.imag) <= np.pi) & np.isfinite(b) & (b != 0)
    assert 0.1 < valid.mean() < 0.9  # both branches exercised
    assert not valid[:5, 0].any() and valid[5, 0]
    np.testing.assert_allclose(got[valid], b[valid], rtol=1e-15)
    assert np.isnan(got[~valid]).all()
    # the default (search) policy is the guarded exp of the same difference
    np.testing.assert_array_equal(needed_right(ea, y), exp_guarded(w))
    with pytest.raises(ValueError, match="guard"):
        needed_right(ea, y, guard="loose")  # type: ignore[arg-type]
    # the rows defined at every point, as match_roots takes them
    rows, b_rows = needed_right_rows(ea, y)
    assert rows.tolist() == np.flatnonzero(valid.all(axis=1)).tolist() and len(rows) > 10
    np.testing.assert_allclose(b_rows, b[rows], rtol=1e-15)


def test_close_rows_against_the_plain_definition():
    rng = np.random.default_rng(4)
    vals = np.round(rng.normal(size=(300, 3)), 1) + 0j
    vals[::7, 2] = np.inf
    t = np.array([vals[0, 0], vals[0, 1], np.inf])
    tol = np.array([0.15, 0.05, 0.0])
    want = [i for i in range(len(vals))
            if abs(vals[i, 0] - t[0]) <= tol[0] and abs(vals[i, 1] - t[1]) <= tol[1]
            and vals[i, 2] == np.inf]
    assert want and close_rows(vals, t, tol).tolist() == want
    cols = np.array([1, 0])
    want2 = [i for i in range(len(vals)) if abs(vals[i, 1] - t[1]) <= tol[1]
             and abs(vals[i, 0] - t[0]) <= tol[0]]
    assert close_rows(vals, t[[1, 0]], tol[[1, 0]], cols).tolist() == want2
    np.testing.assert_allclose(match_tolerance(t, 1e-3), 1e-3 * (np.abs([t[0], t[1], 0]) + 1))


def test_key_index_ranges_list_every_id_with_the_query_key():
    rng = np.random.default_rng(5)
    vals = rng.integers(0, 6, size=(200, 2)).astype(complex)
    keys = row_keys(vals)[0]
    ix = KeyIndex(keys, np.arange(100, 300))
    queries = rng.integers(0, 8, size=(40, 2)).astype(complex)
    hit, lo, n = ix.ranges(row_keys(queries)[0])
    got = {int(q): sorted(ix.ids[a:a + k].tolist()) for q, a, k in zip(hit, lo, n)}
    want = {}
    for q, row in enumerate(queries):
        ids = [100 + i for i in range(len(vals)) if (vals[i] == row).all()]
        if ids:
            want[q] = ids
    assert want and got == want
