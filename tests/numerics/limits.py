"""Independent reference for the differential suite: basis functions, point sets, one-sided limits.

Nothing here uses emlkit. Each basis function of the compiler is paired with mpmath's own
function and its partial derivatives; the reference value at a point on a branch cut is the
one-sided limit that the point's signed zero selects (DLMF 4.2, 4.23, 4.37 cut placement, C99
Annex G side convention), computed by evaluating mpmath at the exact float input moved off the
cut by a *relative* 1e-60 towards the selected side, at 150 digits (the real and imaginary
parts of an ``mpc`` are separate exact numbers, so the tiny move is exact, and 150 digits keep
it through ``z² − 1``; the function is continuous from that side, so the value agrees with the
limit to about 50 digits; for ``x^y`` the move is also divided by ``|y|``). Every value is
checked at two precisions and recomputed at 700 digits when they disagree. The lower side of a
real-axis point is the conjugate of the upper side (every basis function is real on the real
axis off its cuts: ``f(z̄) = f(z)̄``).

A backend value ``z`` is *wrong* at a point when

* the reference is finite in float64 and ``|z − ref| > TOL · scale`` (``scale`` the natural
  size of the value: ``|f| + Σ |x_i ∂f/∂x_i|``, so the tolerance follows the condition number),
  or ``z`` is not finite;
* a part of the reference is ±∞ in float64 (a pole, ``ln 0``, or a value beyond 1.8e308) and
  that part of ``z`` is not the same infinity; poles without a sign (``1/0``) need some
  infinite part.

Points where the function has no value (``0/0``, ``∞ − ∞``, ``sin ∞``) are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np

DPS = 40
#: a value is wrong beyond this fraction of its natural scale
TOL = 1e-8
_SHIFT = mpmath.mpf(10) ** -60
#: digits for points on a cut: the move must survive squaring (z² − 1 at z = i·1e-60)
_CUT_DPS = 150
_FLOOR = mpmath.mpf(10) ** -300
_ctx = mpmath.MPContext()
_ctx.dps = DPS


@dataclass(frozen=True)
class Basis:
    """One basis function: the formula to compile, mpmath's function, derivatives and cuts."""

    name: str
    formula: str
    fn: Callable
    derivs: tuple
    cuts: tuple  # one cut kind (or None) per argument

    @property
    def arity(self) -> int:
        return len(self.derivs)


c = _ctx


def _sig(x):
    return 1 / (1 + c.exp(-x))


def _pow(x, y):
    if x == 0:
        if y == 0:
            return c.mpf(1)
        if c.re(y) > 0:
            return c.mpf(0)
        raise ZeroDivisionError
    return c.exp(y * c.log(x))


def _dpow_x(x, y):
    return y * _pow(x, y) / x


