"""Imported by the playground's fork server: heavy imports and the panels' warm-up, so every
worker forked from it starts warm in milliseconds instead of re-importing everything.

The work is done only where :data:`emlkit.web.workers.FORKSERVER_ENV` is set, which
:func:`emlkit.web.workers.worker_context` does just for the fork server's start; importing this
module anywhere else (a doctest collector, say) does nothing. Nothing here may raise, since a
failed preload would take the fork server down (the workers then warm up on their own, as
:func:`emlkit.web.workers.warm_up` still runs in each of them).
"""

from __future__ import annotations

import os
import warnings

from .workers import FORKSERVER_ENV, warm_up


def _preload() -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warm_up()  # compiler, decompiler caches, SymPy, mpmath, flint and matplotlib
            from ..regress import estimator  # noqa: F401 - scikit-learn, for the fit jobs
            from . import _fit_worker  # noqa: F401 - the fit jobs' entry point
    except Exception:  # noqa: BLE001, S110 - a preload failure only costs start-up time
        pass


if os.environ.get(FORKSERVER_ENV) == "1":
    _preload()
