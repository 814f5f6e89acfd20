"""Tests of the bottom-up enumeration (emlkit.search.enumerate)."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emlkit as ek
from emlkit.expr import ONE, Eml, Var, postorder
from emlkit.search import Enumeration, enumerate_forms
from emlkit.search.arithmetic import search_values
from emlkit.search.enumerate import eml_arrays, exp_guarded, log_guarded


@pytest.fixture(scope="module")
def constants():
    return enumerate_forms(19, variables=())


@pytest.fixture(scope="module")
def unary():
    return enumerate_forms(11, variables=("x",))


def values_of(expr, points):
    """Values of a tree at the test points with the search's arithmetic (independent of the
    enumeration's bookkeeping)."""
    P = len(next(iter(points.values()))) if points else 1
    vals = {}
    for n in postorder(expr):
        if isinstance(n, Eml):
            vals[id(n)] = eml_arrays(exp_guarded(vals[id(n.left)]), log_guarded(vals[id(n.right)]))
        elif isinstance(n, Var):
            vals[id(n)] = np.asarray(points[n.name], dtype=complex)
        else:
            vals[id(n)] = np.ones(P, dtype=complex)
    return vals[id(expr)]


@pytest.mark.parametrize("value, K", [(np.e, 3), (0.0, 7), (-1.0, 15), (2.0, 19)])
def test_published_shortest_constants(constants, value, K):
    ids = constants.find_values(value)
    assert ids, f"{value} not found up to K=19"
    assert constants.size_of(ids[0]) == K
    expr = constants.expr(ids[0])
    assert expr.K == K
    assert abs(values_of(expr, {})[0] - value) < 1e-12


def test_counts_consistent(constants, unary):
    for en in (constants, unary):
        assert sorted(en.counts) == list(range(1, en.max_K + 1, 2))
        assert en.total == sum(en.counts.values())
        for K, n in en.counts.items():
            assert len(en.ids(K)) == n
            assert en.values(K).shape == (n, en.P)
        seq = [en.counts[K] for K in sorted(en.counts)]
        assert all(a <= b for a, b in itertools.pairwise(seq)), seq
        assert en.collisions == 0
    # a deeper run reproduces the shallower one's counts
    assert enumerate_forms(13, variables=()).counts == {
        K: n for K, n in constants.counts.items() if K <= 13
    }


