"""Clustering PCFs by their convergence dynamics, labelled by identified members.

The float sieve's features of every converging PCF of a box (:data:`emlkit.pcf.sieve.FEATURES`)
are standardised and clustered with scikit-learn's HDBSCAN; each cluster is labelled by the
class (the constant, ``rational`` or ``algebraic``) most of its identified members have; the
label is proposed to its unidentified members, and each proposal is checked by a Möbius lookup
against that constant with a larger coefficient bound and an exact check at high precision.
The agreement of clusters with the identified classes is the adjusted Rand index. With
``blind_delta=True`` the blind (gcd-reduced) δ of each converging PCF, from one exact integer
pass (:mod:`emlkit.pcf._blind`, about 1 ms a PCF), is added as the column ``blind_delta``.

>>> fp = fingerprints(CoefficientBox(1, 1, (-2, 3)))
>>> len(fp.index), fp.features.shape
(926, (926, 8))
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .sieve import CONVERGED, FEATURES, CoefficientBox, sieve

__all__ = ["Cluster", "ClusterReport", "Fingerprints", "cluster_box", "fingerprints"]


@dataclass(frozen=True)
class Fingerprints:
    """Dynamics features of the converging PCFs of a box (a plain array with named columns).

    >>> fp = fingerprints(CoefficientBox(0, 1, (1, 2)))
    >>> fp.features.shape[1] == len(fp.names), fp.names[0]
    (True, 'c')
    """

    box: CoefficientBox
    index: np.ndarray
    value: np.ndarray
    features: np.ndarray = field(repr=False)
    names: tuple[str, ...] = FEATURES


def fingerprints(box: CoefficientBox, *, depth: int = 256, min_digits: float = 6.0,
                 chunk: int = 32768, blind_delta: bool = False) -> Fingerprints:
    """Features of every PCF of ``box`` that converges to ``min_digits`` float digits.

    ``blind_delta=True`` adds the column ``blind_delta`` (exact convergents at ``depth`` and
    twice ``depth``; NaN where it cannot be measured).
    """
    idx, val, feats = [], [], []
    for s, e in box.shards(chunk):
        r = sieve(box, s, e, depth=depth)
        r = r.select((r.status == CONVERGED) & (r.digits >= min_digits))
        idx.append(r.index)
        val.append(r.value)
        feats.append(r.features)
    index = np.concatenate(idx)
    X = np.concatenate(feats) if feats else np.zeros((0, len(FEATURES)))
    if not blind_delta:
        return Fingerprints(box, index, np.concatenate(val), X)
    from ._blind import blind_deltas

    bd = blind_deltas([box.pcf_at(int(i)) for i in index], depth)
    return Fingerprints(box, index, np.concatenate(val), np.column_stack([X, bd]),
                        (*FEATURES, "blind_delta"))


@dataclass(frozen=True)
class Cluster:
    """One cluster: its label (majority class of identified members), anchors, new members.

    Attributes
    ----------
    id : int
    size : int
    label : str or None
        Class of most identified members (None: no identified member).
    purity : float
        Share of identified members with that class.
    anchors : tuple of (a, b, formula)
        Identified members of the label's class (up to 5).
    proposed : int
        Unidentified members the label was proposed to.
    confirmed : tuple of (a, b, formula, digits)
        Proposals checked at high precision (new members of the class).
    """

    id: int
    size: int
    label: str | None
    purity: float
    anchors: tuple
    proposed: int
    confirmed: tuple


@dataclass(frozen=True)
class ClusterReport:
    """Clusters of a box, their labels and the adjusted Rand index with identified classes.

    ``ari`` compares clusters and classes over every identified member; ``ari_irrational``
    over the members whose limit is not rational (the constants and quadratic irrationals).
    """

    clusters: tuple[Cluster, ...]
    labels: np.ndarray = field(repr=False)
    fingerprints: Fingerprints = field(repr=False)
    ari: float = float("nan")
    n_points: int = 0
    n_identified: int = 0
    noise: int = 0
    ari_irrational: float = float("nan")

    def summary(self) -> str:
        """Lines: counts, ARI, then each labelled cluster with anchors and confirmed members."""
        lines = [(f"{self.n_points:,} converging PCFs, {self.n_identified} identified; "
                  f"{len(self.clusters)} clusters, {self.noise:,} noise points; adjusted Rand "
                  f"index (identified members) {self.ari:.3f}, irrational members "
                  f"{self.ari_irrational:.3f}")]
        for c in self.clusters:
            if c.label is None:
                continue
            lines.append(f"cluster {c.id}: {c.size} PCFs, label {c.label} (purity "
                         f"{c.purity:.2f}), {c.proposed} proposed, {len(c.confirmed)} confirmed")
            for a, b, f in c.anchors[:3]:
                lines.append(f"    anchor  a={a} b={b}: {f}")
            for a, b, f, d in c.confirmed[:3]:
                lines.append(f"    new     a={a} b={b}: {f} ({d} digits checked)")
        return "\n".join(lines)


def _standardise(X: np.ndarray) -> np.ndarray:
    X = np.array(X, dtype=np.float64)
    for j in range(X.shape[1]):
        col = X[:, j]
        ok = np.isfinite(col)
        med = float(np.median(col[ok])) if ok.any() else 0.0
        col[~ok] = med
        lo, hi = np.percentile(col, [1, 99]) if len(col) else (0.0, 1.0)
        col = np.clip(col, lo, hi)
        sd = float(col.std()) or 1.0
        X[:, j] = (col - col.mean()) / sd
    return X


def _confirm(box: CoefficientBox, i: int, x: float, constant: str, verify_digits: int
             ) -> tuple | None:
    import mpmath

    from ._evaluate import exact_limit
    from ._mobius import mobius_table

    table = mobius_table([constant], bound=12)
    hits = table.lookup(np.array([x]), 1e-9)[0]
    if not hits:
        return None
    a, b = box.pcf_at(i)
    ex = exact_limit(a, b, digits=verify_digits)
    if ex.value is None or ex.digits < verify_digits:
        return None
    with mpmath.workdps(verify_digits + 10):
        for h in hits[:8]:
            t = h.value(verify_digits + 10)
            if abs(ex.value - t) <= abs(t) * mpmath.mpf(10) ** (-verify_digits):
                return (list(a), list(b), str(h.formula), int(ex.digits))
    return None


def cluster_box(result: Any, *, min_cluster_size: int = 20,
                features: tuple[str, ...] | None = None, verify_digits: int = 30,
                max_checks: int = 200, blind_delta: bool = False) -> ClusterReport:
    """Cluster the converging PCFs of a search's box and label clusters by its formulas.

    Parameters
    ----------
    result : SearchResult
        From :func:`emlkit.pcf.search`; its formulas are the identified members (class: the
        constant, or ``rational`` / ``algebraic``).
    min_cluster_size : int
        HDBSCAN's smallest cluster.
    features : tuple of str, optional
        Feature columns used (default all of :data:`FEATURES`, and ``blind_delta`` when
        asked for).
    verify_digits : int
        Digits of the exact check of a proposed label.
    max_checks : int
        Most proposals checked per cluster (each an exact evaluation).
    blind_delta : bool
        Add the blind δ from exact convergents as a feature (about 1 ms a PCF).

    Examples
    --------
    >>> from emlkit.pcf.search import search
    >>> r = search((1, 1, (-2, 3)), constants=["E"], executor="serial")
    >>> rep = cluster_box(r, min_cluster_size=5)
    >>> rep.n_points, -1.0 <= rep.ari <= 1.0
    (926, True)
    """
    from sklearn.cluster import HDBSCAN
    from sklearn.metrics import adjusted_rand_score

    known_names = (*FEATURES, "blind_delta") if blind_delta else FEATURES
    features = known_names if features is None else tuple(features)
    bad = [f for f in features if f not in known_names]
    if bad:
        raise ValueError(f"unknown feature(s) {', '.join(bad)} (known: {', '.join(known_names)})")
    fp = fingerprints(result.box, depth=result.params.depth, blind_delta=blind_delta)
    cols = [fp.names.index(f) for f in features]
    n = len(fp.index)
    classes: dict[int, str] = {}
    for f in result.formulas:
        classes[f.index] = f.constant if f.constant and f.kind == "identified" else f.kind
    if n < max(min_cluster_size, 2):
        return ClusterReport((), np.full(n, -1), fp, float("nan"), n, 0, n)
    X = _standardise(fp.features[:, cols])
    labels = HDBSCAN(min_cluster_size=min_cluster_size, copy=True).fit_predict(X)
    pos = {int(i): k for k, i in enumerate(fp.index)}
    ident = [(pos[i], c) for i, c in classes.items() if i in pos]
    def _ari(pairs: list) -> float:
        if len(pairs) < 2:
            return float("nan")
        return float(adjusted_rand_score([c for _, c in pairs], [int(labels[k]) for k, _ in pairs]))

    ari = _ari(ident)
    ari_irr = _ari([(k, c) for k, c in ident if c != "rational"])
    out = []
    by_cluster: dict[int, list[int]] = {}
    for k, lab in enumerate(labels):
        by_cluster.setdefault(int(lab), []).append(k)
    fdict = {f.index: f for f in result.formulas}
    for cid in sorted(c for c in by_cluster if c >= 0):
        members = by_cluster[cid]
        known = Counter(classes[int(fp.index[k])] for k in members if int(fp.index[k]) in classes)
        if not known:
            out.append(Cluster(cid, len(members), None, 0.0, (), 0, ()))
            continue
        label, cnt = known.most_common(1)[0]
        anchors = tuple((list(fdict[int(fp.index[k])].a), list(fdict[int(fp.index[k])].b),
                         fdict[int(fp.index[k])].formula) for k in members
                        if classes.get(int(fp.index[k])) == label)[:5]
        unknown = [k for k in members if int(fp.index[k]) not in classes]
        confirmed = []
        if label not in ("rational", "algebraic"):
            for k in unknown[:max_checks]:
                c = _confirm(result.box, int(fp.index[k]), float(fp.value[k]), label,
                             verify_digits)
                if c is not None:
                    confirmed.append(c)
        out.append(Cluster(cid, len(members), label, cnt / sum(known.values()), anchors,
                           len(unknown), tuple(confirmed)))
    return ClusterReport(tuple(out), labels, fp, ari, n, len(ident), int((labels < 0).sum()),
                         ari_irr)
