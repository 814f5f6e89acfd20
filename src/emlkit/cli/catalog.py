"""``eml catalog list|show|export``: look into the catalog of runs and forms.

>>> import io, contextlib, tempfile, os
>>> from emlkit.catalog import Catalog, FormRecord
>>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite")
>>> with Catalog(path) as cat:
...     cat.start_run("demo", {"n": 1}).save(forms=[FormRecord("1 1 E", 3, "e", label="E")])
>>> from emlkit.cli import main
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     status = main(["catalog", "export", "--catalog", path, "--format", "csv"])
>>> status, out.getvalue().splitlines()[1]
(0, '1,1 1 E,3,e,,E,')
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from .common import add_command, add_output, print_json

__all__ = ["register"]


def _open(args: argparse.Namespace) -> Any:
    from ..catalog import Catalog, CatalogError, default_path

    path = args.catalog if args.catalog else default_path()
    if str(path) != ":memory:" and not os.path.exists(path):
        raise CatalogError(f"{path}: no catalog there (run 'eml search' first, or give --catalog)")
    return Catalog(path)


def _summary(run: dict) -> str:
    res = run["result"] or {}
    state = "finished" if run["finished"] else (
        f"open, checkpoint K={run['checkpoint'].get('K')}" if run["checkpoint"]
        and "K" in run["checkpoint"] else "open")
    params = json.dumps(run["params"], sort_keys=True, separators=(",", ":"))
    extra = f" total={res['total']:,}" if "total" in res else ""
    return (f"{run['id']:>4}  {run['kind']:<15} {state:<26} forms={run['forms']:<7,d}"
            f"{extra}  {run['started']}  {params}")


def _cmd_list(args: argparse.Namespace) -> int:
    with _open(args) as cat:
        runs = [r.as_dict() for r in cat.runs()]
        if args.json:
            print_json({"catalog": str(cat.path), "runs": runs})
            return 0
        print(f"catalog: {cat.path} ({len(runs)} run{'s' if len(runs) != 1 else ''})")
        for r in runs:
            print(_summary(r))
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    with _open(args) as cat:
        run = cat.run(args.run_id)
        d = run.as_dict()
        forms = [f.as_dict() for f in run.forms(limit=args.limit)]
        if args.json:
            print_json({**d, "forms_shown": forms})
            return 0
        print(_summary(d))
        if run.kind in ("pcf-search", "pcf-deep"):  # PCF formulas live in their own table
            from ..catalog.pcf_store import pcf_formulas
            from ..pcf.search import Formula

            recs = pcf_formulas(cat, run_id=run.id, limit=args.limit)
            for r in recs:
                print(f"  {r['kind']:<10}  {Formula.from_record(r)}")
            print(f"{len(recs):,} PCF formulas shown (all of them: eml catalog export --pcf "
                  f"--run {run.id})")
            return 0
        res = d["result"] or d["checkpoint"] or {}
        counts = res.get("counts")
        if counts:
            reach = res.get("reach_seconds")
            if reach is None:  # an open run: add up the level times of its checkpoint
                reach, acc = {}, 0.0
                for k in sorted(res.get("seconds") or {}, key=int):
                    acc += res["seconds"][k]
                    reach[k] = acc
            print(f"{'K':>4} {'forms':>12} {'reach s':>9}")
            for k in sorted(counts, key=int):
                at = reach.get(k)
                print(f"{k:>4} {counts[k]:>12,d} {'' if at is None else f'{at:9.2f}'}")
        if d.get("result") is not None:
            # small fields in one line; lists and per-K tables are shown above or exported
            rest = {k: v for k, v in d["result"].items()
                    if not isinstance(v, (list, dict)) or k in ("variables",)}
            if rest:
                print("result: " + json.dumps(rest, sort_keys=True))
            entries = d["result"].get("entries")
            if isinstance(entries, list):  # a shortest-forms table
                print(f"{'name':<14} {'domain':<6} {'K':>4}  rpn")
                for e in entries:
                    k = e.get("K") if e.get("K") is not None else f">{e.get('searched_to_K')}"
                    print(f"{e.get('name', ''):<14} {e.get('domain', ''):<6} {k:>4}  "
                          f"{e.get('rpn') or ''}")
        labelled = [f for f in forms if f["label"] is not None]
        if labelled:
            print("labelled forms:")
            for f in labelled:
                dig = "" if f["verified_digits"] is None else f"{f['verified_digits']} digits"
                print(f"  {f['label']:<14} K={f['K']:<3} {dig:<10} {f['rpn']}")
        print(f"{d['forms']:,} forms stored, {len(labelled):,} labelled (all of them: "
              f"eml catalog export --run {run.id})")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    with _open(args) as cat:
        if args.run_id is not None:
            cat.run(args.run_id)  # a clear error for an unknown run
        kw = {"run_id": args.run_id, "K": args.K, "label": args.label, "limit": args.limit}
        export = cat.export
        if args.pcf:  # PCF formulas (eml pcf search) instead of EML forms
            from ..catalog.pcf_store import export_pcf

            kw = {"run_id": args.run_id, "limit": args.limit}

            def export(fh: Any, fmt: str, **k: Any) -> int:
                return export_pcf(cat, fh, fmt, **k)
        if args.output and args.output != "-":
            with open(args.output, "w", encoding="utf-8", newline="") as fh:
                n = export(fh, args.format, **kw)
            if args.json:
                print(json.dumps({"output": args.output, "forms": n, "format": args.format}))
            else:
                print(f"wrote {n:,} forms to {args.output}", file=sys.stderr)
        else:
            export(sys.stdout, args.format, **kw)
    return 0


def register(sub: Any) -> None:
    """Add ``eml catalog`` (with ``list``, ``show``, ``export``) to ``sub``."""
    p = add_command(sub, "catalog", None)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--catalog", metavar="FILE", help="catalog file (SQLite)")
        add_output(q)

    q = add_command(actions, "catalog list", _cmd_list)
    common(q)

    q = add_command(actions, "catalog show", _cmd_show)
    q.add_argument("run_id", type=int, metavar="RUN", help="run id (see 'eml catalog list')")
    q.add_argument("--limit", type=int, default=None, help="forms to read (default: all)")
    common(q)

    q = add_command(actions, "catalog export", _cmd_export)
    q.add_argument("--format", choices=("csv", "json"), default="csv",
                   help="csv: one row per form (default); json: runs and forms")
    q.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout)")
    q.add_argument("--run", type=int, metavar="RUN", dest="run_id",
                   help="only this run's forms")
    q.add_argument("--K", type=int, metavar="K", help="only forms of this size")
    q.add_argument("--label", help="only forms with this label")
    q.add_argument("--limit", type=int, default=None, help="at most this many forms")
    q.add_argument("--pcf", action="store_true",
                   help="export the PCF formulas of 'eml pcf search' runs instead")
    common(q)
