"""The mpmath ops: exp, ln and subtraction that follow the semantics exactly, on mpmath numbers.

A value is a pair ``(v, zs)``:

``v``
    the ``mpc`` value, computed at the working precision and *snapped*: an imaginary part below
    ``10**−snap_digits(wp)`` of ``|v|`` becomes exactly 0, a difference that cancels to that
    fraction of its operands becomes exactly 0 (exact landings stay exact, and ``ln`` of an
    exactly negative real number is the principal ``+iπ``);
``zs``
    for an exact zero, the signs of its two zero parts (``None`` for ``+0 + 0j``): C99's
    ``exp(−∞ + iy) = 0·cis y`` keeps the quadrant and ``ln`` of it is ``−∞ + i·Arg``; the
    textbook ``add(−∞, y)`` (so ``x·0``) needs it;
``d`` (optional third item)
    the first-order ``ε``-term of the value (``None`` for none: a constant, or no input on an
    axis; NaN where unknown), which decides the side of the cut under ``ln``
    (:func:`emlkit.semantics.cut_sides`); without it a value exactly on the cut takes the
    principal ``+iπ``.

Infinities and NaN follow C99 Annex G like NumPy. ``exp`` of a real part beyond
``2**MAX_EXP_MAG`` is treated as overflow (mpmath could otherwise run out of memory).

>>> from mpmath import mp
>>> ops = MpmathOps(40)
>>> with mp.workdps(40):
...     v = ops.eml(None, (mp.mpc(0), None), (mp.mpc(-2), None))
>>> mp.nstr(v[0], 10)                        # exp(0) − ln(−2): the principal value
'(0.3068528194 - 3.141592654j)'
"""

from __future__ import annotations

import math
from typing import Any

from mpmath import mp

from ..expr import ONE
from ..semantics import MAX_EXP_MAG, cut_sides, snap_digits

__all__ = ["MpmathOps", "zero_signs"]

_LOG2_10 = math.log2(10)
_isfinite = mp.isfinite
_isnan = mp.isnan
_isinf = mp.isinf
_mag = mp.mag

_NAN = mp.mpc(mp.nan, mp.nan)
#: operands smaller than 2**-_SMALL_BITS (``exp`` of a huge negative number, as in a limit at
#: infinity) do not ask for more working precision
_SMALL_BITS = 10_000


def _finite(z: Any) -> bool:
    return _isfinite(z.real) and _isfinite(z.imag)


def zero_signs(value: Any) -> tuple[int, int] | None:
    """Signs of the zero parts of an input that is exactly zero (``None`` for ``+0 + 0j``).

    >>> zero_signs(-0.0), zero_signs(complex(0.0, -0.0)), zero_signs(0)
    ((-1, 1), (1, -1), None)
    """
    signs = []
    for part in (getattr(value, "real", value), getattr(value, "imag", 0)):
        if isinstance(part, float) or type(part).__module__ == "numpy":
            signs.append(-1 if math.copysign(1.0, float(part)) < 0 else 1)
        else:
            signs.append(1)
    return None if signs == [1, 1] else (signs[0], signs[1])


