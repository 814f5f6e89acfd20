"""Argument types shared by the ``eml`` subcommands (argparse ``type=`` callables).

>>> positive_int("3"), seconds("2.5")
(3, 2.5)
>>> positive_int("0")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: 0 must be at least 1
"""

from __future__ import annotations

import argparse
import math

__all__ = ["nonnegative_int", "positive_int", "seconds", "whole_number"]


def whole_number(text: str, least: int = 1) -> int:
    """A whole number >= ``least`` (the check behind the argparse types below).

    >>> whole_number("0", least=0)
    0
    """
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if v < least:
        raise argparse.ArgumentTypeError(f"{v} must be at least {least}")
    return v


def positive_int(text: str) -> int:
    """A whole number >= 1 (argparse type).

    >>> positive_int("12")
    12
    """
    return whole_number(text, 1)


def nonnegative_int(text: str) -> int:
    """A whole number >= 0 (argparse type).

    >>> nonnegative_int("0")
    0
    """
    return whole_number(text, 0)


def seconds(text: str) -> float:
    """A positive, finite number of seconds (argparse type).

    >>> seconds("0.5")
    0.5
    """
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of seconds")
    return v
