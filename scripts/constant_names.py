"""Write src/emlkit/data/constant_names.json: the closed form (or none) of every constant that
the compiled basis elements contain, as the decompiler names it with nsimplify.

Run after a change to the compiler's constant forms: ``python scripts/constant_names.py``.
The decompiler re-checks each name numerically before using it, so a stale table only costs
time (the first decompile of a session names the missing constants itself).
"""

from __future__ import annotations

import cmath
import json
import sys
import time
from pathlib import Path

import sympy

import emlkit as ek
from emlkit.decompiler import subforms as rec

FORMULAS = [
    "exp(x)", "ln(x)", "x + y", "x - y", "x*y", "x/y", "x^y", "sqrt(x)", "-x", "1/x", "x^2",
    "x/2", "pi", "e", "i", "-1", "2", "1/2", "0", "sin(x)", "cos(x)", "tan(x)", "asin(x)",
    "acos(x)", "atan(x)", "sinh(x)", "cosh(x)", "tanh(x)", "asinh(x)", "acosh(x)", "atanh(x)",
    "hypot(x, y)", "sigmoid(x)", "log(y, x)", "avg(x, y)", "2*sinh(x)", "sin(x)^2 + cos(x)^2",
    "x^2 + 1", "exp(-x^2)",
]
OUT = Path(__file__).resolve().parents[1] / "src" / "emlkit" / "data" / "constant_names.json"


def main() -> int:
    answers: dict[tuple, str | None] = {}
    original = rec._name_value

    def record(z, exact=None):
        guess = original(z, exact)
        if cmath.isfinite(z):
            key = (round(z.real, 12), round(z.imag, 12), exact is not None)
            answers[key] = None if guess is None else sympy.srepr(guess)
        return guess

    from emlkit.decompiler import _names

    rec._name_value = record
    rec._NAMES.clear()
    _names_shipped = _names.shipped
    _names.shipped = dict  # name everything afresh, without the old table
    t0 = time.perf_counter()
    try:
        for formula in FORMULAS:
            for domain in ("strip", "plane"):
                ek.decompile(ek.compile(formula, domain=domain))
    finally:
        rec._name_value = original
        _names.shipped = _names_shipped
    rows = [[re, im, exact, name] for (re, im, exact), name in sorted(
        answers.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1]))]
    OUT.write_text("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n", encoding="utf-8")
    named = sum(1 for r in rows if r[3] is not None)
    print(f"wrote {OUT.name}: {len(rows)} constants ({named} named) from {len(FORMULAS)} "
          f"formulas x 2 domains in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
