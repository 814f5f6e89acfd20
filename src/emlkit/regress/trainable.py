"""Trainable full EML trees in PyTorch (complex128): the gradient path of symbolic regression.

Model. A full binary EML tree of depth ``d`` (layout: :class:`emlkit.regress.snap.Layout`)
whose every input is a softmax mix of ``{1, variables}`` (bottom level) or
``{1, variables, child}`` (above), with real logits. All restarts are trained at once as one
batched tensor program (the batch dimension is the restart), complex128, Adam.

Guards. ``exp`` sees its argument's real part clamped to ``<= 60`` and ``ln`` sees inputs of
modulus below ``1e-30`` replaced by ``1e-30``; the loss of each restart is its own (the total
is a plain sum), and any restart whose loss or gradient is not finite has its gradient zeroed,
its logits re-drawn and its Adam moments cleared, so one restart never poisons the others.

Hardening. The first ``soft`` fraction of the steps trains at temperature 1; then the
softmax temperature falls geometrically to ``t_end`` while an entropy penalty grows, driving
every mix to a single choice. With a ``time_limit`` the schedule runs on time as well as
steps (so hardening always happens; 15 % of the time is kept for repair), and when a round of
``steps`` ends early a fresh round of restarts is drawn while time is left. Training uses one
torch thread (the tensors are tiny; restored afterwards).

Snapping. Every ``check_every`` steps (and at the end) each restart's argmax tree is
evaluated exactly in the search arithmetic; a tree that reproduces ``y`` (maximum relative
error <= ``tol``) stops the training. The best snapped trees are then
repaired by local search (:func:`emlkit.regress.snap.repair`) and, for targets within reach,
by table lookup at the root.

``loss_curve`` is the minimum over the restarts of the (soft) loss at each step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..expr import Expr
from ._candidate import Candidate
from .snap import Layout, decode, encode, hard_loss, repair
from .targets import target_values

__all__ = ["TrainResult", "train"]

_CLAMP = 60.0
_TINY = 1e-30


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


class _Model:
    """Batched logits of ``R`` restarts and the soft forward pass."""

    def __init__(self, layout: Layout, R: int, base: Any, gen: Any, scale: float) -> None:
        import torch

        self.torch = torch
        self.layout, self.R, self.base, self.gen, self.scale = layout, R, base, gen, scale
        self.logits = [torch.zeros(R, n, 2, c, dtype=torch.float64, requires_grad=True)
                       for n, c in zip(layout.sizes, layout.n_choices)]
        self.reinit(torch.ones(R, dtype=torch.bool))

    def reinit(self, mask: Any) -> None:
        torch = self.torch
        with torch.no_grad():
            for L in self.logits:
                fresh = torch.randn(L.shape, generator=self.gen, dtype=torch.float64) * self.scale
                L[mask] = fresh[mask]

    def set_tree(self, r: int, choices: np.ndarray, strength: float = 3.0) -> None:
        with self.torch.no_grad():
            for lev, L in enumerate(self.logits):
                o, n = self.layout.offsets[lev], self.layout.sizes[lev]
                c = choices[o:o + 2 * n].reshape(n, 2)
                for j in range(n):
                    for s in (0, 1):
                        L[r, j, s, int(c[j, s])] += strength

    def forward(self, temp: float) -> tuple[Any, Any]:
        """Root values (R, P) and total entropy per restart (R,)."""
        torch = self.torch
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
            ea = torch.exp(torch.complex(a.real.clamp(max=_CLAMP), a.imag))
            small = b.abs() < _TINY
            b = torch.where(small, torch.full_like(b, _TINY), b)
            prev = ea - torch.log(b)
        return prev[:, 0], ent

    def argmax(self) -> np.ndarray:
        return np.concatenate([L.detach().argmax(-1).reshape(self.R, -1).numpy()
                               for L in self.logits], axis=1)


def _step(model: _Model, opt: Any, yt: Any, norm: float, temp: float, lam: float,
          guard: bool = True) -> tuple[Any, Any, int]:
    """One Adam step on all restarts; returns (loss per restart, finite mask, re-drawn count).

    With ``guard``, a restart whose loss or gradient is not finite gets no update, fresh
    logits and cleared Adam moments; the others are unaffected (their losses are separate
    terms of the sum, and masked terms contribute exactly zero gradient).
    """
    torch = model.torch
    out, ent = model.forward(temp)
    per = (out - yt).abs().pow(2).mean(dim=1) / norm
    ok = torch.isfinite(per)
    loss_vec = torch.where(ok, per, torch.zeros_like(per)) + lam * ent
    opt.zero_grad()
    loss_vec.sum().backward()
    nbad = 0
    if guard:
        bad = ~ok
        for L in model.logits:
            bad = bad | ~torch.isfinite(L.grad).reshape(model.R, -1).all(dim=1)
            bad = bad | ~torch.isfinite(L.detach()).reshape(model.R, -1).all(dim=1)
        if bool(bad.any()):
            for L in model.logits:
                L.grad[bad] = 0.0
            model.reinit(bad)
            for L in model.logits:
                st = opt.state.get(L)
                if st:
                    st["exp_avg"][bad] = 0.0
                    st["exp_avg_sq"][bad] = 0.0
            nbad = int(bad.sum())
    else:
        for L in model.logits:
            L.grad.nan_to_num_(0.0, 0.0, 0.0)
    opt.step()
    return per.detach(), ok, nbad


def _seed(random_state: Any) -> int:
    """An int seed from None, an int, or a NumPy Generator/RandomState."""
    if random_state is None:
        return int(np.random.SeedSequence().entropy % 2**62)
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


def train(
    X: Any,
    y: Any,
    *,
    variables: Sequence[str] = ("x",),
    depth: int = 3,
    restarts: int = 64,
    steps: int = 1500,
    lr: float = 0.1,
    time_limit: float | None = None,
    random_state: int | None = None,
    progress: Any = None,
    callback: Callable[[int, float], Any] | None = None,
    init: Expr | None = None,
    soft: float = 0.5,
    t_end: float = 0.02,
    entropy: float = 1e-2,
    check_every: int = 25,
    guard: bool = True,
    repair_top: int = 4,
    table_depth: int = 3,
    tol: float = 1e-9,
) -> TrainResult:
    """Fit a full EML tree of depth ``depth`` to ``(X, y)`` by gradient descent (see module doc).

    Parameters
    ----------
    X : array (n,) or (n, V)
        Inputs, one column per name in ``variables``.
    y : array (n,)
        Outputs (real or complex).
    depth, restarts, steps, lr
        Tree depth, restarts trained together, Adam steps, learning rate.
    time_limit : float, optional
        Seconds for the whole call (training stops early, snapping still happens).
    random_state : int, optional
        Seed; the same seed gives the same result.
    progress : Progress or bool, optional
        An :class:`emlkit.progress.Progress` to update, or ``True`` to make one.
    callback : callable(step, loss), optional
        Called after every step with the minimum loss over restarts.
    init : Expr, optional
        A tree of depth <= ``depth``: restart 0 starts biased towards it.
    soft, t_end, entropy
        Fraction of steps at temperature 1; final temperature; entropy penalty weight.
    check_every : int
        Steps between exact checks of the snapped trees (early stop on an exact fit).
    guard : bool
        Re-draw restarts whose loss/gradient is not finite (off only for the ablation).
    repair_top : int
        Snapped trees repaired by local search (0: none).
    table_depth : int
        If > 0, also repair the root by lookup in a table of trees of depth
        ``min(table_depth, depth - 1)`` (at most 2 with several variables); 0: off.
    tol : float
        Maximum relative error for a snapped tree to count as an exact fit of the data.

    Ctrl-C stops the training and returns what was found so far.

    Examples
    --------
    >>> x = np.linspace(0.5, 3, 12)
    >>> res = train(x, np.exp(x), depth=1, restarts=8, steps=200, random_state=0)
    >>> str(res.best.expr), res.best.exact
    ('eml(x, 1)', True)
    """
    t0 = time.perf_counter()  # before importing torch: its import counts against the limit
    import torch

    variables = tuple(variables)
    Xc, yc = _check(X, y, variables)
    layout = Layout(depth, variables)
    if restarts < 1 or steps < 1:
        raise ValueError(f"restarts and steps must be >= 1, got {restarts} and {steps}")
    deadline = None if time_limit is None else t0 + float(time_limit)
    gen = torch.Generator().manual_seed(_seed(random_state))
    points = {v: Xc[:, j] for j, v in enumerate(variables)}
    base = torch.tensor(np.stack([np.ones(len(yc))] + [Xc[:, j] for j in range(len(variables))]),
                        dtype=torch.complex128)
    yt = torch.tensor(yc, dtype=torch.complex128)
    norm = float(np.mean(np.abs(yc) ** 2)) + 1.0
    bar = progress if progress not in (None, False) else None
    own_bar = False
    if progress is True:
        from ..progress import Progress

        bar, own_bar = Progress(f"train depth {depth}", total=steps, unit="steps"), True
    curve: list[float] = []
    used = 0
    best_ch: dict[bytes, tuple[float, np.ndarray]] = {}
    interrupted = False
    model: _Model | None = None

    def snapshot() -> float:
        if model is None:
            return math.inf
        ch = model.argmax()
        err = hard_loss(layout, ch, points, yc)
        for i in np.argsort(err)[:max(repair_top, 1) * 2]:
            key = ch[i].tobytes()
            if key not in best_ch or err[i] < best_ch[key][0]:
                best_ch[key] = (float(err[i]), ch[i].copy())
        return float(err.min())

    step = total = rounds = 0
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: one thread is faster and shares the CPU well
    try:
        # rounds of fresh restarts while time is left (one round without a time limit)
        while True:
            model = _Model(layout, restarts, base, gen, 1.0)
            if init is not None and rounds == 0:
                model.set_tree(0, encode(layout, init))
            opt = torch.optim.Adam(model.logits, lr=lr)
            used += restarts
            rounds += 1
            r0 = time.perf_counter()
            # keep 15 % of the time for repair after training
            budget = None if deadline is None else (deadline - r0) * (
                0.85 if repair_top > 0 else 1.0)
            found = False
            for step in range(steps):
                # schedule position: by steps, or by time when the time limit comes first
                p = step / steps
                if budget is not None:  # no time left at all (e.g. spent importing): one step
                    p = max(p, (time.perf_counter() - r0) / budget) if budget > 0 else 1.0
                if p < soft:
                    temp, lam = 1.0, 0.0
                else:
                    f = min(1.0, (p - soft) / max(1e-9, 1.0 - soft))
                    temp, lam = t_end ** f, entropy * f
                perd, ok, nbad = _step(model, opt, yt, norm, temp, lam, guard)
                used += nbad
                total += 1
                m = float(perd[ok].min()) if bool(ok.any()) else math.inf
                curve.append(m)
                if callback is not None:
                    callback(total - 1, m)
                if bar is not None:  # steps of this round: never past the round's total
                    bar.update(step + 1, loss=f"{m:.3g}", round=rounds)
                if (step + 1) % check_every == 0 and snapshot() <= tol:
                    found = True
                    break
                if p >= 1.0:
                    break
            if found or snapshot() <= tol:
                break
            left = None if deadline is None else deadline - time.perf_counter()
            # another round only if it can get through most of its schedule
            if left is None or left < 0.5 * (time.perf_counter() - r0):
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        torch.set_num_threads(threads)
    snapshot()
    # repair the best distinct snapped trees
    ranked = sorted(best_ch.values(), key=lambda t: t[0])[:max(repair_top, 1)]
    table = None
    if table_depth > 0 and repair_top > 0 and ranked and ranked[0][0] > tol and not interrupted:
        from .tables import build_table

        td = max(1, min(table_depth, depth - 1, 3 if len(variables) == 1 else 2))
        table = build_table(points, variables, td,
                            deadline=None if deadline is None else time.monotonic() + max(
                                0.0, deadline - time.perf_counter()))
    results: dict[Expr, float] = {}
    for k, (err, ch) in enumerate(ranked):
        results.setdefault(decode(layout, ch), err)
        if repair_top > 0 and err > tol and not interrupted:
            # the best tree is always repaired (cheap); the others while time is left
            if k > 0 and deadline is not None and time.perf_counter() > deadline:
                break
            ch2, err2, ex = repair(layout, ch, points, yc, table=table, tol=tol)
            e = ex if ex is not None else decode(layout, ch2)
            results[e] = min(err2, results.get(e, math.inf))
    cands = []
    for e, err in sorted(results.items(), key=lambda t: t[1]):
        if not math.isfinite(err):
            continue
        v = err
        vals = target_values(e, points)
        rmse = float(np.sqrt(np.mean(np.abs(vals - yc) ** 2))) if vals is not None else math.inf
        exact = bool(v <= tol)
        digits = None
        if exact:
            digits = 16 if v == 0 else int(min(16, math.floor(-math.log10(v))))
        cands.append(Candidate(e, _readable(e), rmse, exact, "gradient", digits,
                               {"depth": depth, "max_rel_err": float(v), "restarts": used}))
    if own_bar:
        bar.close(f"best {cands[0].formula if cands else None}")
    return TrainResult(cands[0] if cands else None, cands, curve, used,
                       time.perf_counter() - t0, interrupted,
                       {"steps": total, "rounds": rounds})