BASES = [
    Basis("exp", "exp(x)", c.exp, (c.exp,), (None,)),
    Basis("ln", "ln(x)", c.log, (lambda x: 1 / x,), ("neg",)),
    Basis("sqrt", "sqrt(x)", c.sqrt, (lambda x: 1 / (2 * c.sqrt(x)),), ("neg",)),
    Basis("sin", "sin(x)", c.sin, (c.cos,), (None,)),
    Basis("cos", "cos(x)", c.cos, (lambda x: -c.sin(x),), (None,)),
    Basis("tan", "tan(x)", c.tan, (lambda x: 1 / c.cos(x) ** 2,), (None,)),
    Basis("asin", "asin(x)", c.asin, (lambda x: 1 / c.sqrt((1 - x) * (1 + x)),), ("abs>1",)),
    Basis("acos", "acos(x)", c.acos, (lambda x: -1 / c.sqrt((1 - x) * (1 + x)),), ("abs>1",)),
    Basis("atan", "atan(x)", c.atan, (lambda x: 1 / (1 + x * x),), ("iabs>1",)),
    Basis("sinh", "sinh(x)", c.sinh, (c.cosh,), (None,)),
    Basis("cosh", "cosh(x)", c.cosh, (c.sinh,), (None,)),
    Basis("tanh", "tanh(x)", c.tanh, (lambda x: 1 / c.cosh(x) ** 2,), (None,)),
    Basis("asinh", "asinh(x)", c.asinh, (lambda x: 1 / c.sqrt(1 + x * x),), ("iabs>1",)),
    Basis("acosh", "acosh(x)", c.acosh, (lambda x: 1 / (c.sqrt(x - 1) * c.sqrt(x + 1)),), ("lt1",)),
    Basis("atanh", "atanh(x)", c.atanh, (lambda x: 1 / ((1 - x) * (1 + x)),), ("abs>1",)),
    Basis("sigmoid", "sigmoid(x)", _sig, (lambda x: _sig(x) * (1 - _sig(x)),), (None,)),
    Basis("neg", "-x", lambda x: -x, (lambda x: -1,), (None,)),
    Basis("inv", "1/x", lambda x: 1 / x, (lambda x: -1 / (x * x),), (None,)),
    Basis("square", "x^2", lambda x: x * x, (lambda x: 2 * x,), (None,)),
    Basis("half", "x/2", lambda x: x / 2, (lambda x: c.mpf(1) / 2,), (None,)),
    Basis("add", "x + y", lambda x, y: x + y, (lambda x, y: 1, lambda x, y: 1), (None, None)),
    Basis("sub", "x - y", lambda x, y: x - y, (lambda x, y: 1, lambda x, y: -1), (None, None)),
    Basis("mul", "x * y", lambda x, y: x * y, (lambda x, y: y, lambda x, y: x), (None, None)),
    Basis("div", "x / y", lambda x, y: x / y,
          (lambda x, y: 1 / y, lambda x, y: -x / (y * y)), (None, None)),
    Basis("pow", "x ^ y", _pow, (_dpow_x, lambda x, y: _pow(x, y) * c.log(x)), ("neg", None)),
    Basis("hypot", "hypot(x, y)", lambda x, y: c.sqrt(x * x + y * y),
          (lambda x, y: x / c.sqrt(x * x + y * y), lambda x, y: y / c.sqrt(x * x + y * y)),
          (None, None)),
    Basis("log", "log(x, y)", lambda x, y: c.log(x) / c.log(y),
          (lambda x, y: 1 / (x * c.log(y)), lambda x, y: -c.log(x) / (y * c.log(y) ** 2)),
          ("neg", "neg")),
    Basis("avg", "avg(x, y)", lambda x, y: (x + y) / 2,
          (lambda x, y: c.mpf(1) / 2, lambda x, y: c.mpf(1) / 2), (None, None)),
]
BY_NAME = {b.name: b for b in BASES}


# ------------------------------------------------------------------------------ points
def _signed_reals(mags: np.ndarray) -> np.ndarray:
    """Both signs of each magnitude, each on both sides of the real axis (±0 imaginary part)."""
    vals = np.concatenate([mags, -mags])
    up = vals + 0j
    down = np.array([complex(v, -0.0) for v in vals])
    return np.concatenate([up, down])


def unary_points(n_mags: int = 2400, n_complex: int = 1200, seed: int = 14) -> np.ndarray:
    """About 14,000 points: log-spaced magnitudes 1e-300…1e300 of both signs on both sides of
    the real axis, a dense band 1e-2…1e2 and the special values (±1, 1 ± ulp, 709.78, 354.9,
    750), ±0, ±inf with both signed zeros, points on the imaginary axis with ±0 real parts,
    and complex points with log-spaced real parts and |Im| < 3 (inside the strip)."""
    rng = np.random.default_rng(seed)
    jitter = 1 + 0.37 * rng.random(n_mags)
    mags = np.logspace(-300, 300, n_mags) * jitter
    dense = np.logspace(-2, 2, 600) * (1 + 0.11 * rng.random(600))
    special = np.array([1.0, math.nextafter(1, 2), math.nextafter(1, 0), 0.5, 2.0, 1.9, 3.0,
                        354.8, 354.95, 709.7, 709.79, 710.5, 750.0, 1000.0, 1e-12, 1e-20,
                        1e154, 1e-154, 1e308, 5e-324])
    reals = _signed_reals(np.concatenate([mags, dense, special]))
    zeros = np.array([complex(a, b) for a in (0.0, -0.0) for b in (0.0, -0.0)])
    infs = np.array([complex(a, b) for a in (math.inf, -math.inf) for b in (0.0, -0.0)])
    ys = np.concatenate([np.logspace(-300, math.log10(2.9), 200), [1.0, 1.5, 2.0]])
    imag_axis = np.array([complex(a, s * y) for y in ys for a in (0.0, -0.0) for s in (1, -1)])
    re = np.logspace(-300, 300, n_complex) * rng.choice([-1, 1], n_complex)
    im = rng.uniform(-3, 3, n_complex)
    near = rng.uniform(-4, 4, 400) + 1j * rng.uniform(-3, 3, 400)
    return np.concatenate([reals, zeros, infs, imag_axis, re + 1j * im, near])


