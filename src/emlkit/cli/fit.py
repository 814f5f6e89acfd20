"""``eml fit``: symbolic regression of a CSV column as an EML tree (resumable).

>>> import tempfile, os, math
>>> d = tempfile.mkdtemp()
>>> path = os.path.join(d, "data.csv")
>>> with open(path, "w") as fh:
...     _ = fh.write("x,y\\n" + "".join(f"{x},{math.exp(x)}\\n" for x in (0.1, .3, .5, .7, .9, 1.1,
...                                                                     1.3, 1.5, 1.7, 1.9)))
>>> from emlkit.cli import main
>>> main(["fit", path, "--target", "y", "--max-depth", "2", "--quiet", "--seed", "0",
...       "--checkpoint", os.path.join(d, "fit.sqlite")])
y = exp(x)   (exact)
  EML:  eml(x, 1)   (K = 3, depth 1)
  RMSE 0, R^2 1, found by search (vocabulary eml; tried: eml) in ... s
0
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from typing import Any

from ..errors import UsageError
from .common import add_command, add_output, positive_int, seconds
from .samples import read_samples

__all__ = ["register"]


def _load(path: str, target: str | None, max_rows: int | None = None,
          counts: list[int] | None = None):
    import numpy as np

    if path != "-":
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file")
        if os.path.isdir(path):
            raise UsageError(f"{path}: is a folder, not a CSV file")
    X, y, names = read_samples(path, target, max_rows=max_rows, counts=counts)
    if np.iscomplexobj(y) and (np.any(y.imag != 0) or np.any(np.asarray(X).imag != 0)):
        raise UsageError(f"{path}: eml fit needs real data (complex values found)")
    return np.real(X).astype(float), np.real(y).astype(float), names


def _report(reg: Any, X: Any, y: Any, names: list[str], target: str) -> dict[str, Any]:
    import numpy as np

    from ..syntax import to_text

    with np.errstate(all="ignore"):
        pred = reg.predict(X)
        rmse = float(np.sqrt(np.mean((pred - y) ** 2)))
        ss = float(np.sum((y - np.mean(y)) ** 2))
        r2 = (1.0 - float(np.sum((pred - y) ** 2)) / ss) if ss > 0 else (
            1.0 if rmse == 0 else 0.0)
    best = reg.candidates_[0]
    return {
        "target": target,
        "variables": list(reg.variables_),
        "formula": to_text(reg.formula_),
        "readable": str(reg.sympy_),
        "exact": bool(reg.exact_),
        "K": reg.formula_.K,
        "depth": reg.formula_.depth,
        "rmse": rmse if math.isfinite(rmse) else None,
        "r2": r2 if math.isfinite(r2) else None,
        "source": best.source,
        "vocabulary": reg.vocabulary_,
        "tried": list(reg.vocabularies_tried_),
        "stages": {k: v for k, v in reg.stages_.items()},
        "loss_curve": list(reg.loss_curve_),
        "seconds": round(reg.fit_seconds_, 3),
    }


def _frame(X: Any, names: list[str]) -> Any:
    """A DataFrame (so the formula uses the column names) when pandas is installed."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        return X
    return pd.DataFrame(X, columns=names)


def _fmt(v: Any) -> str:
    return "n/a" if v is None else f"{v:.6g}"


