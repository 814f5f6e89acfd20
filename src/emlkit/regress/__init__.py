"""Symbolic regression with EML trees: exact recovery by search, vocabularies of derived
building blocks, trainable trees (PyTorch), and the scikit-learn estimator ``EMLRegressor``.
"""

from __future__ import annotations

from ._candidate import Candidate

__all__ = ["Candidate"]
