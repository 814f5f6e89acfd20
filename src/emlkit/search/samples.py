"""Validated samples of a function, as the recognizer reads ``(X, y)``.

>>> s = to_samples(([0.5, 1.0, 2.0], [-0.69, 0.0, 0.69]))
>>> s.describe(), s.X.shape
('3 samples of f(x)', (3, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Samples", "to_samples"]

_DEFAULT_NAMES = ("x", "y", "z", "u", "v", "w")


@dataclass(frozen=True)
class Samples:
    """Validated samples of a function: points ``X`` of shape ``(n, nvars)``, values ``y``.

    >>> s = to_samples(([1.0, 2.0], [0.0, 0.69]))
    >>> s.variables, s.X.shape, s.y.dtype
    (('x',), (2, 1), dtype('complex128'))
    """

    X: np.ndarray
    y: np.ndarray
    variables: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of sample points."""
        return len(self.y)

    def describe(self) -> str:
        """One phrase, e.g. ``'20 samples of f(x)'``.

        >>> to_samples(([1.0, 2.0], [0.0, 0.69])).describe()
        '2 samples of f(x)'
        """
        return f"{self.n} samples of f({', '.join(self.variables)})"


def to_samples(data: Any, variables: Sequence[str] | None = None) -> Samples:
    """Validate ``(X, y)``: X of shape ``(n,)`` or ``(n, nvars)``, y of shape ``(n,)``, finite.

    Variables are named ``x``, ``y``, ``z``, ... unless ``variables`` is given.

    >>> to_samples(([[1, 2], [3, 4]], [3, 7])).variables
    ('x', 'y')
    >>> to_samples(([1.0, float("inf")], [0.0, 1.0]))
    Traceback (most recent call last):
    ...
    ValueError: X has a non-finite value (inf) at row 1
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError("samples must be a pair (X, y)")
    try:
        X = np.asarray(data[0], dtype=np.complex128)
        y = np.asarray(data[1], dtype=np.complex128)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"samples are not numeric: {exc}") from None
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or y.ndim != 1:
        raise ValueError(
            f"X must have shape (n,) or (n, nvars) and y (n,); got {X.shape}, {y.shape}"
        )
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} values")
    if len(y) == 0 or X.shape[1] == 0:
        raise ValueError("no samples given")
    for name, arr in (("X", X), ("y", y)):
        bad = ~np.isfinite(arr)
        if bad.any():
            row = int(np.argwhere(bad)[0][0])
            raise ValueError(f"{name} has a non-finite value ({arr[bad][0].real}) at row {row}")
    nv = X.shape[1]
    if variables is None:
        names = tuple(_DEFAULT_NAMES[:nv]) if nv <= len(_DEFAULT_NAMES) else tuple(
            f"x{k + 1}" for k in range(nv)
        )
    else:
        names = (variables,) if isinstance(variables, str) else tuple(variables)
        if len(names) != nv:
            raise ValueError(f"{len(names)} variable names for {nv} columns of X")
        for v in names:
            if not (isinstance(v, str) and v.isidentifier()) or v in ("E", "I", "pi"):
                raise ValueError(f"bad variable name {v!r}")
        if len(set(names)) != nv:
            raise ValueError(f"repeated variable names in {names!r}")
    return Samples(X, y, names)
