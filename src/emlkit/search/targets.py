"""What the recognizer looks for: an exact reading of a number (samples of a function are read by
:mod:`emlkit.search.samples`, re-exported here).

A decimal string is read *exactly* (as a :class:`~fractions.Fraction`, never through a float),
and stands for the interval of its last digit: every value within half a unit of the last digit
written, so ``"3.14159265358979"`` stands for every value within ``5e-15`` of it, ``"2.72"`` for
``[2.715, 2.725]``, and a 40-digit string for every value within ``5e-40``. Only a part written as
an integer (``"2"``, ``"-1+2i"``) is exact; ``exact=`` overrides the choice, however short or
long the input. Python floats are read through their shortest repr, with at least the float's
own rounding as tolerance. Magnitudes outside the float64 range that the search's sieve works in
(``1e400``, ``1e-320``) are refused with a one-line :class:`~emlkit.errors.DomainError`.

>>> t = parse_number("-1.5+2.25j")
>>> t.re, t.im, t.exact, t.tol_re
(Fraction(-3, 2), Fraction(9, 4), False, Fraction(1, 20))
>>> parse_number("-1+2i").exact, parse_number("1.5", exact=True).exact
(True, True)
>>> t = parse_number("3.14159265358979")
>>> t.digits, float(t.tol_re)
(15, 5e-15)
>>> parse_number("3.14x")
Traceback (most recent call last):
...
emlkit.errors.ParseError: unexpected 'x' in a number at line 1, column 5
  3.14x
      ^
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import DomainError, ParseError
from .samples import Samples, to_samples

__all__ = [
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
    "Samples",
    "Target",
    "parse_number",
    "to_samples",
    "to_target",
]

#: Largest magnitude of a part that the float64 sieve can hold (a little below the overflow).
MAX_MAGNITUDE = Fraction(10) ** 308
#: Smallest nonzero magnitude of a part: float64 holds smaller values only without full precision.
MIN_MAGNITUDE = Fraction(1, 10**307)
_UNITS = "ijIJ"


@dataclass(frozen=True)
class Target:
    """A constant to recognise: exact value and tolerance of each part.

    Attributes
    ----------
    re, im : Fraction
        The value as written.
    tol_re, tol_im : Fraction
        Half-width of the interval each part stands for (0: exact).
    digits : int or None
        Significant digits of the longest approximate part (None when exact).
    text : str
        The input as given (or its repr).
    """

    re: Fraction
    im: Fraction
    tol_re: Fraction = Fraction(0)
    tol_im: Fraction = Fraction(0)
    digits: int | None = None
    text: str = ""

    @property
    def exact(self) -> bool:
        """True when both parts are exact.

        >>> parse_number("2").exact, parse_number("2.718281828").exact
        (True, False)
        """
        return self.tol_re == 0 and self.tol_im == 0

    @property
    def value(self) -> complex:
        """The value rounded to complex128 (for the float sieve).

        >>> parse_number("0.5j").value
        0.5j
        """
        return complex(float(self.re), float(self.im))

    @property
    def rtol(self) -> float:
        """Tolerance relative to ``max(|value|, 1)`` as a float (0 when exact).

        >>> parse_number("0.314159265").rtol
        5e-10
        """
        scale = max(math.hypot(float(self.re), float(self.im)), 1.0)
        return float(max(self.tol_re, self.tol_im)) / scale

    def describe(self) -> str:
        """One phrase saying how the target is read.

        >>> parse_number("2.7182818").describe()
        '2.7182818 (8 significant digits, +-5e-08)'
        """
        if self.exact:
            return f"{self.text} (exact)"
        tol = float(max(self.tol_re, self.tol_im))
        plural = "" if self.digits == 1 else "s"
        return f"{self.text} ({self.digits} significant digit{plural}, +-{tol:.3g})"


#: A scanned unsigned decimal: integer digits, fraction digits, exponent, integral.
_Digits = tuple[str, str, int, bool]


def _scan_decimal(text: str, i: int) -> tuple[str, str, int, bool, int]:
    """Unsigned decimal at ``i``: (integer digits, fraction digits, exponent, integral, end)."""
    n = len(text)
    j = i
    while j < n and text[j].isdigit():
        j += 1
    int_digits = text[i:j]
    frac_digits = ""
    point = False
    if j < n and text[j] == ".":
        point = True
        k = j + 1
        while k < n and text[k].isdigit():
            k += 1
        frac_digits = text[j + 1 : k]
        j = k
    if not int_digits and not frac_digits:
        raise ParseError("expected digits", text, i)
    exp = 0
    has_exp = False
    if j < n and text[j] in "eE":
        k = j + 1
        if k < n and text[k] in "+-":
            k += 1
        m = k
        while m < n and text[m].isdigit():
            m += 1
        if m == k:
            raise ParseError("expected digits after the exponent", text, k)
        exp = int(text[j + 1 : m]) if m - k <= 6 else 10**6
        if abs(exp) > 10_000:
            raise ParseError("exponent out of range (at most 10000 in magnitude)", text, k)
        has_exp = True
        j = m
    return int_digits, frac_digits, exp, not (point or has_exp), j


def _part(digits: _Digits, negative: bool,
          exact: bool | None) -> tuple[Fraction, Fraction, int | None]:
    int_digits, frac_digits, exp, integral = digits
    mant = Fraction(Decimal((int_digits + frac_digits) or "0"))  # no str->int digit limit
    scale = Fraction(10) ** (exp - len(frac_digits))
    value = mant * scale * (-1 if negative else 1)
    sig = len((int_digits + frac_digits).lstrip("0"))
    is_exact = integral if exact is None else exact
    return value, (Fraction(0) if is_exact else scale / 2), (None if is_exact else sig)


def _in_range(t: Target) -> Target:
    """``t`` itself, or a :class:`DomainError` when a part is beyond what float64 holds."""
    for part in (t.re, t.im):
        if abs(part) >= MAX_MAGNITUDE or 0 < abs(part) < MIN_MAGNITUDE:
            raise DomainError(f"{t.text or part} is out of range (float64: 1e-307 to 1e308, or 0)")
    return t


def parse_number(text: str, *, exact: bool | None = None) -> Target:
    """Read a real or complex decimal number exactly, with a tolerance from its digits.

    Accepted: ``3.14159``, ``-2``, ``1e-3``, ``.5``, ``2i``, ``-j``, ``0.5j``, ``-1+2i``,
    ``1.5 - 0.25j``, ``(1+2j)``, ``2*i``; spaces around signs are allowed.

    Parameters
    ----------
    text : str
    exact : bool, optional
        Force every written part to be exact (``True``) or rounded to its last digit
        (``False``). Default: a part written as an integer is exact; any other part (with a
        point or an exponent) stands for half a unit of its last digit either side.

    Raises
    ------
    ParseError
        With the position of the first character that does not belong to a number.
    DomainError
        When a part's magnitude is beyond :data:`MAX_MAGNITUDE` or below
        :data:`MIN_MAGNITUDE` (but not zero).

    Examples
    --------
    >>> t = parse_number("3.1415926535897932384626433832795028841971")
    >>> t.digits, t.tol_re == Fraction(1, 2 * 10**40)
    (41, True)
    >>> parse_number("0.5j").im, parse_number("-i").im, parse_number("1 - 2.5j").re
    (Fraction(1, 2), Fraction(-1, 1), Fraction(1, 1))
    >>> parse_number("3.14").tol_re, parse_number("3.14", exact=True).tol_re
    (Fraction(1, 200), Fraction(0, 1))
    >>> parse_number("1e400")
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: 1e400 is out of range (float64: 1e-307 to 1e308, or 0)
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_number() takes a string, got {type(text).__name__}")
    s = text
    n = len(s)
    i = 0

    def skip(i: int) -> int:
        while i < n and s[i].isspace():
            i += 1
        return i

    i = skip(i)
    close = False
    if i < n and s[i] == "(":
        close = True
        i = skip(i + 1)
    if i >= n or (close and s[i] == ")"):
        raise ParseError("empty number", s, i)
    parts: list[tuple[bool, bool, _Digits | None]] = []  # (negative, imaginary, digits)
    while True:
        negative = False
        if i < n and s[i] in "+-":
            negative = s[i] == "-"
            i = skip(i + 1)
        elif parts:
            break
        digits: _Digits | None = None
        word = s[i : i + 3].lower()
        if word in ("inf", "nan"):
            raise ParseError(f"{s[i:i + 3]!r} is not a finite number", s, i)
        if i < n and (s[i].isdigit() or s[i] == "."):
            int_digits, frac_digits, exp, integral, i = _scan_decimal(s, i)
            digits = (int_digits, frac_digits, exp, integral)
            i = skip(i)
            if i < n and s[i] == "*" and i + 1 < n and s[skip(i + 1)] in _UNITS:
                i = skip(i + 1)
        imaginary = i < n and s[i] in _UNITS
        if imaginary:
            i = skip(i + 1)
        elif digits is None:
            if i >= n:
                raise ParseError("expected digits at the end", s, i)
            raise ParseError(f"unexpected {s[i]!r} in a number", s, i)
        parts.append((negative, imaginary, digits))
        if len(parts) == 2 or imaginary:
            break
    if close:
        if i >= n or s[i] != ")":
            raise ParseError("expected ')'", s, i)
        i = skip(i + 1)
    if i < n:
        raise ParseError(f"unexpected {s[i]!r} in a number", s, i)
    if len(parts) == 2 and not parts[1][1]:
        raise ParseError("the second part of a complex number needs i or j", s, n)
    re = im = tre = tim = Fraction(0)
    sig: list[int] = []
    for negative, imaginary, digits in parts:
        d = digits if digits is not None else ("1", "", 0, True)
        v, tol, g = _part(d, negative, exact)
        if g is not None:
            sig.append(g)
        if imaginary:
            im, tim = v, tol
        else:
            re, tre = v, tol
    return _in_range(Target(re, im, tre, tim, max(sig) if sig else None, text.strip()))