def test_representatives_rebuild(unary):
    for K in unary.counts:
        ids = list(unary.ids(K))
        for g in ids[:: max(1, len(ids) // 50)]:
            expr = unary.expr(g)
            assert expr.K == K
            got = values_of(expr, unary.points)
            want = unary.values(K)[g - ids[0]]
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


def test_values_distinct_within_and_across_levels(unary):
    rows = np.concatenate([unary.values(K) for K in sorted(unary.counts)])
    # 12 significant digits per part: two representatives share a key only if they agree to
    # ~1e-12 relative at every test point, i.e. they are the same function kept twice (a value
    # on a dedup grid boundary may do that, rarely)
    keys = {tuple(f"{z.real:.11e} {z.imag:.11e}" for z in r) for r in rows}
    assert len(keys) >= len(rows) * 0.999


def _all_trees(K, leaves):
    """Every syntax tree of size K (brute force, for small K)."""
    memo = {1: list(leaves)}
    for k in range(3, K + 1, 2):
        memo[k] = [
            Eml(a, b)
            for ka in range(1, k - 1, 2)
            for a, b in itertools.product(memo[ka], memo[k - 1 - ka])
        ]
    return memo


def test_counts_match_brute_force():
    en = enumerate_forms(9, variables=("x",))
    trees = _all_trees(9, [ONE, Var("x")])
    kept: list[np.ndarray] = []
    brute = {}
    for K in range(1, 10, 2):
        brute[K] = 0
        for t in trees[K]:
            v = values_of(t, en.points)
            if np.isnan(v).any():
                continue
            if kept:
                rows = np.array(kept)
                with np.errstate(invalid="ignore"):
                    same = np.where(
                        np.isfinite(v), np.abs(rows - v) <= 1e-9 * (np.abs(v) + 1), rows == v
                    ).all(axis=1)
                if same.any():
                    continue
            kept.append(v)
            brute[K] += 1
    assert brute == en.counts


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([5, 7, 9, 11]))
def test_every_small_tree_is_represented(unary, seed, K):
    rng = np.random.default_rng(seed)
    trees = {}

    def random_tree(k):
        if k == 1:
            return ONE if rng.random() < 0.5 else Var("x")
        ka = int(rng.choice(np.arange(1, k - 1, 2)))
        return Eml(random_tree(ka), random_tree(k - 1 - ka))

    t = random_tree(K)
    trees[K] = t
    v = values_of(t, unary.points)
    if np.isnan(v).any():
        return  # undefined at a test point: not enumerated by design
    ids = unary.find_values(v, rtol=1e-9)
    assert ids, f"{t} has no representative"
    assert unary.size_of(ids[0]) <= t.K


def test_extended_values():
    en = enumerate_forms(11, variables=())
    (neg_inf,) = en.find_values(-np.inf)
    assert str(en.expr(neg_inf)) == "eml(1, eml(1, eml(1, eml(eml(1, 1), 1))))"
    assert en.size_of(en.find_values(np.inf)[0]) == 9


def test_memory_limit_stops_early():
    en = enumerate_forms(25, variables=("x",), memory_limit_bytes=2_000_000)
    assert not en.complete
    assert en.max_K < 25
    assert sorted(en.counts) == list(range(1, en.max_K + 1, 2))


def test_custom_points_and_errors():
    en = enumerate_forms(5, variables=("x",), points={"x": [0.3 + 0.2j, -0.7 + 1.1j]})
    assert en.P == 2 and en.strip.all()
    with pytest.raises(ValueError):
        enumerate_forms(5, variables=("x", "y"), points={"x": [1j], "y": [1j, 2j]})
    with pytest.raises(ValueError):
        enumerate_forms(5, variables=("x", "x"))


# ---------------------------------------------------------------- reach, memory, resume


#: Distinct constants (leaf 1 only) per K; checked against mpmath below.
CONSTANT_COUNTS = {1: 1, 3: 1, 5: 2, 7: 5, 9: 11, 11: 29, 13: 79, 15: 231}


def _mp_key(expr):
    import mpmath

    v = ek.evaluate(expr, backend="mpmath", dps=40, on_nan="ignore")
    return (mpmath.nstr(v.real, 25), mpmath.nstr(v.imag, 25))


def test_constant_counts_against_brute_force_in_mpmath():
    """Every tree of K <= 15 that float64 can evaluate, valued in mpmath at 40 digits (the
    backends' semantics, independent of the search kernel): the enumeration keeps one form of
    smallest K per distinct value, except values closer than float64 can tell apart."""
    import mpmath

    en = enumerate_forms(15, variables=())
    assert en.counts == CONSTANT_COUNTS
    truth: dict = {}
    for K, trees in _all_trees(15, [ONE]).items():
        for t in trees:
            if not np.isfinite(search_values(t, {}, 1)).all():
                continue  # undefined in the search (overflow) or infinite: not counted
            truth.setdefault(_mp_key(t), K)
    found = {_mp_key(en.expr(g)): en.size_of(g) for g in range(en.total)
             if np.isfinite(en.values(en.size_of(g))[g - en.ids(en.size_of(g))[0]]).all()}
    assert all(truth[k] == K for k, K in found.items())  # the smallest K, and a real value
    missing = [k for k in truth if k not in found]
    for re_, im_ in missing:  # merged only with a constant equal to about 13 digits
        v = mpmath.mpc(re_, im_)
        assert any(abs(v - mpmath.mpc(*k)) <= 1e-13 * abs(v) for k in found)
    assert len(missing) <= 2


def test_close_constants_stay_apart():
    """e**e - ln(e - ln(exp(e**e) - 1)) (K = 15) is 1.7e-9 relative from the K = 13 form
    e**e - ln(e - e**e); a 30-bit grid merged them, so recognize missed the K = 15 form."""
    k15 = ek.parse("1 1 E 1 1 1 E 1 E 1 1 E E E E", format="rpn")
    k13 = ek.parse("1 1 E 1 1 1 E 1 E 1 E E E", format="rpn")
    v15 = complex(ek.evaluate(k15, backend="mpmath", dps=30))
    en = enumerate_forms(15, variables=())
    hits = en.find_values(v15, rtol=1e-12)
    assert [en.rpn(g) for g in hits] == [ek.to_text(k15, format="rpn")]
    assert [en.rpn(g) for g in en.find_values(complex(ek.evaluate(k13)), rtol=1e-12)] == [
        ek.to_text(k13, format="rpn")]


def test_save_load_round_trip(tmp_path, unary):
    unary.save(tmp_path)
    back = Enumeration.load(tmp_path)
    assert back.counts == unary.counts and back.variables == ("x",)
    for K in unary.counts:
        np.testing.assert_array_equal(back.values(K), unary.values(K))  # bit for bit
        assert back.fingerprints(K) == unary.fingerprints(K)
    ids = list(unary.ids(11))[::97]
    assert [back.rpn(g) for g in ids] == [unary.rpn(g) for g in ids]
    # a second save writes only the manifest (levels already there)
    assert [p.name for p in back.save(tmp_path)] == ["manifest.json"]


def test_resume_equals_uninterrupted(tmp_path):
    full = enumerate_forms(13, variables=("x",))
    enumerate_forms(13, variables=("x",)).save(tmp_path)
    part = Enumeration.load(tmp_path, max_K=9)
    assert part.max_K == 9
    seen = []
    resumed = enumerate_forms(
        13, variables=("x",), resume_from=part, on_level=lambda en, K: seen.append(K)
    )
    assert resumed is part and seen == [11, 13]
    assert resumed.counts == full.counts
    assert [resumed.rpn(g) for g in resumed.ids(13)][:200] == [
        full.rpn(g) for g in full.ids(13)][:200]
    with pytest.raises(ValueError, match="another enumeration"):
        enumerate_forms(15, variables=("y",), resume_from=resumed)


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(ValueError, match="manifest.json: no saved enumeration"):
        Enumeration.load(tmp_path)
    enumerate_forms(9, variables=()).save(tmp_path)
    (tmp_path / "level-007.npy").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="level-007.npy"):
        Enumeration.load(tmp_path)
    assert Enumeration.load(tmp_path, max_K=5).counts == {1: 1, 3: 1, 5: 2}
    np.save(tmp_path / "level-007.npy", np.zeros((2, 3), dtype=np.int32))
    with pytest.raises(ValueError, match="level-007.npy: saved level does not match"):
        Enumeration.load(tmp_path)


