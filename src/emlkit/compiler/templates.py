"""Unary templates from the shortest-forms table: ``f(x)`` forms substituted for ``x``.

The search engine's table (``emlkit/data/shortest_forms.json``) lists, for shapes such as
``x**2`` or ``x + 1``, the shortest EML form found and the domain where it was verified
("plane": every complex x; "strip": real x and |Im x| < π). The compiler substitutes a
sub-expression for ``x`` when the sub-expression is known to lie in that domain.

>>> t = template("x**2")
>>> (t.form.K, t.domain)
(17, 'plane')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..expr import Expr, substitute
from ..syntax.rpn import parse

__all__ = ["Template", "template"]


@dataclass(frozen=True)
class Template:
    """A verified one-variable form: ``form`` in the variable ``x``, valid on ``domain``."""

    form: Expr
    domain: str

    def apply(self, arg: Expr) -> Expr:
        """The form with ``arg`` substituted for ``x``."""
        return substitute(self.form, {"x": arg})


@cache
def _table() -> dict[tuple[str, str], Template]:
    try:
        text = resources.files("emlkit").joinpath("data/shortest_forms.json").read_text()
    except (FileNotFoundError, OSError):
        return {}
    data = json.loads(text)
    entries = data["forms"] if isinstance(data, dict) else data
    out: dict[tuple[str, str], Template] = {}
    for entry in entries:
        rpn, target = entry.get("rpn"), entry.get("target", "")
        if not rpn or entry.get("domain") not in ("strip", "plane"):
            continue
        form = parse(rpn)
        if form.free_vars != {"x"}:
            continue
        if entry.get("fails_at") and not _holds_at_special_points(form, target):
            continue  # wrong at 0, 1 or −1 under our semantics: never substituted
        key = (target, entry["domain"])
        if key not in out or form.K < out[key].form.K:
            out[key] = Template(form, entry["domain"])
    return out


def _holds_at_special_points(form: Expr, target: str) -> bool:
    """Re-check x = 0, 1, −1 with our own mpmath backend against SymPy's value of the target.

    The search flags forms its private arithmetic could not evaluate at these points; the
    backends' extended arithmetic (docs/semantics.md §2) is the judge.
    """
    import mpmath
    import sympy

    from ..backends import evaluate

    expr = sympy.sympify(target)
    for point in (0, 1, -1):
        want = complex(expr.subs(sympy.Symbol("x"), point).evalf(30))
        got = complex(evaluate(form, x=float(point), backend="mpmath", dps=30, on_nan="ignore"))
        if not mpmath.almosteq(got, want, 1e-20, 1e-20):
            return False
    return True


def template(target: str, *, strip_ok: bool = True) -> Template | None:
    """The table's shortest template for a target written as in the table (``"x**2"``, ``"x+1"``).

    ``strip_ok=False`` asks for a form valid on the whole plane. Returns None if there is none.

    >>> template("x+1").form.K, template("x+1").domain
    (19, 'strip')
    >>> template("x+1", strip_ok=False).domain
    'plane'
    """
    table = _table()
    found = [table.get((target, "plane"))] + ([table.get((target, "strip"))] if strip_ok else [])
    cands = [t for t in found if t is not None]
    return min(cands, key=lambda t: t.form.K) if cands else None

