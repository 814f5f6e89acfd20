"""The Identify panel: a number to closed forms, from the EML recognizer and the constants engine.

The constants engine (:func:`emlkit.identify.identify`) is used when this build has it; the
reply then says so in ``engine["available"]``.

>>> d = identify_panel("2.718281828459045", max_K=7)
>>> d["eml"]["candidates"][0]["formula"], d["eml"]["candidates"][0]["digits"]
('E', 16)
"""

from __future__ import annotations

import re
import time
from typing import Any

from ..errors import DomainError, EMLError
from .limits import DEFAULT_LIMITS, Limits

__all__ = ["check_number", "engine_available", "identify_panel"]

_NUMBER = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*\Z")
_MAX_NUMBER_CHARS = 1_100
_MAX_RECOGNIZE_K = 33


def engine_available() -> bool:
    """True when this build has the constants engine (:mod:`emlkit.identify`).

    >>> isinstance(engine_available(), bool)
    True
    """
    try:
        from ..identify import identify  # noqa: F401
    except ImportError:
        return False
    return True


def check_number(text: str, what: str = "number") -> str:
    """``text`` stripped, if it is a real decimal number of at most 1,100 characters.

    >>> check_number(" 3.14 ")
    '3.14'
    >>> check_number("pi")
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: 'pi' is not a decimal number (examples: 3.14159, -0.5, 1e-3)
    """
    if not isinstance(text, str) or not text.strip():
        raise DomainError(f"the {what} is empty")
    if len(text) > _MAX_NUMBER_CHARS:
        raise DomainError(f"the {what} has {len(text)} characters: the playground reads at most "
                          f"{_MAX_NUMBER_CHARS}")
    if not _NUMBER.match(text):
        shown = text.strip()[:40]
        raise DomainError(f"{shown!r} is not a decimal number (examples: 3.14159, -0.5, 1e-3)")
    return text.strip()


def identify_panel(
    number: str, *, max_K: int | None = None, limit: int = 5, limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """Closed forms of ``number``: the shortest EML forms, and the constants engine's results.

    Parameters
    ----------
    number : str
        A decimal number; its digits set the precision (``"3.14159265358979"``).
    max_K : int, optional
        Bound of the EML search (default: the recognizer's, at most 33).
    limit : int
        Most candidates of each kind.
    limits : Limits
        ``max_identify_seconds`` bounds each of the two searches.

    Returns
    -------
    dict
        ``eml``: the recognizer's summary (``candidates`` with ``digits`` checked and
        ``certified`` by arb); ``engine``: ``available`` and ``results`` (formula, kind,
        digits matched and verified) or ``note``.

    Examples
    --------
    >>> identify_panel("abc")
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: 'abc' is not a decimal number (examples: 3.14159, -0.5, 1e-3)
    """
    import emlkit as ek

    text = check_number(number)
    if max_K is not None and not (isinstance(max_K, int) and 1 <= max_K <= _MAX_RECOGNIZE_K):
        raise DomainError(f"max_K must be a whole number from 1 to {_MAX_RECOGNIZE_K}")
    if not (isinstance(limit, int) and 1 <= limit <= 20):
        raise DomainError("limit must be a whole number from 1 to 20")
    rec = ek.recognize(text, max_K=max_K, limit=limit, time_limit=limits.max_identify_seconds)
    return {"number": text, "eml": rec.to_dict(),
            "engine": engine_results(text, limit, limits.max_identify_seconds)}


def engine_results(value: Any, limit: int, seconds: float) -> dict[str, Any]:
    """The constants engine's identifications of ``value`` (a decimal string or a Limit).

    >>> engine_results("0.5", 3, 5.0)["available"] in (True, False)
    True
    """
    if not engine_available():
        return {"available": False, "results": [],
                "note": "the constants engine (emlkit.identify) is not part of this build"}
    from ..identify import identify

    t0 = time.perf_counter()
    try:  # the EML forms come from the recognizer above, so the engine skips its own
        found = identify(value, timeout=seconds, limit=limit, eml=False)
    except TypeError:  # an engine without these options
        found = identify(value)
    except EMLError as exc:  # e.g. too few digits for any significant relation
        return {"available": True, "results": [], "note": str(exc).splitlines()[0],
                "seconds": round(time.perf_counter() - t0, 3)}
    rows = [_identification(r) for r in list(found)[:limit]]
    reason = getattr(found, "reason", "") or ("" if rows else "nothing found")
    return {"available": True, "results": rows, "note": str(reason),
            "seconds": round(time.perf_counter() - t0, 3)}


def _identification(r: Any) -> dict[str, Any]:
    def field(name: str) -> Any:
        v = getattr(r, name, None)
        return v if v is None or isinstance(v, (int, float, bool)) else str(v)

    text = getattr(r, "text", None) or str(getattr(r, "formula", r))
    return {"formula": str(text), "kind": field("kind"),
            "digits_matched": field("digits_matched"), "verified_digits": field("verified_digits"),
            "significance": field("significance"), "relation": field("relation")}