def _float_target(z: complex, exact: bool | None, text: str) -> Target:
    parts = []
    for x in (z.real, z.imag):
        if not math.isfinite(x):
            raise ValueError(f"{text} is not a finite number")
        t = parse_number(repr(float(x)), exact=exact)
        tol = t.tol_re
        if tol:  # the float itself is rounded to 53 bits
            tol = max(tol, Fraction(abs(x)) * Fraction(1, 2**52))
        parts.append((t.re, tol, t.digits))
    (re, tre, d1), (im, tim, d2) = parts
    digits = max((d for d in (d1, d2) if d is not None), default=None)
    return _in_range(Target(re, im, tre, tim, digits, text))


def to_target(value: Any, *, exact: bool | None = None) -> Target:
    """A :class:`Target` for a string, int, Fraction, float, complex, NumPy or mpmath number.

    mpmath numbers are exact binary values; unless ``exact=True`` they stand for an interval
    of a few units in the last bit of the current mpmath precision.

    >>> to_target(2).exact, to_target(0.5).exact, to_target(0.5, exact=True).exact
    (True, False, True)
    >>> to_target(2.718281828459045).digits
    16
    >>> to_target(complex(1, float("nan")))
    Traceback (most recent call last):
    ...
    ValueError: (1+nanj) is not a finite number
    """
    if isinstance(value, Target):
        return value
    if isinstance(value, str):
        return parse_number(value, exact=exact)
    if isinstance(value, bool):
        raise TypeError("recognize() takes a number, not a bool")
    if isinstance(value, (int, np.integer, Fraction)):
        exact_value = Fraction(int(value) if isinstance(value, np.integer) else value)
        return _in_range(Target(exact_value, Fraction(0), text=str(value)))
    if isinstance(value, (float, np.floating)):
        return _float_target(complex(float(value)), exact, repr(float(value)))
    if isinstance(value, (complex, np.complexfloating)):
        return _float_target(complex(value), exact, repr(complex(value)))
    mod = type(value).__module__
    if mod.startswith("mpmath"):
        import mpmath

        z = mpmath.mpc(value)
        parts = []
        for x in (z.real, z.imag):
            if not mpmath.isfinite(x):
                raise ValueError(f"{value} is not a finite number")
            man, exp = x.man_exp if x else (0, 0)
            f = Fraction(man) * Fraction(2) ** exp
            tol = Fraction(0) if exact or not f else abs(f) * Fraction(4, 2**mpmath.mp.prec)
            parts.append((f, tol))
        digits = None if exact or not (parts[0][1] or parts[1][1]) else mpmath.mp.dps
        return _in_range(Target(parts[0][0], parts[1][0], parts[0][1], parts[1][1], digits,
                                str(value)))
    if isinstance(value, numbers.Complex):  # other number types that convert to complex
        return _float_target(complex(value), exact, repr(value))
    raise TypeError(f"recognize() cannot read a {type(value).__name__} as a number")
