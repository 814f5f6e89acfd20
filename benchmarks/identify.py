"""Identification of constants: emlkit.identify side by side with mpmath.identify, sympy.nsimplify
and RIES, on known closed forms and on random numbers.

* Known: the closed forms of ``benchmarks/identify_cases.py`` (52), each given to ``--digits``
  significant digits computed by SymPy. An answer is a **hit** when its value equals the
  true constant at 60 digits (so an equivalent form counts), **wrong** otherwise; no answer
  is a **miss**.
* Random: ``--random`` uniformly random decimals of ``--digits`` digits (seeded; half in
  [0.1, 1), half in [1, 10)); any answer is a **false positive**. The slow tools get
  ``--random-slow`` of the same numbers (the first ones).
* Times are per query, wall clock, in this process, with a warm-up query first; a query of a
  reference tool that runs past ``--timeout`` seconds is stopped and counted as a miss.

The reference tools get the constants the case list uses most: mpmath.identify and
nsimplify get pi, e, log(2), zeta(3), Catalan, Euler's gamma (6 constants); RIES (classic,
double precision: it reads 15-17 digits) uses its own built-in vocabulary (integers, pi, e,
phi, elementary functions) and an answer is accepted when it is within 1e-14 relative.

Run:  python benchmarks/identify.py [--digits 30] [--random 1000] [--random-slow 20]
                                    [--tools ours,mpmath,sympy,ries] [--timeout 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mpmath
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from identify_cases import KNOWN

from emlkit.identify import identify

REF_CONSTANTS = ["pi", "e", "log(2)", "zeta(3)", "catalan", "euler"]
SYMPY_CONSTANTS = [sympy.pi, sympy.E, sympy.log(2), sympy.zeta(3), sympy.Catalan,
                   sympy.EulerGamma]
CHECK_DPS = 60


class Timeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    def handler(signum, frame):
        raise Timeout

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def decimal(value: Any, digits: int) -> str:
    with mpmath.workdps(digits + 20):
        return mpmath.nstr(mpmath.mpf(value), digits, strip_zeros=False)


# ---------------------------------------------------------------- the tools: text -> mpf or None


def ours(text: str, digits: int) -> tuple[str, Any] | None:
    r = identify(text)
    if not r:
        return None
    f = r.best.formula
    return str(f), _sympy_value(f)


def _sympy_value(expr: Any) -> Any:
    with mpmath.workdps(CHECK_DPS):
        return mpmath.mpf(str(sympy.N(expr, CHECK_DPS)))


def mp_identify(text: str, digits: int) -> tuple[str, Any] | None:
    with mpmath.workdps(digits):
        found = mpmath.identify(mpmath.mpf(text), REF_CONSTANTS)
    if not found:
        return None
    # identify() returns one string such as "pi*((1/6)*pi)"; SymPy reads 1/6 exactly
    names = {"e": sympy.E, "euler": sympy.EulerGamma, "catalan": sympy.Catalan}
    return found, _sympy_value(sympy.sympify(found, locals=names))


def nsimplify(text: str, digits: int) -> tuple[str, Any] | None:
    expr = sympy.nsimplify(text, SYMPY_CONSTANTS)
    if expr.atoms(sympy.Float) or expr == sympy.Rational(text):
        return None  # no closed form: the number itself
    return str(expr), _sympy_value(expr)


_RIES_UNARY = {"C": lambda a: mpmath.cospi(a), "E": mpmath.exp, "S": lambda a: mpmath.sinpi(a),
               "T": lambda a: mpmath.tan(mpmath.pi * a), "l": mpmath.log, "n": lambda a: -a,
               "q": mpmath.sqrt, "r": lambda a: 1 / a, "s": lambda a: a * a}
_RIES_BINARY = {"*": lambda a, b: a * b, "+": lambda a, b: a + b, "-": lambda a, b: a - b,
                "/": lambda a, b: a / b, "L": lambda a, b: mpmath.log(a) / mpmath.log(b),
                "^": lambda a, b: a ** b, "v": lambda a, b: a ** (1 / b)}


def _ries_eval(rpn: str, near: Any) -> Any:
    """Value of a RIES solution ``x = rpn``; when ``rpn`` still holds x, the root of x = rpn(x)."""
    if "x" in rpn:
        with mpmath.workdps(CHECK_DPS):
            return mpmath.findroot(lambda t: _ries_rpn(rpn, t) - t, mpmath.mpf(near))
    return _ries_rpn(rpn, None)


def _ries_rpn(rpn: str, x: Any) -> Any:
    stack: list[Any] = []
    with mpmath.workdps(CHECK_DPS):
        leaves = {"e": mpmath.e, "f": mpmath.phi, "p": mpmath.pi, "x": x}
        for ch in rpn:
            if ch.isdigit():
                stack.append(mpmath.mpf(int(ch)))
            elif ch in leaves:
                stack.append(+leaves[ch])
            elif ch in _RIES_UNARY:
                stack.append(_RIES_UNARY[ch](stack.pop()))
            elif ch in _RIES_BINARY:
                b, a = stack.pop(), stack.pop()  # b is the top: "23L" = log_3(2)
                stack.append(_RIES_BINARY[ch](a, b))
            else:
                raise ValueError(f"RIES symbol {ch!r}")
        if len(stack) != 1:
            raise ValueError(f"RIES form {rpn!r}")
        return stack[0]


def ries(text: str, digits: int) -> tuple[str, Any] | None:
    out = subprocess.run(["ries", "-l2", "-F0", "-s", text], capture_output=True, text=True,
                         check=False,
                         timeout=60).stdout
    best = None
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "x" and parts[1] == "=" and "for" in parts:
            rpn = parts[2]
            if "T" in line.split("for", 1)[1]:
                delta = line.split("for x = T", 1)[1].split("{")[0].strip().replace(" ", "")
                rel = abs(float(delta or 0)) / abs(float(text)) if delta else 0.0
                if rel <= 1e-14:
                    best = rpn
    if best is None:
        return None
    try:
        return best, _ries_eval(best, text)
    except (ValueError, ZeroDivisionError, IndexError):
        return best, None


TOOLS: dict[str, tuple[str, Callable]] = {
    "ours": ("emlkit.identify (56 constants)", ours),
    "mpmath": ("mpmath.identify (6 constants)", mp_identify),
    "sympy": ("sympy.nsimplify (6 constants)", nsimplify),
    "ries": ("RIES classic -l2 (built-ins)", ries),
}


# ---------------------------------------------------------------- measurement


def run_tool(tool: Callable, text: str, digits: int, timeout: float) -> tuple[Any, float]:
    start = time.perf_counter()
    try:
        with time_limit(timeout):
            answer = tool(text, digits)
    except Timeout:
        answer = "timeout"
    except (ValueError, TypeError, ArithmeticError, subprocess.SubprocessError) as exc:
        answer = ("error", str(exc)[:60])
    return answer, time.perf_counter() - start


def is_hit(answer: Any, truth: Any) -> bool:
    if not isinstance(answer, tuple) or len(answer) != 2 or answer[1] is None:
        return False
    with mpmath.workdps(CHECK_DPS):
        return bool(abs(answer[1] - truth) <= abs(truth) * mpmath.mpf(10) ** -(CHECK_DPS - 10))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--digits", type=int, default=30)
    ap.add_argument("--random", type=int, default=1000)
    ap.add_argument("--random-slow", dest="random_slow", type=int, default=20)
    ap.add_argument("--tools", default="ours,mpmath,sympy,ries")
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--show", action="store_true", help="print every answer of every tool")
    args = ap.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if "ries" in tools and shutil.which("ries") is None:
        print("note: ries is not installed; skipped")
        tools.remove("ries")
    D = args.digits
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; Python {platform.python_version()}, mpmath "
          f"{mpmath.__version__}, SymPy {sympy.__version__}")
    print(f"command: python benchmarks/identify.py --digits {D} --random {args.random} "
          f"--random-slow {args.random_slow} --tools {','.join(tools)} --timeout {args.timeout}",
          flush=True)
    cases = []
    for expr in KNOWN:
        e = sympy.sympify(expr)
        with mpmath.workdps(CHECK_DPS + 10):
            truth = mpmath.mpf(str(sympy.N(e, CHECK_DPS + 10)))
        cases.append((expr, decimal(truth, D), truth))
    rng = random.Random(20261204)
    randoms = []
    for i in range(max(args.random, args.random_slow)):
        body = "".join(rng.choice("0123456789") for _ in range(D - 1))
        head = rng.randint(1, 9)
        randoms.append(f"{head}.{body}" if i % 2 else f"0.{head}{body}")
    rows = []
    for name in tools:
        label, tool = TOOLS[name]
        for warm in (0, 15, 16):  # warm-up: imports, tables, the recognizer's first EML hit
            run_tool(tool, cases[warm][1], D, args.timeout)
        hits = wrong = miss = 0
        t_known = []
        for expr, text, truth in cases:
            answer, dt = run_tool(tool, text, D, args.timeout)
            t_known.append(dt)
            if answer is None or answer == "timeout" or (isinstance(answer, tuple)
                                                          and answer[0] == "error"):
                miss += 1
                verdict = "miss" if answer is None else str(answer)
            elif is_hit(answer, truth):
                hits += 1
                verdict = "hit"
            else:
                wrong += 1
                verdict = "WRONG"
            if args.show or verdict == "WRONG":
                shown = answer[0] if isinstance(answer, tuple) else answer
                print(f"  {name:6} {expr:30} {verdict:5} {shown}  ({dt * 1000:.0f} ms)", flush=True)
        n_random = args.random if name == "ours" else args.random_slow
        fp = 0
        t_random = []
        for text in randoms[:n_random]:
            answer, dt = run_tool(tool, text, D, args.timeout)
            t_random.append(dt)
            if isinstance(answer, tuple) and answer[0] != "error":
                fp += 1
                if args.show or name == "ours":
                    print(f"  {name:6} random {text} -> {answer[0]}")
        rows.append((label, hits, wrong, miss, n_random, fp, t_known, t_random))
        print(f"  {label}: {hits} hits, {wrong} wrong, {miss} missed; {fp} of {n_random} random "
              f"answered; median ms known {statistics.median(t_known) * 1000:.0f}, random "
              f"{statistics.median(t_random) * 1000 if t_random else 0:.0f}", flush=True)

    def ms(ts: list[float]) -> str:
        if not ts:
            return "-"
        return f"{statistics.median(ts) * 1000:.0f} / {max(ts) * 1000:.0f}"

    print()
    print(f"{len(cases)} known closed forms and random numbers at {D} digits; times: median / "
          "max ms per query")
    print("| tool | known: hit | wrong | miss | random: N | false positives | ms known "
          "| ms random |")
    print("|---|---|---|---|---|---|---|---|")
    ref = (statistics.median(rows[0][7]) if rows and rows[0][7] and tools[0] == "ours"
           else None)
    for label, hits, wrong, miss, n, fp, tk, tr in rows:
        print(f"| {label} | {hits} | {wrong} | {miss} | {n} | {fp} | {ms(tk)} | {ms(tr)} |")
    if ref:
        for label, *_, tr in rows[1:]:
            if tr:
                print(f"median time on a random number, {label} / ours: "
                      f"{statistics.median(tr) / ref:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