def _run(args: argparse.Namespace) -> int:
    if args.vocabulary and args.vocabulary not in ("auto", "eml"):
        from ..regress.vocabulary import resolve_vocabulary

        resolve_vocabulary(args.vocabulary)  # fails at once, before scikit-learn is loaded
    from ..regress.checkpoint import FitCheckpoint, default_checkpoint_path
    from ..regress.deadline import command_deadline
    from ..regress.estimator import EMLRegressor
    from ..syntax import parse

    target = args.target or "(last column)"
    vocabulary = args.vocabulary or "auto"
    if "," in vocabulary:
        vocabulary = [v.strip() for v in vocabulary.split(",") if v.strip()]
    reg = EMLRegressor(depth=args.depth, max_depth=args.max_depth, vocabulary=vocabulary,
                       time_limit=args.time_limit, random_state=args.seed,
                       steps=args.steps, restarts=args.restarts,
                       method=args.method, verbose=0 if args.quiet else 1)
    reg._check_params()  # a bad option (e.g. --vocabulary bogus) fails before reading the data
    counts: list[int] = []
    X, y, names = _load(args.data, args.target, args.max_rows, counts)
    if counts[0] > len(y) and not args.quiet:
        print(f"eml fit: {args.data} has {counts[0]:,} rows; fitting a uniform sample of "
              f"{len(y):,} (--max-rows raises it)", file=sys.stderr)
    reg.max_samples = None  # the sample is already drawn
    cp_path = args.checkpoint or str(default_checkpoint_path())
    reg.checkpoint = cp_path
    options = reg._key_options()
    state = FitCheckpoint(cp_path, X, y, options, restart=args.restart)
    stored = state.result
    done_before = state.stages_done
    state.close()
    t0 = time.monotonic()
    if stored is not None:
        report = dict(stored)
        report["resumed"] = "finished"
        if not args.quiet:
            print(f"eml fit: answered from the finished run in {cp_path} (--restart to redo)",
                  file=sys.stderr)
        formula = parse(report["formula"])
    else:
        if done_before and not args.quiet:
            print(f"eml fit: resuming after stage(s) {', '.join(done_before)} ({cp_path})",
                  file=sys.stderr)
        Xf = _frame(X, names)
        # the limit counts from the process start (imports included), not from the fit's own
        reg.fit(Xf, y, deadline=command_deadline(args.time_limit,
                                                 getattr(args, "started", time.monotonic())))
        report = _report(reg, Xf, y, names, target)
        report["resumed"] = done_before
        report["rows"] = {"used": len(y), "in_file": counts[0]}
        done = FitCheckpoint(cp_path, X, y, options)
        done.finish({k: v for k, v in report.items() if k != "resumed"})
        done.close()
        formula = reg.formula_
    report["checkpoint"] = cp_path
    report["wall_seconds"] = round(time.monotonic() - t0, 3)
    if args.plot:
        from ..viz.regression import plot_loss

        plot_loss(report["loss_curve"], path=args.plot, title=f"{target} = {report['readable']}")
    if args.tree:
        from ..viz.regression import plot_tree

        plot_tree(formula, args.tree)
    if args.json:
        print(json.dumps(report))
        return 0
    name = args.target or "y"
    print(f"{name} = {report['readable']}   ({'exact' if report['exact'] else 'not exact'})")
    text = report["formula"]
    print(f"  EML:  {text if len(text) <= 400 else text[:400] + ' ...'}   "
          f"(K = {report['K']}, depth {report['depth']})")
    tried = ", ".join(report.get("tried") or [])
    print(f"  RMSE {_fmt(report['rmse'])}, R^2 {_fmt(report['r2'])}, found by "
          f"{report['source']} (vocabulary {report.get('vocabulary', '?')}; tried: "
          f"{tried or 'none'}) in {report['seconds']} s")
    if args.plot:
        print(f"  loss curve: {args.plot}")
    if args.tree:
        print(f"  tree: {args.tree}")
    return 0


def register(sub: Any) -> None:
    """Add ``eml fit`` to the subcommands."""
    p = add_command(sub, "fit", _run)
    p.add_argument("data", metavar="FILE", help="CSV file of samples ('-' reads stdin)")
    p.add_argument("--target", metavar="COLUMN", help="name of the target column")
    p.add_argument("--depth", type=positive_int, help="depth of the trained trees")
    p.add_argument("--steps", type=positive_int,
                   help="training steps: one round of exactly this many (reproducible); "
                   "default: rounds until the time limit")
    p.add_argument("--restarts", type=positive_int, help="restarts trained at once")
    p.add_argument("--max-depth", dest="max_depth", type=positive_int, default=6,
                   help="deepest tree the exact search looks for (default 6)")
    p.add_argument("--vocabulary", metavar="NAMES",
                   help="auto (default: pure EML, then arith, then standard, each while nothing "
                   "exact is found), eml (pure EML only), a named vocabulary (arith, standard, "
                   "calculator) or building blocks, comma-separated")
    p.add_argument("--method", choices=("auto", "search", "gradient"), default="auto",
                   help="search, gradient training, or both (default auto)")
    p.add_argument("--time-limit", dest="time_limit", type=seconds, default=60.0,
                   metavar="SECONDS",
                   help="budget of the whole command, start-up included (default 60)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--plot", metavar="FILE", help="write the loss curve (.png/.svg/.pdf)")
    p.add_argument("--tree", metavar="FILE", help="draw the recovered tree (.svg/.png)")
    p.add_argument("--max-rows", dest="max_rows", type=positive_int, default=2000, metavar="N",
                   help="rows used: a longer file is read as a uniform sample of N rows, so "
                   "time and memory stay bounded (default 2000)")
    p.add_argument("--checkpoint", metavar="FILE", help="resume-state catalog file")
    p.add_argument("--restart", action="store_true", help="ignore saved state, start again")
    add_output(p, quiet="no progress or notes on stderr")
    # the program itself skips the interpreter's teardown (1-3 s with scikit-learn and PyTorch
    # loaded) once the result is printed and saved, so the time limit holds for the process
    p.set_defaults(exit_at_once=True)
