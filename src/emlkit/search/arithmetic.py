"""The search's complex arithmetic: guarded ``exp``/``ln``, snapped ``eml``, value hashing.

The :data:`emlkit.semantics.SEARCH` policy of the one semantics in float64 (its departures from
the backends' policy are stated once, in :mod:`emlkit.semantics`; its tolerances are
:mod:`emlkit.tolerances`'): principal ``ln`` with ``ln 0 = -inf``, ``exp(-inf) = 0``, as every
backend; overflow from a finite argument, ``|exp| < SEARCH.exp_floor`` and complex infinities
undefined (NaN); differences snapped at ``SEARCH.snap`` so that exactly real values stay exactly
real. The search's test points lie off the real axis (``x + 1e-7j``), so no input sits on a cut
and the cut rule has nothing to decide. Used by every enumerator (:mod:`emlkit.search.enumerate`,
:mod:`emlkit.search.grammar`) and the regression tables (:mod:`emlkit.regress.tables`);
:class:`SearchOps` runs it on the backends' one DAG walk (:func:`search_values`), and
:mod:`emlkit.search.arithmetic_mp` is its mpmath twin.

>>> v = eml_arrays(exp_guarded(np.array([1 + 0j])), log_guarded(np.array([1 + 0j])))
>>> v                                  # e - ln 1
array([2.71828183+0.j])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..semantics import SEARCH
from ..tolerances import DEDUP_BITS, DEDUP_BITS_CONSTANT
from .points import default_points, resolve_points

if TYPE_CHECKING:
    from ..expr import Expr

__all__ = [
    "SNAP_TOL",
    "U64",
    "SearchOps",
    "dedup_bits",
    "default_points",
    "eml_arrays",
    "exp_guarded",
    "log_guarded",
    "maxabs",
    "pair_block",
    "power_guarded",
    "resolve_points",
    "row_keys",
    "search_values",
    "snap_in_place",
    "snap_own",
    "snap_sum",
]

#: Relative size below which a part of an eml result is snapped to exactly zero (SEARCH.snap).
SNAP_TOL = SEARCH.snap

U64 = np.uint64

def exp_guarded(v: np.ndarray) -> np.ndarray:
    """``exp`` with the search's extended rules (NaN marks "undefined").

    >>> exp_guarded(np.array([0, -np.inf, np.inf, 800, complex(np.inf, 1)], dtype=complex))
    array([ 1.+0.j,  0.+0.j, inf+0.j, nan+0.j, nan+0.j])
    """
    v = np.asarray(v, dtype=np.complex128)
    with np.errstate(all="ignore"):
        out = np.exp(v)
    re, im = v.real, v.imag
    fin = np.isfinite(re) & np.isfinite(im)
    absout = np.abs(out)
    bad = fin & (~np.isfinite(absout) | (absout < SEARCH.exp_floor))
    out[bad] = np.nan
    out[~fin] = np.nan
    out[(re == np.inf) & (im == 0)] = np.inf
    out[(re == -np.inf) & np.isfinite(im)] = 0.0
    return out


def log_guarded(v: np.ndarray) -> np.ndarray:
    """Principal ``ln`` with ``ln 0 = -inf``, ``ln(+inf) = +inf``, ``ln(-inf)`` undefined.

    >>> log_guarded(np.array([1, 0, -1, np.inf, -np.inf], dtype=complex)).tolist()
    [0j, (-inf+0j), 3.141592653589793j, (inf+0j), (nan+0j)]
    """
    v = np.asarray(v, dtype=np.complex128)
    with np.errstate(all="ignore"):
        out = np.log(v)
    re, im = v.real, v.imag
    out[(re == 0) & (im == 0)] = -np.inf
    out[(re == np.inf) & np.isfinite(im)] = np.inf
    out[(re == -np.inf) | ~np.isfinite(im) | np.isnan(re)] = np.nan
    return out


def eml_arrays(E: np.ndarray, L: np.ndarray) -> np.ndarray:
    """``E - L`` with snapping, where ``E = exp_guarded(a)`` and ``L = log_guarded(b)``.

    Broadcasts like ``E - L``. Parts smaller than :data:`SNAP_TOL` times the operands'
    magnitude become exactly ``+0``.

    >>> e = exp_guarded(np.array([1.0 + 0j]))
    >>> zero = eml_arrays(e, log_guarded(exp_guarded(e)))   # e - ln(e^e) = 0 exactly
    >>> zero, log_guarded(zero)
    (array([0.+0.j]), array([-inf+0.j]))
    """
    with np.errstate(all="ignore"):
        r = E - L
        thr = np.maximum(maxabs(E), maxabs(L))
        thr *= SNAP_TOL
    snap_in_place(r, thr)
    return r


def maxabs(z: np.ndarray) -> np.ndarray:
    """``max(|Re z|, |Im z|)`` elementwise: the size that snapping and hashing are relative to.

    >>> maxabs(np.array([3 - 4j]))
    array([4.])
    """
    z = np.asarray(z)
    return np.maximum(np.abs(z.real), np.abs(z.imag))


def snap_sum(r: np.ndarray, *operands: np.ndarray) -> np.ndarray:
    """A copy of the sum or difference ``r`` with the parts that are rounding residue relative
    to its operands (below :data:`SNAP_TOL` of their size) set to ``0``.

    >>> a, b = np.array([1 + 1j]), np.array([2 - 1j])
    >>> snap_sum(a + b, a, b)
    array([3.+0.j])
    """
    with np.errstate(all="ignore"):
        scale = maxabs(operands[0])
        for o in operands[1:]:
            scale = np.maximum(scale, maxabs(o))
        thr = scale * SNAP_TOL
        r = np.array(r, dtype=np.complex128, copy=True)
        re, im = r.real, r.imag
        fin = np.isfinite(re) & np.isfinite(im)
        re[fin & (np.abs(re) <= thr)] = 0.0
        im[fin & (np.abs(im) <= thr)] = 0.0
    return r


def snap_own(r: np.ndarray) -> None:
    """In place: a grammar result's parts below :data:`SNAP_TOL` of its own size become ``0``
    (negative zero imaginary parts ``+0``); rows must have no NaN and no infinite imaginary part.

    >>> r = np.array([[5 + 1e-15j, -0.0 - 0.0j]]); snap_own(r); r.imag.tolist()
    [[0.0, 0.0]]
    """
    with np.errstate(all="ignore"):
        re, im = r.real, r.imag
        thr = np.maximum(np.abs(re), np.abs(im)) * SNAP_TOL
        fin = np.isfinite(re)
        re[fin & (np.abs(re) <= thr)] = 0.0
        im[(fin & (np.abs(im) <= thr)) | (im == 0)] = 0.0


def power_guarded(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a**b = exp(b ln a)`` with the guarded ``exp``/``ln``; ``0**b`` is ``0`` for ``Re b > 0``.

    >>> power_guarded(np.array([4 + 0j, 0j]), np.array([0.5 + 0j, -1 + 0j]))
    array([ 2.+0.j, nan+0.j])
    """
    la = log_guarded(a)
    with np.errstate(all="ignore"):
        r = exp_guarded(b * la)
        zero = (a == 0) & np.isfinite(b)
        return np.where(zero, np.where(b.real > 0, 0.0, np.nan), r)


