"""How far past ``--time-limit`` the whole ``eml fit`` process ends (issue 16).

Each case runs ``python -m emlkit fit`` as a fresh process on a CSV 100x the README example
(2,000 rows) and measures the wall time from spawning the process to its exit, so interpreter
start-up, imports (PyTorch included), the fit, the report and shutdown all count. The overrun is
``wall - limit``; the goal is an overrun below one second.

Usage::

    python benchmarks/fit_time_limit.py            # every case, 3 runs each
    python benchmarks/fit_time_limit.py --runs 1 --cases square-5
    python benchmarks/fit_time_limit.py --src /old/src --src src   # two trees, interleaved

The figures depend on the machine (and on its load): print them with the machine line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _machine import machine

ROWS = 2000
#: name -> (data law, extra arguments, time limit in seconds)
CASES: dict[str, tuple[str, list[str], float]] = {
    "square-5": ("square", [], 5.0),
    "hard-5": ("hard", [], 5.0),
    "hard-20": ("hard", [], 20.0),
    "hard-gradient-10": ("hard", ["--method", "gradient"], 10.0),
}


def _write(path: Path, law: str) -> None:
    rng = np.random.default_rng(1)
    x = np.linspace(0.2, 3.0, ROWS)
    if law == "square":
        y = x**2 + 1
    else:  # no small formula fits: every stage runs until its share of the limit
        y = np.sin(3 * x) * np.exp(-x) + x**2.7 / (1 + x) + rng.normal(0, 0.01, ROWS)
    path.write_text("x,y\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(x, y)))


def _run(data: Path, extra: list[str], limit: float, cp: Path,
         src: str | None) -> tuple[float, float | None]:
    cmd = [sys.executable, "-m", "emlkit", "fit", str(data), "--time-limit", str(limit),
           "--json", "--quiet", "--restart", "--checkpoint", str(cp), *extra]
    env = dict(os.environ, **({"PYTHONPATH": src} if src else {}))
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    wall = time.monotonic() - t0
    try:
        fit = float(json.loads(proc.stdout)["seconds"])
    except (ValueError, KeyError):
        fit = None
    return wall, fit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    ap.add_argument("--src", action="append", default=None,
                    help="a src folder to run (PYTHONPATH); repeat to compare trees, interleaved")
    args = ap.parse_args()
    srcs = args.src or [None]
    print(machine(), f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'case':<18} {'src':<24} {'limit':>6} {'wall (each run)':<24} {'max overrun':>11}"
          "  fit s")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.cases:
            law, extra, limit = CASES[name]
            data = Path(tmp) / f"{law}.csv"
            if not data.exists():
                _write(data, law)
            runs: dict[str | None, list[tuple[float, float | None]]] = {s: [] for s in srcs}
            for _ in range(args.runs):
                for src in srcs:  # interleaved, so both trees see the same machine load
                    runs[src].append(_run(data, extra, limit, Path(tmp) / f"{name}.sqlite", src))
            for src, got in runs.items():
                walls = " ".join(f"{w:.2f}" for w, _ in got)
                fits = " ".join("-" if f is None else f"{f:.2f}" for _, f in got)
                over = max(w for w, _ in got) - limit
                label = (src or "(installed)")[-24:]
                print(f"{name:<18} {label:<24} {limit:>6.1f} {walls:<24} {over:>+11.2f}  {fits}")


if __name__ == "__main__":
    main()
