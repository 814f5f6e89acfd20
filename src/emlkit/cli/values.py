"""Numbers on the ``eml`` command line: ``--at NAME=VALUE`` in, evaluation results out.

>>> parse_value("-2+0.5j"), format_value(complex(0.5, -0.0))
(('-2', '+0.5'), ('0.5', '-0.0', '0.5-0.0j'))
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence
from typing import Any

from ..errors import UsageError

__all__ = ["MAX_DPS", "dps_type", "format_value", "number", "parse_at", "parse_value"]

MAX_DPS = 10_000


_NUM = r"(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf(?:inity)?|nan)"
_REAL = re.compile(rf"\s*(?P<re>[+-]?{_NUM})\s*\Z", re.IGNORECASE)
_IMAG = re.compile(rf"\s*(?P<im>[+-]?(?:{_NUM})?)\s*[ij]\s*\Z", re.IGNORECASE)
_BOTH = re.compile(
    rf"\s*(?P<re>[+-]?{_NUM})\s*(?P<im>[+-]\s*(?:{_NUM})?)\s*[ij]\s*\Z", re.IGNORECASE
)


def parse_value(text: str) -> tuple[str, str]:
    """Split a number such as ``-2+0.5j``, ``1e-3``, ``-0.0``, ``inf`` or ``2i`` into (re, im) text.

    Examples
    --------
    >>> parse_value("-2+0.5j"), parse_value("-0.0"), parse_value("2i"), parse_value("-j")
    (('-2', '+0.5'), ('-0.0', '0'), ('0', '2'), ('0', '-1'))
    """
    for pattern in (_REAL, _IMAG, _BOTH):
        m = pattern.match(text)
        if m:
            groups = m.groupdict()
            re_ = groups.get("re") or "0"
            im = groups["im"].replace(" ", "") if "im" in groups else "0"
            if im in ("", "+", "-"):
                im += "1"
            return re_.lower(), im.lower()
    raise UsageError(f"{text!r} is not a number (examples: 0.7, -2+0.5j, -0.0, inf)")


def parse_at(items: Sequence[str]) -> dict[str, tuple[str, str]]:
    """``{name: (re, im)}`` of the ``--at NAME=VALUE`` options.

    >>> parse_at(["x=0.7", "y=-2+0.5j"])
    {'x': ('0.7', '0'), 'y': ('-2', '+0.5')}
    """
    values: dict[str, tuple[str, str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise UsageError(f"bad --at {item!r}: expected NAME=VALUE, e.g. --at x=0.7")
        if name in values:
            raise UsageError(f"bad --at {item!r}: {name} is given twice")
        try:
            values[name] = parse_value(value)
        except UsageError as exc:
            raise UsageError(f"bad --at {item!r}: {exc}") from None
    return values


def dps_type(text: str) -> int:
    """Decimal digits for mpmath or arb, 1 to :data:`MAX_DPS` (argparse type).

    >>> dps_type("50")
    50
    """
    try:
        dps = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of digits") from None
    if not 1 <= dps <= MAX_DPS:
        raise argparse.ArgumentTypeError(f"{dps} is out of range (1 to {MAX_DPS} digits)")
    return dps


# ---------------------------------------------------------------- output helpers


def _float_text(x: float) -> str:
    return repr(float(x))


def format_value(value: Any, dps: int | None = None) -> tuple[str, str, str]:
    """(re, im, "re±imj") text of an evaluation result of any backend.

    Examples
    --------
    >>> format_value(complex(0.5, -0.0))
    ('0.5', '-0.0', '0.5-0.0j')
    >>> from mpmath import mp, mpc, pi
    >>> with mp.workdps(40):
    ...     z = mpc(0, -pi)
    >>> format_value(z, 40)[1]                       # every requested digit of both parts
    '-3.141592653589793238462643383279502884197'
    """
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        value = value.item()  # numpy scalar or 0-d array, 0-d torch tensor
    if type(value).__module__.startswith("mpmath"):
        from mpmath import mp

        digits = dps or mp.dps
        # nstr of the parts themselves: mp.mpc(value), abs() or unary minus would round them to
        # the global precision (16 digits) before printing
        re_, im = mp.nstr(value.real, digits), mp.nstr(value.imag, digits)
        if im.startswith("-"):
            return re_, im, f"{re_}-{im[1:]}j"
        return re_, im, f"{re_}+{im}j"
    if type(value).__module__.startswith("flint"):  # an arb ball: midpoint +/- radius
        re_, im = value.real.str(dps or 30), value.imag.str(dps or 30)
        return re_, im, f"{re_} + {im}j"
    z = complex(value)
    sign = "-" if math.copysign(1.0, z.imag) < 0 else "+"
    re_, im = _float_text(z.real), _float_text(z.imag)
    return re_, im, f"{re_}{sign}{_float_text(abs(z.imag))}j"




def number(re_: str, im: str, backend: str, dps: int | None) -> Any:
    """An input value for the backend from its text.

    >>> number("0.5", "0", "numpy", None)
    (0.5+0j)

    A complex128 when both parts are exact doubles (this keeps the sign of a zero imaginary
    part, which picks the side of a cut); for mpmath and arb, a decimal such as ``0.1`` that no
    double holds is passed as an mpmath number carrying all its digits at ``dps``.
    """
    z = complex(float(re_), float(im))
    if backend not in ("mpmath", "arb"):
        return z
    from mpmath import mp

    with mp.workdps((dps or 50) + 10):
        exact = all(
            not mp.isfinite(mp.mpf(text)) or mp.mpf(text) == mp.mpf(part)
            for text, part in ((re_, z.real), (im, z.imag))
        )
        return z if exact else mp.mpc(mp.mpf(re_), mp.mpf(im))


