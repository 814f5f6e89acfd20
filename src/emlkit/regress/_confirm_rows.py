"""Which samples the 50-digit confirmation of an exact claim checks: at most
:data:`MAX_CONFIRM_ROWS`, whatever the number of rows.

The confirmation (:func:`emlkit.regress.holdout.rounding_digits`) costs one mpmath walk of the
formula per sample checked, so it checks a fixed-size, deterministic subset chosen to refute a
wrong claim where it is most likely wrong:

1. the rows where the formula's float64 value is not finite or differs most from the sample
   relative to float64 rounding (half the budget, largest first). A row whose float64 residual
   is within ``32 ε |y|`` passes the 50-digit rule whenever the 50-digit value is defined, so
   when fewer rows than that are outside it, every row float64 cannot clear is checked;
2. the smallest and largest value of each variable (real and imaginary parts) and of ``|y|``;
3. a spread of the rest: greedy farthest-point picks in the standardised variables.

With no more rows than the budget, every row is checked.

>>> import numpy as np
>>> x = np.linspace(0, 1, 1000)[:, None]
>>> rows = confirmation_rows(x, x[:, 0] + 1, x[:, 0] + 1, limit=8)
>>> rows.tolist()
[0, 249, 374, 499, 624, 749, 874, 999]
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MAX_CONFIRM_ROWS", "confirmation_rows"]

#: The most samples one 50-digit confirmation checks (about 0.05-0.1 s for a formula of K = 33).
MAX_CONFIRM_ROWS = 96

_EPS = 2.0**-52
#: a float64 residual within this many ulps of |y| cannot fail the 50-digit rule
_CLEAR_ULPS = 32


def confirmation_rows(X: Any, y: Any, f64: Any, limit: int = MAX_CONFIRM_ROWS) -> np.ndarray:
    """Sorted indices of at most ``limit`` rows of ``X`` to confirm a claim on (all if fewer).

    ``y`` are the samples and ``f64`` the formula's float64 values at every row (complex).

    >>> import numpy as np
    >>> x = np.linspace(1, 2, 500)[:, None]
    >>> f = x[:, 0] ** 2; f[321] *= 1 + 1e-9        # one suspicious row
    >>> 321 in confirmation_rows(x, x[:, 0] ** 2, f, limit=10)
    True
    """
    X = np.asarray(X)
    if X.ndim == 1:
        X = X[:, None]
    y = np.asarray(y, dtype=np.complex128).ravel()
    n = len(y)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if n <= limit:
        return np.arange(n)
    f64 = np.broadcast_to(np.asarray(f64, dtype=np.complex128), y.shape)
    chosen: dict[int, None] = {}  # insertion-ordered set

    with np.errstate(all="ignore"):
        score = np.abs(f64 - y) / (_CLEAR_ULPS * _EPS * np.abs(y) + 1e-300)
    score = np.where(np.isfinite(f64), score, np.inf)
    suspicious = np.flatnonzero(score > 1.0)
    top = suspicious[np.argsort(-score[suspicious], kind="stable")[: max(limit // 2, 1)]]
    chosen.update(dict.fromkeys(int(i) for i in top))

    cols = _features(X)
    for c in [*cols, np.abs(y)]:
        for i in (int(np.argmin(c)), int(np.argmax(c))):
            if len(chosen) < limit:
                chosen.setdefault(i)
    _spread(np.stack(cols, axis=1) if cols else np.zeros((n, 1)), chosen, limit)
    return np.sort(np.fromiter(chosen, dtype=np.intp))


def _features(X: np.ndarray) -> list[np.ndarray]:
    """The real columns describing each row: real parts, and imaginary parts where complex."""
    cols = [np.real(X[:, j]).astype(np.float64) for j in range(X.shape[1])]
    if np.iscomplexobj(X):
        cols += [np.imag(X[:, j]).astype(np.float64) for j in range(X.shape[1])]
    out = []
    for c in cols:
        c = np.where(np.isfinite(c), c, 0.0)
        span = float(c.max() - c.min())
        out.append((c - c.min()) / span if span > 0 else np.zeros_like(c))
    return out


def _spread(Z: np.ndarray, chosen: dict[int, None], limit: int) -> None:
    """Add farthest-point picks to ``chosen`` until it holds ``limit`` rows (or no new point)."""
    if not chosen:
        chosen[0] = None
    dist = np.full(len(Z), np.inf)
    for i in chosen:
        dist = np.minimum(dist, ((Z - Z[i]) ** 2).sum(axis=1))
    while len(chosen) < limit:
        i = int(np.argmax(dist))
        if not dist[i] > 0:
            return  # the rest repeat rows already chosen
        chosen[i] = None
        dist = np.minimum(dist, ((Z - Z[i]) ** 2).sum(axis=1))
