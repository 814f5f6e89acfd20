"""The stages of ``EMLRegressor.fit`` within one deadline: pure-EML search, vocabularies, training.

Each stage runs only while nothing exact has been found, only if it is not already saved in
the fit's checkpoint, and only if it can start before the deadline: a stage that would start
after it is skipped (``"skipped"`` in the stage log). Training is skipped too when PyTorch is
not loaded yet and less time is left than starting it costs
(:func:`emlkit.regress.trainable.torch_start_cost`), unless ``steps`` makes it a fixed amount of
work.

>>> [name for name, _ in vocabulary_plan("auto")]
['vocabulary:arith', 'vocabulary:standard']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._candidate import Candidate

__all__ = ["AUTO_VOCABULARIES", "FitRun", "run_stages", "stage_name", "vocabulary_plan"]

MIN_SEARCH_SAMPLES = 6
#: The vocabularies ``vocabulary="auto"`` tries after pure EML, in order.
AUTO_VOCABULARIES = ("arith", "standard")
#: Share of the time budget of each step of ``vocabulary="auto"`` (of what is left at its start):
#: pure EML, arith, standard; training (method "auto") gets the rest.
AUTO_SHARES = (0.25, 0.4, 0.6)
#: The searches end their last block after their limit (measured: up to ~25 % late on a busy
#: machine), so each is given this fraction of its share; what it leaves goes to the next.
OVERRUN = 0.75


def vocabulary_plan(vocabulary: str | Sequence[str]) -> list[tuple[str, Any]]:
    """The vocabulary steps after pure EML: ``(stage name, vocabulary)``.

    >>> vocabulary_plan("eml"), vocabulary_plan(["plus"])
    ([], [('vocabulary', ['plus'])])
    """
    if isinstance(vocabulary, str) and vocabulary == "eml":
        return []
    if isinstance(vocabulary, str) and vocabulary == "auto":
        return [(f"vocabulary:{name}", name) for name in AUTO_VOCABULARIES]
    return [("vocabulary", vocabulary)]


def stage_name(stage: str, vocabulary: str | Sequence[str]) -> str:
    """The name a stage of the fit is reported by: ``eml``, a vocabulary, ``gradient``.

    >>> stage_name("search", "auto"), stage_name("vocabulary:arith", "auto")
    ('eml', 'arith')
    >>> stage_name("vocabulary", ["plus", "times"])
    'plus,times'
    """
    if stage == "search":
        return "eml"
    if stage.startswith("vocabulary:"):
        return stage.split(":", 1)[1]
    if stage == "vocabulary":
        return _joined(vocabulary)
    return stage


def _joined(voc: str | Sequence[str]) -> str:
    return voc if isinstance(voc, str) else ",".join(str(b) for b in voc)


@dataclass
class FitRun:
    """One fit's data, options, deadline (``time.monotonic()``) and what it found so far."""

    reg: Any
    X: np.ndarray
    y: np.ndarray
    variables: tuple[str, ...]
    deadline: float
    state: Any = None
    callback: Callable[[int, float], Any] | None = None
    cands: list[Candidate] = field(default_factory=list)
    curve: list[float] = field(default_factory=list)
    log: dict[str, Any] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)

    def remaining(self) -> float:
        """Seconds left before the deadline (0 once it has passed)."""
        return max(self.deadline - time.monotonic(), 0.0)

    def record(self, stage: str, found: list[Candidate], curve: Any = None) -> None:
        self.cands.extend(found)
        self.log[stage] = len(found)
        if self.state is not None:
            self.state.save_stage(stage, found, curve)

    def exact_found(self) -> bool:
        return any(c.exact for c in self.cands)

    def wants(self, stage: str, methods: tuple[str, ...]) -> bool:
        """Whether ``stage`` is still to run (method allows it, not saved, nothing exact)."""
        return (self.reg.method in methods and stage not in self.done
                and not self.exact_found())


def _auto(reg: Any) -> bool:
    return isinstance(reg.vocabulary, str) and reg.vocabulary == "auto"


