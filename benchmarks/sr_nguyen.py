"""Nguyen-1...12 symbolic regression: emlkit's regressor next to gplearn and pyoperon.

Protocol. The twelve Nguyen laws (Uy et al. 2011), as SymPy expressions (:data:`PROBLEMS`):
N1-N6 on U[-1, 1], N7 on U[0, 2], N8 on U[0, 4], N9-N12 on U[0, 1] for every variable.
Per problem, 20 training points (seed ``[n, 0]``) and 200 fresh test points (seed ``[n, 1]``)
drawn with ``numpy.random.default_rng``; ``y`` is the exact law in float64, noise-free.
Each tool fits the same 20 points in this process, one after the other, with the same wall
budget per problem (``--time-limit``, default 60 s; 10 s with ``--quick``) and seed 0:

* emlkit: ``EMLRegressor(vocabulary="standard", time_limit=T, random_state=0)``;
* gplearn: ``SymbolicRegressor`` over add, sub, mul, div, sin, cos, log and an
  overflow-guarded exp, population 1000 (300 with ``--quick``), parsimony 0.01,
  ``random_state=0``; grown one generation at a time (``warm_start``) until the budget is
  spent, its MAE reaches 1e-10, or ``--gp-generations`` (default 1000) is reached;
* pyoperon: ``SymbolicRegressor`` over add, sub, mul, div, sin, cos, exp, log, constants and
  variables, ``max_time=T`` (whole seconds; generation and evaluation caps raised so the
  time decides), otherwise its defaults (population 1000), ``random_state=0``, one thread.

Reported per problem and tool: exact recovery, R² on the test points, wall time of ``fit``
and the formula found (constants shown to 4 digits, shortened). Exact recovery is decided the
same way for every tool from the found formula as a SymPy expression (gplearn's protected
``div`` read as ``/`` and ``log`` as ``log(Abs(.))``; pyoperon's model string at 17 digits):
it is exact when the largest relative difference ``|found - truth| / |truth|`` at 20 fresh
random points of the range (seed ``[n, 2]``), both evaluated with mpmath at 30 digits, is
below 1e-8; the record then says "symbolic" when ``sympy.simplify(found - truth) == 0`` also
holds (tried when the difference has at most 50 operations). Float constants pass only when
they are right to about 8 digits: ``1.0*x`` is exact, ``1.0000001*x`` is not. A tool that raises
on a problem is shown as ``error: <message>`` and the run goes on.

    python benchmarks/sr_nguyen.py --quick                    # 10 s per tool and problem
    python benchmarks/sr_nguyen.py                            # 60 s per tool and problem
    python benchmarks/sr_nguyen.py --problems 1 5 8 --tools emlkit gplearn --json out.json
    python benchmarks/sr_recovery.py --quick --nguyen         # imports run_nguyen(args)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import sympy

TOOLS = ("emlkit", "gplearn", "pyoperon")
N_TRAIN, N_TEST, N_CHECK = 20, 200, 20
REL_TOL = 1e-8
CHECK_DPS = 30
SIMPLIFY_MAX_OPS = 50
FORMULA_WIDTH = 48

X, Y = sympy.symbols("x y")


class Problem(NamedTuple):
    """One Nguyen law: ``truth`` over ``variables``, each uniform in ``[low, high]``."""

    number: int
    truth: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    low: float
    high: float

    @property
    def name(self) -> str:
        return f"N{self.number}"

    def points(self, n: int, stream: int) -> np.ndarray:
        """``n`` points of the range, shape (n, n_variables); stream 0 train, 1 test, 2 check."""
        rng = np.random.default_rng([self.number, stream])
        return rng.uniform(self.low, self.high, size=(n, len(self.variables)))

    def values(self, pts: np.ndarray) -> np.ndarray:
        """The law at ``pts`` in float64."""
        f = sympy.lambdify(self.variables, self.truth, modules="numpy")
        return np.broadcast_to(np.asarray(f(*pts.T), dtype=np.float64), (len(pts),)).copy()


def _p(number, truth, variables, low, high):
    return Problem(number, sympy.sympify(truth), variables, low, high)


_S = sympy.sin
_C = sympy.cos
_L = sympy.log
#: The twelve laws (standard definitions and training ranges).
PROBLEMS: dict[int, Problem] = {p.number: p for p in [
    _p(1, X**3 + X**2 + X, (X,), -1, 1),
    _p(2, X**4 + X**3 + X**2 + X, (X,), -1, 1),
    _p(3, X**5 + X**4 + X**3 + X**2 + X, (X,), -1, 1),
    _p(4, X**6 + X**5 + X**4 + X**3 + X**2 + X, (X,), -1, 1),
    _p(5, _S(X**2) * _C(X) - 1, (X,), -1, 1),
    _p(6, _S(X) + _S(X + X**2), (X,), -1, 1),
    _p(7, _L(X + 1) + _L(X**2 + 1), (X,), 0, 2),
    _p(8, sympy.sqrt(X), (X,), 0, 4),
    _p(9, _S(X) + _S(Y**2), (X, Y), 0, 1),
    _p(10, 2 * _S(X) * _C(Y), (X, Y), 0, 1),
    _p(11, X**Y, (X, Y), 0, 1),
    _p(12, X**4 - X**3 + Y**2 / 2 - Y, (X, Y), 0, 1),
]}


# ---------------------------------------------------------------------- exactness
def _numeric(expr: sympy.Expr, variables) -> Callable[..., Any]:
    return sympy.lambdify(variables, expr, modules="mpmath")


def max_rel_diff(found: sympy.Expr | Callable[..., Any], problem: Problem) -> float:
    """Largest ``|found - truth| / |truth|`` at the problem's 20 check points (mpmath, 30 digits).

    ``found`` is a SymPy expression in the problem's variables or a callable taking one mpmath
    number per variable. Points where evaluation fails count as an infinite difference.
    """
    import mpmath

    try:
        f = _numeric(found, problem.variables) if isinstance(found, sympy.Basic) else found
    except Exception:  # noqa: BLE001 - e.g. a function mpmath lacks: not comparable
        return math.inf
    t = _numeric(problem.truth, problem.variables)
    worst = 0.0
    with mpmath.workdps(CHECK_DPS):
        for row in problem.points(N_CHECK, 2):
            args = [mpmath.mpf(float(v)) for v in row]
            try:
                a, b = mpmath.mpmathify(f(*args)), mpmath.mpmathify(t(*args))
                d = abs(a - b) / max(abs(b), mpmath.mpf(10) ** -30)
            except Exception:  # noqa: BLE001 - a pole or undefined value on the check points
                return math.inf
            d = float(d)
            if not math.isfinite(d):
                return math.inf
            worst = max(worst, d)
    return worst


def exact_recovery(found: sympy.Expr | None, problem: Problem,
                   numeric: Callable[..., Any] | None = None) -> tuple[bool, str]:
    """The protocol's rule: max relative difference < 1e-8 (labelled symbolic if SymPy agrees).

    Returns ``(exact, how)`` where ``how`` is ``"symbolic"``, ``"numeric"`` or a short reason.
    ``numeric`` replaces ``found`` for the numeric test when ``found`` is None (a formula
    SymPy cannot read).
    """
    # the numeric test first: it is cheap, and a formula it rejects cannot be symbolically
    # equal, so SymPy's simplify (slow on large GP formulas) only runs on likely matches
    d = max_rel_diff(found if found is not None else numeric, problem) \
        if (found is not None or numeric is not None) else math.inf
    if found is None and numeric is None:
        return False, "no formula"
    if not d < REL_TOL:
        return False, f"numeric max rel diff {d:.1e}"
    if found is not None:
        diff = found - problem.truth
        if sympy.count_ops(diff) <= SIMPLIFY_MAX_OPS:
            with contextlib.suppress(Exception):  # simplify failing leaves the numeric verdict
                if sympy.simplify(diff) == 0:
                    return True, "symbolic"
    return True, f"numeric max rel diff {d:.1e}"


# ---------------------------------------------------------------------- formula readers
def _symbols_by_name(variables) -> dict[str, sympy.Symbol]:
    return {str(v): v for v in variables}


def rename(expr: sympy.Expr, names: dict[str, sympy.Symbol]) -> sympy.Expr:
    """``expr`` with its free symbols replaced by name (assumptions dropped)."""
    return expr.xreplace({s: names[s.name] for s in expr.free_symbols
                          if isinstance(s, sympy.Symbol) and s.name in names})


#: gplearn's functions as SymPy (protected div and log read as their mathematical meaning).
GP_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "log": lambda a: sympy.log(sympy.Abs(a)),
    "exp": sympy.exp,
    "sqrt": lambda a: sympy.sqrt(sympy.Abs(a)),
    "neg": lambda a: -a,
    "inv": lambda a: 1 / a,
    "abs": sympy.Abs,
    "tan": sympy.tan,
}
_GP_TOKEN = re.compile(r"\s*(?:([A-Za-z_]\w*)|(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|([(),]))")


def gplearn_to_sympy(program: str | list, variables) -> sympy.Expr:
    """A gplearn program as SymPy: its ``str`` (``add(X0, mul(X0, 0.5))``, 3-digit constants)
    or its ``program`` list (``_Function`` nodes, ``int`` feature indices, ``float`` constants).
    """
    if not isinstance(program, str):
        def build(i: int) -> tuple[sympy.Expr, int]:
            node = program[i]
            if isinstance(node, (int, np.integer)):
                return variables[int(node)], i + 1
            if isinstance(node, (float, np.floating)):
                return sympy.Float(float(node)), i + 1
            args, j = [], i + 1
            for _ in range(node.arity):
                a, j = build(j)
                args.append(a)
            return GP_FUNCTIONS[node.name](*args), j

        expr, used = build(0)
        if used != len(program):
            raise ValueError("malformed gplearn program")
        return expr
    tokens = []
    pos = 0
    while pos < len(program.rstrip()):
        m = _GP_TOKEN.match(program, pos)
        if not m:
            raise ValueError(f"cannot read gplearn program at {program[pos:pos + 20]!r}")
        tokens.append(m.groups())
        pos = m.end()
    it = iter(tokens)

    def parse():
        name, num, punct = next(it)
        if num is not None:
            return sympy.Float(num)
        if name is None:
            raise ValueError(f"unexpected {punct!r} in gplearn program")
        m = re.fullmatch(r"X(\d+)", name)
        if m:
            return variables[int(m.group(1))]
        if name not in GP_FUNCTIONS:
            raise ValueError(f"unknown gplearn function {name!r}")
        if next(it)[2] != "(":
            raise ValueError(f"expected '(' after {name}")
        args = [parse()]
        while (p := next(it)[2]) == ",":
            args.append(parse())
        if p != ")":
            raise ValueError("expected ')'")
        return GP_FUNCTIONS[name](*args)

    expr = parse()
    if next(it, None) is not None:
        raise ValueError("trailing text after gplearn program")
    return expr


def operon_to_sympy(model: str, variables) -> sympy.Expr:
    """A pyoperon infix model string (``get_model_string``) as SymPy in ``variables``."""
    names = _symbols_by_name(variables)
    local = dict(names, log=sympy.log, exp=sympy.exp, sin=sympy.sin, cos=sympy.cos,
                 sqrt=sympy.sqrt, abs=sympy.Abs, tan=sympy.tan, tanh=sympy.tanh)
    return sympy.sympify(model, locals=local, convert_xor=True)


# ---------------------------------------------------------------------- the tools
class Fit(NamedTuple):
    """What one tool found on one problem (NamedTuples, not dataclasses: this file is also
    loaded by path without an entry in ``sys.modules``)."""

    found: sympy.Expr | None
    predict: Callable[[np.ndarray], np.ndarray]
    seconds: float
    text: str = ""
    numeric: Callable[..., Any] | None = None
    extra: dict | None = None


def fit_emlkit(problem: Problem, Xtr, ytr, cfg) -> Fit:
    from emlkit.regress.estimator import EMLRegressor

    t0 = time.perf_counter()
    reg = EMLRegressor(vocabulary="standard", time_limit=cfg["time_limit"],
                       random_state=0).fit(Xtr, ytr)
    seconds = time.perf_counter() - t0
    names = {n: v for n, v in zip(reg.variables_, problem.variables)}
    found, numeric = reg.sympy_, None
    if isinstance(found, str):
        try:
            found = sympy.sympify(found, locals=names)
        except Exception:  # noqa: BLE001 - unreadable text: judge by the EML evaluator
            found = None
    if found is not None:
        found = rename(sympy.sympify(found), names)
    else:
        from emlkit.backends import evaluate

        formula, vnames = reg.formula_, tuple(reg.variables_)

        def numeric(*args):
            return evaluate(formula, dict(zip(vnames, args)), backend="mpmath", dps=CHECK_DPS,
                            on_nan="ignore")
    eml = str(reg.formula_)
    return Fit(found, reg.predict, seconds, numeric=numeric,
               extra={"eml": eml if len(eml) <= 4000 else eml[:4000] + " ...",
                      "emlkit_exact": bool(reg.exact_),
                      "stages": {k: str(v) for k, v in getattr(reg, "stages_", {}).items()}})


def _protected_exp(a):
    with np.errstate(over="ignore"):
        return np.exp(np.minimum(a, 100.0))


def fit_gplearn(problem: Problem, Xtr, ytr, cfg) -> Fit:
    from gplearn.functions import make_function
    from gplearn.genetic import SymbolicRegressor

    exp = make_function(function=_protected_exp, name="exp", arity=1)
    est = SymbolicRegressor(
        population_size=cfg["gp_population"], generations=1, warm_start=True,
        function_set=("add", "sub", "mul", "div", "sin", "cos", "log", exp),
        parsimony_coefficient=0.01, stopping_criteria=1e-10, random_state=0, n_jobs=1)
    t0 = time.perf_counter()
    deadline = t0 + cfg["time_limit"]
    gens = 0
    while True:
        gens += 1
        est.set_params(generations=gens)
        est.fit(Xtr, ytr)
        last = time.perf_counter() - t0
        per_gen = last / gens
        if (est.run_details_["best_fitness"][-1] <= 1e-10 or gens >= cfg["gp_generations"]
                or time.perf_counter() + per_gen > deadline):
            break
    seconds = time.perf_counter() - t0
    found = gplearn_to_sympy(est._program.program, problem.variables)
    return Fit(found, est.predict, seconds,
               extra={"program": str(est._program), "generations": gens})


def fit_pyoperon(problem: Problem, Xtr, ytr, cfg) -> Fit:
    from pyoperon.sklearn import SymbolicRegressor

    est = SymbolicRegressor(
        allowed_symbols="add,sub,mul,div,sin,cos,exp,log,constant,variable",
        max_time=max(1, round(cfg["time_limit"])), generations=10**6,
        max_evaluations=10**9, random_state=0, n_threads=1)
    t0 = time.perf_counter()
    est.fit(Xtr, ytr)
    seconds = time.perf_counter() - t0
    model = est.get_model_string(est.model_, 17, names=[str(v) for v in problem.variables])
    found = operon_to_sympy(model, problem.variables)
    return Fit(found, est.predict, seconds, extra={"model": model})


FITTERS = {"emlkit": fit_emlkit, "gplearn": fit_gplearn, "pyoperon": fit_pyoperon}


# ---------------------------------------------------------------------- the run
def r2(y: np.ndarray, pred: np.ndarray) -> float:
    """Coefficient of determination; ``-inf`` when a prediction is not finite."""
    pred = np.asarray(pred, dtype=np.float64).reshape(-1)
    if pred.shape != y.shape or not np.all(np.isfinite(pred)):
        return -math.inf
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - pred) ** 2)) / ss_tot


def short_formula(expr: sympy.Expr | None, fallback: str = "", width: int = FORMULA_WIDTH) -> str:
    """The formula with constants to 4 significant digits, cut to ``width`` characters."""
    if expr is None:
        text = fallback
    else:
        expr = expr.xreplace({f: sympy.Float(f, 4) for f in expr.atoms(sympy.Float)})
        text = str(expr)
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def run_one(problem: Problem, tool: str, cfg: dict) -> dict:
    """Fit ``tool`` on ``problem``; any exception becomes an ``error`` entry."""
    Xtr = problem.points(N_TRAIN, 0)
    Xte = problem.points(N_TEST, 1)
    ytr, yte = problem.values(Xtr), problem.values(Xte)
    rec: dict[str, Any] = {"problem": problem.name, "truth": str(problem.truth), "tool": tool}
    t0 = time.perf_counter()
    try:
        fit = FITTERS[tool](problem, Xtr, ytr, cfg)
        with np.errstate(all="ignore"):
            score = r2(yte, fit.predict(Xte))
        exact, how = exact_recovery(fit.found, problem, fit.numeric)
        rec.update(exact=exact, how=how, r2=score, seconds=fit.seconds,
                   formula=str(fit.found) if fit.found is not None else fit.text,
                   short=short_formula(fit.found, fit.text), **(fit.extra or {}))
    except Exception as exc:  # noqa: BLE001 - one tool's failure must not stop the run
        msg = " ".join(f"{type(exc).__name__}: {exc}".split())
        rec.update(exact=False, how="error", r2=math.nan, seconds=time.perf_counter() - t0,
                   formula="", short="error: " + (msg if len(msg) <= 60 else msg[:57] + "..."),
                   error=msg)
    return rec


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def _config(args: Any) -> dict:
    quick = bool(getattr(args, "quick", False))
    limit = getattr(args, "time_limit", None)
    if quick:
        limit = 10.0 if limit is None else min(float(limit), 10.0)
    elif limit is None:
        limit = 60.0
    pop = getattr(args, "gp_population", None) or (300 if quick else 1000)
    return {"time_limit": float(limit), "gp_population": int(pop),
            "gp_generations": int(getattr(args, "gp_generations", None) or 1000)}


def _fmt_r2(v: float) -> str:
    if math.isnan(v):
        return "-"
    if v < -999:
        return "< -999"
    return f"{v:.6f}"


def run_nguyen(args: Any, log: Any = sys.stderr, records: list | None = None) -> str:
    """Run the benchmark described by ``args`` and return the table text.

    ``args`` needs no attribute: ``quick``, ``time_limit``, ``problems``, ``tools``,
    ``gp_population`` and ``gp_generations`` are read with defaults (so the
    namespace of ``benchmarks/sr_recovery.py`` works). Progress lines go to ``log``; each
    result (a dict) is appended to ``records`` when given.
    """
    cfg = _config(args)
    numbers = list(getattr(args, "problems", None) or PROBLEMS)
    tools = list(getattr(args, "tools", None) or TOOLS)
    for n in numbers:
        if n not in PROBLEMS:
            raise ValueError(f"no Nguyen problem {n} (1..12)")
    lines = [
        (f"Nguyen benchmark: {len(numbers)} problem(s), tools {', '.join(tools)}; "
         f"{N_TRAIN} training / {N_TEST} test points; time limit {cfg['time_limit']:g} s per "
         f"tool and problem; gplearn population {cfg['gp_population']}"),
        (f"versions: emlkit {_version('emlkit')}, gplearn {_version('gplearn')}, "
         f"pyoperon {_version('pyoperon')}, SymPy {sympy.__version__}, "
         f"mpmath {_version('mpmath')}, scikit-learn {_version('scikit-learn')}"),
        "",
        f"{'problem':<8}{'tool':<10}{'exact':<7}{'R²(test)':>10}{'time s':>8}  formula",
    ]
    records = [] if records is None else records
    start = len(records)
    for n in numbers:
        p = PROBLEMS[n]
        rng = f"U[{p.low:g}, {p.high:g}]"
        lines.append(f"{p.name + ':':<8}{p.truth}   ({', '.join(map(str, p.variables))} ~ {rng})")
        for tool in tools:
            rec = run_one(p, tool, cfg)
            records.append(rec)
            exact = "-" if rec["how"] == "error" else ("yes" if rec["exact"] else "no")
            row = (f"{'':<8}{tool:<10}{exact:<7}{_fmt_r2(rec['r2']):>10}"
                   f"{rec['seconds']:>8.1f}  {rec['short']}")
            lines.append(row)
            if log is not None:
                print(f"[nguyen] {p.name} {row.strip()}", file=log, flush=True)
    lines.append("")
    for tool in tools:
        rs = [r for r in records[start:] if r["tool"] == tool]
        scores = [r["r2"] for r in rs if not math.isnan(r["r2"])]
        errors = sum(r["how"] == "error" for r in rs)
        med = _fmt_r2(float(np.median(scores))) if scores else "-"
        lines.append(f"{tool:<10} exact {sum(r['exact'] for r in rs)}/{len(rs)}, "
                     f"median R² {med}, total {sum(r['seconds'] for r in rs):.1f} s"
                     + (f", {errors} error(s)" if errors else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="10 s per tool and problem, gplearn population 300")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="seconds per tool and problem (default 60; at most 10 with --quick)")
    ap.add_argument("--problems", type=int, nargs="+", choices=sorted(PROBLEMS),
                    metavar="N", help="Nguyen problem numbers (default: 1..12)")
    ap.add_argument("--tools", nargs="+", choices=TOOLS, help="default: all three")
    ap.add_argument("--gp-population", type=int, help="gplearn population (default 1000)")
    ap.add_argument("--gp-generations", type=int, help="gplearn generation cap (default 1000)")
    ap.add_argument("--json", type=Path, help="also write every result to this file")
    args = ap.parse_args(argv)
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"{os.cpu_count()} cpu(s), Python {platform.python_version()}, "
          f"NumPy {np.__version__}, emlkit {_version('emlkit')}")
    print("command: python " + " ".join([sys.argv[0]] + (argv if argv is not None
                                                          else sys.argv[1:])), flush=True)
    records: list[dict] = []
    print(run_nguyen(args, records=records))
    if args.json:
        args.json.write_text(json.dumps({"config": _config(args), "results": records},
                                        indent=1, default=str))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
