"""Batched soft EML trees in torch: the training loop of the gradient path of regression.

This is the only module of the regression path that imports torch; :mod:`emlkit.regress.
trainable` loads it on the first training call. It knows a full tree only through its shape
(:class:`TreeShape`: nodes per level, choices per mix, offsets of the levels in a choice
vector, as :class:`emlkit.regress.snap.Layout` provides them) and hands every snapped
choice matrix back to the caller, which judges it exactly.

Model. Each input of each node is a softmax mix of ``{1, variables}`` (bottom level) or
``{1, variables, child}`` (above), with real logits; all restarts are one batched complex128
program (the batch dimension is the restart), trained with Adam.

Guards. ``exp`` sees its argument's real part clamped to ``<= 60`` and ``ln`` sees inputs of
modulus below ``1e-30`` replaced by ``1e-30``; each restart's loss is its own term of the sum,
and a restart whose loss or gradient is not finite gets no update, fresh logits and cleared
Adam moments, so one restart never poisons the others.

Hardening. The first ``soft`` fraction of the schedule trains at temperature 1; then the
temperature falls geometrically to ``t_end`` while an entropy penalty grows. With a deadline
the schedule runs on time as well as steps, so hardening always happens.

>>> import numpy as np
>>> from emlkit.regress.snap import Layout
>>> x = np.linspace(0.5, 3, 12)
>>> log = train_rounds(Layout(1, ("x",)), np.stack([np.ones(12), x]), np.exp(x),
...                    Schedule(restarts=8, steps=200),
...                    snapshot=lambda ch: bool((ch == [1, 0]).all(axis=1).any()))
>>> log.found, log.rounds
(True, 1)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import torch

__all__ = ["RoundLog", "Schedule", "SoftTrees", "TreeShape", "adam_step", "train_rounds"]

CLAMP = 60.0  # largest real part that exp sees
TINY = 1e-30  # smallest modulus that ln sees


class TreeShape(Protocol):
    """What the model needs to know of a full tree layout."""

    # read-only members, so that a layout holding lists (or any other sequence) fits
    @property
    def sizes(self) -> Sequence[int]:
        """Eml nodes per level, bottom level first."""

    @property
    def n_choices(self) -> Sequence[int]:
        """Choices of each mix, per level."""

    @property
    def offsets(self) -> Sequence[int]:
        """Where each level starts in a choice vector."""


@dataclass(frozen=True)
class Schedule:
    """How the restarts are trained (see the module doc).

    ``train_share`` is the fraction of the time up to the deadline given to training (the rest
    is left to the caller's repair); ``check_every`` is the number of steps between snapshots;
    ``seed`` seeds the random logits (the same seed, the same training).

    >>> Schedule().steps, Schedule(steps=10).restarts
    (1500, 64)
    """

    restarts: int = 64
    steps: int = 1500
    lr: float = 0.1
    soft: float = 0.5
    t_end: float = 0.02
    entropy: float = 1e-2
    check_every: int = 25
    guard: bool = True
    train_share: float = 1.0
    seed: int = 0


@dataclass
class RoundLog:
    """What :func:`train_rounds` did: loss per step, restarts drawn, steps, rounds.

    >>> RoundLog().found
    False
    """

    curve: list[float] = field(default_factory=list)
    restarts_used: int = 0
    steps: int = 0
    rounds: int = 0
    found: bool = False
    interrupted: bool = False


class SoftTrees:
    """Batched logits of ``R`` restarts of one tree shape, and the soft forward pass.

    >>> from emlkit.regress.snap import Layout
    >>> base = torch.ones(2, 3, dtype=torch.complex128)
    >>> m = SoftTrees(Layout(2, ("x",)), 4, base, torch.Generator().manual_seed(0), 1.0)
    >>> m.argmax().shape
    (4, 6)
    """

    def __init__(self, shape: TreeShape, R: int, base: Any, gen: Any, scale: float) -> None:
        self.shape, self.R, self.base, self.gen, self.scale = shape, R, base, gen, scale
        self.logits = [torch.zeros(R, n, 2, c, dtype=torch.float64, requires_grad=True)
                       for n, c in zip(shape.sizes, shape.n_choices)]
        self.reinit(torch.ones(R, dtype=torch.bool))

    def reinit(self, mask: Any) -> None:
        """Fresh random logits for the restarts where ``mask`` is true."""
        with torch.no_grad():
            for L in self.logits:
                fresh = torch.randn(L.shape, generator=self.gen, dtype=torch.float64) * self.scale
                L[mask] = fresh[mask]

    def set_tree(self, r: int, choices: np.ndarray, strength: float = 3.0) -> None:
        """Bias restart ``r`` towards the hard tree ``choices``."""
        with torch.no_grad():
            for lev, L in enumerate(self.logits):
                o, n = self.shape.offsets[lev], self.shape.sizes[lev]
                c = np.asarray(choices)[o:o + 2 * n].reshape(n, 2)
                for j in range(n):
                    for s in (0, 1):
                        L[r, j, s, int(c[j, s])] += strength

    def forward(self, temp: float) -> tuple[Any, Any]:
        """Root values (R, P) and total entropy per restart (R,)."""
        prev = None
        ent = torch.zeros(self.R, dtype=torch.float64)
        nb = self.base.shape[0]
        for L in self.logits:
            w = torch.softmax(L / temp, dim=-1)
            ent = ent - (w * torch.log(w + 1e-300)).sum(dim=(1, 2, 3))
            wc = w.to(torch.complex128)
            inp = torch.einsum("rnsc,cp->rnsp", wc[..., :nb], self.base)
            if prev is not None:
                R, n = L.shape[0], L.shape[1]
                inp = inp + wc[..., nb:] * prev.reshape(R, n, 2, -1)
            a, b = inp[:, :, 0], inp[:, :, 1]
            ea = torch.exp(torch.complex(a.real.clamp(max=CLAMP), a.imag))
            b = torch.where(b.abs() < TINY, torch.full_like(b, TINY), b)
            prev = ea - torch.log(b)
        assert prev is not None  # a shape has at least one level
        return prev[:, 0], ent

    def argmax(self) -> np.ndarray:
        """The hard choice vector of every restart, shape (R, number of mixes)."""
        return np.concatenate([L.detach().argmax(-1).reshape(self.R, -1).numpy()
                               for L in self.logits], axis=1)


def adam_step(model: SoftTrees, opt: Any, yt: Any, norm: float, temp: float, lam: float,
              guard: bool = True) -> tuple[Any, Any, int]:
    """One Adam step on all restarts; returns (loss per restart, finite mask, re-drawn count).

    With ``guard``, a restart whose loss or gradient is not finite gets no update, fresh
    logits and cleared Adam moments; the others are unaffected (their losses are separate
    terms of the sum, and masked terms contribute exactly zero gradient).

    >>> from emlkit.regress.snap import Layout
    >>> base = torch.ones(2, 3, dtype=torch.complex128)
    >>> m = SoftTrees(Layout(1, ("x",)), 2, base, torch.Generator().manual_seed(0), 1.0)
    >>> opt = torch.optim.Adam(m.logits, lr=0.1)
    >>> per, ok, nbad = adam_step(m, opt, torch.zeros(3, dtype=torch.complex128), 1.0, 1.0, 0.0)
    >>> bool(ok.all()), nbad
    (True, 0)
    """
    out, ent = model.forward(temp)
    per = (out - yt).abs().pow(2).mean(dim=1) / norm
    ok = torch.isfinite(per)
    loss_vec = torch.where(ok, per, torch.zeros_like(per)) + lam * ent
    opt.zero_grad()
    loss_vec.sum().backward()
    nbad = _redraw_bad(model, opt, ok) if guard else 0
    if not guard:
        for L in model.logits:
            if L.grad is not None:  # set by the backward pass above
                L.grad.nan_to_num_(0.0, 0.0, 0.0)
    opt.step()
    return per.detach(), ok, nbad


def _redraw_bad(model: SoftTrees, opt: Any, ok: Any) -> int:
    """Zero the gradient, re-draw the logits and clear the moments of non-finite restarts."""
    bad = ~ok
    for L in model.logits:
        if L.grad is not None:  # set by the backward pass
            bad = bad | ~torch.isfinite(L.grad).reshape(model.R, -1).all(dim=1)
        bad = bad | ~torch.isfinite(L.detach()).reshape(model.R, -1).all(dim=1)
    if not bool(bad.any()):
        return 0
    for L in model.logits:
        if L.grad is not None:
            L.grad[bad] = 0.0
    model.reinit(bad)
    for L in model.logits:
        st = opt.state.get(L)
        if st:
            st["exp_avg"][bad] = 0.0
            st["exp_avg_sq"][bad] = 0.0
    return int(bad.sum())


def _temperature(p: float, sch: Schedule) -> tuple[float, float]:
    """(temperature, entropy weight) at schedule position ``p`` in [0, 1]."""
    if p < sch.soft:
        return 1.0, 0.0
    f = min(1.0, (p - sch.soft) / max(1e-9, 1.0 - sch.soft))
    return sch.t_end ** f, sch.entropy * f


@dataclass
class _Run:
    """The fixed inputs of one training call."""

    shape: TreeShape
    base: Any
    yt: Any
    norm: float
    sch: Schedule
    gen: Any
    deadline: float | None
    snapshot: Callable[[np.ndarray], bool]
    on_step: Callable[[int, int, int, float], Any] | None


def _one_round(run: _Run, log: RoundLog, init: np.ndarray | None) -> None:
    """Train one round of fresh restarts; sets ``log.found`` on an exact snapshot."""
    sch = run.sch
    model = SoftTrees(run.shape, sch.restarts, run.base, run.gen, 1.0)
    if init is not None:
        model.set_tree(0, init)
    opt = torch.optim.Adam(model.logits, lr=sch.lr)
    log.restarts_used += sch.restarts
    log.rounds += 1
    r0 = time.perf_counter()
    budget = None if run.deadline is None else (run.deadline - r0) * sch.train_share
    try:
        for step in range(sch.steps):
            p = step / sch.steps  # schedule position: by steps, or by time if that comes first
            if budget is not None:  # no time left at all: one step
                p = max(p, (time.perf_counter() - r0) / budget) if budget > 0 else 1.0
            temp, lam = _temperature(p, sch)
            perd, ok, nbad = adam_step(model, opt, run.yt, run.norm, temp, lam, sch.guard)
            log.restarts_used += nbad
            log.steps += 1
            m = float(perd[ok].min()) if bool(ok.any()) else math.inf
            log.curve.append(m)
            if run.on_step is not None:
                run.on_step(log.steps - 1, step, log.rounds, m)
            if (step + 1) % sch.check_every == 0 and run.snapshot(model.argmax()):
                log.found = True
                return
            if p >= 1.0:
                break
    finally:  # also on Ctrl-C: the caller keeps the trees trained so far
        if not log.found:
            log.found = run.snapshot(model.argmax())


def train_rounds(shape: TreeShape, base: np.ndarray, y: np.ndarray, schedule: Schedule, *,
                 snapshot: Callable[[np.ndarray], bool],
                 deadline: float | None = None,
                 on_step: Callable[[int, int, int, float], Any] | None = None,
                 init: np.ndarray | None = None) -> RoundLog:
    """Train rounds of restarts of soft trees of ``shape`` on ``(base, y)`` (see module doc).

    ``base`` holds one row per leaf value (``1``, then each variable) over the samples;
    ``snapshot(choices)`` receives the hard choices of every restart (every ``check_every``
    steps and at the end of a round) and returns True when one of them fits exactly, which
    ends the training. Without a ``deadline`` (a ``time.perf_counter()`` value) one round runs;
    with one, fresh rounds follow while most of a round's time is left. ``on_step(step,
    step_in_round, round, loss)`` is called after every step. Ctrl-C ends the training and
    returns what was done (``interrupted``). Runs on one torch thread (restored afterwards).

    >>> from emlkit.regress.snap import Layout
    >>> x = np.linspace(0.5, 3, 12)
    >>> log = train_rounds(Layout(1, ("x",)), np.stack([np.ones(12), x]), x,
    ...                    Schedule(restarts=2, steps=5), snapshot=lambda ch: False)
    >>> log.steps, log.rounds, log.restarts_used
    (5, 1, 2)
    """
    yc = np.asarray(y, dtype=np.complex128)
    run = _Run(shape, torch.tensor(np.asarray(base), dtype=torch.complex128),
               torch.tensor(yc, dtype=torch.complex128), float(np.mean(np.abs(yc) ** 2)) + 1.0,
               schedule, torch.Generator().manual_seed(int(schedule.seed)), deadline, snapshot,
               on_step)
    log = RoundLog()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: one thread is faster and shares the CPU well
    try:
        while True:
            r0 = time.perf_counter()
            _one_round(run, log, init if log.rounds == 0 else None)
            left = None if deadline is None else deadline - time.perf_counter()
            # another round only if it can get through most of its schedule
            if log.found or left is None or left < 0.5 * (time.perf_counter() - r0):
                break
    except KeyboardInterrupt:
        log.interrupted = True
    finally:
        torch.set_num_threads(threads)
    return log
