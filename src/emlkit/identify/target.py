"""Read the number to identify: its value and how many significant digits of it are known.

A decimal string carries its precision (every digit written counts; a trailing ``...`` is
allowed), a float has 15 digits, an mpmath number the current working precision unless
``digits=`` says otherwise, an int or Fraction is exact, and an object with ``.value`` and
``.digits`` (a computed limit) gives both. A callable ``f(dps)`` is asked for more digits to
re-verify a hit.

>>> t = read_target("1.2020569031595942853997")
>>> t.digits, t.exact
(23, False)
>>> read_target(0.5).digits, read_target(3).exact
(15, True)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational
from typing import Any

from ..errors import DomainError, ParseError, UnsupportedError

__all__ = ["Target", "given_digits", "read_target"]

_DECIMAL = re.compile(r"\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*(?:\.\.\.|…)?\s*\Z")
_FRACTION = re.compile(r"\s*[+-]?\d+\s*/\s*\d+\s*\Z")
#: Most digits accepted (the stored constants hold 2,100; more are computed, slowly).
MAX_DIGITS = 10_000


@dataclass(frozen=True)
class Target:
    """A number to identify.

    Attributes
    ----------
    value : mpmath.mpf
        The value, at ``digits + 10`` digits of working precision.
    digits : int
        Significant digits known (for an exact value: the digits used to search).
    exact : bool
        The value is an exact rational (``fraction`` holds it).
    text : str
        The value as given, for messages.
    fraction : Fraction or None
        The exact value of an int, Fraction or a decimal string.
    more : callable or None
        ``more(dps)`` returns the value to ``dps`` digits (for re-verification).

    Examples
    --------
    >>> t = read_target("22/7")
    >>> t.exact, t.fraction, t.digits
    (True, Fraction(22, 7), 30)
    """

    value: Any
    digits: int
    exact: bool = False
    text: str = ""
    fraction: Fraction | None = None
    more: Callable[[int], Any] | None = None


def _check_digits(digits: Any) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise DomainError(f"digits must be a whole number, not {digits!r}")
    if not 1 <= digits <= MAX_DIGITS:
        raise DomainError(f"digits={digits} is out of range (1 to {MAX_DIGITS})")
    return digits


def _from_decimal(text: str, digits: int | None, strict: bool = False) -> Target:
    if _FRACTION.match(text):
        return _from_rational(Fraction(text.replace(" ", "")), digits, text.strip())
    m = _DECIMAL.match(text)
    if not m or not (m.group(2) or m.group(3)):
        bad = next((i for i, ch in enumerate(text) if not (ch.isdigit() or ch in "+-.eE ")),
                   len(text.rstrip()))
        raise ParseError("not a decimal number", text=text[:200], position=min(bad, 200))
    import mpmath

    sign, whole, frac, exp = m.group(1), m.group(2) or "", m.group(3) or "", m.group(4)
    mantissa = (whole + frac).lstrip("0")
    if not mantissa:
        raise DomainError(f"{text.strip()!r} is zero to every digit given; nothing to identify")
    given = len(mantissa)
    n = _check_digits(digits) if digits is not None else given
    if strict and n > given:  # the user's text and digits (a float's repr has fewer digits)
        raise DomainError(f"digits={n} is more than the {given} digits given")
    if given > MAX_DIGITS:
        raise DomainError(f"{given} digits given; at most {MAX_DIGITS} are accepted")
    # mpmath reads the text itself, so a huge exponent (1e99999999999) costs nothing
    with mpmath.workdps(n + 10):
        value = mpmath.mpf(f"{sign}{whole or '0'}.{frac or '0'}e{exp or 0}")
    return Target(value, n, False, text.strip())


def given_digits(text: str) -> int | None:
    """Significant digits written in decimal text (None for a fraction or other text).

    >>> given_digits("1.2020569031595942853997381615"), given_digits("0.00125e-3")
    (29, 3)
    >>> given_digits("22/7") is None
    True
    """
    m = None if _FRACTION.match(text) else _DECIMAL.match(text)
    if not m or not (m.group(2) or m.group(3)):
        return None
    return len(((m.group(2) or "") + (m.group(3) or "")).lstrip("0")) or None


def _make(fraction: Fraction, digits: int, text: str, exact: bool) -> Target:
    import mpmath

    with mpmath.workdps(digits + 10):
        value = mpmath.mpf(fraction.numerator) / fraction.denominator
    return Target(value, digits, exact, text, fraction if exact else None)


def _from_rational(q: Fraction, digits: int | None, text: str) -> Target:
    if q == 0:
        raise DomainError("0 is exact; nothing to identify")
    n = _check_digits(digits) if digits is not None else max(30, 2 * _size(q) + 12)
    return Target(_make(q, n, text, True).value, n, True, text, q)


def _size(q: Fraction) -> int:
    return len(str(abs(q.numerator))) + len(str(q.denominator))


def read_target(value: Any, digits: int | None = None) -> Target:
    """Read ``value`` as a :class:`Target`.

    Parameters
    ----------
    value : str, float, int, Fraction, mpmath.mpf, callable or limit-like
        Decimal text (its digits are the precision), a number, ``f(dps)`` returning the
        value to ``dps`` digits, or an object with ``.value`` and ``.digits``.
    digits : int, optional
        Significant digits to trust (default: what the value carries; 30 for a callable).

    Raises
    ------
    ParseError
        Text that is not a decimal number.
    DomainError
        Zero, NaN, infinity, a limit without a value, or a bad ``digits``.
    UnsupportedError
        Complex values.

    Examples
    --------
    >>> read_target("3.14159...").digits
    6
    >>> t = read_target("-2.718281828459045235e-3")
    >>> t.digits, t.fraction, float(t.value)
    (19, None, -0.002718281828459045)
    >>> read_target("x1")
    Traceback (most recent call last):
    ...
    emlkit.errors.ParseError: not a decimal number at line 1, column 1
      x1
      ^
    """
    import mpmath

    if isinstance(value, str):
        return _from_decimal(value, digits, strict=True)
    if isinstance(value, bool):
        raise DomainError("a bool is not a number to identify")
    if isinstance(value, Rational):
        return _from_rational(Fraction(int(value.numerator), int(value.denominator)), digits,
                              str(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DomainError(f"{value!r} is not finite; nothing to identify")
        return _from_decimal(repr(value), 15 if digits is None else digits)
    if isinstance(value, (complex, mpmath.mpc)):
        if value.imag != 0:
            raise UnsupportedError(f"complex value {value!r}: only real numbers are identified")
        return read_target(value.real if isinstance(value, complex) else mpmath.mpf(value.real),
                           digits)
    if isinstance(value, mpmath.mpf) or hasattr(value, "_mpf_"):  # also mpmath.pi and kin
        if not mpmath.isfinite(value):
            raise DomainError(f"{value} is not finite; nothing to identify")
        n = _check_digits(digits) if digits is not None else mpmath.mp.dps
        if value == 0:
            raise DomainError("0 is exact; nothing to identify")
        with mpmath.workdps(n + 10):
            text = mpmath.nstr(value, min(n, 60), strip_zeros=False) + ("…" if n > 60 else "")
            return Target(+value, n, False, text)
    if hasattr(value, "value") and hasattr(value, "digits"):
        return _from_limit(value, digits)
    if callable(value):
        n = 30 if digits is None else _check_digits(digits)
        with mpmath.workdps(n + 10):
            got = mpmath.mpf(value(n + 10))
        t = read_target(got, n)
        return Target(t.value, n, False, t.text, None, value)
    raise DomainError(f"cannot identify a {type(value).__name__}: give decimal text, a number, "
                      "a callable f(dps) or an object with .value and .digits")


def _from_limit(limit: Any, digits: int | None) -> Target:
    import mpmath

    if limit.value is None:
        status = getattr(limit, "status", "unknown")
        raise DomainError(f"the limit has no value (status: {status}); nothing to identify")
    if getattr(limit, "is_zero", False):  # digits are decimal places there, not significant
        raise DomainError(f"the limit is 0 to {limit.digits} decimal places, not a number with "
                          "significant digits; PCF.identify() answers it with the rational 0")
    n = int(limit.digits) if digits is None else _check_digits(digits)
    if n < 1:
        raise DomainError(f"the limit has {limit.digits} correct digits; nothing to identify")
    if digits is not None and digits > int(limit.digits):
        raise DomainError(f"digits={digits} asks for more than the {limit.digits} digits the "
                          "limit has")
    value = limit.value
    if isinstance(value, str):
        return _from_decimal(value, n)
    return read_target(value if isinstance(value, mpmath.mpf) else mpmath.mpf(value), n)