def _search_stage(run: FitRun) -> None:
    reg = run.reg
    n, v = run.X.shape
    if not run.wants("search", ("auto", "search")):
        return
    if not (v <= 2 and n >= MIN_SEARCH_SAMPLES and run.remaining() > 0):
        run.log["search"] = "skipped"
        return
    from .exact import search_exact

    # with vocabularies to follow the pure-EML search gets a share of the budget
    plan = vocabulary_plan(reg.vocabulary)
    share = (AUTO_SHARES[0] if _auto(reg) else 0.3 if plan else
             1.0 if reg.method == "search" else 0.5)
    found = search_exact(run.X, run.y, variables=run.variables, max_depth=int(reg.max_depth),
                         rtol=reg.noise, time_limit=run.remaining() * share * OVERRUN,
                         progress=bool(reg.verbose), random_state=reg.random_state)
    run.record("search", found)


def _vocabulary_stages(run: FitRun) -> None:
    reg = run.reg
    plan = vocabulary_plan(reg.vocabulary)
    for k, (stage, voc) in enumerate(plan):
        if not run.wants(stage, ("auto", "search")):
            continue
        if _auto(reg):
            last = k == len(plan) - 1
            share = 1.0 if last and reg.method == "search" else AUTO_SHARES[1 + k]
        else:
            share = 0.5 if reg.method == "auto" else 1.0
        if not (run.X.shape[0] >= MIN_SEARCH_SAMPLES and run.remaining() > 0):
            run.log[stage] = "skipped"
            continue
        from .vocabulary import search_vocabulary

        found = search_vocabulary(run.X, run.y, vocabulary=voc, variables=run.variables,
                                  max_K=int(reg.max_K),
                                  time_limit=run.remaining() * share * OVERRUN,
                                  progress=bool(reg.verbose), random_state=reg.random_state)
        for c in found:
            c.info["vocabulary"] = _joined(voc)
        run.record(stage, found)


def _gradient_skip(run: FitRun) -> str | None:
    """Why training does not run (``"unavailable"``, ``"skipped"``), or None."""
    from .trainable import torch_available, torch_start_cost

    if not torch_available():
        return "unavailable"
    if run.X.shape[0] < 2 or run.remaining() <= 0:
        return "skipped"
    if run.reg.steps is None and run.remaining() < torch_start_cost():
        return "skipped"  # starting PyTorch alone would pass the deadline
    return None


def _gradient_stage(run: FitRun) -> None:
    reg = run.reg
    if not run.wants("gradient", ("auto", "gradient")):
        return
    why = _gradient_skip(run)
    if why is not None:
        run.log["gradient"] = why
        return
    from .trainable import train

    kw: dict[str, Any] = {}
    if reg.restarts is not None:
        kw["restarts"] = int(reg.restarts)
    if reg.steps is not None:
        kw["steps"] = int(reg.steps)
    depth = reg.depth if reg.depth is not None else max(1, min(reg.max_depth, 4))
    # steps given: one round of exactly that work (reproducible, clock-free);
    # else rounds of fresh restarts until the budget is spent
    res = train(run.X, run.y, variables=run.variables, depth=int(depth),
                time_limit=None if reg.steps is not None else run.remaining(),
                random_state=reg.random_state, progress=True if reg.verbose else None,
                callback=run.callback, **kw)
    found = list(res.candidates) or ([res.best] if res.best is not None else [])
    run.curve = [float(x) for x in res.loss_curve]
    if not res.interrupted:
        run.record("gradient", found, run.curve)
    elif run.state is not None:  # resumable: leave the stage unfinished, stop here
        raise KeyboardInterrupt
    else:  # interactive Ctrl-C: keep what training found
        run.cands.extend(found)
        run.log["gradient"] = "interrupted"


def run_stages(run: FitRun) -> FitRun:
    """Run the stages not yet saved in ``run.state``, in order; return ``run``.

    >>> import numpy as np
    >>> from emlkit.regress import EMLRegressor
    >>> x = np.linspace(0.5, 2, 12)[:, None]
    >>> r = run_stages(FitRun(EMLRegressor(max_depth=2, method="search"), x, np.exp(x[:, 0]),
    ...                       ("x",), time.monotonic() + 60))
    >>> r.log["search"] >= 1, r.exact_found()
    (True, True)
    """
    if run.state is not None:
        run.cands = list(run.state.candidates)
        run.curve = run.state.loss_curve
        run.done = set(run.state.stages_done)
        run.log = {s: "resumed" for s in run.done}
    _search_stage(run)
    _vocabulary_stages(run)
    _gradient_stage(run)
    return run
