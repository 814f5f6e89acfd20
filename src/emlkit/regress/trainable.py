"""Trainable full EML trees: the gradient path of symbolic regression.

A full binary EML tree of depth ``d`` (layout: :class:`emlkit.regress.snap.Layout`) whose
every input is a softmax mix of its possible children is trained by gradient descent; the
torch side (model, guards, hardening schedule, rounds of restarts) lives in
:mod:`emlkit.backends.torch_train`, loaded on the first call, so importing this module needs
no torch. This module checks the input, judges every snapped tree exactly, repairs the best
ones and turns them into candidates.

Snapping. Every ``check_every`` steps (and at the end of a round) each restart's argmax tree
is evaluated exactly in the search arithmetic; a tree that reproduces ``y`` (maximum relative
error <= ``tol``) stops the training. The best snapped trees are then repaired by local search
(:func:`emlkit.regress.snap.repair`) and, for targets within reach, by table lookup at the
root. With a ``time_limit`` 15 % of the time is kept for the repair.

``loss_curve`` is the minimum over the restarts of the (soft) loss at each step.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, cast

import numpy as np

from ..expr import Expr
from ._candidate import Candidate
from .snap import Layout, decode, encode, hard_loss, repair
from .targets import target_values

__all__ = ["TORCH_START_SECONDS", "TrainConfig", "TrainResult", "torch_start_cost", "train"]

#: Seconds that importing PyTorch and its optimiser machinery takes (measured: 2-3 s on an idle
#: 2-core machine, up to 8 s when it is busy); a time-limited fit does not start training with
#: less time left than this.
TORCH_START_SECONDS = 8.0


@dataclass(frozen=True)
class TrainConfig:
    """Options of :func:`train` (every field is also accepted as a keyword of ``train``).

    ``depth``, ``restarts``, ``steps``, ``lr``: tree depth, restarts trained together, Adam
    steps, learning rate. ``time_limit``: seconds for the whole call, torch's import included
    (training stops early, snapping still happens). ``random_state``: seed (None, an int or a
    NumPy generator); the same seed gives the same result. ``soft``, ``t_end``, ``entropy``:
    fraction of steps at temperature 1, final temperature, entropy penalty weight.
    ``check_every``: steps between exact checks of the snapped trees. ``guard``: re-draw
    restarts whose loss or gradient is not finite (off only for the ablation). ``repair_top``:
    snapped trees repaired by local search (0: none). ``table_depth``: if > 0, also repair the
    root by lookup in a table of trees of depth ``min(table_depth, depth - 1)`` (at most 2 with
    several variables). ``tol``: maximum relative error for a snapped tree to be exact.

    >>> TrainConfig(depth=2).steps
    1500
    """

    depth: int = 3
    restarts: int = 64
    steps: int = 1500
    lr: float = 0.1
    time_limit: float | None = None
    random_state: Any = None
    soft: float = 0.5
    t_end: float = 0.02
    entropy: float = 1e-2
    check_every: int = 25
    guard: bool = True
    repair_top: int = 4
    table_depth: int = 3
    tol: float = 1e-9


_FIELDS = frozenset(f.name for f in fields(TrainConfig))


@dataclass
class TrainResult:
    """What :func:`train` found.

    Attributes: ``best`` (the best :class:`Candidate` or ``None``), ``candidates`` (distinct
    snapped trees, best first), ``loss_curve`` (minimum soft loss over restarts per step),
    ``restarts_used`` (restarts trained, re-drawn ones included), ``seconds``,
    ``interrupted``.

    >>> TrainResult(None, [], [], 0, 0.0).best is None
    True
    """

    best: Candidate | None
    candidates: list[Candidate]
    loss_curve: list[float]
    restarts_used: int
    seconds: float
    interrupted: bool = False
    info: dict[str, Any] = field(default_factory=dict)


def torch_start_cost() -> float:
    """Seconds a training call must expect to spend starting PyTorch: 0 once it is loaded.

    >>> torch_start_cost() in (0.0, TORCH_START_SECONDS)
    True
    """
    return 0.0 if "torch._dynamo" in sys.modules else TORCH_START_SECONDS


def torch_available() -> bool:
    """Whether PyTorch is installed (checked without importing it).

    >>> isinstance(torch_available(), bool)
    True
    """
    return "torch" in sys.modules or importlib.util.find_spec("torch") is not None


def _check(X: Any, y: Any, variables: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"X must be 1- or 2-dimensional, got shape {X.shape}")
    if X.shape[1] != len(variables):
        raise ValueError(f"X has {X.shape[1]} columns but variables={tuple(variables)!r}")
    y = np.asarray(y, dtype=np.complex128).ravel()
    if y.shape[0] != X.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite")
    return X.astype(np.complex128), y


def _seed(random_state: Any) -> int:
    """An int seed from None, an int, or a NumPy Generator/RandomState."""
    if random_state is None:
        # a SeedSequence made without entropy draws an int from the OS
        return int(cast(int, np.random.SeedSequence().entropy) % 2**62)
    if isinstance(random_state, (int, np.integer)):
        return int(random_state) % 2**63
    if hasattr(random_state, "integers"):
        return int(random_state.integers(2**62))
    if hasattr(random_state, "randint"):
        return int(random_state.randint(2**31 - 1))
    raise ValueError(f"random_state must be None, an int or a NumPy generator, "
                     f"got {random_state!r}")


def _readable(e: Expr) -> str:
    try:
        from ..decompiler import to_sympy

        return str(to_sympy(e, positive=True))
    except Exception:  # noqa: BLE001 - a readable form is a courtesy, never fatal
        return str(e)


def _config(config: TrainConfig | None, options: dict[str, Any]) -> TrainConfig:
    unknown = sorted(set(options) - _FIELDS)
    if unknown:
        raise TypeError(f"train got unexpected keyword argument(s) {', '.join(unknown)}; "
                        f"valid: {', '.join(sorted(_FIELDS))}")
    cfg = replace(config or TrainConfig(), **options)
    if cfg.restarts < 1 or cfg.steps < 1:
        raise ValueError(f"restarts and steps must be >= 1, got {cfg.restarts} and {cfg.steps}")
    return cfg


@dataclass
class _Snaps:
    """The best distinct snapped trees seen so far, judged exactly."""

    layout: Layout
    points: dict[str, np.ndarray]
    y: np.ndarray
    keep: int
    tol: float
    best: dict[bytes, tuple[float, np.ndarray]] = field(default_factory=dict)

    def __call__(self, choices: np.ndarray) -> bool:
        err = hard_loss(self.layout, choices, self.points, self.y)
        for i in np.argsort(err)[:self.keep * 2]:
            key = choices[i].tobytes()
            if key not in self.best or err[i] < self.best[key][0]:
                self.best[key] = (float(err[i]), choices[i].copy())
        return bool(err.min() <= self.tol)

    def ranked(self) -> list[tuple[float, np.ndarray]]:
        return sorted(self.best.values(), key=lambda t: t[0])[:self.keep]


def _repaired(snaps: _Snaps, cfg: TrainConfig, deadline: float | None,
              interrupted: bool) -> dict[Expr, float]:
    """Decode the best snapped trees and repair them (local search, root table lookup)."""
    layout, points, ranked, tol = snaps.layout, snaps.points, snaps.ranked(), cfg.tol
    fix = cfg.repair_top > 0 and not interrupted
    table = None
    left = None if deadline is None else deadline - time.perf_counter()
    if fix and cfg.table_depth > 0 and ranked and ranked[0][0] > tol and (
            left is None or left > 0):  # no table once the time is spent
        from .tables import build_table

        nvar = len(layout.variables)
        td = max(1, min(cfg.table_depth, cfg.depth - 1, 3 if nvar == 1 else 2))
        table = build_table(points, layout.variables, td,
                            deadline=None if left is None else time.monotonic() + left)
    results: dict[Expr, float] = {}
    for err, ch in ranked:
        results.setdefault(decode(layout, ch), err)
        if not fix or err <= tol:
            continue
        if deadline is not None and time.perf_counter() > deadline:
            continue  # past the deadline the snapped trees are kept as they are
        ch2, err2, ex = repair(layout, ch, points, snaps.y, table=table, tol=tol,
                               deadline=deadline)
        e = ex if ex is not None else decode(layout, ch2)
        results[e] = min(err2, results.get(e, math.inf))
    return results


def _candidates(results: dict[Expr, float], snaps: _Snaps, depth: int,
                used: int) -> list[Candidate]:
    out = []
    for e, err in sorted(results.items(), key=lambda t: t[1]):
        if not math.isfinite(err):
            continue
        vals = target_values(e, snaps.points)
        rmse = (float(np.sqrt(np.mean(np.abs(vals - snaps.y) ** 2))) if vals is not None
                else math.inf)
        exact = bool(err <= snaps.tol)
        digits = (16 if err == 0 else int(min(16, math.floor(-math.log10(err))))) if exact \
            else None
        out.append(Candidate(e, _readable(e), rmse, exact, "gradient", digits,
                             {"depth": depth, "max_rel_err": float(err), "restarts": used}))
    return out


def _bar(progress: Any, cfg: TrainConfig) -> tuple[Any, bool]:
    if progress is True:
        from ..progress import Progress

        return Progress(f"train depth {cfg.depth}", total=cfg.steps, unit="steps"), True
    return (None if progress in (None, False) else progress), False


def train(
    X: Any,
    y: Any,
    config: TrainConfig | None = None,
    *,
    variables: Sequence[str] = ("x",),
    progress: Any = None,
    callback: Callable[[int, float], Any] | None = None,
    init: Expr | None = None,
    **options: Any,
) -> TrainResult:
    """Fit a full EML tree of depth ``depth`` to ``(X, y)`` by gradient descent (see module doc).

    Parameters
    ----------
    X : array (n,) or (n, V)
        Inputs, one column per name in ``variables``.
    y : array (n,)
        Outputs (real or complex).
    config : TrainConfig, optional
        The options; any field of :class:`TrainConfig` may also be given as a keyword
        (``depth=2, steps=300``), which overrides ``config``.
    progress : Progress or bool, optional
        An :class:`emlkit.progress.Progress` to update, or ``True`` to make one.
    callback : callable(step, loss), optional
        Called after every step with the minimum loss over restarts.
    init : Expr, optional
        A tree of depth <= ``depth``: restart 0 starts biased towards it.

    Ctrl-C stops the training and returns what was found so far.

    Examples
    --------
    >>> x = np.linspace(0.5, 3, 12)
    >>> res = train(x, np.exp(x), depth=1, restarts=8, steps=200, random_state=0)
    >>> str(res.best.expr), res.best.exact
    ('eml(x, 1)', True)
    """
    t0 = time.perf_counter()  # before importing torch: its import counts against the limit
    cfg = _config(config, options)
    variables = tuple(variables)
    Xc, yc = _check(X, y, variables)
    layout = Layout(cfg.depth, variables)
    from ..backends.torch_train import Schedule, train_rounds

    deadline = None if cfg.time_limit is None else t0 + float(cfg.time_limit)
    points = {v: Xc[:, j] for j, v in enumerate(variables)}
    snaps = _Snaps(layout, points, yc, max(cfg.repair_top, 1), cfg.tol)
    bar, own_bar = _bar(progress, cfg)

    def on_step(total: int, step: int, rnd: int, loss: float) -> None:
        if callback is not None:
            callback(total, loss)
        if bar is not None:  # steps of this round: never past the round's total
            bar.update(step + 1, loss=f"{loss:.3g}", round=rnd)

    schedule = Schedule(cfg.restarts, cfg.steps, cfg.lr, cfg.soft, cfg.t_end, cfg.entropy,
                        cfg.check_every, cfg.guard, 0.85 if cfg.repair_top > 0 else 1.0,
                        _seed(cfg.random_state))
    base = np.stack([np.ones(len(yc))] + [Xc[:, j] for j in range(len(variables))])
    log = train_rounds(layout, base, yc, schedule, snapshot=snaps, deadline=deadline,
                       on_step=on_step, init=None if init is None else encode(layout, init))
    cands = _candidates(_repaired(snaps, cfg, deadline, log.interrupted), snaps, cfg.depth,
                        log.restarts_used)
    if own_bar:
        bar.close(f"best {cands[0].formula if cands else None}")
    return TrainResult(cands[0] if cands else None, cands, log.curve, log.restarts_used,
                       time.perf_counter() - t0, log.interrupted,
                       {"steps": log.steps, "rounds": log.rounds})
