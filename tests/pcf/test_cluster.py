"""Clustering by dynamics: fingerprints, cluster labels, checked propagation, pictures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy
from _mp_pcf import mp_limit

from emlkit.pcf.cluster import cluster_box, fingerprints
from emlkit.pcf.search import search
from emlkit.pcf.sieve import CONVERGED, CoefficientBox, sieve


@pytest.fixture(scope="module")
def report():
    # a small Möbius bound in the search leaves formulas for the clusters to find; b's
    # coefficients in [-2, 2] keep the box at 5,952 PCFs (two new members are confirmed)
    r = search((1, 2, (-3, 3), (-2, 2)), bound=2, workers=2)
    return r, cluster_box(r, min_cluster_size=10)


def _limit(a, b, depth=400):
    return mp_limit(a, b, depth)


def test_fingerprints_are_the_converging_pcfs():
    box = CoefficientBox(1, 1, (-2, 2))
    fp = fingerprints(box, min_digits=6)
    s = sieve(box)
    want = s.index[(s.status == CONVERGED) & (s.digits >= 6)]
    assert np.array_equal(fp.index, want)
    assert fp.features.shape == (len(want), len(fp.names))


def test_labels_are_the_majority_of_identified_members(report):
    r, rep = report
    assert rep.n_points == len(fingerprints(r.box).index)
    classes = {f.index: (f.constant if f.kind == "identified" else f.kind) for f in r.formulas}
    for c in rep.clusters:
        members = rep.fingerprints.index[rep.labels == c.id]
        assert len(members) == c.size
        known = Counter(classes[int(i)] for i in members if int(i) in classes)
        if c.label is None:
            assert not known
        else:
            assert known[c.label] == max(known.values())
            assert c.purity == pytest.approx(known[c.label] / sum(known.values()))
    assert -1 <= rep.ari <= 1 and -1 <= rep.ari_irrational <= 1
    # ARI from its definition (pair counting) over the irrational identified members
    pos = {int(i): k for k, i in enumerate(rep.fingerprints.index)}
    pairs = [(classes[i], int(rep.labels[pos[i]])) for i in classes
             if i in pos and classes[i] != "rational"]
    n = len(pairs)
    from math import comb
    cont = Counter(pairs)
    rows, cols = Counter(c for c, _ in pairs), Counter(k for _, k in pairs)
    idx = sum(comb(v, 2) for v in cont.values())
    sr, sc = sum(comb(v, 2) for v in rows.values()), sum(comb(v, 2) for v in cols.values())
    expected = sr * sc / comb(n, 2)
    want = (idx - expected) / ((sr + sc) / 2 - expected)
    assert rep.ari_irrational == pytest.approx(want, abs=1e-12)


def test_confirmed_members_are_right(report):
    r, rep = report
    confirmed = [(c.label, x) for c in rep.clusters for x in c.confirmed]
    assert confirmed, "no proposed label was confirmed"
    found = {(tuple(f.a), tuple(f.b)) for f in r.formulas}
    for label, (a, b, formula, digits) in confirmed:
        assert (tuple(a), tuple(b)) not in found  # new: the search missed it
        assert label in formula
        with mpmath.workdps(50):
            want = mpmath.mpf(str(sympy.sympify(formula).evalf(50)))
            assert abs(_limit(a, b) - want) < abs(want) * mpmath.mpf(10) ** -25
        assert digits >= 30


def test_pictures(report, tmp_path):
    from emlkit.viz.pcf_plots import plot_convergence, plot_planes

    _, rep = report
    png = plot_planes(rep, tmp_path / "planes.png")
    assert Path(png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = plot_convergence([((1, 2), (0, 0, 1))], tmp_path / "c.svg", depth=20)
    assert "<svg" in Path(svg).read_text()
    with pytest.raises(ValueError, match="unsupported file type ..jpg., use .svg or .png"):
        plot_planes(rep, tmp_path / "x.jpg")
    with pytest.raises(ValueError, match="unknown feature"):
        plot_planes(rep, tmp_path / "x.png", planes=[("c", "zzz")])


def test_bad_features(report):
    r, _ = report
    with pytest.raises(ValueError, match="unknown feature"):
        cluster_box(r, features=("c", "nope"))
