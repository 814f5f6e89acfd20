"""Pictures of PCF dynamics: feature planes coloured by cluster, error against depth.

Files are written with matplotlib (Agg backend, no display needed); the suffix picks the
format (``.png`` or ``.svg``).

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "conv.svg")
>>> plot_convergence([((1, 2), (0, 0, 1)), ((3, 1), (0, -1))], path, depth=30)
'...conv.svg'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._files import picture_path

__all__ = ["plot_convergence", "plot_planes"]

DEFAULT_PLANES = (("c", "naive_delta"), ("gamma", "naive_delta"), ("eig_ratio", "naive_delta"),
                  ("d", "predicted_delta"))


def _figure(path: str | Path) -> tuple[Any, Path]:
    p, _ = picture_path(path)
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt, p


def plot_planes(report: Any, path: str | Path,
                planes: Sequence[tuple[str, str]] = DEFAULT_PLANES) -> str:
    """Scatter plots of feature pairs of a :class:`~emlkit.pcf.cluster.ClusterReport`.

    Points are coloured by cluster (noise grey); each plane is one panel. Returns the path.
    """
    import numpy as np

    plt, p = _figure(path)
    fp = report.fingerprints
    for x, y in planes:
        for f in (x, y):
            if f not in fp.names:
                raise ValueError(f"unknown feature {f!r} (known: {', '.join(fp.names)})")
    fig, axes = plt.subplots(1, len(planes), figsize=(4.2 * len(planes), 4), squeeze=False)
    lab = np.asarray(report.labels)
    for ax, (x, y) in zip(axes[0], planes):
        X, Y = fp.features[:, fp.names.index(x)], fp.features[:, fp.names.index(y)]
        ok = np.isfinite(X) & np.isfinite(Y)
        noise = ok & (lab < 0)
        ax.scatter(X[noise], Y[noise], s=2, c="lightgrey", label="noise")
        sel = ok & (lab >= 0)
        ax.scatter(X[sel], Y[sel], s=3, c=lab[sel], cmap="tab20")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
    fig.suptitle(f"{report.n_points:,} converging PCFs, {len(report.clusters)} clusters, "
                 f"ARI {report.ari:.3f}")
    fig.tight_layout()
    fig.savefig(p)
    plt.close(fig)
    return str(p)


def plot_convergence(pcfs: Sequence[tuple[Sequence[int], Sequence[int]]], path: str | Path,
                     depth: int = 200) -> str:
    """log10 |L − p_n/q_n| against n for each PCF (a, b) (coefficients lowest first).

    L is the exact convergent at twice ``depth`` (mpmath); returns the path.
    """
    import mpmath

    from ..pcf.exact import pq
    from ..pcf.pcf import PCF

    plt, p = _figure(path)
    if not pcfs:
        raise ValueError("no PCFs to plot")
    fig, ax = plt.subplots(figsize=(6, 4))
    with mpmath.workdps(60 + 3 * depth):
        for a, b in pcfs:
            _, P, _, Q = (int(v) for v in pq(PCF(list(a), list(b)), 2 * depth))
            L = mpmath.mpf(P) / Q
            ns, es = [], []
            p0, p1, q0, q1 = 1, a[0], 0, 1
            for n in range(1, depth + 1):
                an = sum(c * n**k for k, c in enumerate(a))
                bn = sum(c * n**k for k, c in enumerate(b))
                p0, p1 = p1, an * p1 + bn * p0
                q0, q1 = q1, an * q1 + bn * q0
                if q1:
                    err = abs(L - mpmath.mpf(p1) / q1)
                    if err > 0:
                        ns.append(n)
                        es.append(float(mpmath.log10(err)))
            ax.plot(ns, es, label=f"a={list(a)}, b={list(b)}")
    ax.set_xlabel("depth n")
    ax.set_ylabel("log10 |L - p_n/q_n|")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(p)
    plt.close(fig)
    return str(p)
