"""Operator scan: which candidate binary operators generate the calculator basis from one constant?

Each candidate has the shape ``f(x) op g(y)`` with ``f, g`` among identity, ``exp`` and ``ln``
and ``op`` among ``+ - * /`` (for example ``exp(x)-ln(y)``, which is eml, ``exp(x)+ln(y)``,
``ln(x)-exp(y)``, ``x-ln(y)``). For each one the bootstrap verifier
(:func:`emlkit.search.bootstrap.bootstrap`) runs from the base ``{constant; operator}`` with a
time and size limit, and the table says whether the whole basis was reached, how many
primitives were, and which are missing.

>>> rows = scan_operators(["exp(x)-ln(y)", "x+y"], time_limit=20)
>>> [(r.operator, r.complete) for r in rows]
[('exp(x)-ln(y)', True), ('x+y', False)]
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..progress import Progress
from .arithmetic import exp_guarded, log_guarded, snap_sum
from .bootstrap import LABELS, bootstrap
from .grammar import Op

__all__ = ["DEFAULT_OPERATORS", "ScanRow", "format_table", "parse_operator", "scan_operators"]

#: The default family of candidates (eml first).
DEFAULT_OPERATORS: tuple[str, ...] = (
    "exp(x)-ln(y)", "exp(x)+ln(y)", "ln(x)-exp(y)", "x-ln(y)", "exp(x)-y",
    "exp(x)*ln(y)", "exp(x)/ln(y)", "ln(x)-ln(y)", "exp(x)-exp(y)", "ln(x)+exp(y)",
    "exp(x)+exp(y)", "x-exp(y)",
)

_SIDE = re.compile(r"(?:(exp|ln)\((x|y)\)|(x|y))\Z")
_OPS = "+-*/"


def _side(text: str, var: str, whole: str) -> str:
    m = _SIDE.match(text)
    if not m or (m.group(2) or m.group(3)) != var:
        raise ValueError(
            f"bad operator {whole!r}: expected f(x) op g(y) with f, g one of exp, ln or "
            f"nothing and op one of + - * /, e.g. 'exp(x)-ln(y)'")
    return m.group(1) or "id"


def parse_operator(text: str) -> Op:
    """A candidate operator ``f(x) op g(y)`` as a grammar :class:`Op` (NumPy and mpmath).

    >>> op = parse_operator("exp(x) - ln(y)")
    >>> op.name, op.template, complex(op.fn(np.array([1.0 + 0j]), np.array([1.0 + 0j]))[0])
    ('exp(x)-ln(y)', 'exp({0}) - log({1})', (2.718281828459045+0j))
    >>> try:
    ...     parse_operator("sin(x)+y")
    ... except ValueError as exc:
    ...     print(str(exc)[:46])
    bad operator 'sin(x)+y': expected f(x) op g(y)
    """
    whole = str(text)
    s = re.sub(r"\s+", "", whole).replace("log(", "ln(").replace("·", "*").replace("−", "-")
    depth, at = 0, -1
    for i, ch in enumerate(s):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch in _OPS and i > 0:
            at = i
            break
    if at < 0:
        _side("", "x", whole)
    f, g, op = _side(s[:at], "x", whole), _side(s[at + 1:], "y", whole), s[at]
    name = s
    fx = {"id": "{0}", "exp": "exp({0})", "ln": "log({0})"}[f]
    gy = {"id": "{1}", "exp": "exp({1})", "ln": "log({1})"}[g]
    sep = {"+": " + ", "-": " - ", "*": "*", "/": "/"}[op]
    return Op(name, 2, _np_operator(f, op, g), fx + sep + gy,
              commutative=(f == g and op in "+*"), mp=_mp_operator(f, op, g))


def _np_operator(f: str, op: str, g: str):
    F = {"id": lambda a: a, "exp": exp_guarded, "ln": log_guarded}

    def fn(a, b):
        A, B = F[f](a), F[g](b)
        with np.errstate(all="ignore"):
            if op == "+":
                return snap_sum(A + B, A, B)
            if op == "-":
                return snap_sum(A - B, A, B)
            return A * B if op == "*" else A / B
    return fn


def _mp_operator(f: str, op: str, g: str):
    def fn(a, b):
        from .arithmetic_mp import mp_exp, mp_log, mp_snap_sum

        F = {"id": lambda z: z, "exp": mp_exp, "ln": mp_log}
        A, B = F[f](a), F[g](b)
        if A is None or B is None:
            return None
        r = {"+": lambda: A + B, "-": lambda: A - B, "*": lambda: A * B,
             "/": lambda: A / B}[op]()
        return mp_snap_sum(r, A, B) if op in "+-" else r
    return fn


@dataclass
class ScanRow:
    """One operator's outcome: ``reached`` of ``total`` basis primitives, ``missing`` names."""

    operator: str
    complete: bool
    reached: int
    total: int
    missing: list[str]
    chain: int
    searched_K: int
    stopped: str | None
    seconds: float
    result: Any = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"operator": self.operator, "complete": self.complete, "reached": self.reached,
                "total": self.total, "missing": self.missing, "chain": self.chain,
                "searched_K": self.searched_K, "stopped": self.stopped,
                "seconds": round(self.seconds, 3)}