def binary_points(n_mags: int = 49, n_complex: int = 600, seed: int = 41) -> tuple:
    """About 10,900 pairs: a 100×100 grid of log-spaced magnitudes 1e-300…1e300 of both signs
    (and ±0), pairs with infinities, pairs on random sides of the real axis, complex pairs."""
    rng = np.random.default_rng(seed)
    mags = np.logspace(-300, 300, n_mags) * (1 + 0.29 * rng.random(n_mags))
    vals = np.concatenate([mags, -mags, [0.0, -0.0]]) + 0j
    gx, gy = np.meshgrid(vals, vals, indexing="ij")
    xs, ys = [gx.ravel()], [gy.ravel()]
    finite = np.array([1.5, -2.5, 1e-200, -1e200, 0.0])
    infs = np.array([math.inf, -math.inf])
    ix, iy = np.meshgrid(np.concatenate([finite, infs]), infs, indexing="ij")
    xs += [ix.ravel() + 0j, iy.ravel() + 0j]
    ys += [iy.ravel() + 0j, ix.ravel() + 0j]
    k = 300
    a = rng.choice(vals, k)
    b = rng.choice(vals, k)
    xs.append(np.array([complex(v.real, -0.0) for v in a]))
    ys.append(np.array([complex(v.real, s) for v, s in zip(b, rng.choice([0.0, -0.0], k))]))

    def cre(n):
        return np.logspace(-150, 150, n)[rng.permutation(n)] * rng.choice([-1, 1], n)

    xs.append(cre(n_complex) + 1j * rng.uniform(-1.5, 1.5, n_complex))
    ys.append(cre(n_complex) + 1j * rng.uniform(-1.5, 1.5, n_complex))
    return np.concatenate(xs), np.concatenate(ys)


def points_for(basis: Basis, n: int | None = None) -> tuple:
    """The point set of a basis function: a tuple of complex128 arrays, one per argument;
    ``n`` keeps an evenly spread subset of that many points (every class stays represented)."""
    args = (unary_points(),) if basis.arity == 1 else binary_points()
    if n is not None and n < len(args[0]):
        keep = np.unique(np.linspace(0, len(args[0]) - 1, n).round().astype(int))
        args = tuple(a[keep] for a in args)
    return args


# ------------------------------------------------------------------------------ reference
def _on_cut(kind: str | None, z: complex) -> bool:
    if kind is None or math.isnan(z.real) or math.isnan(z.imag):
        return False
    if kind in ("neg", "abs>1", "lt1"):
        if z.imag != 0 or math.isinf(z.real):
            return False
        x = z.real
        return x < 0 if kind == "neg" else abs(x) > 1 if kind == "abs>1" else x < 1
    # imaginary-axis cut |Im| > 1 (atan, asinh)
    return z.real == 0 and abs(z.imag) > 1 and not math.isinf(z.imag)


def _limit_arg(kind: str | None, z: complex, spread=1):
    """The mpmath argument for the one-sided limit: exact off the cut, moved off it onto the
    side that the signed zero selects on it (by a further factor ``1/spread``: ``x^y`` turns a
    move δ of ``ln x`` into a phase ``y·δ``)."""
    if not _on_cut(kind, z):
        # a real input off the cut goes in as a real number: mpmath's real functions are
        # accurate at every magnitude, and much faster than the complex ones
        return c.mpf(z.real) if z.imag == 0 else c.mpc(z.real, z.imag)
    if kind == "iabs>1":
        side = math.copysign(1.0, z.real)
        return c.mpc(side * _SHIFT * abs(z.imag) / spread, z.imag)
    side = math.copysign(1.0, z.imag)
    size = max(c.mpf(abs(z.real)), 1 if kind == "lt1" else _FLOOR)  # lt1: branch point at 1
    return c.mpc(z.real, side * _SHIFT * size / spread)


