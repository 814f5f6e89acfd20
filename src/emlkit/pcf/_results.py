"""Results of a PCF search: :class:`Formula` records and the :class:`SearchResult`.

>>> f = Formula((1, 2), (0, 0, 1), "identified", "4/pi", "pi", "1.2732", 5, ((1, 2), (0, 0, 1)))
>>> print(f)
PCF(2n + 1, n^2) = 4/pi  (5 digits checked)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._discover import ShardParams
from .sieve import CoefficientBox

__all__ = ["Formula", "SearchResult", "poly_text"]


def poly_text(c: Sequence[int]) -> str:
    """A polynomial in n from coefficients (lowest first), highest degree first.

    >>> poly_text((1, 2)), poly_text((0, 0, 1)), poly_text((0, -1, -2)), poly_text((0,))
    ('2n + 1', 'n^2', '-2n^2 - n', '0')
    """
    parts = []
    for k in range(len(c) - 1, -1, -1):
        x = int(c[k])
        if x == 0:
            continue
        mono = "" if k == 0 else ("n" if k == 1 else f"n^{k}")
        mag = abs(x)
        body = f"{mag}{mono}" if (mag != 1 or not mono) else mono
        sign = "-" if x < 0 else "+"
        parts.append((sign, body))
    if not parts:
        return "0"
    first = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    return " ".join([first] + [f"{s} {b}" for s, b in parts[1:]])


@dataclass(frozen=True)
class Formula:
    """A formula found by a search: PCF(a, b) = closed form, with checked digits.

    Attributes
    ----------
    a, b : tuple of int
        Coefficients, lowest degree first.
    kind : str
        ``"identified"`` (Möbius transform of a transcendental constant), ``"algebraic"``
        (of an algebraic one, e.g. sqrt(5)) or ``"rational"``.
    formula : str
        The closed form, SymPy-readable.
    constant : str or None
        The constant of the Möbius transform.
    value : str
        The limit as decimal text, to ``digits`` significant digits.
    digits : int
        Digits on which the exact convergents and the closed form agree (mpmath).
    canonical : (tuple, tuple)
        Canonical form (see :mod:`emlkit.pcf.canonical`): equal for equivalent formulas.
    blind_delta : float or None
        −1 − ln|L − p_n/q_n| / ln(q_n/gcd) at the checking depth.
    features : dict
        The float sieve's dynamics features.

    >>> f = Formula((3, 1), (0, -1), "identified", "E", "E", "2.718", 4, ((3, 1), (0, -1)))
    >>> str(f)
    'PCF(n + 3, -n) = E  (4 digits checked)'
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    kind: str
    formula: str
    constant: str | None
    value: str
    digits: int
    canonical: tuple[tuple[int, ...], tuple[int, ...]]
    mobius: tuple[int, ...] | None = None
    blind_delta: float | None = None
    depth: int = 0
    index: int = -1
    features: dict = field(default_factory=dict, compare=False, hash=False)

    @staticmethod
    def from_record(r: dict) -> Formula:
        """From a search record (as stored in the catalog)."""
        return Formula(
            tuple(r["a"]), tuple(r["b"]), r["kind"], r["formula"], r.get("constant"),
            r["value"], int(r["digits"]), (tuple(r["canonical_a"]), tuple(r["canonical_b"])),
            tuple(r["mobius"]) if r.get("mobius") else None, r.get("blind_delta"),
            int(r.get("depth", 0)), int(r.get("index", -1)), dict(r.get("features") or {}))

    def __str__(self) -> str:
        return (f"PCF({poly_text(self.a)}, {poly_text(self.b)}) = {self.formula}  "
                f"({self.digits} digits checked)")

    def pcf(self) -> Any:
        """The :class:`emlkit.pcf.PCF` of this formula."""
        from .pcf import PCF

        return PCF(list(self.a), list(self.b))

    def as_dict(self) -> dict:
        """Plain dictionary (lists for tuples), for JSON.

        >>> Formula((1,), (1,), "algebraic", "GoldenRatio", "sqrt(5)", "1.618", 4,
        ...         ((1,), (1,))).as_dict()["canonical"]
        [[1], [1]]
        """
        return {"a": list(self.a), "b": list(self.b), "kind": self.kind,
                "formula": self.formula, "constant": self.constant, "value": self.value,
                "digits": self.digits, "canonical": [list(self.canonical[0]),
                                                     list(self.canonical[1])],
                "mobius": list(self.mobius) if self.mobius else None,
                "blind_delta": self.blind_delta, "depth": self.depth, "index": self.index,
                "features": self.features}


