"""What :func:`emlkit.search.recognize` returns: ranked candidates and what was searched.

>>> from emlkit import eml
>>> r = Recognition("e", [Candidate(eml(1, 1), "E", 3, 0.0, 50, True)], 9, 19, 50, 60)
>>> r.found, r.best.rpn, r.message
(True, '1 1 E', 'e = E  (K = 3, 50 digits)')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .candidate import FormulaCandidate

__all__ = ["Candidate", "Recognition"]


@dataclass(frozen=True)
class Candidate(FormulaCandidate):
    """One recognised form (the shared :class:`~emlkit.search.candidate.FormulaCandidate`
    record, with its size and the digits proven).

    Attributes
    ----------
    expr : Expr
        The pure EML form.
    formula : str
        A readable form: the decompiled SymPy text, or the vocabulary formula.
    K : int
        Size in the searched language (pure EML K, or tokens over the vocabulary).
    error : float
        Relative error at ``dps`` digits against the target (largest over the checked points).
    digits : int
        Significant digits of the target that the form reproduces: proven by an arb ball when
        ``certified``, else computed with mpmath at ``dps`` digits.
    certified : bool
        The arb enclosure confirmed every checked value.
    note : str
        Why arb did not certify, or other remarks.
    """

    K: int
    error: float
    digits: int
    certified: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields.

        >>> from emlkit import eml
        >>> sorted(Candidate(eml(1, 1), "E", 3, 0.0, 50).to_dict())[:4]
        ['K', 'certified', 'digits', 'eml']
        """
        return {
            "K": self.K,
            "formula": self.formula,
            "eml": str(self.expr) if self.expr is not None else None,
            "rpn": self.rpn or None,
            "eml_K": self.eml_K,
            "error": self.error,
            "digits": self.digits,
            "certified": self.certified,
            "note": self.note,
        }


@dataclass
class Recognition:
    """Result of :func:`emlkit.search.recognize`: candidates ranked by K, and what was searched.

    Iterating gives the :class:`Candidate` objects. ``found`` is False when no form matched;
    ``message`` then says ``"no form with K ≤ N matches ... to D digits"``.

    Attributes
    ----------
    target : str
        How the target was read.
    candidates : list of Candidate
    searched_K : int
        Every form of size up to this bound was compared.
    reached_K : int
        Largest size a match could have (meet in the middle covers part of the sizes between).
    digits : int
        Digits a form had to match.
    language : str
        ``"EML"`` or the vocabulary, e.g. ``"1, eml, pi, plus"``.
    complete : bool
        False when a time or memory limit cut the search short (``notes`` say where).
    """

    target: str
    candidates: list[Candidate]
    searched_K: int
    reached_K: int
    digits: int
    dps: int
    language: str = "EML"
    variables: tuple[str, ...] = ()
    seconds: float = 0.0
    complete: bool = True
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    def __len__(self) -> int:
        return len(self.candidates)

    def __getitem__(self, i: int) -> Candidate:
        return self.candidates[i]

    @property
    def found(self) -> bool:
        """True when at least one form matched."""
        return bool(self.candidates)

    @property
    def best(self) -> Candidate | None:
        """The smallest form found, or None."""
        return self.candidates[0] if self.candidates else None

    @property
    def message(self) -> str:
        """One line: the best form, or that none exists up to the bound searched."""
        over = "" if self.language == "EML" else f" over {{{self.language}}}"
        if not self.found:
            return (f"no form{over} with K ≤ {self.searched_K} matches {self.target} "
                    f"to {self.digits} digits")
        b = self.candidates[0]
        return f"{self.target} = {b.formula}  (K = {b.K}{over}, {b.digits} digits)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary.

        >>> from emlkit.search import recognize
        >>> d = recognize("0", max_K=9).to_dict()
        >>> d["found"], d["candidates"][0]["K"], d["searched_K"]
        (True, 7, 9)
        """
        return {
            "target": self.target,
            "found": self.found,
            "message": self.message,
            "searched_K": self.searched_K,
            "reached_K": self.reached_K,
            "digits": self.digits,
            "dps": self.dps,
            "language": self.language,
            "variables": list(self.variables),
            "complete": self.complete,
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
            "candidates": [c.to_dict() for c in self.candidates],
        }

    def __str__(self) -> str:
        head = f"target: {self.target}; searched K ≤ {self.searched_K}"
        if self.reached_K > self.searched_K:
            head += f" (and forms up to K = {self.reached_K} with both halves in the table)"
        lines = [head + f", {self.seconds:.1f} s"]
        lines += [f"note: {n}" for n in self.notes]
        if not self.found:
            lines.append(self.message)
            return "\n".join(lines)
        lines.append(f"{'K':>4} {'digits':>6}  {'arb':<4} formula  =  EML")
        for c in self.candidates:
            arb = "yes" if c.certified else "no"
            eml = str(c.expr) if c.expr is not None else "(not compiled)"
            extra = f"  [eml K = {c.expr.K}]" if c.expr is not None and c.expr.K != c.K else ""
            lines.append(f"{c.K:>4} {c.digits:>6}  {arb:<4} {c.formula}  =  {eml}{extra}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{c.K}</td><td>{c.digits}</td><td>{'yes' if c.certified else 'no'}</td>"
            f"<td>{html.escape(c.formula)}</td>"
            f"<td><code>{html.escape(str(c.expr))}</code></td></tr>"
            for c in self.candidates
        )
        return (f"<p>{html.escape(self.message)}</p><table><tr><th>K</th><th>digits</th>"
                f"<th>arb</th><th>formula</th><th>EML</th></tr>{rows}</table>")
