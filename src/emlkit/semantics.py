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

Inputs on a branch cut (signed zeros)
    The side of the cut is chosen by the sign of the input's zero imaginary part, as in C99 and
    NumPy: ``x + 0j`` (and every real input) is the upper side, ``x − 0j`` the lower side. The
    value of a tree at such an input is its *limit from that side*: the value at
    ``x + i·s·ε`` as ``ε → 0+``, with ``s = ±1`` the sign of the zero. Thus
    ``ln(−2 + 0j) = ln 2 + iπ`` and ``ln(−2 − 0j) = ln 2 − iπ``, also through the 7-node form
    ``eml(1, eml(eml(1, x), 1))``, whose intermediate ``exp(e − ln x)`` is exactly on the cut.
    C99 functions do the same on their own cuts (NumPy's ``arccos(2 + 0j)`` is the value from
    above, ``−1.3169…i``; mpmath's ``acos(2)`` is ``+1.3169…i``).

    * mpmath and arb have no signed zero, so they evaluate at a perturbed point: every input
      ``x`` with a zero imaginary part, other than ``x = 0`` itself (``ln 0`` must stay
      ``−∞``), becomes ``x + i·s·η·S`` with ``η = 2**−perturbation_bits(dps)`` (about
      ``10**−(2d + 10)``, ``d = max(dps, 15)``), computed at ``working_dps(dps)`` (about
      ``3d + 20``) digits and rounded to ``dps``. ``S = max(1, |x|, |y|, …)`` is one scale
      for all the inputs of a point, so every variable moves at the same speed: ``x − y`` at
      ``x = 1, y = 3`` stays exactly real and takes the principal value, as in NumPy. Parts of
      the result below ``10**−(dps + 5)`` of its modulus are perturbation residue and dropped.
      arb uses the same (exact, binary) perturbation; where a value is real only through an
      exact cancellation (that ``x − y``), its ball straddles the axis and is reported.
    * The perturbation gives the limit wherever it is finite, also at branch points that the
      form passes through (``acosh`` at ``−1``). Where the limit is infinite because an
      intermediate *vanishes* at the input (``ln(x − 1)`` at ``x = 1``), the perturbed value is
      large but finite (``ln η``); NumPy gives ``−∞`` there. arb reports such a node.
    * NumPy and torch carry the side in IEEE signed zeros and in the rounding residue of
      ``exp(c ± iπ)``. That matches the limit for the textbook forms, but not everywhere: where
      an intermediate is a negative real reached by real arithmetic (``ln(1 − x)`` at real
      ``x > 1``, built from EML forms), IEEE's ``0 − 0 = +0`` gives the upper side, while the
      limit from above comes from below (``ln 2 − iπ``); mpmath and arb then differ from NumPy.

Exact landings on the cut (constants)
    An intermediate can land exactly on the negative real axis in exact arithmetic (e.g.
    ``exp(e − iπ) = −e**e``); floating point then leaves a residue whose sign depends on the
    rounding, and ``ln`` jumps by ``2πi``. The mpmath backend *snaps* every intermediate whose
    ``|imag| ≤ 10**−(wp − 15)·|value|`` (``wp`` the working digits) to exactly real with a
    ``+0`` imaginary part, so ``ln`` gives ``+iπ``, the principal value; and every difference
    that cancels to ``≤ 10**−(wp − 15)`` of its operands to exactly ``0`` (so
    ``e − ln(e**e)`` is ``0`` and its ``ln`` is ``−∞``). The tolerance sits far below the
    perturbation above, which therefore survives. NumPy and torch compute every variable-free
    subtree once this way (at ``CONSTANT_DPS`` digits, cached per node) and use the rounded
    constant, and its exactly computed ``exp`` and ``ln``. This is exact arithmetic, and exact
    arithmetic is not always what a form's author meant: the 7-node ``ln`` of the *constant*
    ``−1`` is ``−iπ`` (``e − ln(−e**e) = e − (e + iπ)``), so the reference toolkit's
    ``i = exp(ln(−1)/2)`` is ``−i`` exactly (SymPy agrees), while plain NumPy returns ``+i``
    through its rounding residue. An input ``x = −1 + 0j`` instead gives ``+iπ`` (the limit).

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
>>> from emlkit.semantics import describe, working_dps, zero_imag_sign
>>> working_dps(50)
170
>>> zero_imag_sign(-2.0), zero_imag_sign(complex(-2, -0.0)), zero_imag_sign(1j)
(1, -1, None)
>>> describe(eml(1, eml(eml(1, "x"), 1)))
'K=7 depth=3: eml(1, eml(eml(1, x), 1))'
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from .errors import DomainError, EvaluationError
from .expr import Eml, Expr, Var

__all__ = [
    "CONSTANT_DPS",
    "GUARD_DIGITS",
    "MAX_EXP_MAG",
    "ON_NAN_CHOICES",
    "EvaluationWarning",
    "check_on_nan",
    "describe",
    "perturbation_bits",
    "report_nan",
    "residue_digits",
    "snap_digits",
    "working_dps",
    "zero_imag_sign",
]

#: Digits kept between the snapping tolerance and the working precision.
GUARD_DIGITS = 15
#: Digits at which NumPy and torch compute variable-free subtrees before rounding them.
CONSTANT_DPS = 30
#: mpmath treats ``exp`` of a real part beyond ``2**MAX_EXP_MAG`` in magnitude as overflow.
MAX_EXP_MAG = 2000
#: Accepted values of the ``on_nan`` option.
ON_NAN_CHOICES = ("warn", "raise", "ignore")


class EvaluationWarning(RuntimeWarning):
    """A NaN reached the result of an evaluation; ``node`` produced it first on ``count`` points.

    Examples
    --------
    >>> w = EvaluationWarning("NaN", node=None, count=3)
    >>> (w.count, isinstance(w, RuntimeWarning))
    (3, True)
    """

    def __init__(self, message: str, node: Expr | None = None, count: int = 0) -> None:
        super().__init__(message)
        self.node = node
        self.count = count


def working_dps(dps: int) -> int:
    """Digits that the mpmath and arb backends carry internally for a result of ``dps`` digits.

    Parameters
    ----------
    dps : int
        Requested decimal digits of the result.

    Returns
    -------
    int
        ``3·d + 20`` with ``d = max(dps, 15)``: room for the signed-zero perturbation
        (``≈ 10**−(2d + 10)``) far above the snapping tolerance ``10**−(wp − GUARD_DIGITS)``.

    Examples
    --------
    >>> working_dps(15), working_dps(50)
    (65, 170)
    """
    return 3 * max(int(dps), 15) + 20


def perturbation_bits(dps: int) -> int:
    """``k`` such that the signed-zero perturbation is ``η = 2**−k ≈ 10**−(2·max(dps, 15) + 10)``.

    A power of two, so a perturbed input is still an exact binary number.

    Examples
    --------
    >>> perturbation_bits(15), perturbation_bits(50)
    (133, 366)
    """
    return math.ceil((2 * max(int(dps), 15) + 10) * math.log2(10))


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


def describe(node: Expr, limit: int = 60) -> str:
    """A short human label of a node: its size and the beginning of its text.

    Stops printing after ``limit`` characters, so it is cheap on huge DAGs (whose full text can
    be exponentially long).

    Parameters
    ----------
    node : Expr
    limit : int, default 60
        Maximum number of characters of the text.

    Examples
    --------
    >>> from emlkit import eml
    >>> describe(eml("x", 1))
    'K=3 depth=1: eml(x, 1)'
    """
    parts: list[str] = []
    size = 0
    stack: list[Expr | str] = [node]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, str):
            text = item
        elif isinstance(item, Eml):
            stack.extend((")", item.right, ", ", item.left))
            text = "eml("
        elif isinstance(item, Var):
            text = item.name
        else:
            text = "1"
        parts.append(text)
        size += len(text)
    text = "".join(parts)
    if stack or len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"K={node.K} depth={node.depth}: {text}"