@dataclass(frozen=True)
class Reference:
    """The reference at a set of points, rounded to float64.

    ``value`` is complex128 (parts ±inf where the value is a pole or beyond float64),
    ``scale`` the natural size of the value, ``defined`` False where there is no value, and
    ``pole`` True where the value is infinite without a direction (any infinite part is right).
    """

    value: np.ndarray
    scale: np.ndarray
    defined: np.ndarray
    pole: np.ndarray
    exact: tuple = ()  # the mpmath values (None where undefined or a pole)


def take(ref: Reference, idx: np.ndarray) -> Reference:
    """The reference at a subset of the points."""
    exact = tuple(ref.exact[i] for i in idx) if ref.exact else ()
    return Reference(ref.value[idx], ref.scale[idx], ref.defined[idx], ref.pole[idx], exact)


def _to_complex(v) -> complex:
    return complex(float(c.re(v)), float(c.im(v)))


def _nonfinite(v) -> bool:
    return not (c.isfinite(c.re(v)) and c.isfinite(c.im(v)))


def _stable(fn: Callable, args: list, on_cut: bool = False):
    """``fn(*args)`` to about 30 correct digits: mpmath's complex functions can lose most digits
    (``atanh(1e-300 + 0j)`` at 40 digits is 1.75e-46; ``x^y`` at ``y = 1e225`` needs 265 digits
    for its phase), so a value is accepted only when two working precisions (40 and 60 digits,
    on a cut 150 and 220, plus twice the decimal exponent range of the complex inputs' parts)
    agree to 1e-32 relative; otherwise it is recomputed at 700 digits."""
    lo, hi = (_CUT_DPS, _CUT_DPS + 70) if on_cut else (DPS, DPS + 20)
    # parts of very different sizes (acosh(-8.9e-79j) at 40 or 60 digits is +iπ/2, not -iπ/2):
    # start with digits for twice the spread of the exponents
    spread = max([0] + [abs(int(c.log10(abs(p)))) for a in args if isinstance(a, c.mpc)
                        for p in (a.real, a.imag) if p != 0 and c.isfinite(p)])
    lo, hi = min(700, lo + 2 * spread), min(720, hi + 2 * spread)
    with c.workdps(lo):
        v = fn(*args)
    if not on_cut and _nonfinite(v):
        return v
    with c.workdps(hi):
        w = fn(*args)
    if _nonfinite(w) and _nonfinite(v):
        return w
    if not _nonfinite(w) and abs(w - v) <= c.mpf(10) ** -32 * abs(w):
        return +w
    with c.workdps(700):
        return +fn(*args)


def reference(basis: Basis, args: tuple) -> Reference:
    """mpmath's one-sided limit of ``basis`` at every point of ``args`` (see the module notes)."""
    n = len(args[0])
    value = np.zeros(n, complex)
    scale = np.zeros(n)
    defined = np.ones(n, bool)
    pole = np.zeros(n, bool)
    exact: list = [None] * n
    upper: dict[tuple, int] = {}  # real inputs on the upper side -> their index
    for i in range(n):
        zs = [complex(a[i]) for a in args]
        real = all(z.imag == 0 for z in zs) and not any(math.isnan(z.real) for z in zs)
        if real and not any(math.copysign(1, z.imag) < 0 for z in zs):
            upper.setdefault(tuple(z.real for z in zs), i)
    for i in range(n):
        zs = [complex(a[i]) for a in args]
        key = tuple(z.real for z in zs)
        mirror = all(z.imag == 0 for z in zs) and all(math.copysign(1, z.imag) < 0 for z in zs)
        if mirror and key in upper:
            continue  # filled in from the upper side below
        spread = max([c.mpf(1)] + [c.mpf(abs(z)) for z in zs if not math.isinf(abs(z))])
        mp_args = [_limit_arg(k, z, spread) for k, z in zip(basis.cuts, zs)]
        infinite_input = any(math.isinf(z.real) or math.isinf(z.imag) for z in zs)
        on_cut = any(_on_cut(k, z) for k, z in zip(basis.cuts, zs))
        try:
            v = _stable(basis.fn, mp_args, on_cut)
        except ZeroDivisionError:
            defined[i] = not infinite_input
            pole[i] = not infinite_input
            value[i] = complex(math.inf, math.inf)
            continue
        except (ValueError, TypeError):  # mpmath has no value at some infinite inputs
            if not infinite_input:
                raise
            defined[i] = False
            continue
        if c.isnan(c.re(v)) or c.isnan(c.im(v)):
            defined[i] = False
            continue
        if on_cut and not _nonfinite(v):
            # a part below 1e-45 of the value is the residue of the 1e-60 move (huge·1e-60 would
            # still overflow float64): the limit has 0 there
            tiny = abs(v) * c.mpf(10) ** -45
            v = c.mpc(0 if abs(c.re(v)) < tiny else c.re(v), 0 if abs(c.im(v)) < tiny else c.im(v))
        value[i] = _to_complex(v)
        exact[i] = v
        if _nonfinite(v):
            continue
        s = abs(v)
        for d, a in zip(basis.derivs, mp_args):
            if c.isinf(c.re(a)) or c.isinf(c.im(a)):
                continue
            try:
                term = abs(a * d(*mp_args))
            except (ZeroDivisionError, ValueError):
                continue  # an infinite derivative at a branch point: the input is exact
            if c.isfinite(term):
                s += term
        scale[i] = float(s)
    for i in range(n):
        zs = [complex(a[i]) for a in args]
        key = tuple(z.real for z in zs)
        mirror = all(z.imag == 0 for z in zs) and all(math.copysign(1, z.imag) < 0 for z in zs)
        if mirror and key in upper:
            j = upper[key]
            value[i], scale[i] = value[j].conjugate(), scale[j]
            defined[i], pole[i] = defined[j], pole[j]
            exact[i] = None if exact[j] is None else c.conj(exact[j])
    return Reference(value, scale, defined, pole, tuple(exact))