@dataclass(frozen=True)
class SearchResult:
    """What a search found: the formulas, sieve counts and timing.

    Attributes
    ----------
    box : CoefficientBox
    params : ShardParams
    formulas : tuple of Formula
        In box order.
    counts : dict
        PCFs per sieve status (``converged``, ``slow``, ``divergent``, ``oscillating``,
        ``terminating``).
    candidates : int
        Converged PCFs looked up (float digits ≥ ``min_digits``).
    seconds : float
        Wall time of this call (a resumed run counts only the rest).
    run_id : int or None
        The catalog run, if any.
    resumed_shards : int
        Shards found done in the catalog at the start.
    searched : int
        PCFs searched by this call (the rest came from the catalog).
    """

    box: CoefficientBox
    params: ShardParams
    formulas: tuple[Formula, ...]
    counts: dict
    candidates: int
    seconds: float
    run_id: int | None = None
    resumed_shards: int = 0
    searched: int = -1

    @property
    def size(self) -> int:
        """PCFs in the box."""
        return self.box.size

    def find(self, a: Sequence[int], b: Sequence[int]) -> Formula | None:
        """The formula of PCF(a, b) (coefficients lowest first, zeros padded), if found."""
        i = self.box.index_of(a, b)
        return next((f for f in self.formulas if f.index == i), None)

    def per_constant(self, kinds: Sequence[str] = ("identified", "algebraic")) -> dict[str, int]:
        """Distinct formulas (canonical classes) per constant, most first.

        >>> from emlkit.pcf.search import search
        >>> r = search((1, 2, (0, 2)), constants=["pi"], executor="serial")
        >>> r.per_constant()["pi"] >= 1
        True
        """
        classes: dict[str, set] = {}
        for f in self.formulas:
            if f.kind in kinds and f.constant:
                classes.setdefault(f.constant, set()).add(f.canonical)
        return dict(sorted(((k, len(v)) for k, v in classes.items()), key=lambda t: -t[1]))

    def kinds(self) -> dict[str, int]:
        """Formulas per kind (``identified``, ``algebraic``, ``rational``)."""
        return dict(Counter(f.kind for f in self.formulas))

    def summary(self) -> str:
        """A few lines: box, rate, counts, formulas per constant."""
        n = self.size if self.searched < 0 else self.searched
        if n == 0:
            timing = "all from the catalog"
        else:
            rate = n / self.seconds if self.seconds > 0 else float("inf")
            timing = (f"{n:,} searched in {self.seconds:.1f} s ({rate:,.0f} PCFs/s)"
                      if n != self.size else f"{self.seconds:.1f} s ({rate:,.0f} PCFs/s)")
        lines = [
            f"box: deg a ≤ {self.box.deg_a}, deg b ≤ {self.box.deg_b}, coefficients "
            f"{self.box.coefficients[0]}..{self.box.coefficients[1]}"
            + (f" (b: {self.box.b_coefficients[0]}..{self.box.b_coefficients[1]})"
               if self.box.b_coefficients else "")
            + f": {self.size:,} PCFs, {timing}",
            "sieve: " + ", ".join(f"{k} {v:,}" for k, v in self.counts.items()),
            f"formulas: {len(self.formulas):,} ("
            + ", ".join(f"{k} {v:,}" for k, v in sorted(self.kinds().items())) + ")",
        ]
        pc = self.per_constant()
        if pc:
            lines.append("distinct formulas per constant: "
                         + ", ".join(f"{k} {v}" for k, v in pc.items()))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready dictionary of everything."""
        return {"box": self.box.as_dict(), "params": self.params.as_dict(), "size": self.size,
                "counts": self.counts, "candidates": self.candidates,
                "seconds": round(self.seconds, 3), "run_id": self.run_id,
                "resumed_shards": self.resumed_shards, "searched": self.searched,
                "per_constant": self.per_constant(),
                "kinds": self.kinds(), "formulas": [f.as_dict() for f in self.formulas]}
