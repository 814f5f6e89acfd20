"""The result record shared by every regression path (search, vocabulary, gradient): the
search's :class:`~emlkit.search.candidate.FormulaCandidate` with its fit to the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..expr import Expr
from ..search.candidate import FormulaCandidate

__all__ = ["Candidate"]


@dataclass(frozen=True)
class Candidate(FormulaCandidate):
    """One formula proposed for data ``(X, y)``.

    Parameters
    ----------
    expr : Expr
        The formula in pure EML (leaves ``1`` and the variables).
    formula : str
        A readable form (calculator notation, e.g. ``'x**2 + 1'``).
    rmse : float
        Root-mean-square error on the training data (complex residuals use ``|r|``).
    exact : bool
        True when verified equal to a closed form on held-out points at high precision
        (see ``verified_digits``), not merely close on the training data.
    source : str
        Which path found it: ``'search'``, ``'vocabulary'`` or ``'gradient'``.
    verified_digits : int or None
        Digits of agreement established by the high-precision check, if one was made.
    info : dict
        Anything else the path wants to report (depth searched, restarts, ...).

    Examples
    --------
    >>> import emlkit as ek
    >>> c = Candidate(ek.parse("eml(x, 1)"), "exp(x)", 0.0, True, "search", 50)
    >>> c.K, c.depth, c.rpn
    (3, 1, 'x 1 E')
    """

    expr: Expr
    rmse: float
    exact: bool
    source: str
    verified_digits: int | None = None
    info: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def K(self) -> int:
        """Size of the pure-EML form (RPN tokens)."""
        return self.expr.K

    @property
    def depth(self) -> int:
        """Depth of the pure-EML form (eml nodes on the longest path)."""
        return self.expr.depth
