"""Write ``src/emlkit/data/constants.json``: every constant of the identification table to 2,100
digits.

Each value is computed twice with mpmath (at the stored precision + 20 and + 40 digits) and
written only when both agree on every stored digit. Values already in the file whose mpmath
definition is unchanged are kept (so a new constant costs only its own time); the file is
rewritten after each constant. Run from the repository root:

    PYTHONPATH=src python scripts/make_constants.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import mpmath

from emlkit.identify.constants import STORED_DIGITS, TABLE, compute

OUT = Path(__file__).resolve().parents[1] / "src" / "emlkit" / "data" / "constants.json"


def main() -> int:
    old: dict = json.loads(OUT.read_text("utf-8")) if OUT.exists() else {}
    values: dict[str, str] = {}
    definitions: dict[str, str] = {}
    for const in TABLE:
        definitions[const.name] = const.mpmath
        if old.get("definitions", {}).get(const.name) == const.mpmath and \
                old.get("digits") == STORED_DIGITS:
            values[const.name] = old["values"][const.name]
            continue
        start = time.perf_counter()
        a = compute(const, STORED_DIGITS + 20)
        b = compute(const, STORED_DIGITS + 40)
        sa = mpmath.nstr(a, STORED_DIGITS, strip_zeros=False, min_fixed=-1, max_fixed=1)
        sb = mpmath.nstr(b, STORED_DIGITS, strip_zeros=False, min_fixed=-1, max_fixed=1)
        if sa != sb:
            print(f"{const.name}: the two precisions disagree", file=sys.stderr)
            return 1
        with mpmath.workdps(STORED_DIGITS + 20):
            text = mpmath.nstr(a, STORED_DIGITS, strip_zeros=False, min_fixed=-30,
                               max_fixed=30)
        values[const.name] = text
        print(f"{const.name:22} {time.perf_counter() - start:7.2f} s  {text[:24]}...",
              file=sys.stderr)
        _write(values, definitions, old)
    _write(values, definitions, {})
    print(f"wrote {OUT} ({len(values)} constants)", file=sys.stderr)
    return 0


def _write(values: dict[str, str], definitions: dict[str, str], old: dict) -> None:
    keep = {k: v for k, v in old.get("values", {}).items() if k not in values}
    data = {
        "about": "values of emlkit.identify.constants.TABLE, written by scripts/make_constants.py",
        "digits": STORED_DIGITS,
        "mpmath": mpmath.__version__,
        "definitions": {**{k: old["definitions"][k] for k in keep}, **definitions},
        "values": {**keep, **values},
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