def scan_operators(
    operators: Sequence[str | Op] | None = None,
    *,
    constant: str = "1",
    max_K: int = 10,
    time_limit: float | None = 30.0,
    progress: bool = False,
    targets: Sequence[str] | None = None,
    domain: str = "complex",
) -> list[ScanRow]:
    """Run the bootstrap verifier on each candidate operator with one constant.

    Parameters
    ----------
    operators : sequence of str or Op, optional
        Candidates such as ``"exp(x)-ln(y)"`` (see :func:`parse_operator`); default
        :data:`DEFAULT_OPERATORS`.
    constant : str
        The one constant of every base (``"1"``, ``"e"``, ``"pi"``, ...).
    max_K : int
        Largest witness size per round.
    time_limit : float, optional
        Seconds per operator.
    progress : bool
        One line per operator on standard error.
    targets : sequence of str, optional
        Basis primitives (default the whole basis).
    domain : str
        Test points of the verifier (see :func:`~emlkit.search.bootstrap.bootstrap`).

    Returns
    -------
    list of ScanRow

    Examples
    --------
    >>> [(r.reached, r.missing[:3]) for r in scan_operators(["x*y"], time_limit=5)]
    [(3, ['-1', '2', 'e'])]
    """
    ops = [op if isinstance(op, Op) else parse_operator(op)
           for op in (DEFAULT_OPERATORS if operators is None else operators)]
    bar = Progress("scan", total=len(ops), enabled=progress, unit="op")
    rows = []
    for i, op in enumerate(ops):
        t0 = time.perf_counter()
        r = bootstrap(constants=[constant], operations=[op], max_K=max_K,
                      time_limit=time_limit, targets=targets, domain=domain,
                      check_expansions=False)
        rows.append(ScanRow(op.name, r.complete, len(r.found()), len(r.targets), r.missing,
                            len(r.chain), r.searched_K, r.stopped, time.perf_counter() - t0,
                            r))
        bar.update(i + 1, operator=op.name, complete=r.complete)
        bar.write(f"scan: {op.name:<16} {'complete' if r.complete else 'incomplete'} "
                  f"{len(r.found())}/{len(r.targets)} {rows[-1].seconds:.1f} s")
    bar.close()
    return rows


def format_table(rows: Sequence[ScanRow], *, missing_width: int = 60) -> str:
    """The scan as a text table.

    >>> row = ScanRow("x+y", False, 2, 34, ["e", "pi"], 1, 10, None, 0.25)
    >>> print(format_table([row]))
    operator  complete  reached  chain  K searched  time   missing
    x+y       no        2/34     1      10          0.2 s  e, pi
    """
    head = ("operator", "complete", "reached", "chain", "K searched", "time", "missing")
    body = []
    for r in rows:
        miss = ", ".join(LABELS.get(m, m) for m in r.missing) or "-"
        if len(miss) > missing_width:
            miss = miss[: missing_width - 3] + "..."
        if r.stopped:
            miss += f"  [{r.stopped}]"
        body.append((r.operator, "yes" if r.complete else "no", f"{r.reached}/{r.total}",
                     str(r.chain), str(r.searched_K), f"{r.seconds:.1f} s", miss))
    table = [head, *body]
    w = [max(len(row[c]) for row in table) for c in range(6)]
    lines = ["  ".join(row[c].ljust(w[c]) for c in range(6)) + "  " + row[6] for row in table]
    return "\n".join(line.rstrip() for line in lines)