def test_lazy_last_level_gives_the_same_answers():
    full = enumerate_forms(11, variables=("x",), store_last=True)
    lazy = enumerate_forms(11, variables=("x",), store_last=False)
    assert lazy.stored_bytes() < full.stored_bytes()
    assert lazy.counts == full.counts
    np.testing.assert_array_equal(lazy.values(11), full.values(11))
    x = full.points["x"]
    targets = [(-x, full.strip), (1 / x, None), (x - 1, None)]
    assert lazy.match(targets) == full.match(targets)
    assert lazy.match_roots(-x, full.strip, min_K=12) == full.match_roots(-x, full.strip, min_K=12)
    lazy.materialize()
    assert lazy.stored_bytes() == full.stored_bytes()


def test_memory_guard_stops_with_a_message():
    steps = []
    en = enumerate_forms(
        25, variables=("x",), memory_limit_bytes=300 << 20,
        on_step=lambda K, done, total: steps.append((K, done, total)),
    )
    assert not en.complete and 9 <= en.max_K < 25
    assert re.fullmatch(
        rf"stopping before K={en.max_K + 2}: would need ~\d+\.\d GiB, limit 0\.3 GiB",
        en.stop_reason,
    )
    assert sorted(en.counts) == list(range(1, en.max_K + 1, 2))
    assert en.counts == {K: n for K, n in enumerate_forms(en.max_K, ("x",)).counts.items()}
    last = {}
    for K, done, total in steps:
        last[K] = (done, total)
    assert all(done == total == en.pairs[K] for K, (done, total) in last.items())


def test_bad_max_K():
    for bad in (0, -3, 2.5, "7", True):
        with pytest.raises(ValueError, match="max_K"):
            enumerate_forms(bad, variables=())
    with pytest.raises(ValueError, match="no test points given for variable 'y'"):
        enumerate_forms(5, variables=("x", "y"), points={"x": [1j]})


def test_progress_lines_go_to_the_progress_stream_not_stdout(capsys):
    import io

    from emlkit.progress import Progress

    buf = io.StringIO()
    bar = Progress("enumerate", stream=buf, min_interval=0, log_interval=0)
    en = enumerate_forms(7, variables=(), progress=bar)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.startswith("K=")]
    assert [int(ln[2:].split()[0]) for ln in lines] == [3, 5, 7]
    assert f"new={en.counts[7]:>11,d}" in lines[-1]
    enumerate_forms(5, variables=(), progress=True)
    out = capsys.readouterr()
    assert out.out == "" and "K=  5" in out.err


def test_recognize_finds_the_k15_constant_next_to_a_k13_one():
    """The issue's symptom, end to end: recognize found no form with K <= 17."""
    value = "12.63366834538828873776811976309701021492-3.141592653589793238462643383279502884197j"
    r = ek.recognize(value, max_K=17)
    best = r.candidates[0]
    assert best.expr.K == 15
    want = ek.parse("1 1 E 1 1 1 E 1 E 1 1 E E E E", format="rpn")
    got = complex(ek.evaluate(best.expr, backend="mpmath", dps=40))
    assert abs(got - complex(ek.evaluate(want, backend="mpmath", dps=40))) < 1e-14


def test_a_save_made_on_another_dedup_grid_is_refused(tmp_path):
    import json

    enumerate_forms(9, variables=()).save(tmp_path)
    manifest = tmp_path / "manifest.json"
    info = json.loads(manifest.read_text())
    assert info["dedup_bits"] == 44
    del info["dedup_bits"]  # a save from before the grid was recorded: 30 bits
    manifest.write_text(json.dumps(info))
    with pytest.raises(ValueError, match="30-bit dedup grid"):
        Enumeration.load(tmp_path)
    enumerate_forms(7, variables=("x",)).save(tmp_path / "f")  # functions: 30 bits, as before
    info = json.loads((tmp_path / "f" / "manifest.json").read_text())
    del info["dedup_bits"]
    (tmp_path / "f" / "manifest.json").write_text(json.dumps(info))
    assert Enumeration.load(tmp_path / "f").counts[7] == 80
