"""The records that :func:`emlkit.identify.identify` returns: one closed form, and the ranked list.

>>> from emlkit.identify import identify
>>> r = identify("0.5235987755982988730771072305465838140")
>>> print(r.best)
pi/6  (mobius, 37 digits matched, significance 32.3)
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Identification", "Identifications", "Relation"]


@dataclass(frozen=True)
class Relation:
    """An integer relation: ``sum(c * t for c, t in zip(coefficients, terms)) = 0``.

    ``terms`` name what each coefficient multiplies: ``"x"`` is the number identified,
    ``"1"`` the unit, others are table constants or their products and logarithms.

    >>> print(Relation((6, -1), ("x", "pi")))
    6*x - pi = 0
    """

    coefficients: tuple[int, ...]
    terms: tuple[str, ...]

    def __str__(self) -> str:
        parts = []
        for c, t in zip(self.coefficients, self.terms):
            if c == 0:
                continue
            mag = abs(c)
            body = str(mag) if t == "1" else (t if mag == 1 else f"{mag}*{t}")
            parts.append(("- " if c < 0 else "+ ") + body)
        text = " ".join(parts) if parts else "0"
        return (text[2:] if text.startswith("+ ") else "-" + text[2:]) + " = 0"


@dataclass(frozen=True)
class Identification:
    """One closed form for the number.

    Attributes
    ----------
    formula : sympy.Expr
        The closed form; ``str(formula)`` is SymPy-parsable text.
    text : str
        The same formula written with the table's constant names (``"7*zeta(3)/pi**2"``).
    value : mpmath.mpf
        The formula's value, computed from the table at ``verified_digits + 10`` digits.
    digits_matched : int
        Significant digits of the given number that the formula reproduces (all of them for
        a hit: a relation that explains fewer is never returned).
    relation : Relation
        The integer relation found.
    kind : str
        ``"rational"``, ``"algebraic"``, ``"mobius"``, ``"linear"``, ``"polynomial"``,
        ``"power-product"`` or ``"eml"``.
    significance : float
        Digits matched over the digits of the relation's coefficients
        (sum of log10(|c| + 1)): about 1 for chance relations; hits need at least 2.
    verified_digits : int
        Digits to which the formula was checked: all the given digits, or more when the
        caller could supply more (a callable value).
    cost : float
        Description length: the digits of the coefficients (ranking key).
    spare_digits : float
        Digits explained beyond what a relation of this shape and size fits by chance, after
        the look-elsewhere cost of every search run (hits need ``emlkit.identify.MARGIN``);
        about one random number in 10^spare_digits gets such a relation by luck.
    eml : str or None
        The pure EML form (found by the EML recognizer), when there is one.

    Examples
    --------
    >>> from emlkit.identify import identify
    >>> best = identify("2.8074549930853794765715966939269717682889").best
    >>> best.text, best.kind, best.digits_matched, best.relation.coefficients
    ('4/(3*pi - 8)', 'mobius', 41, (3, -8, 0, -4))
    """

    formula: Any
    text: str
    value: Any
    digits_matched: int
    relation: Relation
    kind: str
    significance: float
    verified_digits: int
    cost: float
    spare_digits: float = 0.0
    eml: str | None = None

    def __str__(self) -> str:
        pure = f"; pure EML: {self.eml}" if self.eml and self.kind != "eml" else ""
        checked = (f", checked to {self.verified_digits}"
                   if self.verified_digits > self.digits_matched else "")
        return (f"{self.text}  ({self.kind}, {self.digits_matched} digits matched{checked}, "
                f"significance {self.significance:.1f}{pure})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields; the value as a decimal string with all its verified digits.

        >>> from emlkit.identify import identify
        >>> d = identify("1.6449340668482264364724151666460251892")[0].to_dict()
        >>> d["formula"], d["kind"], d["value"][:12]
        ('pi**2/6', 'mobius', '1.6449340668')
        """
        import mpmath

        return {
            "formula": str(self.formula),
            "text": self.text,
            "kind": self.kind,
            "value": mpmath.nstr(self.value, self.verified_digits, strip_zeros=False),
            "digits_matched": self.digits_matched,
            "verified_digits": self.verified_digits,
            "significance": round(self.significance, 2),
            "cost": round(self.cost, 3),
            "spare_digits": self.spare_digits if self.spare_digits != float("inf") else None,
            "relation": {"coefficients": list(self.relation.coefficients),
                         "terms": list(self.relation.terms)},
            "eml": self.eml,
        }


@dataclass(frozen=True)
class Identifications:
    """The closed forms found, best first (shortest description); empty with a ``reason``.

    Behaves like a tuple of :class:`Identification`; ``bool(result)`` is False when nothing
    was found.

    Attributes
    ----------
    items : tuple of Identification
    target : str
        The number as given.
    digits : int
        Significant digits it was given to.
    reason : str
        Why nothing was found (empty when something was).
    tried : int
        Relation searches run (each a lattice reduction or a recognizer call).
    seconds : float
        Time taken.
    notes : tuple of str
        Strategies skipped (too few digits, time limit) and similar remarks.

    Examples
    --------
    >>> from emlkit.identify import identify
    >>> r = identify("0.57721566490153286060651209008240243104215933593992")
    >>> bool(r), len(r) >= 1, r.best.text
    (True, True, 'EulerGamma')
    """

    items: tuple[Identification, ...]
    target: str
    digits: int
    reason: str = ""
    tried: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __iter__(self) -> Iterator[Identification]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Identification:
        return self.items[i]

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def best(self) -> Identification | None:
        """The first (shortest) closed form, or None."""
        return self.items[0] if self.items else None

    @property
    def message(self) -> str:
        """One line: the best closed form, or "nothing found" with the reason."""
        if not self.items:
            return f"nothing found for {self.target}: {self.reason}"
        b = self.items[0]
        checked = f", checked to {b.verified_digits}" if b.verified_digits > b.digits_matched \
            else ""
        return (f"{self.target} = {b.text}  ({b.kind}; {b.digits_matched} digits matched"
                f"{checked}, significance {b.significance:.1f})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary.

        >>> from emlkit.identify import identify
        >>> d = identify("0.1234567890123456789012345678901")
        >>> d.to_dict()["found"], d.to_dict()["results"]
        (False, [])
        """
        return {
            "target": self.target,
            "digits": self.digits,
            "found": bool(self.items),
            "message": self.message,
            "reason": self.reason,
            "tried": self.tried,
            "seconds": round(self.seconds, 4),
            "notes": list(self.notes),
            "results": [i.to_dict() for i in self.items],
        }

    def __str__(self) -> str:
        lines = [self.message]
        if self.items and self.items[0].eml:
            lines.append(f"  pure EML form: {self.items[0].eml}")
        for i, item in enumerate(self.items[1:], start=2):
            lines.append(f"  {i}. {item}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(i.text)}</code></td><td>{i.kind}</td>"
            f"<td>{i.digits_matched}</td><td>{i.significance:.1f}</td></tr>" for i in self.items)
        table = (f"<table><tr><th>formula</th><th>kind</th><th>digits</th>"
                 f"<th>significance</th></tr>{rows}</table>" if rows else "")
        return f"<p>{html.escape(self.message)}</p>{table}"