class MpmathOps:
    """exp, ln and subtraction on ``(v, zs)`` values (see the module docstring).

    Parameters
    ----------
    wp : int
        Working digits; the snapping tolerance is ``10**−snap_digits(wp)``. Call the methods
        under ``mp.workdps(wp)``.
    residue : int, optional
        Digits of the result: the direction ``y`` of ``exp(±∞ + iy)`` is taken as exactly 0
        when ``|y| < 10**−residue`` (rounding and the numeric limit's steps leave such phases).
    """

    def __init__(self, wp: int, residue: int | None = None) -> None:
        self.wp = wp
        self.tol_bits = int(snap_digits(wp) * _LOG2_10)
        self.residue_bits = int((residue or snap_digits(wp)) * _LOG2_10)
        with mp.workdps(wp):
            self.e = mp.mpc(mp.e)
        self.zero = mp.mpc(0)
        #: Set when ``ln`` met an exact zero that moves with the inputs (see :meth:`ln_directed`).
        self.zero_limit = False
        #: Bits of working precision the walk consumed beyond the result's: the largest
        #: ``exp`` argument (``log2 |z|``: its absolute error becomes the result's relative
        #: error) and the largest cancellation in a difference that was not snapped.
        self.spent_bits = 0
        #: The inputs of the walk, as ops values (set by the caller, for its own bookkeeping).
        self.inputs: dict = {}

    # -- snapping -----------------------------------------------------------------------
    def tiny(self, x: Any, scale: Any) -> bool:
        """``x`` is nonzero but below the tolerance relative to ``scale``."""
        return bool(x) and _mag(x) < _mag(scale) - self.tol_bits

    def snap(self, z: Any) -> Any:
        """Make ``z`` exactly real when its imaginary part is below the tolerance."""
        im = z.imag
        if im:
            re = z.real
            if re and _isfinite(re) and _isfinite(im) and self.tiny(im, re):
                return mp.mpc(re, 0)
        return z

    def sub_snap(self, a: Any, b: Any) -> Any:
        """``a − b``, exactly ``0`` when it cancels to the tolerance, then :meth:`snap`."""
        r = a - b
        if r and _finite(r) and _finite(a) and _finite(b):
            mags = [_mag(x) for x in (a, b) if x]
            small = -min(mags)  # 1 + t − 1 needs the digits of a tiny operand t
            if self.spent_bits < small < _SMALL_BITS:
                self.spent_bits = small
            lost = max(mags) - _mag(r)
            if lost > self.tol_bits:
                return self.zero
            self.spent_bits = max(self.spent_bits, lost)
        return self.snap(r)

    def cis_signs(self, y: Any) -> tuple[int, int]:
        """Signs of ``cos y`` and ``sin y``; an exact zero of either is read as the limit from
        ``|y|`` slightly smaller (as IEEE's rounded ``π`` and ``π/2`` do)."""
        c, s = mp.cos(y), mp.sin(y)
        one = mp.mpf(1)
        if not c or self.tiny(c, one):
            sc = 1 if y * s >= 0 else -1  # cos(y(1 − ε)) ≈ cos y + ε·y·sin y
        else:
            sc = 1 if c > 0 else -1
        if not s or self.tiny(s, one):
            ss = 1 if -y * c >= 0 else -1  # sin(y(1 − ε)) ≈ sin y − ε·y·cos y
        else:
            ss = 1 if s > 0 else -1
        return sc, ss

    # -- the three operations -------------------------------------------------------------
    def exp(self, z: Any, zs: Any = None) -> tuple[Any, Any]:
        re, im = z.real, z.imag
        if _isfinite(re) and _isfinite(im):
            if z:  # the absolute error of z is the relative error of exp z
                self.spent_bits = max(self.spent_bits, _mag(z))
            if re and _mag(re) > MAX_EXP_MAG:
                return (self.inf_cis(im), None) if re > 0 else self.zero_cis(im)
            if im and _mag(im) > MAX_EXP_MAG:
                return _NAN, None
            return self.snap(mp.exp(z)), None
        if _isnan(re):
            return (mp.mpc(mp.nan, 0) if im == 0 else _NAN), None
        if re == mp.ninf:
            return self.zero_cis(im) if _isfinite(im) else (self.zero, None)
        if re == mp.inf:
            return (self.inf_cis(im) if _isfinite(im) else mp.mpc(mp.inf, mp.nan)), None
        return _NAN, None  # finite real part, infinite or NaN imaginary part

    def no_phase(self, y: Any) -> bool:
        """``y`` is 0 or a rounding residue (below ``10**−residue``), as a direction."""
        return not y or _mag(y) < -self.residue_bits

    def zero_cis(self, y: Any) -> tuple[Any, Any]:
        """``+0·cis y``: zero, with the signs of ``cos y`` and ``sin y`` on its parts."""
        sc, ss = (1, 1) if self.no_phase(y) else self.cis_signs(y)
        return self.zero, (None if sc > 0 and ss > 0 else (sc, ss))

    def inf_cis(self, y: Any) -> Any:
        """``+∞·cis y`` componentwise, as C99's ``exp(+∞ + iy)`` for finite ``y``."""
        if self.no_phase(y):
            return mp.mpc(mp.inf, 0)
        sc, ss = self.cis_signs(y)
        return mp.mpc(sc * mp.inf, ss * mp.inf)

    def ln(self, z: Any, zs: Any = None) -> tuple[Any, Any]:
        re, im = z.real, z.imag
        if not re and not im:  # ln(±0 ± 0i) = −∞ + i·Arg, C99's signed-zero argument
            sr, si = zs or (1, 1)
            angle = (mp.pi if si > 0 else -mp.pi) if sr < 0 else 0
            return mp.mpc(mp.ninf, angle), None
        if not _finite(z):
            return _ln_special(re, im), None
        return self.snap(mp.log(z)), None

    def sub(self, a: tuple, b: tuple) -> tuple[Any, Any]:
        va, vb = a[0], b[0]
        v = self.sub_snap(va, vb)
        zs = None
        if not va and not vb:  # IEEE: a zero part is −0 only for (−0) − (+0)
            (ar, ai), (br, bi) = a[1] or (1, 1), b[1] or (1, 1)
            sr = -1 if ar < 0 < br else 1
            si = -1 if ai < 0 < bi else 1
            zs = None if sr > 0 and si > 0 else (sr, si)
        return v, zs

    def one(self) -> tuple[Any, Any]:
        return mp.mpc(1), None

    def eml(
        self, node: Any, a: tuple, b: tuple, free_a: bool = False, free_b: bool = False
    ) -> tuple[Any, Any, Any]:
        """``exp(a) − ln(b)``; a leaf ``1`` child (``node.left``/``node.right``) costs nothing."""
        one_left = node is not None and node.left is ONE
        one_right = node is not None and node.right is ONE
        return self.eml_values(a, b, one_left, one_right)

    def eml_values(
        self, a: tuple, b: tuple, one_left: bool = False, one_right: bool = False
    ) -> tuple[Any, Any, Any]:
        """``exp(a) − ln(b)`` without the node: ``one_left``/``one_right`` mark a leaf ``1``."""
        ad = a[2] if len(a) > 2 else None
        bd = b[2] if len(b) > 2 else None
        if one_right:
            lb: tuple = (self.zero, None)
        elif bd is None:
            lb = self.ln(b[0], b[1])
        else:
            lb = self.ln_directed(b[0], b[1], bd)
        ea = (self.e, None) if one_left else self.exp(a[0], a[1])
        v, zs = self.sub(ea, lb)
        de = None if ad is None else _times(ea[0], ad)
        dl = None if bd is None or one_right else _over(bd, b[0])
        if dl is None:
            return v, zs, de
        return v, zs, (-dl if de is None else de - dl)

    def ln_directed(self, z: Any, zs: Any, d: Any) -> tuple[Any, Any]:
        """``ln z`` with the side of the cut taken from the first-order term ``d``.

        ``ln`` of an exact zero that moves with the inputs sets :attr:`zero_limit`: the value
        there is a limit through ``ln 0``, which the backend may have to take numerically.
        """
        if not z and d:
            self.zero_limit = True
        if z and _finite(z) and _finite(d):
            upper, lower = cut_sides(z.real, z.imag, d.real, d.imag, mp.ldexp(1, -self.tol_bits))
            if upper or lower:
                return mp.mpc(mp.log(-z.real), mp.pi if upper else -mp.pi), None
        return self.ln(z, zs)


