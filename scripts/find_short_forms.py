#!/usr/bin/env python
"""Find the shortest pure-EML forms of a fixed list of targets and write the shortest-forms table.

For each group (constants from the leaf 1 only, unary functions of x, binary functions of x, y)
enumerate every distinct function up to a K bound (``emlkit.search.enumerate_forms``), pick
the representatives whose values match the target at the strip test points, verify each in
mpmath at 50 digits on the strip grid and the plane grid (``emlkit.search.verify.classify``)
and keep, per target, the shortest strip-valid form and (when different) the shortest
plane-valid form. Targets not found are recorded with the bound searched.

Beyond the enumerated bound M, a meet-in-the-middle lookup (``Enumeration.match_roots``) finds
every form whose two children both have K <= M, so the table is exhaustive up to M + 2
("searched_to_K") and may hold longer forms ("proven_shortest": false).

The table is also stored in the catalog (``emlkit.catalog``, run kind ``"shortest-forms"``;
``--catalog FILE``, default ``$EMLKIT_CATALOG`` or ``~/.cache/emlkit/catalog.sqlite``): each
found form as a labelled form (label = target name, ``verified_digits`` = the digits the grid
check compares), the whole table as the run's result, and one checkpoint per finished group,
so the same command started again after an interrupt skips the groups already done.

Usage (the committed table; about 16 minutes with the two commands side by side on 2 cores)::

    python scripts/find_short_forms.py --groups const --const-K 37 --out /tmp/c.json
    python scripts/find_short_forms.py --groups unary,binary --unary-K 21 --binary-K 17 \
        --out /tmp/ub.json
    # then concatenate the two lists (or run all groups in one command, about 25 minutes)
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

import mpmath
import numpy as np
import sympy

from emlkit.catalog import Catalog, FormRecord
from emlkit.expr import Eml, Expr, rpn_string
from emlkit.search import enumerate_forms
from emlkit.search.verify import classify, special_failures, target_function

CONSTANTS = [
    "0", "-1", "2", "-2", "3", "1/2", "-1/2", "I", "-I", "2*I", "-2*I", "I/2", "-I/2",
    "pi", "-pi", "I*pi", "-I*pi", "I*pi/2", "-I*pi/2", "pi/2", "log(2)", "E", "E-1", "exp(E)",
    "-oo", "oo",
]
UNARY = [
    "-x", "1/x", "x-1", "x+1", "1-x", "2*x", "x/2", "x**2", "sqrt(x)", "-log(x)", "exp(-x)",
    "exp(x)-1", "log(x)+1", "log(x)-1", "I*x", "-I*x", "x+I*pi", "x-I*pi", "x+I*pi/2",
    "x-I*pi/2", "exp(exp(x))", "log(log(x))", "E*x", "x/E", "x**3", "1/x**2", "exp(x)+1",
    "log(x+1)", "log(1-x)", "exp(x)/2", "2*exp(x)",
    # the two forms every other form is built from, for reference
    "exp(x)", "log(x)",
]
#: Float agreement at the test points required of a candidate before the mpmath check.
RTOL = 1e-10
#: Digits the grid check of ``classify`` compares at its default 50-digit precision.
VERIFIED_DIGITS = 2 * 50 // 5

BINARY = [
    "x-y", "x+y", "x*y", "x/y", "x**y", "log(y)/log(x)", "(x+y)/2", "y-x", "x-log(y)",
    "exp(x)-y", "x+log(y)", "log(x)+log(y)", "log(x)-log(y)", "x*exp(y)", "x*log(y)",
]


def target_values(target: str, variables: tuple[str, ...], points: dict) -> np.ndarray:
    f = target_function(target, variables)
    P = len(next(iter(points.values()))) if points else 1
    out = np.empty(P, dtype=np.complex128)
    with mpmath.workdps(30):
        for p in range(P):
            v = mpmath.mpc(f(*(mpmath.mpc(points[n][p]) for n in variables)))
            out[p] = complex(v)
    return out


def entry(name: str, target: str, expr: Expr | None, domain: str, bound: int, cls=None,
          notes: str = "") -> dict:
    e = {
        "name": name,
        "target": target,
        "rpn": rpn_string(expr) if expr is not None else None,
        "K": expr.K if expr is not None else None,
        "depth": expr.depth if expr is not None else None,
        "domain": domain,
        "searched_to_K": bound,
    }
    if expr is not None:
        e["proven_shortest"] = expr.K <= bound
        e["eml"] = str(expr)
        e["dag_size"] = expr.dag_size
        e["through_infinity"] = bool(cls.through_infinity)
        e["touches_cut"] = bool(cls.touches_cut)
        e["fails_at"] = special_failures(expr, target, sorted(
            str(s) for s in sympy.sympify(target).free_symbols))
    if notes:
        e["notes"] = notes
    return e


def _preference(expr: Expr, cls) -> tuple:
    """Among forms of the same K prefer those a floating evaluator gets right most easily."""
    return (cls.touches_cut, cls.through_infinity, expr.depth, rpn_string(expr))


class Picker:
    """Verify candidates in K order; keep the best strip-valid and plane-valid forms."""

    def __init__(self, target, variables, max_candidates, same_K_cap=40):
        self.target = target
        self.variables = variables
        self.budget = max_candidates
        self.same_K_cap = same_K_cap
        self.strip = None  # (expr, cls)
        self.plane = None
        self.rejected = []
        self.seen = set()
        self.count_at = {}

    @property
    def done(self) -> bool:
        return self.plane is not None

    def finished_K(self, K: int) -> bool:
        """True when no candidate of size ``K`` or more can improve the picks."""
        return self.plane is not None and K > self.plane[0].K

    def offer(self, expr: Expr, full_match: bool) -> None:
        if self.budget <= 0 or id(expr) in self.seen:
            return
        K = expr.K
        if self.finished_K(K):
            return
        strip_useful = self.strip is None or self.strip[0].K == K
        plane_useful = full_match and (self.plane is None or self.plane[0].K == K)
        if not (strip_useful or plane_useful):
            return
        if self.strip is not None and self.count_at.get(K, 0) >= self.same_K_cap:
            return
        self.seen.add(id(expr))
        self.budget -= 1
        self.count_at[K] = self.count_at.get(K, 0) + 1
        cls = classify(expr, self.target, self.variables)
        if cls.domain is None:
            self.rejected.append((K, rpn_string(expr), cls.failure))
            return
        if strip_useful and (
            self.strip is None or _preference(expr, cls) < _preference(*self.strip)
        ):
            self.strip = (expr, cls)
        if cls.domain == "plane" and (
            self.plane is None or _preference(expr, cls) < _preference(*self.plane)
        ):
            self.plane = (expr, cls)

    def entries(self, name, bound, ran_out):
        rej = [r for r in self.rejected if self.strip is None or r[0] <= self.strip[0].K]
        note = ""
        if rej:
            k, rpn, why = rej[0]
            note = (f"{len(rej)} candidate(s) of K <= the pick matched the test points but "
                    f"failed the grid, e.g. K={k} [{rpn}] {why}")
        if ran_out and self.plane is None:
            note = (note + "; " if note else "") + "candidate budget exhausted"
        if self.strip is None:
            return [entry(name, self.target, None, "strip", bound, notes=note),
                    entry(name, self.target, None, "plane", bound)]
        s_expr, s_cls = self.strip
        if self.plane is not None and self.plane[0].K == s_expr.K:
            p_expr, p_cls = self.plane
            return [entry(name, self.target, p_expr, "plane", bound, p_cls, note)]
        out = [entry(name, self.target, s_expr, "strip", bound, s_cls, note)]
        if self.plane is not None:
            out.append(entry(name, self.target, self.plane[0], "plane", bound, self.plane[1]))
        else:
            out.append(entry(name, self.target, None, "plane", bound,
                             notes=f"the strip form fails off the strip: {s_cls.failure}"))
        return out


def search_group(targets, variables, max_K, *, memory, max_candidates, mitm, log):
    t0 = time.perf_counter()
    en = enumerate_forms(max_K, variables, memory_limit_bytes=memory, progress=True)
    t_enum = time.perf_counter() - t0
    M = en.max_K
    log(f"# enumeration {variables or '(constants)'}: max_K={M} total={en.total:,} "
        f"complete={en.complete} {t_enum:.1f}s collisions={en.collisions}")
    t1 = time.perf_counter()
    tvals = [target_values(t, variables, en.points) for t in targets]
    matches = en.match([(tv, en.strip) for tv in tvals], rtol=RTOL)
    full_matches = [set(m) for m in en.match([(tv, None) for tv in tvals], rtol=RTOL)]
    t_match = time.perf_counter() - t1
    t2 = time.perf_counter()
    t_mitm = 0.0
    bound = M + 2 if mitm else M
    entries = []
    rejected_total = 0
    for target, tv, cands, full in zip(targets, tvals, matches, full_matches):
        pk = Picker(target, variables, max_candidates)
        for gid in cands:
            if pk.finished_K(en.size_of(gid)):
                break
            pk.offer(en.expr(gid), gid in full)
        if mitm and not pk.done and np.isfinite(tv).all():
            tm = time.perf_counter()
            roots = en.match_roots(tv, en.strip, min_K=M + 1, rtol=RTOL)
            if en.strip.all():  # no test point off the strip (constants): same lookup
                plane_roots = set(roots)
            else:
                plane_roots = set(en.match_roots(tv, None, min_K=M + 1, rtol=RTOL))
            t_mitm += time.perf_counter() - tm
            dt = time.perf_counter() - tm
            log(f"#   {target}: {len(roots)} meet-in-the-middle candidates "
                f"({len(plane_roots)} matching off the strip too) in {dt:.1f}s")
            for K, a, b in roots:
                if pk.finished_K(K) or pk.budget <= 0:
                    break
                if pk.strip is not None and K > pk.strip[0].K and (K, a, b) not in plane_roots:
                    continue
                pk.offer(Eml(en.expr(a), en.expr(b)), (K, a, b) in plane_roots)
        rejected_total += len(pk.rejected)
        entries.extend(pk.entries(target, bound, pk.budget <= 0))
    t_verify = time.perf_counter() - t2 - t_mitm
    log(f"# match {t_match:.1f}s, meet-in-the-middle {t_mitm:.1f}s, verify {t_verify:.1f}s, "
        f"rejected candidates {rejected_total}")
    stats = {
        "variables": variables, "max_K": M, "counts": dict(en.counts),
        "seconds": dict(en.seconds), "enumerate_s": t_enum, "match_s": t_match,
        "mitm_s": t_mitm, "verify_s": t_verify, "total": en.total,
    }
    del en
    gc.collect()
    return entries, stats


def table_forms(entries: list[dict], variables: tuple[str, ...]) -> list[FormRecord]:
    """Catalog records of the forms found (label: target name; fingerprint: target, domain)."""
    return [
        FormRecord(
            rpn=e["rpn"], K=e["K"], fingerprint=f"{e['target']} [{e['domain']}]",
            variables=tuple(variables), label=e["name"], verified_digits=VERIFIED_DIGITS,
        )
        for e in entries if e["rpn"] is not None
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--const-K", type=int, default=31)
    ap.add_argument("--unary-K", type=int, default=19)
    ap.add_argument("--binary-K", type=int, default=15)
    ap.add_argument("--memory-gib", type=float, default=14.0)
    ap.add_argument("--max-candidates", type=int, default=400)
    ap.add_argument("--no-mitm", action="store_true",
                    help="skip the meet-in-the-middle search beyond the enumerated K")
    ap.add_argument("--groups", default="const,unary,binary",
                    help="comma-separated subset of const, unary, binary")
    ap.add_argument("--merge", action="store_true",
                    help="replace only the searched groups' entries in an existing --out file")
    ap.add_argument("--out", default="src/emlkit/data/shortest_forms.json")
    ap.add_argument("--stats", default=None, help="also write counts and timings here (JSON)")
    ap.add_argument("--catalog", default=None,
                    help="catalog file (default: $EMLKIT_CATALOG or ~/.cache/emlkit/...)")
    ap.add_argument("--no-catalog", action="store_true", help="do not store the table")
    args = ap.parse_args(argv)
    memory = int(args.memory_gib * 2**30)

    def log(msg):
        print(msg, flush=True)

    all_entries = []
    all_stats = []
    groups = {
        "const": (CONSTANTS, (), args.const_K),
        "unary": (UNARY, ("x",), args.unary_K),
        "binary": (BINARY, ("x", "y"), args.binary_K),
    }
    names = args.groups.split(",")
    for g in names:
        if g not in groups:
            ap.error(f"unknown group {g!r} in --groups (use const, unary, binary)")
    catalog = Catalog(":memory:" if args.no_catalog else args.catalog)
    params = {
        "groups": names, "const_K": args.const_K, "unary_K": args.unary_K,
        "binary_K": args.binary_K, "max_candidates": args.max_candidates,
        "mitm": not args.no_mitm, "memory_gib": args.memory_gib,
    }
    run = catalog.start_run("shortest-forms", params)
    done = (run.checkpoint() or {}).get("done", {})
    for g in names:
        targets, variables, K = groups[g]
        if g in done and not run.finished:
            log(f"# group {g}: taken from the catalog (run {run.id})")
            entries, stats = done[g]["entries"], done[g]["stats"]
        else:
            entries, stats = search_group(
                targets, variables, K, memory=memory, max_candidates=args.max_candidates,
                mitm=not args.no_mitm, log=log,
            )
            stats = json.loads(json.dumps(stats, default=str))
            done[g] = {"entries": entries, "stats": stats}
            run.save(forms=table_forms(entries, variables), checkpoint={"done": done})
        all_entries.extend(entries)
        all_stats.append(stats)
    run.finish({"entries": all_entries, "stats": all_stats})
    log(f"# stored in the catalog {catalog.path} (run {run.id}, kind shortest-forms)")
    catalog.close()

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.merge and out.exists():
        # keep the entries of the groups not searched now, in the usual order
        done = {e["name"] for e in all_entries}
        old = [e for e in json.loads(out.read_text()) if e["name"] not in done]
        order = {n: i for i, n in enumerate(CONSTANTS + UNARY + BINARY)}
        all_entries = sorted(old + all_entries, key=lambda e: order.get(e["name"], 1 << 30))
    out.write_text(json.dumps(all_entries, indent=1) + "\n")
    if args.stats:
        Path(args.stats).write_text(json.dumps(all_stats, indent=1, default=str) + "\n")

    log("\n| name | domain | K | depth | inf | cut | rpn |")
    log("|---|---|---|---|---|---|---|")
    for e in all_entries:
        k = e["K"] if e["K"] is not None else f">{e['searched_to_K']}"
        inf = "" if e["rpn"] is None else ("yes" if e["through_infinity"] else "")
        cut = "" if e["rpn"] is None else ("yes" if e["touches_cut"] else "")
        log(f"| {e['name']} | {e['domain']} | {k} | {e['depth'] or ''} | {inf} | {cut} | "
            f"{e['rpn'] or ''} |")
    for s in all_stats:
        log(f"\ncounts {s['variables'] or '(constants)'}: {s['counts']}")
        log(f"seconds per K: { {k: round(v, 2) for k, v in s['seconds'].items()} }")
        log(f"enumerate {s['enumerate_s']:.1f}s match {s['match_s']:.1f}s "
            f"meet-in-the-middle {s['mitm_s']:.1f}s verify {s['verify_s']:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
