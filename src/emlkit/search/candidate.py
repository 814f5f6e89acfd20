"""The candidate record: one formula proposed for a value or for data, by any search.

:class:`FormulaCandidate` holds what every path reports (the pure EML form and a readable
formula); the recognizer's :class:`emlkit.search.recognition.Candidate` adds its size and the
digits proven, regression's :class:`emlkit.regress.Candidate` its fit to the data.

>>> from emlkit import eml
>>> c = FormulaCandidate(eml(1, 1), "E")
>>> c.rpn, c.eml_K
('1 1 E', 3)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..expr import Expr, rpn_string

__all__ = ["FormulaCandidate"]


@dataclass(frozen=True)
class FormulaCandidate:
    """A formula found by a search.

    Attributes
    ----------
    expr : Expr or None
        The pure EML form (None when a vocabulary formula could not be compiled).
    formula : str
        A readable form (decompiled SymPy text, or the vocabulary formula).
    """

    expr: Expr | None
    formula: str

    @property
    def rpn(self) -> str:
        """The pure EML form in RPN (empty when there is none).

        >>> from emlkit import eml
        >>> FormulaCandidate(eml("x", 1), "exp(x)").rpn
        'x 1 E'
        """
        return rpn_string(self.expr) if self.expr is not None else ""

    @property
    def eml_K(self) -> int | None:
        """Size (RPN tokens) of the pure EML form, or None.

        >>> from emlkit import eml
        >>> FormulaCandidate(eml("x", 1), "exp(x)").eml_K
        3
        """
        return self.expr.K if self.expr is not None else None
