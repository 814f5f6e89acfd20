"""Run one compiled expression on every backend and every generated-code target at many points.

Each runner takes the expression, its argument names and a tuple of complex128 arrays (one per
argument, the signed zeros selecting the side of a cut) and returns complex128 values. The
per-point backends (mpmath, arb, generated mpmath) take the indices of a subsample.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass

import numpy as np

import emlkit as ek
from emlkit.backends.codegen import to_code

from .limits import take, wrong

TARGETS = ("numpy", "torch", "mpmath", "arb", "gen-numpy", "gen-c", "gen-torch", "gen-mpmath")
#: targets evaluated per point (on a subsample in the test suite)
SLOW = ("mpmath", "arb", "gen-mpmath")


def _quiet(fn, *a, **k):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*a, **k)


def run_numpy(expr, names, args):
    kw = dict(zip(names, args))
    return np.asarray(_quiet(ek.evaluate, expr, kw, on_nan="ignore"), complex)


def run_torch(expr, names, args):
    import torch

    kw = {n: torch.from_numpy(np.ascontiguousarray(a)) for n, a in zip(names, args)}
    out = _quiet(ek.evaluate, expr, kw, backend="torch", on_nan="ignore")
    return np.asarray(out.detach().numpy(), complex)


def run_mpmath(expr, names, args, idx, dps=30):
    out = np.full(len(idx), complex(np.nan, np.nan))
    for j, i in enumerate(idx):
        kw = {n: complex(a[i]) for n, a in zip(names, args)}
        try:
            v = _quiet(ek.evaluate, expr, kw, backend="mpmath", dps=dps, on_nan="ignore")
            out[j] = complex(v)
        except (ek.EMLError, ValueError, OverflowError, ZeroDivisionError):
            pass
    return out


def run_arb(expr, names, args, idx, dps=30):
    """Certificates at the subsample: (certified mask, list of value balls)."""
    points = [{n: complex(a[i]) for n, a in zip(names, args)} for i in idx]
    certs = _quiet(ek.certify, expr, points, dps=dps)
    return np.array([c.certified for c in certs]), [c.value for c in certs]


def _namespace(expr, lang):
    ns: dict = {}
    exec(compile(to_code(expr, lang, name="f"), f"<generated {lang}>", "exec"), ns)  # noqa: S102
    return ns["f"]


def run_gen_numpy(expr, names, args):
    f = _namespace(expr, "numpy")
    return np.broadcast_to(np.asarray(_quiet(f, *args), complex), args[0].shape).copy()


def run_gen_torch(expr, names, args):
    import torch

    f = _namespace(expr, "torch")
    out = _quiet(f, *[torch.from_numpy(np.ascontiguousarray(a)) for a in args])
    return np.broadcast_to(np.asarray(out.detach().numpy(), complex), args[0].shape).copy()


def run_gen_mpmath(expr, names, args, idx):
    f = _namespace(expr, "mpmath")
    from mpmath import mp

    out = np.full(len(idx), complex(np.nan, np.nan))
    with mp.workdps(30):
        for j, i in enumerate(idx):
            try:
                out[j] = complex(_quiet(f, *[complex(a[i]) for a in args]))
            except (ValueError, OverflowError, ZeroDivisionError):
                pass
    return out


_MAIN = """
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
    double v[%(n2)d];
    while (fread(v, sizeof(double), %(n2)d, in) == %(n2)d) {
        double complex r = f(%(args)s);
        double w[2] = {creal(r), cimag(r)};
        fwrite(w, sizeof(double), 2, out);
    }
    fclose(in); fclose(out);
    return 0;
}
"""


def have_gcc() -> bool:
    return shutil.which("gcc") is not None


def run_gen_c(expr, names, args):
    """Compile the generated C99 with gcc (-O2, no fast-math) and run it over every point."""
    n = len(args)
    call = ", ".join(f"CMPLX(v[{2 * k}], v[{2 * k + 1}])" for k in range(n))
    src = to_code(expr, "c", name="f") + _MAIN % {"n2": 2 * n, "args": call}
    with tempfile.TemporaryDirectory() as tmp:
        c_file, exe = os.path.join(tmp, "f.c"), os.path.join(tmp, "f")
        with open(c_file, "w") as fh:
            fh.write(src)
        subprocess.run(["gcc", "-std=c11", "-O2", c_file, "-o", exe, "-lm"], check=True,
                       capture_output=True, timeout=120)
        inp, outp = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
        stacked = np.stack([np.stack([a.real, a.imag], 1) for a in args], 1)
        np.ascontiguousarray(stacked, dtype=np.float64).tofile(inp)
        subprocess.run([exe, inp, outp], check=True, timeout=120)
        raw = np.fromfile(outp, dtype=np.float64).reshape(-1, 2)
    out = np.empty(len(raw), complex)
    out.real, out.imag = raw[:, 0], raw[:, 1]  # keeps signed zeros and infinite parts
    return out


def run_plain(expr, names, args):
    """The tree under plain complex arithmetic: ``exp(a) − log(b)`` node by node with NumPy's
    C99 functions, no nudge and no constant folding (what an exported tree gets elsewhere)."""
    from emlkit.expr import Eml, Var, postorder

    env = dict(zip(names, args))
    one = np.ones(len(args[0]), complex)
    vals: dict = {}
    with np.errstate(all="ignore"):
        for node in postorder(expr):
            if isinstance(node, Eml):
                vals[id(node)] = np.exp(vals[id(node.left)]) - np.log(vals[id(node.right)])
            elif isinstance(node, Var):
                vals[id(node)] = np.asarray(env[node.name], complex)
            else:
                vals[id(node)] = one
    return np.broadcast_to(vals[id(expr)], args[0].shape).copy()


FAST_RUNNERS = {
    "numpy": run_numpy, "torch": run_torch, "gen-numpy": run_gen_numpy,
    "gen-c": run_gen_c, "gen-torch": run_gen_torch,
}


@dataclass(frozen=True)
class Count:
    """Wrong values (or unsound certificates, for arb) of one target at a set of points."""

    target: str
    points: int
    wrong: int
    certified: int = 0  # arb only
    examples: tuple = ()  # a few (input(s), value, reference) of the wrong ones


def _examples(args, z, ref, bad, k=3):
    out = []
    for i in np.flatnonzero(bad)[:k]:
        out.append((tuple(complex(a[i]) for a in args), complex(z[i]), complex(ref.value[i])))
    return tuple(out)


def count(expr, names, args, ref, target, idx=None) -> Count:
    """Count the wrong values of ``target`` (all points, or the indices ``idx``)."""
    if target in FAST_RUNNERS:
        if target == "gen-c" and not have_gcc():
            raise RuntimeError("gcc is not installed")
        z = FAST_RUNNERS[target](expr, names, args)
        if idx is not None:
            z, args, ref = z[idx], tuple(a[idx] for a in args), take(ref, idx)
        bad = wrong(ref, z)
        return Count(target, int(ref.defined.sum()), int(bad.sum()), 0,
                     _examples(args, z, ref, bad))
    idx = np.arange(len(args[0])) if idx is None else idx
    sub_args, sub_ref = tuple(a[idx] for a in args), take(ref, idx)
    if target == "arb":
        ok, balls = run_arb(expr, names, args, idx)
        bad = np.array([bool(o) and not contains(b, sub_ref, j) for j, (o, b) in
                        enumerate(zip(ok, balls))]) & sub_ref.defined
        mids = np.array([complex(b.mid()) if b.is_finite() else complex(np.nan, np.nan)
                         for b in balls])
        return Count(target, int(sub_ref.defined.sum()), int(bad.sum()), int(ok.sum()),
                     _examples(sub_args, mids, sub_ref, bad))
    run = run_mpmath if target == "mpmath" else run_gen_mpmath
    z = run(expr, names, args, idx)
    bad = wrong(sub_ref, z)
    return Count(target, int(sub_ref.defined.sum()), int(bad.sum()), 0,
                 _examples(sub_args, z, sub_ref, bad))


def contains(ball, ref, j) -> bool:
    """Whether an arb ball encloses the exact reference value (poles: never)."""
    import flint

    v = ref.exact[j]
    if v is None or ref.pole[j]:
        return False
    from .limits import c

    old = flint.ctx.prec
    flint.ctx.prec = 300
    try:
        # the reference is good to about 32 digits: widen it by that much
        rad = flint.arb(c.nstr(abs(v) * c.mpf(10) ** -32, 5)) + flint.arb(10) ** -320
        re, im = c.nstr(c.re(v), 60), c.nstr(c.im(v), 60)
        exact = flint.acb(flint.arb(re) + rad * flint.arb(0, 1),
                          flint.arb(im) + rad * flint.arb(0, 1))
        return bool(ball.overlaps(exact))
    finally:
        flint.ctx.prec = old
