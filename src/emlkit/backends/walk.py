"""The one DAG walk every evaluator runs, public for the search and the decompiler.

An evaluator supplies an *ops* object (``one``, ``constant``, ``eml``); :func:`make_plan`
orders the distinct nodes once and :func:`run` applies the ops in that order. The
implementation lives in :mod:`emlkit.backends._walk`; this module is its public name.

>>> from emlkit.backends.walk import make_plan, run
>>> from emlkit.expr import eml
>>> plan = make_plan(eml("x", 1), fold_constants=False)
>>> len(plan.steps) > 0
True
"""

from __future__ import annotations

from ._walk import CONST, EML, ONE_LEAF, VAR, Plan, make_plan, run, split_points

__all__ = ["CONST", "EML", "ONE_LEAF", "VAR", "Plan", "make_plan", "run", "split_points"]