# ------------------------------------------------------------------------------ comparing
def wrong(ref: Reference, z: np.ndarray) -> np.ndarray:
    """Boolean mask of the defined points where ``z`` is wrong (module notes)."""
    z = np.asarray(z, complex)
    r = ref.value
    with np.errstate(all="ignore"):
        inf_re, inf_im = np.isinf(r.real), np.isinf(r.imag)
        infinite = (inf_re | inf_im) & ~ref.pole
        bad_inf = (inf_re & (z.real != r.real)) | (inf_im & (z.imag != r.imag))
        bad_pole = ~(np.isinf(z.real) | np.isinf(z.imag))
        err = np.abs(z - r)
        bad_finite = ~np.isfinite(z) | ~(err <= TOL * ref.scale + 1e-305)
    out = np.where(ref.pole, bad_pole, np.where(infinite, bad_inf, bad_finite))
    return out & ref.defined


def rel_error(ref: Reference, z: np.ndarray) -> np.ndarray:
    """Error over the natural scale at the finite defined points (NaN elsewhere; ∞ if wrong
    where the reference is infinite)."""
    z = np.asarray(z, complex)
    with np.errstate(all="ignore"):
        finite = ref.defined & np.isfinite(ref.value) & ~ref.pole
        e = np.where(finite, np.abs(z - ref.value) / np.maximum(ref.scale, 1e-305), np.nan)
        e = np.where(finite & ~np.isfinite(z), np.inf, e)
    return e


def subsample(args: tuple, ref: Reference, k: int, seed: int = 7) -> np.ndarray:
    """``k`` indices stratified over the point classes: cut points of both sides, tiny and huge
    magnitudes, zeros and infinities, complex points (for the slow per-point backends)."""
    rng = np.random.default_rng(seed)
    z = args[0]
    classes = [
        (z.imag == 0) & ~np.signbit(z.imag) & (np.abs(z.real) < 1e-10),
        (z.imag == 0) & np.signbit(z.imag) & (np.abs(z.real) < 1e-10),
        (z.imag == 0) & (np.abs(z.real) >= 1e-10) & (np.abs(z.real) <= 1e10),
        (z.imag == 0) & np.signbit(z.imag) & (np.abs(z.real) >= 1e-10) & (np.abs(z.real) <= 1e10),
        (z.imag == 0) & (np.abs(z.real) > 1e10),
        ~np.isfinite(z) | (z == 0),
        z.imag != 0,
    ]
    idx: list[int] = []
    per = max(1, k // len(classes))
    for mask in classes:
        pool = np.flatnonzero(mask & ref.defined)
        if len(pool):
            idx.extend(rng.choice(pool, min(per, len(pool)), replace=False).tolist())
    return np.unique(np.array(idx, dtype=int))
