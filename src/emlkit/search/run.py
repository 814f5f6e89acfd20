"""Resumable enumeration runs kept in the catalog: :func:`search_run` (what ``eml search`` runs).

The work is :func:`emlkit.search.enumerate_forms`; this module adds the catalog: after every
completed K level the level is saved beside the catalog (children ids, ``.npy``) and one
transaction stores the level's count and time, the forms of small K, the forms recognised as
elements of the calculator basis (labelled, verified at 50 digits with mpmath) and the
checkpoint. The same call made again (after Ctrl-C, ``kill -9`` or a crash) resumes from the
last completed level and ends with the same result; once finished it answers from the catalog.
Nothing is printed: progress goes through :class:`emlkit.progress.Progress` when asked for,
notes through a callback.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite")
>>> res = search_run(9, (), catalog=path)
>>> res["counts"], [(f["label"], f["K"]) for f in res["found"]][:3]
({'1': 1, '3': 1, '5': 2, '7': 5, '9': 11}, [('E', 3), ('E-1', 5), ('exp(E)', 5)])
>>> search_run(9, (), catalog=path)["from_catalog"]
True
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["STORE_LEVEL_FORMS", "SearchInterrupted", "check_variables", "search_run"]

#: Version of the labelled-target list and of what a run stores (part of a run's identity).
_STORE_VERSION = 1
#: Float agreement at the test points before a labelled candidate is checked in mpmath.
_RTOL = 1e-10
#: Without ``store_K``, the forms of a level are stored when it has at most this many.
STORE_LEVEL_FORMS = 20_000
#: Digits a labelled form must reach at 50-digit precision to be kept.
_MIN_DIGITS = 30
_DPS = 50


class SearchInterrupted(KeyboardInterrupt):
    """An interrupt (Ctrl-C) during :func:`search_run`, after the last level was saved.

    ``saved_K`` is the last completed level (``None`` when none was), ``catalog`` and
    ``run_id`` say where it is; the same call resumes from there.

    >>> stop = SearchInterrupted(21, "c.sqlite", 3)
    >>> isinstance(stop, KeyboardInterrupt), stop.saved_K, str(stop)
    (True, 21, 'interrupted; saved up to K=21 in c.sqlite (run 3)')
    """

    def __init__(self, saved_K: int | None, catalog: str, run_id: int) -> None:
        super().__init__(f"interrupted; saved up to K={saved_K} in {catalog} (run {run_id})")
        self.saved_K = saved_K
        self.catalog = catalog
        self.run_id = run_id


def check_variables(variables: tuple[str, ...]) -> None:
    """Raise ``ValueError`` unless the names are distinct identifiers other than ``E``.

    >>> check_variables(("x", "y"))
    >>> check_variables(("x", "2y"))
    Traceback (most recent call last):
    ...
    ValueError: bad variable name '2y'
    """
    for v in variables:
        if not re.fullmatch(r"[A-Za-z_]\w*", v) or v == "E":
            raise ValueError(f"bad variable name {v!r}")
    if len(set(variables)) != len(variables):
        raise ValueError(f"repeated variable names in {','.join(variables)!r}")


def _targets(variables: tuple[str, ...]) -> list[tuple[str, Any]]:
    """(name, SymPy target) of the calculator-basis elements with this many variables."""
    from importlib import resources

    import sympy

    if len(variables) > 2:
        return []
    data = json.loads(
        resources.files("emlkit").joinpath("data/shortest_forms.json").read_text("utf-8")
    )
    std = [sympy.Symbol("x"), sympy.Symbol("y")][: len(variables)]
    out, seen = [], set()
    for e in data:
        name = e["name"]
        if name in seen:
            continue
        seen.add(name)
        expr = sympy.sympify(e["target"])
        if expr.free_symbols != set(std):
            continue
        expr = expr.subs({s: sympy.Symbol(v) for s, v in zip(std, variables)}, simultaneous=True)
        out.append((name, expr))
    return out


class _Labeller:
    """Finds, level by level, the first forms equal to calculator-basis elements."""

    def __init__(self, variables: tuple[str, ...], found: dict[str, dict]) -> None:
        self.variables = variables
        self.targets = _targets(variables)
        self.found = found  # label -> {"K", "rpn", "verified_digits"}
        self._values: list[Any] | None = None

    def _target_values(self, en: Any) -> list[Any]:
        import mpmath
        import numpy as np

        from .verify import target_function

        if self._values is None:
            vals = []
            for _, expr in self.targets:
                f = target_function(expr, self.variables)
                row = np.empty(en.P, dtype=np.complex128)
                with mpmath.workdps(30):
                    for p in range(en.P):
                        try:
                            v = mpmath.mpc(f(*(mpmath.mpc(en.points[n][p])
                                               for n in self.variables)))
                            row[p] = complex(v)
                        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                            row[p] = complex("nan")
                vals.append(row)
            self._values = vals
        return self._values

    def level(self, en: Any, K: int) -> list[dict]:
        """Label the forms of level ``K`` that match a target not found before."""
        import numpy as np

        todo = [i for i, (name, _) in enumerate(self.targets) if name not in self.found]
        if not todo:
            return []
        tv = self._target_values(en)
        todo = [i for i in todo if not np.isnan(tv[i][en.strip]).any()]
        hits = en.match([(tv[i], en.strip) for i in todo], rtol=_RTOL, min_K=K, max_K=K)
        new = []
        for i, gids in zip(todo, hits):
            name, expr = self.targets[i]
            for gid in gids[:4]:
                form = en.expr(gid)
                digits = self._verify(form, expr, en)
                if digits >= _MIN_DIGITS:
                    rec = {"label": name, "K": K, "rpn": en.rpn(gid), "verified_digits": digits,
                           "fingerprint": en.fingerprints(K, gid - en.ids(K)[0],
                                                          gid - en.ids(K)[0] + 1)[0]}
                    self.found[name] = rec
                    new.append(rec)
                    break
        return new

    def _verify(self, form: Any, target: Any, en: Any) -> int:
        """Decimal digits to which ``form`` equals ``target`` at the strip test points."""
        import mpmath

        from .verify import evaluate_mp, target_function

        f = target_function(target, self.variables)
        worst = _DPS
        with mpmath.workdps(_DPS):
            for p in [int(i) for i in en.strip.nonzero()[0]]:
                env = {n: mpmath.mpc(en.points[n][p]) for n in self.variables}
                got = evaluate_mp(form, env, dps=_DPS)
                try:
                    want = mpmath.mpc(f(*env.values()))
                except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                    return 0
                if got is None:
                    return 0
                if mpmath.isinf(want.real) or mpmath.isinf(got.real):
                    if not (got.real == want.real and got.imag == want.imag):
                        return 0
                    continue
                err = abs(got - want)
                if err == 0:
                    continue
                d = -mpmath.log10(err / max(abs(want), mpmath.mpf(1)))
                worst = min(worst, max(0, int(mpmath.floor(d))))
        return worst


def _result(cp: dict, requested: int, variables: tuple[str, ...], found: dict) -> dict:
    """The run's result, from its last checkpoint alone (so a resumed run ends the same)."""
    seconds = {int(k): t for k, t in cp["seconds"].items()}
    pairs = {int(k): n for k, n in cp["pairs"].items()}
    reach, acc = {}, 0.0
    for K in sorted(seconds):
        acc += seconds[K]
        reach[str(K)] = round(acc, 3)
    total_pairs = sum(pairs.values())
    return {
        "variables": list(variables),
        "requested_max_K": requested,
        "max_K": cp["K"],
        "complete": cp.get("stop_reason") is None and cp["K"] + 2 > requested,
        "stop_reason": cp.get("stop_reason"),
        "counts": {str(k): n for k, n in sorted((int(k), n) for k, n in cp["counts"].items())},
        "total": sum(cp["counts"].values()),
        "seconds": {str(k): round(t, 3) for k, t in sorted(seconds.items())},
        "reach_seconds": reach,
        "pairs": {str(k): n for k, n in sorted(pairs.items())},
        "forms_per_second": round(total_pairs / acc) if acc > 0 else None,
        "found": sorted(found.values(), key=lambda f: (f["K"], f["label"])),
    }


