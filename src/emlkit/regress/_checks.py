"""Checks of ``EMLRegressor``'s input: keyword names ("did you mean") and fittable magnitudes.

>>> import numpy as np
>>> try:
...     check_magnitudes(np.ones((2, 1)), np.array([1.0, 1e301]))
... except ValueError as exc:
...     print(str(exc).split(":")[0])
y has a value of magnitude 1e+301 at row 1
"""

from __future__ import annotations

import difflib
import functools
import inspect
from typing import Any

import numpy as np

__all__ = ["MAX_MAGNITUDE", "check_magnitudes", "suggest_keywords"]

#: Largest magnitude of a value that can be fitted (room left for errors and sums in float64).
MAX_MAGNITUDE = 1e300


def suggest_keywords(init: Any) -> Any:
    """Wrap ``__init__`` so an unknown keyword names the closest valid one ("did you mean").

    ``functools.wraps`` keeps the real signature visible (``inspect.signature`` follows
    ``__wrapped__``), as scikit-learn's parameter introspection requires.
    """
    names = [p for p in inspect.signature(init).parameters if p != "self"]

    @functools.wraps(init)
    def wrapper(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self).__name__
        if args:
            raise TypeError(f"{cls} takes keyword arguments only, got {len(args)} positional")
        for key in kwargs:
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(names)}"
                raise TypeError(f"{cls} got an unexpected keyword argument {key!r}{hint}")
        init(self, **kwargs)

    return wrapper


def check_magnitudes(X: np.ndarray, y: np.ndarray) -> None:
    """A clear error for values too large to fit (errors and R² would overflow float64)."""
    for name, a in (("X", X), ("y", y)):
        big = np.abs(a) > MAX_MAGNITUDE
        if big.any():
            where = np.argwhere(big)[0]
            raise ValueError(f"{name} has a value of magnitude {np.abs(a[tuple(where)]):.3g} at "
                             f"row {int(where[0])}: values up to {MAX_MAGNITUDE:.0e} can be "
                             "fitted; rescale the data")