def check_on_nan(on_nan: str) -> str:
    """Validate the ``on_nan`` option.

    Examples
    --------
    >>> check_on_nan("raise")
    'raise'
    >>> check_on_nan("loud")
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: on_nan='loud' is not one of 'warn', 'raise', 'ignore'
    """
    if on_nan not in ON_NAN_CHOICES:
        choices = ", ".join(repr(c) for c in ON_NAN_CHOICES)
        raise DomainError(f"on_nan={on_nan!r} is not one of {choices}")
    return on_nan


def report_nan(
    on_nan: str, node: Expr | None, count: int, total: int, *, stacklevel: int = 2
) -> None:
    """Apply the NaN policy: warn, raise or stay silent about ``count`` NaN points of ``total``.

    Parameters
    ----------
    on_nan : {"warn", "raise", "ignore"}
    node : Expr or None
        The first node whose value was NaN (``None`` if it could not be located).
    count, total : int
        Number of NaN points in the result and number of points evaluated.
    stacklevel : int
        Passed to :func:`warnings.warn` so the warning points at the user's call.

    Examples
    --------
    >>> from emlkit import eml
    >>> report_nan("raise", eml("x", 1), 1, 4)
    Traceback (most recent call last):
    ...
    emlkit.errors.EvaluationError: NaN at 1 of 4 points, first produced by node K=3 depth=1: ...
    """
    if on_nan == "ignore" or count == 0:
        return
    where = describe(node) if node is not None else "an unidentified node"
    message = f"NaN at {count} of {total} points, first produced by node {where}"
    if on_nan == "raise":
        raise EvaluationError(message, node)
    warnings.warn(EvaluationWarning(message, node, count), stacklevel=stacklevel + 1)
