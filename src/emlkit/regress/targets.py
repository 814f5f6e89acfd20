"""Deprecated name of :mod:`emlkit.regress.random_targets` (random EML targets of the paper's
recovery protocol, and their sample points).

The module was renamed so that its name says what it holds (``emlkit.search.targets`` reads
the recognizer's targets); this path keeps working.

>>> from emlkit.regress.targets import paper_targets
>>> from emlkit.regress import random_targets
>>> paper_targets is random_targets.paper_targets
True
"""

from __future__ import annotations

from .random_targets import (
    PAPER_SEED,
    X_RANGE,
    all_trees,
    exact_values,
    paper_targets,
    random_target,
    sample_points,
    target_values,
)

__all__ = [
    "PAPER_SEED",
    "X_RANGE",
    "all_trees",
    "exact_values",
    "paper_targets",
    "random_target",
    "sample_points",
    "target_values",
]
