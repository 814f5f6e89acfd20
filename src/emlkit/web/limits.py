"""The playground's safety bounds: sizes, times and job counts every request is checked against.

>>> check_formula("sin(x) + 1", Limits())
'sin(x) + 1'
>>> check_formula("(" * 500 + "x" + ")" * 500, Limits())
Traceback (most recent call last):
...
emlkit.errors.DomainError: formula nested 500 deep: the playground allows at most 100 levels
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DomainError

__all__ = ["DEFAULT_LIMITS", "Limits", "check_formula", "nesting_depth"]


@dataclass(frozen=True)
class Limits:
    """Bounds of the playground server (all requests are refused above them with a 4xx).

    Attributes
    ----------
    max_body_bytes : int
        Largest request body; bigger ones get 413 before they are read in full.
    max_formula_chars : int
        Longest formula or EML text.
    max_nesting : int
        Deepest bracket nesting in a formula.
    max_dps : int
        Most digits asked of an evaluation or of a continued fraction's limit.
    max_drawn_nodes : int
        Largest tree drawn as a picture (bigger trees are shown as text only).
    max_text_chars : int
        Longest EML text sent back (longer text is cut, and the reply says so).
    max_csv_rows, max_csv_columns : int
        Size of a fit's CSV data.
    max_fit_seconds : float
        Longest fit a job may run.
    max_identify_seconds : float
        Time given to the recognizer and the constants engine.
    max_search_K : int
        Largest bound of the bootstrap search.
    max_search_seconds : float
        Time given to one bootstrap search.
    request_seconds : float
        A request still computing after this long is stopped and answered with 503.
    workers : int
        Worker processes for the computations (each runs one request at a time).
    jobs_per_client : int
        Fit jobs one client address may have running at once.
    max_jobs : int
        Fit jobs running at once in all.
    kept_jobs : int
        Finished jobs kept for polling (the oldest are forgotten first).
    """

    max_body_bytes: int = 1_000_000
    max_formula_chars: int = 2_000
    max_nesting: int = 100
    max_dps: int = 1_000
    max_drawn_nodes: int = 1_500
    max_text_chars: int = 200_000
    max_csv_rows: int = 2_000
    max_csv_columns: int = 3
    max_fit_seconds: float = 30.0
    max_identify_seconds: float = 8.0
    max_search_K: int = 9
    max_search_seconds: float = 15.0
    request_seconds: float = 30.0
    workers: int = 2
    jobs_per_client: int = 2
    max_jobs: int = 4
    kept_jobs: int = 32


#: The bounds ``eml serve`` uses unless told otherwise.
DEFAULT_LIMITS = Limits()


def nesting_depth(text: str) -> int:
    """Deepest nesting of ``()``, ``[]`` and ``{}`` in ``text`` (one linear pass).

    >>> nesting_depth("f(g(x), [y])")
    2
    """
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth = max(depth - 1, 0)
    return deepest


def check_formula(text: str, limits: Limits, what: str = "formula") -> str:
    """``text`` if it is within the length and nesting bounds, else a :class:`DomainError`.

    >>> check_formula("", Limits())
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: formula is empty
    """
    if not isinstance(text, str):
        raise DomainError(f"{what} must be text")
    if not text.strip():
        raise DomainError(f"{what} is empty")
    if len(text) > limits.max_formula_chars:
        raise DomainError(
            f"{what} is {len(text)} characters long: the playground allows at most "
            f"{limits.max_formula_chars}"
        )
    depth = nesting_depth(text)
    if depth > limits.max_nesting:
        raise DomainError(
            f"{what} nested {depth} deep: the playground allows at most {limits.max_nesting} levels"
        )
    return text