def _ordered(result: dict) -> dict:
    """Per-K dictionaries in K order (JSON stored in the catalog has sorted text keys)."""
    out = dict(result)
    for key in ("counts", "seconds", "reach_seconds", "pairs"):
        if isinstance(out.get(key), dict):
            out[key] = {k: out[key][k] for k in sorted(out[key], key=int)}
    return out


class _Levels:
    """The per-level callbacks of one run: the progress line, and saving each level."""

    def __init__(self, run: Any, max_K: int, store_K: int | None, labeller: _Labeller,
                 cp: dict | None, progress: bool) -> None:
        self.run, self.max_K, self.store_K = run, max_K, store_K
        self.labeller, self.cp, self.progress = labeller, cp, progress
        self.data = run.data_dir()
        self.bar: Any = None

    def on_step(self, K: int, done: int, total: int) -> None:
        from ..progress import Progress

        if self.bar is None:
            self.bar = Progress(f"search K={K}", total=total, enabled=self.progress,
                                unit="forms", memory=True)
        # levels shorter than a second print only their closing line
        if self.bar.elapsed >= 1.0:
            self.bar.update(done)

    def on_level(self, e: Any, K: int) -> None:
        from ..catalog import FormRecord
        from ..progress import Progress, format_bytes, rss_bytes

        t_level = e.seconds.get(K, 0.0)
        if self.data is not None and K < self.max_K:
            e.save(self.data)
        variables = self.labeller.variables
        forms = []
        store = K <= self.store_K if self.store_K is not None else e.counts[K] <= STORE_LEVEL_FORMS
        if store:
            fps = e.fingerprints(K)
            forms = [FormRecord(e.rpn(g), K, fp, variables) for g, fp in zip(e.ids(K), fps)]
        for rec in self.labeller.level(e, K):
            forms.append(FormRecord(rec["rpn"], K, rec["fingerprint"], variables,
                                    label=rec["label"], verified_digits=rec["verified_digits"]))
        self.cp = {
            "K": K, "counts": {str(k): n for k, n in e.counts.items()},
            "seconds": {str(k): t for k, t in e.seconds.items()},
            "pairs": {str(k): n for k, n in e.pairs.items()},
            "found": list(self.labeller.found.values()), "stop_reason": None,
        }
        self.run.save(forms=forms, checkpoint=self.cp)
        if self.bar is not None:
            self.bar.close(
                f"{e.counts[K]:,} new forms, {e.pairs[K] / max(t_level, 1e-9):,.0f} forms/s, "
                f"{t_level:.1f}s, mem {format_bytes(rss_bytes())}"
            )
            self.bar = None
        else:
            Progress(f"search K={K}", enabled=self.progress).close(f"{e.counts[K]:,} new forms")


