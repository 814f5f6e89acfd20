"""Imported once by the playground's fork server: heavy imports and the panels' warm-up, so every
worker forked from it starts warm in milliseconds instead of re-importing everything.

The fork server imports this module by name (``multiprocessing`` preload); nothing here may
raise, since a failed preload would take the fork server down (the workers then warm up on
their own, as :func:`emlkit.web.workers.warm_up` is still run in each of them).
"""

from __future__ import annotations

import warnings

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from . import _fit_worker  # noqa: F401 - the fit jobs' entry point
        from .workers import warm_up

        warm_up()  # compiler, decompiler caches, SymPy, mpmath, flint and matplotlib
        import emlkit.regress.estimator  # noqa: F401 - scikit-learn, for the fit jobs
except Exception:  # noqa: BLE001, S110 - a preload failure only costs start-up time
    pass
