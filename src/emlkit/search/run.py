"""``eml search``: enumerate distinct EML forms by size, resumably, into the catalog.

The work is :func:`emlkit.search.enumerate_forms`; this module adds the catalog: after every
completed K level the level is saved beside the catalog (children ids, ``.npy``) and one
transaction stores the level's count and time, the forms of small K, the forms recognised as
elements of the calculator basis (labelled, verified at 50 digits with mpmath) and the
checkpoint. The same command started again (after Ctrl-C, ``kill -9`` or a crash) resumes
from the last completed level and ends with the same result; once finished it answers from
the catalog.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite")
>>> res = search_run(9, (), catalog=path, quiet=True)
>>> res["counts"], [(f["label"], f["K"]) for f in res["found"]][:3]
({'1': 1, '3': 1, '5': 2, '7': 5, '9': 11}, [('E', 3), ('E-1', 5), ('exp(E)', 5)])
>>> search_run(9, (), catalog=path, quiet=True)["from_catalog"]
True
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from ._argtypes import positive_int

ORDER = 40
__all__ = ["search_run", "parse_size", "register"]

#: Version of the labelled-target list and of what a run stores (part of a run's identity).
_STORE_VERSION = 1
#: Float agreement at the test points before a labelled candidate is checked in mpmath.
_RTOL = 1e-10
#: Without --store-K, the forms of a level are stored when it has at most this many.
STORE_LEVEL_FORMS = 20_000
#: Digits a labelled form must reach at 50-digit precision to be kept.
_MIN_DIGITS = 30
_DPS = 50


def parse_size(text: str) -> int:
    """Bytes from ``'16G'``, ``'16GiB'``, ``'800M'``, ``'1.5g'`` or a plain number of bytes.

    >>> parse_size("16G") == 16 * 2**30, parse_size("800M"), parse_size("4096")
    (True, 838860800, 4096)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(?:i?b)?\s*", str(text), re.I)
    if not m:
        raise ValueError(f"bad memory size {text!r} (examples: 16G, 800M, 1.5GiB)")
    scale = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[m.group(2).lower()]
    value = int(float(m.group(1)) * scale)
    if value <= 0:
        raise ValueError(f"bad memory size {text!r}: must be positive")
    return value


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

        from ..search.verify import target_function

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

        from ..search.verify import evaluate_mp, target_function

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


