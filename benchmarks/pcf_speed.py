"""PCF limits and a whole box, emlkit side by side with ramanujantools in one process.

Cases (each: emlkit's ``PCF.limit`` against ramanujantools' ``PCF.limit(depth)`` at the depth
that gives it the same digits, plus ``as_float()`` and ``precision()``):

1. 4/pi = PCF(2n+1, n^2) to 1,000 digits;
2. 4/pi to 10,000 digits;
3. 6/zeta(3) = PCF(34n^3+51n^2+27n+5, -n^6) to 1,000 digits;
4. the box deg a, b <= 2, coefficients in [-2, 2] (15,376 PCFs) to 30 verified digits:
   ``evaluate_box`` on all of them; ramanujantools on a random sample (it runs at tens of PCFs
   per second), and a plain Python integer loop at depth 60 on all of them.

Times are the best of --repeat runs after one warm-up (imports, numba's compile cache), the
two libraries called alternately so that both see the same machine load; "cold" is the first
call. Values are checked against mpmath's constants.

Run:  python benchmarks/pcf_speed.py [--repeat R] [--sample S]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time

import mpmath
import sympy


def best_of(fn, repeat: int) -> tuple[float, float, object]:
    t = time.perf_counter()
    out = fn()
    cold = time.perf_counter() - t
    times = [cold]
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return cold, min(times), out


Timing = tuple[float, float, object]  # (first call, best of the rest, result)


def interleaved(f, g, repeat: int) -> tuple[Timing, Timing]:
    """best_of for f and g, alternating calls so both see the same machine load."""
    runs: list[list[float]] = [[], []]
    outs: list[object] = [None, None]
    for _ in range(repeat + 1):
        for k, fn in enumerate((f, g)):
            t = time.perf_counter()
            outs[k] = fn()
            runs[k].append(time.perf_counter() - t)
    return ((runs[0][0], min(runs[0]), outs[0]), (runs[1][0], min(runs[1]), outs[1]))


def rt_depth_for(rt_pcf, digits: int, start: int) -> int:
    """The least depth (to 2%) at which ramanujantools reports ``digits`` digits."""
    lo, hi = 1, start
    while rt_pcf.limit(hi).precision() < digits:
        lo, hi = hi, hi * 2
    while hi - lo > max(2, hi // 50):
        mid = (lo + hi) // 2
        if rt_pcf.limit(mid).precision() >= digits:
            hi = mid
        else:
            lo = mid
    return hi


def plain_loop(rows_a, rows_b, depth: int) -> int:
    """p_n, q_n by Python ints, one PCF after the other (what a script would do)."""
    done = 0
    for ca, cb in zip(rows_a, rows_b):
        p1, p, q1, q = 1, ca[0], 0, 1
        for k in range(1, depth + 1):
            a = ca[0] + ca[1] * k + ca[2] * k * k
            b = cb[0] + cb[1] * k + cb[2] * k * k
            p1, p = p, a * p + b * p1
            q1, q = q, a * q + b * q1
        done += q != 0
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200, help="box PCFs for ramanujantools")
    args = parser.parse_args()

    from ramanujantools.pcf import PCF as RtPCF

    from emlkit.pcf import PCF
    from emlkit.pcf._tails import tail_certificate
    from emlkit.pcf.box import coefficient_box, evaluate_box
    from emlkit.pcf.exact import _chunk_cache

    n = sympy.Symbol("n")
    PCF("n+2", "-n").limit(digits=50)  # warm-up: flint, mpmath
    evaluate_box([[1, 1]], [[1, 1]])  # warm-up: numba compile (cached on disk)

    print(f"# PCF speed: emlkit vs ramanujantools, one process; {platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"# command: python benchmarks/pcf_speed.py --repeat {args.repeat} "
          f"--sample {args.sample}")
    print(f"{'case':34} {'emlkit':>12} {'cold':>9} {'ramanujantools':>15} {'cold':>9} "
          f"{'ratio':>7}  digits (ours/theirs)")

    cases = [
        ("4/pi to 1,000 digits", ("2n+1", "n^2"), (2 * n + 1, n**2), 1000, 1000,
         lambda: 4 / mpmath.pi),
        ("4/pi to 10,000 digits", ("2n+1", "n^2"), (2 * n + 1, n**2), 10_000, 10_000,
         lambda: 4 / mpmath.pi),
        ("6/zeta(3) to 1,000 digits", ("34n^3+51n^2+27n+5", "-n^6"),
         (34 * n**3 + 51 * n**2 + 27 * n + 5, -n**6), 1000, 300, lambda: 6 / mpmath.zeta(3)),
    ]
    for name, ours_ab, rt_ab, digits, start, ref in cases:
        pcf = PCF(*ours_ab)

        def run_ours(pcf=pcf, d=digits):
            tail_certificate.cache_clear()  # no help from an earlier run
            _chunk_cache.clear()
            return pcf.limit(digits=d)

        depth = rt_depth_for(RtPCF(*rt_ab), digits, start)

        def run_rt(rt_ab=rt_ab, depth=depth):
            res = RtPCF(*rt_ab).limit(depth)  # a new object: its caches start empty
            return res.as_float(), res.precision()

        (cold, best, lim), (rcold, rbest, (_, rdigits)) = interleaved(run_ours, run_rt,
                                                                      args.repeat)
        with mpmath.workdps(digits + 20):
            exact = ref()
            err = abs(lim.value - exact) / abs(exact)  # (decimal text > 4300 digits: no int())
            assert err < mpmath.mpf(10) ** (-digits + 1), name
        print(f"{name:34} {best * 1e3:9.2f} ms {cold * 1e3:6.1f} ms {rbest * 1e3:12.2f} ms "
              f"{rcold * 1e3:6.1f} ms {rbest / best:6.1f}x  {lim.digits} "
              f"({'proven' if lim.proven else 'checked'}, depth {lim.depth}) / {rdigits} "
              f"(depth {depth})")

    a, b = coefficient_box()
    cold, best, res = best_of(lambda: evaluate_box(a, b, digits=30), max(1, args.repeat - 2))
    rate = len(a) / best
    counts = res.counts()
    rng = random.Random(0)
    picks = rng.sample(range(len(a)), args.sample)
    rt_pcfs = [RtPCF(sum(int(c) * n**i for i, c in enumerate(a[i])),
                     sum(int(c) * n**i for i, c in enumerate(b[i]))) for i in picks]

    def run_rt_box():
        for p in rt_pcfs:
            try:
                p.limit(60).precision()
            except (ZeroDivisionError, ValueError, ArithmeticError):
                pass

    t = time.perf_counter()
    run_rt_box()
    rt_rate = len(rt_pcfs) / (time.perf_counter() - t)
    rows_a, rows_b = a.tolist(), b.tolist()
    t = time.perf_counter()
    plain_loop(rows_a, rows_b, 60)
    loop_rate = len(rows_a) / (time.perf_counter() - t)
    print(f"{'box 15,376 PCFs to 30 digits':34} {rate:9,.0f}/s {len(a) / cold:7,.0f}/s "
          f"{rt_rate:12,.1f}/s {'':9} {rate / rt_rate:6,.0f}x  "
          f"(ramanujantools: {args.sample} sampled, depth 60)")
    print(f"{'  plain Python int loop, depth 60':34} {'':12} {'':9} {loop_rate:12,.0f}/s "
          f"{'':9} {rate / loop_rate:6.1f}x")
    print(f"  box statuses: {counts}; {int(res.proven.sum())} of {counts.get('converged', 0)} "
          "converged rows proven, the rest checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
