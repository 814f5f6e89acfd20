"""The evaluation contract that every backend follows: branches, signed zeros, infinities, NaN.

This module is the one place where the meaning of an EML tree as a number is fixed. The
backends (:mod:`emlkit.backends`) implement it; the helpers below are the shared pieces.

Values
    Complex numbers. ``eml(x, y) = exp(x) - ln(y)`` with the ordinary ``exp`` and the principal
    ``ln z = ln|z| + i·Arg z``, ``Arg z ∈ (−π, π]``. The truth is *exact* complex arithmetic;
    floating backends approximate it and the rules below say how the approximation is steered
    where exact and floating arithmetic part ways.

Extended values (C99 Annex G, as NumPy computes them)
    ``ln 0 = −∞``; more precisely ``ln(±0 ± 0i) = −∞ + i·Arg`` with C99's signed-zero argument
    (``0`` for ``+0 + 0i``, ``±π`` for ``−0 ± 0i``). ``exp(−∞ + iy) = 0·cis y`` keeps the
    quadrant in the zero's signs, ``exp(+∞ + iy) = ∞·cis y`` part by part (``exp(+∞) = +∞``),
    ``ln(∞ ∠ θ) = +∞ + iθ`` (so ``ln(−∞) = +∞ + iπ``), ``∞ − ∞ = NaN``. Where ``cos y`` or
    ``sin y`` is exactly 0 (``y = ±π``, ``±π/2``) its sign is that for ``|y|`` slightly
    smaller, as IEEE's rounded ``π`` gives. Textbook forms rely on all this:
    ``Z = eml(1, eml(eml(1, 1), 1)) = 0``, ``−∞ = eml(1, eml(1, Z))``, ``−ln y = eml(−∞, y)``,
    ``1/y = eml(eml(−∞, y), 1)`` (``1/0 = ∞``), and ``x·0 = exp(ln x + ln 0)`` needs
    ``ln(−∞) + y = −∞`` through the 7-node ``ln``, i.e. ``ln(exp(−∞ − iπ)) = −∞ − iπ``.
    mpmath has no signed zero or infinity direction, so the mpmath backend carries the signs of
    exact zeros itself (:mod:`emlkit.backends._mpops`). ``strict=True`` refuses infinities:
    :class:`~emlkit.errors.EvaluationError` names the first node whose value is infinite. The
    arb backend does not represent infinities: a ball that meets ``ln 0`` is reported.

Inputs on a branch cut (signed zeros): one rule, carried as a direction
    The side of a cut is chosen by the sign of the input's zero part, as in C99 and NumPy:
    ``x + 0j`` (and every real input) is the upper side, ``x − 0j`` the lower side; on the
    imaginary axis ``+0 + iy`` is the right side and ``−0 + iy`` the left side (C99 Annex G).
    The value of a tree at such an input is its *limit from that side*: the value at
    ``x + δ·ε`` as ``ε → 0+``, where the input's *direction* ``δ`` (:func:`direction`) is
    ``±i`` on the real axis, ``±1`` on the imaginary axis and ``0`` elsewhere (an input off
    both axes is taken as it is). Every variable moves with the same ``ε``, so ``x − y`` at
    ``x = 1, y = 3`` stays exactly real for every ``ε`` and takes the principal value ``+iπ``.

    The rule is scale-free and exact. Every backend evaluates the tree *at the input itself*
    and carries, next to each node's value ``v``, its first-order ``ε``-term ``d = dv/dε``
    (forward mode: ``d exp a = exp(a)·da``, ``d ln b = db/b``, ``d(a − b) = da − db``;
    constants have ``d = 0``). At each ``ln`` whose argument lies on the negative real axis
    (exactly, or up to rounding residue: :data:`CUT_RESIDUE` relative in float64, the snapping
    tolerance in mpmath, structurally in arb), the side is the sign of ``Im d``
    (:func:`cut_sides`); where that first-order term is real (or unknown) the argument's own
    signed zero decides (IEEE backends) or the principal ``+iπ`` is taken (mpmath, arb).
    Thus ``ln(−2 + 0j) = ln 2 + iπ`` and ``ln(−2 − 0j) = ln 2 − iπ``, also through the 7-node
    form ``eml(1, eml(eml(1, x), 1))``, whose intermediate ``exp(e − ln x)`` is on the cut;
    ``x·y`` at ``(−3, 2)`` (``ln 6 + iπ`` under ``exp``, on the cut by rounding) is
    ``−6 − 0j``, the limit; and nothing depends on the inputs' magnitudes (``1e−300`` and
    ``1e300`` behave alike). Exact zeros stay exact zeros (C99 signed zeros decide
    ``ln(±0 ± 0i)``), poles are ``±∞`` (``ln 0 = −∞``).

    * Second-order terms are not carried: where the first-order term is real although the
      value leaves the axis at second order, the principal value (or the IEEE zero's sign) is
      taken, not the limit.
    * arb has no rounding residue: a value is *exactly* on the cut only when its imaginary part
      is structurally a multiple of ``π`` (real arithmetic, ``ln`` of a negative real,
      ``exp`` of ``c + ikπ``); otherwise a ball that meets the cut is "not certified".

Exact landings on the cut (constants)
    An intermediate can land exactly on the negative real axis in exact arithmetic (e.g.
    ``exp(e − iπ) = −e**e``); floating point then leaves a residue whose sign depends on the
    rounding, and ``ln`` jumps by ``2πi``. The mpmath backend *snaps* every intermediate whose
    ``|imag| ≤ 10**−(wp − 15)·|value|`` (``wp`` the working digits) to exactly real with a
    ``+0`` imaginary part, so ``ln`` gives ``+iπ``, the principal value; and every difference
    that cancels to ``≤ 10**−(wp − 15)`` of its operands to exactly ``0`` (so
    ``e − ln(e**e)`` is ``0`` and its ``ln`` is ``−∞``). NumPy and torch compute every variable-free
    subtree once this way (at ``CONSTANT_DPS`` digits, cached per node) and use the rounded
    constant, and its exactly computed ``exp`` and ``ln``. This is exact arithmetic, and exact
    arithmetic is not always what a form's author meant: the 7-node ``ln`` of the *constant*
    ``−1`` is ``−iπ`` (``e − ln(−e**e) = e − (e + iπ)``), so the reference toolkit's
    ``i = exp(ln(−1)/2)`` is ``−i`` exactly (SymPy agrees), while plain NumPy returns ``+i``
    through its rounding residue. An input ``x = −1 + 0j`` instead gives ``+iπ`` (the limit).

Policies: the evaluation and the search arithmetic
    The floating arithmetic departs from the exact values only as a named :class:`Policy`
    states; this paragraph is the one statement of those departures. :data:`EVALUATE` (the
    NumPy, torch, mpmath and arb backends, generated code): plain C99 arithmetic, the cut rule
    above, no snapping of differences beyond the mpmath backend's exact-landing rule.
    :data:`SEARCH` (the search kernels, which *compare* values rather than report them:
    :mod:`emlkit.search.arithmetic` in float64 and its mpmath twin
    :mod:`emlkit.search.arithmetic_mp`) keeps the same ``exp``/``ln`` conventions
    (principal ``ln``, ``ln 0 = −∞``, ``exp(−∞) = 0``, ``exp(+∞) = ln(+∞) = +∞``) and differs
    in exactly these ways:

    * every ``eml`` difference is snapped: a part below ``SEARCH.snap = 2**−40`` (float64) or
      ``10**−(dps − SEARCH.mp_guard)`` (mpmath) times the operands' size becomes ``+0``, so an
      exact landing on the real axis (or on ``0``) stays exact and ``ln`` takes ``+iπ`` (or
      gives ``−∞``); negative zeros become ``+0``;
    * values that float64 cannot carry faithfully are *undefined* (NaN, ``None`` in mpmath)
      instead of C99's infinities: ``exp`` overflow from a finite argument, ``|exp z| <
      SEARCH.exp_floor`` (float64), ``exp`` of a part beyond ``SEARCH.mp_exp_limit``
      (mpmath), ``exp(+∞ + ic)`` with ``c ≠ 0``, ``ln(−∞)`` (``EVALUATE``: ``+∞ + iπ``) and
      every complex infinity; a candidate undefined at a test point is dropped;
    * the search's test points lie off the real axis (``x + 10**−7 i``), so no input sits on a
      cut and the cut rule has nothing to decide;
    * the grammar search (:mod:`emlkit.search.grammar`) applies the same snapping after every
      operation, relative to the result's own size (additive operations: to the operands').

Tolerances
    Every tolerance of the arithmetic and of the comparisons built on it is a named constant of
    :mod:`emlkit.tolerances` (the backends' two are re-exported here): the cut residue, the
    snapping guard digits, the search policy's snapping and limits, the search's value grids
    and match tolerances, the mpmath verification offsets and the decompiler's fingerprint.

NaN
    A NaN never reaches the caller silently. ``on_nan="warn"`` (default) emits an
    :class:`EvaluationWarning` naming the first node (in evaluation order) whose value is NaN
    and the number of affected points; ``"raise"`` raises
    :class:`~emlkit.errors.EvaluationError` (with ``.node``); ``"ignore"`` returns as is.

Real mode
    ``real=True`` (NumPy) evaluates in float64. ``ln`` of a negative number is where a complex
    intermediate would appear: :class:`~emlkit.errors.EvaluationError` names that node and the
    first offending input. ``ln 0 = −∞`` is still allowed.

Overflow
    Floating backends overflow where exact values are merely large (``exp(800)``); mpmath has
    no practical exponent limit but treats ``|Re z| > 2**MAX_EXP_MAG`` under ``exp`` as
    overflow to ``∞·cis(Im z)`` (or ``0``).

Examples
--------
>>> from emlkit import eml, ONE
>>> from emlkit.semantics import describe, direction, working_dps, zero_imag_sign
>>> working_dps(50)
170
>>> zero_imag_sign(-2.0), zero_imag_sign(complex(-2, -0.0)), zero_imag_sign(1j)
(1, -1, None)
>>> direction(-2.0), direction(complex(-0.0, 2.0)), direction(1 + 1j)
(1j, (-1+0j), 0j)
>>> describe(eml(1, eml(eml(1, "x"), 1)))
'K=7 depth=3: eml(1, eml(eml(1, x), 1))'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .nan_policy import ON_NAN_CHOICES, EvaluationWarning, check_on_nan, describe, report_nan
from .tolerances import (
    CUT_RESIDUE,
    GUARD_DIGITS,
    SEARCH_EXP_FLOOR,
    SEARCH_MP_EXP_LIMIT,
    SEARCH_MP_GUARD,
    SEARCH_SNAP,
)

__all__ = [
    "CONSTANT_DPS",
    "CUT_RESIDUE",
    "EVALUATE",
    "GUARD_DIGITS",
    "MAX_EXP_MAG",
    "ON_NAN_CHOICES",
    "SEARCH",
    "EvaluationWarning",
    "Policy",
    "check_on_nan",
    "cut_sides",
    "describe",
    "direction",
    "report_nan",
    "residue_digits",
    "snap_digits",
    "working_dps",
    "zero_imag_sign",
]

#: Digits at which NumPy and torch compute variable-free subtrees before rounding them.
CONSTANT_DPS = 30
#: mpmath treats ``exp`` of a real part beyond ``2**MAX_EXP_MAG`` in magnitude as overflow.
MAX_EXP_MAG = 2000


@dataclass(frozen=True)
class Policy:
    """A named float64 arithmetic: how it departs from the exact semantics (module notes).

    Attributes
    ----------
    name : str
    snap : float
        Parts of an ``eml`` difference below ``snap`` times its operands' size become ``+0``
        (``0``: no snapping).
    exp_floor : float
        ``|exp z|`` below this, for finite ``z``, is undefined (NaN) rather than rounded
        (``0``: subnormals and underflow to ``0`` are kept).
    overflow_undefined : bool
        ``exp`` overflow from a finite argument, ``ln(−∞)`` and complex infinities are
        undefined (NaN) instead of C99's infinities.

    mp_guard : int
        The mpmath flavour snaps parts below ``10**−(dps − mp_guard)`` of the operands
        (``0``: the mpmath backend's own exact-landing rule, :func:`snap_digits`).
    mp_exp_limit : float
        The mpmath flavour takes ``exp`` of an argument with a part beyond this as undefined.

    Examples
    --------
    >>> SEARCH.snap == 2**-40, EVALUATE.snap, SEARCH.mp_guard
    (True, 0.0, 10)
    """

    name: str
    snap: float
    exp_floor: float
    overflow_undefined: bool
    mp_guard: int = 0
    mp_exp_limit: float = math.inf


#: The backends' and generated code's arithmetic: C99 plus the cut rule, nothing snapped.
EVALUATE = Policy("evaluate", snap=0.0, exp_floor=0.0, overflow_undefined=False)
#: The search kernels' arithmetic: snapped differences, unfaithful values undefined.
SEARCH = Policy(
    "search", snap=SEARCH_SNAP, exp_floor=SEARCH_EXP_FLOOR, overflow_undefined=True,
    mp_guard=SEARCH_MP_GUARD, mp_exp_limit=SEARCH_MP_EXP_LIMIT,
)


def working_dps(dps: int) -> int:
    """Digits that the mpmath and arb backends carry internally for a result of ``dps`` digits.

    Parameters
    ----------
    dps : int
        Requested decimal digits of the result.

    Returns
    -------
    int
        ``3·d + 20`` with ``d = max(dps, 15)``: the snapping tolerance
        ``10**−(wp − GUARD_DIGITS)`` then sits ``2d`` digits below the result's last digit, so
        only an exact landing is snapped, never a genuinely small part.

    Examples
    --------
    >>> working_dps(15), working_dps(50)
    (65, 170)
    """
    return 3 * max(int(dps), 15) + 20


def direction(value: Any) -> complex:
    """The input's direction ``δ``: the limit is taken at ``value + δ·ε``, ``ε → 0+``.

    ``±i`` on the real axis (the sign of the zero imaginary part; a real number counts as
    ``+0j``), ``±1`` on the imaginary axis (the sign of the zero real part), ``0`` off both
    axes or where a part is infinite or NaN. An exact zero ``±0 ± 0j`` is on the real axis.

    Examples
    --------
    >>> direction(3.0), direction(complex(3.0, -0.0)), direction(complex(0.0, -2.0))
    (1j, -1j, (1+0j))
    >>> direction(float("inf")), direction(2 + 1j)
    (0j, 0j)
    """
    re = getattr(value, "real", value)
    im = getattr(value, "imag", 0)
    try:
        finite = math.isfinite(float(re)) and math.isfinite(float(im))
    except (TypeError, ValueError, OverflowError):  # pragma: no cover - exotic numeric types
        return 0j
    if not finite:
        return 0j
    if im == 0:
        side = zero_imag_sign(value)
        return complex(0.0, float(side or 1))
    if re == 0:
        sign = -1.0 if isinstance(re, float) and math.copysign(1.0, re) < 0 else 1.0
        if type(re).__module__ == "numpy":
            sign = -1.0 if math.copysign(1.0, float(re)) < 0 else 1.0
        return complex(sign, 0.0)
    return 0j


def cut_sides(b_re: Any, b_im: Any, d_re: Any, d_im: Any, tol: Any) -> tuple[Any, Any]:
    """Where the side of the cut under ``ln b`` is decided by the first-order term ``d``.

    The one rule of the module notes, written once: ``b`` is on the negative real axis
    (``Re b < 0`` and ``|Im b| ≤ tol·|Re b|``) and ``d``'s imaginary part is not negligible
    (``|Im d| > tol·(|Re d| + |Im d|)``); then the limit is on the side of ``Im d``. Works
    elementwise on floats, mpmath numbers, NumPy arrays and torch tensors (comparisons and
    ``&`` only; NaN compares false, so an unknown ``d`` decides nothing).

    Returns
    -------
    (upper, lower)
        Booleans (or boolean arrays): the limit is from above (``+iπ``), from below (``−iπ``).

    Examples
    --------
    >>> cut_sides(-2.0, 1e-17, 0.5, -0.25, CUT_RESIDUE)     # on the cut by rounding, d below
    (False, True)
    >>> cut_sides(-2.0, 0.5, 0.0, -1.0, CUT_RESIDUE)        # off the cut: nothing to decide
    (False, False)
    """
    on = (b_re < 0) & (abs(b_im) <= tol * abs(b_re)) & (abs(d_im) > tol * (abs(d_re) + abs(d_im)))
    return on & (d_im > 0), on & (d_im < 0)


def residue_digits(dps: int) -> int:
    """A result's part below ``10**−residue_digits(dps)`` of its modulus is dropped as residue.

    Examples
    --------
    >>> residue_digits(50)
    55
    """
    return int(dps) + 5


def snap_digits(wp: int) -> int:
    """Exponent ``t`` of the snapping tolerance ``10**−t`` at ``wp`` working digits.

    Examples
    --------
    >>> snap_digits(170)
    155
    """
    return int(wp) - GUARD_DIGITS


def zero_imag_sign(value: Any) -> int | None:
    """The side of the real axis that an input lies on: ``+1``, ``−1``, or ``None`` if off it.

    A real number (any type without an imaginary part, or with an exactly zero one that carries
    no sign) counts as ``+0j``, the upper side. NaN imaginary parts are off the axis.

    Parameters
    ----------
    value : number
        A Python, NumPy or mpmath scalar.

    Returns
    -------
    int or None

    Examples
    --------
    >>> zero_imag_sign(3), zero_imag_sign(complex(0, -0.0)), zero_imag_sign(2 + 1j)
    (1, -1, None)
    """
    imag = getattr(value, "imag", 0)
    try:
        if imag != 0 or imag != imag:  # noqa: PLR0124 - NaN test that also works for mpf
            return None
    except TypeError:  # pragma: no cover - exotic numeric types
        return None
    if isinstance(imag, float) or type(imag).__module__ == "numpy":
        return -1 if math.copysign(1.0, float(imag)) < 0 else 1
    return 1