class SearchOps:
    """The search policy as an ops object of the one DAG walk (:func:`emlkit.backends._walk.run`).

    Values are complex128 arrays of the ``n`` test points; nothing is written in place.

    >>> from emlkit.backends.walk import make_plan, run
    >>> from emlkit.expr import eml
    >>> zero = eml(1, eml(eml(1, 1), 1))
    >>> run(make_plan(eml(1, zero), fold_constants=False), SearchOps(2), {})   # e - ln 0
    array([inf+0.j, inf+0.j])
    """

    def __init__(self, n: int) -> None:
        self.n = n

    def one(self) -> np.ndarray:
        return np.ones(self.n, dtype=np.complex128)

    def eml(self, node: object, a: np.ndarray, b: np.ndarray, free_a: bool, free_b: bool) -> Any:
        return eml_arrays(exp_guarded(a), log_guarded(b))


def search_values(expr: Expr, env: Mapping[str, np.ndarray], n: int,
                  hook: Callable[[Expr, Any, Any, Any], None] | None = None) -> np.ndarray:
    """Values of ``expr`` at ``n`` test points in the search arithmetic (the one DAG walk);
    ``hook(node, value, a, b)`` sees every step and may raise to stop the walk.

    >>> from emlkit.expr import eml
    >>> search_values(eml("x", 1), {"x": np.array([0j, 1 + 0j])}, 2)
    array([1.        +0.j, 2.71828183+0.j])
    """
    from ..backends.walk import make_plan, run

    return run(make_plan(expr, fold_constants=False), SearchOps(n), env, hook)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on a uint64 array (wrapping arithmetic)."""
    z = z ^ (z >> U64(30))
    z = z * U64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> U64(27))
    z = z * U64(0x94D049BB133111EB)
    return z ^ (z >> U64(31))


def dedup_bits(P: int) -> int:
    """Bits of the dedup grid for value vectors of ``P`` test points (:mod:`emlkit.semantics`).

    >>> dedup_bits(8), dedup_bits(1)
    (30, 44)
    """
    return DEDUP_BITS_CONSTANT if P == 1 else DEDUP_BITS


def row_keys(rows: np.ndarray, mant_bits: int = DEDUP_BITS) -> tuple[np.ndarray, np.ndarray]:
    """(64-bit hash, 32-bit check) of each row of quantised values; rows are finite or inf.

    Each value is rounded on a grid of ``mant_bits`` bits relative to ``max(|Re|, |Im|)``;
    equal keys mean equal rounded vectors (up to a 96-bit hash collision).

    >>> h, c = row_keys(np.array([[1 + 1j, 2 + 0j], [1 + 1j + 1e-13, 2 + 0j], [1j, 2 + 0j]]))
    >>> h[0] == h[1], h[0] == h[2]
    (np.True_, np.False_)
    """
    re = rows.real
    im = rows.imag
    with np.errstate(all="ignore"):
        m = np.maximum(np.abs(re), np.abs(im))
        inf = ~np.isfinite(m)
        any_inf = bool(inf.any())
        # grid edges off the powers of 2 (1, 2, 1/2 are common values); 0.68615 < 1 cannot overflow
        m *= 0.68615
        if any_inf:
            m[inf] = 0.0
        _, ex = np.frexp(m)
        del m
        ex += 1
        ex = mant_bits - ex  # the shift
        qr = np.ldexp(re, ex)
        np.rint(qr, out=qr)
        qi = np.ldexp(im, ex)
        np.rint(qi, out=qi)
        ex = mant_bits - ex  # back to the exponent
        if any_inf:
            # infinite real part: the sign in the exponent slot, the imaginary part on its own
            qr[inf] = 0.0
            imi = im[inf]
            mant_i, ex_i = np.frexp(np.where(np.isfinite(imi), imi, 0.0))
            qi[inf] = np.rint(mant_i * 2.0**mant_bits) + ex_i * 2.0**32
    ex = ex.astype(np.int64)
    if any_inf:
        ex[inf] = np.where(re[inf] > 0, 5001, 5002)
    qr = qr.astype(np.int64)
    qi = qi.astype(np.int64)
    k1 = (
        ex.view(U64) * U64(0x9E3779B97F4A7C15)
        ^ qr.view(U64) * U64(0xC2B2AE3D27D4EB4F)
        ^ qi.view(U64) * U64(0x165667B19E3779F9)
    )
    k2 = (
        ex.view(U64) * U64(0xD6E8FEB86659FD93)
        ^ qr.view(U64) * U64(0xA0761D6478BD642F)
        ^ qi.view(U64) * U64(0xE7037ED1A0B428DB)
    )
    h = np.zeros(rows.shape[0], dtype=U64)
    c = np.full(rows.shape[0], 0x123456789, dtype=U64)
    for p in range(rows.shape[1]):
        h = _mix(h ^ _mix(k1[:, p] + U64(p)))
        c = _mix(c + _mix(k2[:, p] ^ U64(p * 7919 + 1)))
    return h, (c >> U64(32)).astype(np.uint32)


def snap_in_place(r: np.ndarray, thr: np.ndarray) -> None:
    """In place: the parts of ``eml`` results ``r`` below ``thr`` become ``+0`` (also ``-0``).

    >>> r = np.array([2 + 1e-20j, -0.0 + 3j]); snap_in_place(r, np.array([1e-12, 1e-12])); r
    array([2.+0.j, 0.+3.j])
    """
    re = r.real
    im = r.imag
    with np.errstate(all="ignore"):
        fin = np.isfinite(re) & np.isfinite(im)
        snap_im = (fin & (np.abs(im) <= thr)) | (im == 0)
        snap_re = (fin & (np.abs(re) <= thr)) | (re == 0)
    im[snap_im] = 0.0
    re[snap_re] = 0.0


def pair_block(
    Ea: np.ndarray, Lb: np.ndarray, aEa: np.ndarray | None = None, aLb: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keys of every defined ``eml(a, b)`` of one block: ``(flat pair index, hash, check)``.

    ``Ea`` holds ``exp`` of the left values (``(na, P)``), ``Lb`` ``ln`` of the right ones
    (``(nb, P)``); pair ``(i, j)`` has flat index ``i * nb + j``. Pairs undefined at a test
    point are left out. ``aEa``/``aLb`` are ``maxabs`` of the inputs, if already known. The
    keys are on the grid :func:`dedup_bits` gives for ``P`` test points.

    >>> E, L = exp_guarded(np.array([[0j], [1 + 0j]])), log_guarded(np.array([[1 + 0j]]))
    >>> idx, h, c = pair_block(E, L)                      # exp(0) - ln 1, exp(1) - ln 1
    >>> idx.tolist(), len(set(h.tolist()))
    ([0, 1], 2)
    """
    P = Ea.shape[1]
    if aEa is None:
        aEa = maxabs(Ea)
    if aLb is None:
        aLb = maxabs(Lb)
    with np.errstate(all="ignore"):
        r = Ea[:, None, :] - Lb[None, :, :]
        thr = np.maximum(aEa[:, None, :], aLb[None, :, :])
        thr *= SNAP_TOL
    r = r.reshape(-1, P)
    thr = thr.reshape(-1, P)
    idx = np.flatnonzero(~np.isnan(r).any(axis=1))
    if len(idx) == 0:
        return idx, np.zeros(0, dtype=U64), np.zeros(0, dtype=np.uint32)
    r = r[idx]
    snap_in_place(r, thr[idx])
    hh, cc = row_keys(r, dedup_bits(P))
    return idx, hh, cc


# The names these helpers had while they were private (``regress.tables`` imports them).
_U = U64
_maxabs = maxabs
_row_keys = row_keys
_snap = snap_in_place
_pair_block = pair_block
