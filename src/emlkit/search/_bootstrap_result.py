"""The result of :func:`emlkit.search.bootstrap.bootstrap`: the discovery chain and its verdict.

>>> s = Step("2", "plus(1, 1)", 3, ("plus", ("1",), ("1",)), 3, "plus(1, 1)", 28, 0.0)
>>> s.label, s.as_dict()["blocks"]
('2', 'plus(1, 1)')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._bootstrap_basis import LABELS
from ._bootstrap_terms import term_call

__all__ = ["MAX_EXPANDED", "BootstrapResult", "Step"]


@dataclass
class Step:
    """One link of the discovery chain.

    ``witness`` is calculator notation over the blocks known at that time (``term`` the same
    as nested tuples), ``K`` its size; ``expanded`` the witness with every derived block
    replaced by its own witness, over the original base (``None`` when longer than
    :data:`MAX_EXPANDED` tokens), ``expanded_K`` its size.
    """

    name: str
    witness: str
    K: int
    term: tuple
    expanded_K: int
    expanded: str | None
    digits: int
    seconds: float
    expanded_ok: bool | None = None

    @property
    def label(self) -> str:
        """Readable name of the primitive."""
        return LABELS.get(self.name, self.name)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"name": self.name, "label": self.label, "witness": self.witness,
                "blocks": term_call(self.term), "K": self.K,
                "term": self.term, "expanded_K": self.expanded_K, "expanded": self.expanded,
                "digits": self.digits, "seconds": round(self.seconds, 4),
                "expanded_ok": self.expanded_ok}


#: Longest expansion over the base written out as text.
MAX_EXPANDED = 200_000


@dataclass
class BootstrapResult:
    """Outcome of :func:`emlkit.search.bootstrap.bootstrap`.

    Attributes
    ----------
    base : list of str
        The base building blocks.
    chain : list of Step
        Primitives in the order found.
    given : list of str
        Basis primitives already in the base.
    missing : list of str
        Basis primitives not reached.
    complete : bool
        Every primitive of the basis reached.
    max_K : int
        Search bound per round; ``searched_K`` the largest K enumerated in the last round.
    seconds : float
        Wall time.
    """

    base: list[str]
    targets: list[str]
    chain: list[Step] = field(default_factory=list)
    given: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    complete: bool = False
    max_K: int = 0
    searched_K: int = 0
    stopped: str | None = None
    seconds: float = 0.0
    resumed: int = 0
    check_seconds: float = 0.0

    def found(self) -> list[str]:
        """Basis primitives available at the end (given or found)."""
        return self.given + [s.name for s in self.chain]

    def verdict(self) -> str:
        """One line: complete, or what is missing and the bound searched."""
        n = len(self.targets)
        checked = [s.expanded_ok for s in self.chain if s.expanded_ok is not None]
        note = (f"; {sum(checked)}/{len(checked)} expansions over the base pass the check"
                if checked and not all(checked) else "")
        if self.complete:
            return (f"complete: the base {{{'; '.join(self.base)}}} generates all {n} "
                    f"primitives of the basis ({len(self.chain)} found, {self.seconds:.2f} s"
                    f"{note})")
        why = f" ({self.stopped})" if self.stopped else ""
        return (f"incomplete: {len(self.found())}/{n} primitives reached; missing "
                f"{', '.join(LABELS.get(m, m) for m in self.missing)}; nothing new up to "
                f"K = {self.searched_K}{why} ({self.seconds:.2f} s{note})")

    def explain(self) -> str:
        """The discovery chain as a table, then the verdict.

        >>> from emlkit.search.bootstrap import bootstrap
        >>> r = bootstrap(constants=["1"], operations=["plus"], max_K=5, targets=["2", "e"])
        >>> print(r.explain().replace(f"{r.seconds:.2f}", "T"))
        base {1; plus}: given none
          #  primitive  K  witness over the blocks  expanded K
          1  2          3  plus(1, 1)               3
        incomplete: 1/2 primitives reached; missing e; nothing new up to K = 5 (T s)
        """
        rows = [("#", "primitive", "K", "witness over the blocks", "expanded K")]
        for i, s in enumerate(self.chain, 1):
            mark = "" if s.expanded_ok is not False else " *"
            rows.append((str(i), s.label, str(s.K), term_call(s.term), f"{s.expanded_K}{mark}"))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        lines = [f"base {{{'; '.join(self.base)}}}: given "
                 + (", ".join(LABELS.get(g, g) for g in self.given) or "none")]
        for r in rows:
            lines.append("  " + "  ".join(r[c].ljust(widths[c]) for c in range(4)) + "  " + r[4])
        if any(s.expanded_ok is False for s in self.chain):
            lines.append("  * the witness holds over the blocks, but its expansion over the base "
                         "fails the check (an exact intermediate meets a branch cut)")
        lines.append(self.verdict())
        return "\n".join(line.rstrip() for line in lines)

    __str__ = explain

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form of the whole result."""
        return {"base": self.base, "complete": self.complete, "given": self.given,
                "chain": [s.as_dict() for s in self.chain], "missing": self.missing,
                "max_K": self.max_K, "searched_K": self.searched_K, "stopped": self.stopped,
                "seconds": round(self.seconds, 4), "resumed": self.resumed,
                "check_seconds": round(self.check_seconds, 4),
                "verdict": self.verdict()}


# ---------------------------------------------------------------- the verifier
