"""Playground load test: 1,000 requests from several concurrent clients against ``eml serve``.

Starts ``eml serve`` in a subprocess on 127.0.0.1 and a free port, sends a bounded number of
requests from ``--clients`` threads (one ``httpx.Client`` each), counts errors (any status
other than 200, or a failed connection), prints p50/p99 latency per request kind, then stops
the server with Ctrl-C (SIGINT). The reference row, measured in the same run, is 100 of the
same compile requests sent by one client, one at a time (no contention), so the ratio shows
what the concurrency costs. The mix: half compile requests (8 formulas evaluated at a point),
a tenth compile-and-draw, a fifth the page, a fifth the shortest-forms table; the server keeps
each formula's compiled description cached per worker, as a page re-evaluating it would.

Run:  python benchmarks/serve_load.py [--requests 1000] [--clients 8]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _machine import machine  # benchmarks/ is the script folder, first on sys.path

import emlkit as ek

SRC = str(Path(ek.__file__).resolve().parents[1])
FORMULAS = ["exp(x)", "ln(x)", "x*y", "x + y", "sin(x)", "x/y - 1", "sqrt(x)", "x^2 + 1"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port: int) -> subprocess.Popen:
    import httpx

    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "emlkit", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/features", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("eml serve did not start within 60 s")


def _request(i: int) -> tuple[str, str, str, dict | None]:
    """The i-th request of the mix: (kind, method, path, json body)."""
    k = i % 10
    if k < 5:
        f = FORMULAS[i % len(FORMULAS)]
        at = {v: "0.7" for v in ("x", "y") if v in f}
        return "compile", "POST", "/api/compile", {"formula": f, "at": at, "draw": False}
    if k == 5:
        return "compile+draw", "POST", "/api/compile", {"formula": FORMULAS[i % 4]}
    if k < 8:
        return "page", "GET", "/", None
    return "forms table", "GET", "/api/forms", None


def _load(base: str, total: int, clients: int,
          compile_only: bool = False) -> tuple[dict[str, list[float]], list[str], float]:
    import httpx

    counter = iter(range(total))
    lock = threading.Lock()
    times: dict[str, list[float]] = {}
    errors: list[str] = []

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                kind, method, path, body = _request((i // 5) * 10 + i % 5 if compile_only else i)
                t0 = time.perf_counter()
                try:
                    r = c.request(method, path, json=body)
                    ok = r.status_code == 200
                    why = f"{kind}: HTTP {r.status_code} {r.text[:80]}"
                except httpx.HTTPError as exc:
                    ok, why = False, f"{kind}: {type(exc).__name__}"
                dt = time.perf_counter() - t0
                with lock:
                    times.setdefault(kind, []).append(dt)
                    if not ok:
                        errors.append(why)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, time.perf_counter() - t0


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000, help="requests in all (default 1000)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    args = ap.parse_args(argv)
    if not (1 <= args.requests <= 100_000 and 1 <= args.clients <= 64):
        raise SystemExit("--requests must be 1..100000 and --clients 1..64")
    print(f"machine: {machine()}")
    print(f"command: {sys.executable} {' '.join(sys.argv)}")
    port = _free_port()
    proc = _start(port)
    try:
        _load(f"http://127.0.0.1:{port}", 20, 2)  # warm-up (first SymPy and matplotlib use)
        times, errors, wall = _load(f"http://127.0.0.1:{port}", args.requests, args.clients)
        ref_times, ref_errors, _ = _load(f"http://127.0.0.1:{port}", 100, 1, compile_only=True)
        ref, errors = ref_times["compile"], errors + ref_errors
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    n = sum(len(v) for v in times.values())
    print(f"{n} requests from {args.clients} concurrent clients in {wall:.2f} s "
          f"({n / wall:.0f} requests/s); errors: {len(errors)}")
    print()
    print(f"{'request kind':<16}{'count':>7}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    everything = [t for v in times.values() for t in v]
    for kind in ("compile", "compile+draw", "page", "forms table"):
        v = times.get(kind, [])
        if v:
            print(f"{kind:<16}{len(v):>7}{1e3 * _pct(v, 0.5):>10.1f}{1e3 * _pct(v, 0.99):>10.1f}"
                  f"{1e3 * max(v):>10.1f}")
    print(f"{'all':<16}{len(everything):>7}{1e3 * _pct(everything, 0.5):>10.1f}"
          f"{1e3 * _pct(everything, 0.99):>10.1f}{1e3 * max(everything):>10.1f}")
    r50 = statistics.median(ref)
    print(f"{'reference':<16}{len(ref):>7}{1e3 * r50:>10.1f}{1e3 * _pct(ref, 0.99):>10.1f}"
          f"{1e3 * max(ref):>10.1f}   (the compile requests from 1 client, one at a time)")
    c50 = _pct(times.get("compile", [r50]), 0.5)
    print(f"\ncompile p50 with {args.clients} concurrent clients / with 1 client: "
          f"{c50 / r50:.1f}x")
    for e in errors[:5]:
        print(f"error: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
