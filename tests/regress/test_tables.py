import mpmath
import numpy as np
import pytest

from emlkit.expr import Eml, Var

from emlkit.regress.tables import ValueIndex, build_table


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


def _mp(e, x):
    """Independent reference: the tree evaluated with mpmath (principal ln)."""
    if isinstance(e, Eml):
        return mpmath.exp(_mp(e.left, x)) - mpmath.log(_mp(e.right, x))
    return mpmath.mpf(x) if isinstance(e, Var) else mpmath.mpf(1)


def test_table_rows_are_their_trees():
    xs = np.array([0.7, 1.3, 2.2])
    t = build_table({"x": xs}, ("x",), 3)
    assert t.max_depth == 3 and len(t) > 100
    with mpmath.workdps(30):
        for row in range(0, len(t), max(1, len(t) // 60)):
            e = t.expr(row)
            ref = np.array([complex(_mp(e, x)) for x in xs])
            assert np.allclose(t.vals[row], ref, rtol=1e-9), str(e)