def _times(e: Any, d: Any) -> Any:
    """``e · d`` with ``e · 0 = 0`` (a constant's term stays zero); NaN where not finite."""
    if not d:
        return d
    p = e * d
    return p if _finite(p) else _NAN


def _over(d: Any, z: Any) -> Any:
    """``d / z`` with ``0 / z = 0``; NaN where ``z`` is 0 or the quotient is not finite."""
    if not d:
        return d
    if not z or not _finite(z):
        return _NAN
    q = d / z
    return q if _finite(q) else _NAN


def _ln_special(re: Any, im: Any) -> Any:
    """``ln`` where a part is infinite or NaN: ``+∞ + i·angle`` as C99 Annex G (and NumPy)."""
    if _isnan(re) or _isnan(im):
        return mp.mpc(mp.inf, mp.nan) if (_isinf(re) or _isinf(im)) else _NAN
    if _isinf(re) and _isinf(im):
        angle = (mp.pi / 4 if re > 0 else 3 * mp.pi / 4) * (1 if im > 0 else -1)
    elif _isinf(re):
        angle = mp.mpf(0) if re > 0 else (-mp.pi if im < 0 else mp.pi)
    else:
        angle = mp.pi / 2 if im > 0 else -mp.pi / 2
    return mp.mpc(mp.inf, angle)
