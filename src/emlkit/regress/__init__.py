"""Symbolic regression with EML trees: exact recovery by search, vocabularies of derived
building blocks, trainable trees (PyTorch), and the scikit-learn estimator ``EMLRegressor``.

Names are imported lazily (``import emlkit.regress`` does not load scikit-learn or PyTorch):

>>> import emlkit.regress as R
>>> sorted(n for n in R.__all__ if n[0].isupper())
['Candidate', 'EMLRegressor', 'TrainResult']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: Drawing functions by kind (``"fit"``: loss curve and tree of a fitted regressor). The drawing
#: lives in a higher layer (:mod:`emlkit.viz.regression`); ``import emlkit`` installs it here,
#: so this package imports nothing above it.
PICTURES: dict[str, Callable[..., Any]] = {}

_LAZY = {
    "Candidate": "emlkit.regress._candidate",
    "EMLRegressor": "emlkit.regress.estimator",
    "search_exact": "emlkit.regress.exact",
    "search_vocabulary": "emlkit.regress.vocabulary",
    "verify_exact": "emlkit.regress.verify",
    "verify_on_data": "emlkit.regress.verify",
    "train": "emlkit.regress.trainable",
    "TrainResult": "emlkit.regress.trainable",
    "random_target": "emlkit.regress.targets",
    "paper_targets": "emlkit.regress.targets",
}

__all__ = list(_LAZY)  # (a list call: ruff reads it, not a starred dict)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'emlkit.regress' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