def _resume(run: Any, cp: dict | None, max_K: int,
            on_note: Callable[[str], None] | None) -> tuple[Any, dict | None, bool]:
    """The saved enumeration to go on from (or ``None``), the checkpoint, and whether resumed."""
    from .enumerate import Enumeration

    if cp is None:
        return None, None, False
    if cp["K"] + 2 > max_K:
        return None, cp, True
    data = run.data_dir()
    try:
        if data is None:
            raise ValueError("in-memory catalog")
        en = Enumeration.load(data, max_K=cp["K"])
        if en.max_K != cp["K"]:
            raise ValueError(f"levels saved up to K={en.max_K}, checkpoint K={cp['K']}")
    except ValueError as exc:
        if on_note is not None:
            on_note(f"cannot resume ({exc}); starting again")
        return None, None, False
    return en, cp, True


def search_run(
    max_K: int,
    variables: tuple[str, ...] = ("x",),
    *,
    catalog: str | Path | None = None,
    memory_limit_bytes: int = 16 << 30,
    store_K: int | None = None,
    executor: Any = None,
    workers: int | None = None,
    progress: bool = False,
    on_note: Callable[[str], None] | None = None,
) -> dict:
    """Enumerate to ``max_K`` with checkpoints in a catalog; resume or answer a finished run.

    Parameters
    ----------
    max_K : int
        Largest size to enumerate.
    variables : tuple of str
        ``()`` for constants.
    catalog : path, optional
        The catalog file (default :func:`emlkit.catalog.default_path`); ``":memory:"`` keeps
        nothing (no resume).
    memory_limit_bytes : int
        Passed to :func:`~emlkit.search.enumerate_forms`; a run stopped by it stays open and
        goes on when started again with a larger limit (``stop_reason`` says why it stopped).
    store_K : int, optional
        Every form of size up to this is stored in the catalog (labelled forms always are).
        Default: every level of at most :data:`STORE_LEVEL_FORMS` forms.
    executor, workers
        Where each level's pair blocks run (see :func:`~emlkit.search.enumerate_forms`;
        default: in this process); the forms found are the same.
    progress : bool
        Show a progress line per level on standard error (:class:`emlkit.progress.Progress`).
    on_note : callable, optional
        Called with a one-line note when a saved run cannot be resumed and starts again.

    Returns
    -------
    dict
        ``counts``, ``seconds`` and ``reach_seconds`` per K (keys are K as text), ``found``
        (labelled forms), ``complete``, ``stop_reason``, ``run``, ``catalog``, ``resumed``,
        ``from_catalog``, ``wall_seconds``.

    Raises
    ------
    SearchInterrupted
        On Ctrl-C, once the levels done are saved (a ``KeyboardInterrupt``).

    Examples
    --------
    >>> res = search_run(7, ("x",), catalog=":memory:")
    >>> res["counts"], res["complete"], res["found"][0]["label"]
    ({'1': 2, '3': 4, '5': 16, '7': 80}, True, 'exp(x)')
    """
    from ..catalog import Catalog
    from .enumerate import enumerate_forms

    variables = tuple(variables)
    if isinstance(max_K, bool) or not isinstance(max_K, int) or max_K < 1:
        raise ValueError(f"max_K must be a whole number >= 1, got {max_K!r}")
    check_variables(variables)
    if store_K is not None and store_K < 0:
        raise ValueError(f"store_K must be >= 0, got {store_K}")
    params = {"max_K": max_K, "variables": list(variables), "points": "default",
              "store_K": store_K, "version": _STORE_VERSION}
    t_start = time.perf_counter()
    with Catalog(catalog) as cat, contextlib.ExitStack() as stack:
        run = cat.start_run("search", params)
        info = {"run": run.id, "catalog": str(cat.path), "resumed": False, "from_catalog": False}
        if run.finished and run.result is not None:
            return {**_ordered(run.result), **info, "from_catalog": True, "wall_seconds": 0.0}
        stack.enter_context(run.lock())  # one process per run
        en, cp, info["resumed"] = _resume(run, run.checkpoint(), max_K, on_note)
        found: dict[str, dict] = {f["label"]: f for f in (cp or {}).get("found", [])}
        levels = _Levels(run, max_K, store_K, _Labeller(variables, found), cp, progress)
        try:
            if cp is None or cp["K"] + 2 <= max_K:
                en = enumerate_forms(
                    max_K, variables, memory_limit_bytes=memory_limit_bytes,
                    store_last=False, resume_from=en, on_level=levels.on_level,
                    on_step=levels.on_step, executor=executor, workers=workers,
                )
                if not en.complete and levels.cp is not None:
                    levels.cp = {**levels.cp, "stop_reason": en.stop_reason}
                    run.save(checkpoint=levels.cp)
        except KeyboardInterrupt:
            if levels.bar is not None:
                levels.bar.close("interrupted")
            done = levels.cp["K"] if levels.cp else None
            raise SearchInterrupted(done, str(cat.path), run.id) from None
        if levels.cp is None:  # pragma: no cover - the level K = 1 always fits in memory
            raise RuntimeError("the search stopped before its first level")
        result = _result(levels.cp, max_K, variables, found)
        if result["complete"]:
            run.finish(result)
        return {**result, **info, "wall_seconds": round(time.perf_counter() - t_start, 3)}