def search_run(
    max_K: int,
    variables: tuple[str, ...] = ("x",),
    *,
    catalog: str | Path | None = None,
    memory_limit_bytes: int = 16 << 30,
    store_K: int | None = None,
    quiet: bool = False,
    stream: Any = None,
    executor: Any = None,
    workers: int | None = None,
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
        goes on when started again with a larger limit.
    store_K : int, optional
        Every form of size up to this is stored in the catalog (labelled forms always are).
        Default: every level of at most :data:`STORE_LEVEL_FORMS` forms.
    quiet : bool
        No progress on standard error.
    executor, workers
        Where each level's pair blocks run (see :func:`~emlkit.search.enumerate_forms`;
        default: in this process); the forms found are the same.

    Returns
    -------
    dict
        ``counts``, ``seconds`` and ``reach_seconds`` per K (keys are K as text), ``found``
        (labelled forms), ``complete``, ``stop_reason``, ``run``, ``catalog``, ``resumed``,
        ``from_catalog``.
    """
    from ..catalog import Catalog, FormRecord
    from ..progress import Progress, format_bytes, rss_bytes
    from ..search.enumerate import Enumeration, enumerate_forms

    variables = tuple(variables)
    if isinstance(max_K, bool) or not isinstance(max_K, int) or max_K < 1:
        raise ValueError(f"--max-K must be a whole number >= 1, got {max_K!r}")
    for v in variables:
        if not re.fullmatch(r"[A-Za-z_]\w*", v) or v == "E":
            raise ValueError(f"bad variable name {v!r}")
    if len(set(variables)) != len(variables):
        raise ValueError(f"repeated variable names in {','.join(variables)!r}")
    if store_K is not None and store_K < 0:
        raise ValueError(f"--store-K must be >= 0, got {store_K}")
    stream = stream if stream is not None else sys.stderr
    params = {"max_K": max_K, "variables": list(variables), "points": "default",
              "store_K": store_K, "version": _STORE_VERSION}
    t_start = time.perf_counter()
    with Catalog(catalog) as cat, contextlib.ExitStack() as stack:
        run = cat.start_run("search", params)
        info = {"run": run.id, "catalog": str(cat.path), "resumed": False, "from_catalog": False}
        if run.finished and run.result is not None:
            return {**_ordered(run.result), **info, "from_catalog": True, "wall_seconds": 0.0}
        stack.enter_context(run.lock())  # one process per run
        cp = run.checkpoint()
        found: dict[str, dict] = {f["label"]: f for f in (cp or {}).get("found", [])}
        en = None
        data = run.data_dir()
        if cp is not None and cp["K"] + 2 <= max_K:
            try:
                if data is None:
                    raise ValueError("in-memory catalog")
                en = Enumeration.load(data, max_K=cp["K"])
                if en.max_K != cp["K"]:
                    raise ValueError(f"levels saved up to K={en.max_K}, checkpoint K={cp['K']}")
                info["resumed"] = True
            except ValueError as exc:
                print(f"eml search: cannot resume ({exc}); starting again", file=stream)
                en, cp, found = None, None, {}
        elif cp is not None:
            info["resumed"] = True
        labeller = _Labeller(variables, found)
        bar: list[Any] = [None]
        state = {"cp": cp}

        def on_step(K: int, done: int, total: int) -> None:
            if bar[0] is None:
                bar[0] = Progress(f"search K={K}", total=total, enabled=not quiet,
                                  stream=stream, unit="forms", memory=True)
            # levels shorter than a second print only their closing line
            if bar[0].elapsed >= 1.0:
                bar[0].update(done)

        def on_level(e: Any, K: int) -> None:
            t_level = e.seconds.get(K, 0.0)
            if data is not None and K < max_K:
                e.save(data)
            forms = []
            if (K <= store_K) if store_K is not None else e.counts[K] <= STORE_LEVEL_FORMS:
                fps = e.fingerprints(K)
                forms = [FormRecord(e.rpn(g), K, fp, variables)
                         for g, fp in zip(e.ids(K), fps)]
            for rec in labeller.level(e, K):
                forms.append(FormRecord(rec["rpn"], K, rec["fingerprint"], variables,
                                        label=rec["label"], verified_digits=rec["verified_digits"]))
            new_cp = {
                "K": K, "counts": {str(k): n for k, n in e.counts.items()},
                "seconds": {str(k): t for k, t in e.seconds.items()},
                "pairs": {str(k): n for k, n in e.pairs.items()},
                "found": list(found.values()), "stop_reason": None,
            }
            run.save(forms=forms, checkpoint=new_cp)
            state["cp"] = new_cp
            if bar[0] is not None:
                bar[0].close(
                    f"{e.counts[K]:,} new forms, {e.pairs[K] / max(t_level, 1e-9):,.0f} forms/s, "
                    f"{t_level:.1f}s, mem {format_bytes(rss_bytes())}"
                )
                bar[0] = None
            elif not quiet:
                print(f"search K={K}: {e.counts[K]:,} new forms", file=stream)

        try:
            if cp is None or cp["K"] + 2 <= max_K:
                en = enumerate_forms(
                    max_K, variables, memory_limit_bytes=memory_limit_bytes,
                    store_last=False, resume_from=en, on_level=on_level, on_step=on_step,
                    executor=executor, workers=workers,
                )
                if not en.complete:
                    state["cp"] = {**state["cp"], "stop_reason": en.stop_reason}
                    run.save(checkpoint=state["cp"])
                    print(f"eml search: {en.stop_reason} (run the same command with a "
                          "larger --memory-limit to go on)", file=stream)
        except KeyboardInterrupt:
            if bar[0] is not None:
                bar[0].close("interrupted")
            done = state["cp"]["K"] if state["cp"] else None
            print(f"eml search: interrupted; saved up to K={done} in {cat.path} (run "
                  f"{run.id}); the same command resumes", file=stream)
            raise
        result = _result(state["cp"], max_K, variables, found)
        if result["complete"]:
            run.finish(result)
        return {**result, **info, "wall_seconds": round(time.perf_counter() - t_start, 3)}


def _print_table(res: dict) -> None:
    names = ",".join(res["variables"]) or "constants (leaf 1 only)"
    print(f"distinct forms by K, variables: {names}")
    print(f"{'K':>3} {'new forms':>12} {'total':>12} {'pairs':>14} {'level s':>9} {'reach s':>9}")
    total = 0
    for k, n in res["counts"].items():
        total += n
        print(f"{k:>3} {n:>12,d} {total:>12,d} {res['pairs'].get(k, 0):>14,d} "
              f"{res['seconds'].get(k, 0.0):>9.2f} {res['reach_seconds'].get(k, 0.0):>9.2f}")
    if res["forms_per_second"]:
        print(f"forms per second (candidate pairs evaluated): {res['forms_per_second']:,d}")
    if res["found"]:
        print("shortest forms found for basis elements (verified digits at the test points):")
        for f in res["found"]:
            print(f"  {f['label']:<14} K={f['K']:<3} {f['verified_digits']:>3} digits  {f['rpn']}")
    if res["stop_reason"]:
        print(f"stopped: {res['stop_reason']}")
    how = "answered from the catalog" if res["from_catalog"] else (
        "resumed" if res["resumed"] else "new run")
    print(f"catalog: {res['catalog']} (run {res['run']}, {how})")


def _variables(args: argparse.Namespace) -> tuple[str, ...]:
    if args.constants:
        return ()
    text = args.variables.strip()
    if text.lower() in ("", "none", "-"):
        return ()
    return tuple(v.strip() for v in re.split(r"[,\s]+", text) if v.strip())


def _cmd_search(args: argparse.Namespace) -> int:
    catalog = ":memory:" if args.no_catalog else args.catalog
    executor: Any = None
    if args.ray is not None:
        executor = "ray" if args.ray == "" else (
            args.ray if args.ray.startswith("ray:") else f"ray:{args.ray}")
    elif args.workers is not None:
        executor = "local"
    res = search_run(
        args.max_K, _variables(args), catalog=catalog,
        memory_limit_bytes=parse_size(args.memory_limit), store_K=args.store_K,
        quiet=args.quiet, executor=executor, workers=args.workers,
    )
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        _print_table(res)
    return 0


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    """Add ``eml search`` to the subcommand parser ``sub``."""
    p = sub.add_parser(
        "search",
        help="enumerate distinct EML forms by size (resumable, stored in the catalog)",
        description="Enumerate every distinct EML function of the leaf 1 and the given variables\n"
        "by size K (bottom-up, one representative per function at fixed complex test points),\n"
        "print the number of distinct forms per K with the time to reach each K, and store\n"
        "levels, checkpoints and labelled forms in the catalog. The same command started again\n"
        "resumes after an interrupt (Ctrl-C, kill -9) from the last completed level; a finished\n"
        "run is answered from the catalog.",
        epilog="examples:\n  eml search --max-K 31 --constants\n"
        "  eml search --max-K 21 --variables x --memory-limit 16G\n"
        "  eml search --max-K 15 --variables x,y --catalog runs.sqlite --json\n"
        "  eml search --max-K 23 --variables x --workers 4\n\n"
        "A run stopped by --memory-limit stays open: the same command with a larger limit "
        "goes on.\nThe catalog defaults to $EMLKIT_CATALOG, else catalog.sqlite in "
        "$EMLKIT_CACHE_DIR (~/.cache/emlkit).",
        formatter_class=fmt,
        allow_abbrev=False,
    )
    p.add_argument("--max-K", type=int, required=True, metavar="K",
                   help="largest size (RPN token count) to enumerate")
    p.add_argument("--variables", default="x", metavar="NAMES",
                   help="comma-separated variable names (default: x); 'none' for constants")
    p.add_argument("--constants", action="store_true", help="constants only (leaf 1)")
    p.add_argument("--catalog", metavar="FILE", help="catalog file (SQLite)")
    p.add_argument("--no-catalog", action="store_true",
                   help="keep nothing (no resume, no stored forms)")
    p.add_argument("--memory-limit", default="16G", metavar="SIZE",
                   help="stop cleanly before a level that would need more (default: 16G)")
    p.add_argument("--store-K", type=int, default=None, metavar="K",
                   help="store every form up to this size in the catalog (default: each "
                   f"level of at most {STORE_LEVEL_FORMS:,} forms)")
    p.add_argument("--workers", type=positive_int, metavar="N",
                   help="split each level into pair blocks run by N local worker processes "
                   "(default: in this process; the forms found are the same)")
    p.add_argument("--ray", nargs="?", const="", metavar="ADDRESS",
                   help="run the pair blocks on Ray (a local instance, or the cluster at "
                   "ADDRESS: auto, HOST:PORT or ray://HOST:10001)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    p.set_defaults(run=_cmd_search)
