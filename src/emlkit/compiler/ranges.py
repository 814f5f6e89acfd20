"""The float64 ranges the compiler guarantees, per basis function (``data/float64_ranges.json``).

Evaluated exactly (mpmath, arb) a compiled tree is its function at every magnitude. Evaluated
in float64 (the NumPy and torch backends, code from :func:`emlkit.to_code`) its intermediates
(``e^(2x)``, ``ln(exp y)``, ``x² + c``) can overflow or cancel where the function itself is
representable, so the compiler *states* where each basis function is accurate: to
``tolerance`` (1e-12) of the value's natural scale ``|f| + Σ |xᵢ ∂f/∂xᵢ|``, which allows for
the condition number. The table is measured against mpmath by
``python benchmarks/accuracy_map.py --write-ranges`` (the worst of every float64 target, with
the bounds rounded inwards) and checked again by the differential suite in ``tests/numerics``,
which finds no wrong value inside a stated range.

A range is, per argument, a list of closed real intervals (for inputs on the real axis, either
signed zero as imaginary part) and a box for non-real inputs (``abs_min ≤ |z| ≤ abs_max``,
``|Im z| ≤ im_max``); a binary function may also need ``max(|x|, |y|) ≥ min_scale`` (real
arguments) or ``min_scale_complex`` (non-real ones). Pairs with one real and one non-real
argument were not measured and are outside every range. Only points where the function's
value is finite in float64 are covered (the issue's "where the function and its arguments are
finite"): ``sinh(1000)`` overflows, whatever the form.

>>> r = float64_range("sinh")
>>> r.contains(1.0), r.contains(1000.0)
(True, False)
>>> float64_range("x + y").contains(2.5, 1.0)
True
"""

from __future__ import annotations

import functools
import json
import math
from collections import deque
from dataclasses import dataclass
from importlib import resources

__all__ = ["ArgRange", "Float64Range", "float64_range", "float64_ranges", "ranges_for_formula"]


@dataclass(frozen=True)
class ArgRange:
    """Where one argument may lie: closed real intervals, and a box for non-real values."""

    real: tuple[tuple[float, float], ...] = ()
    abs_min: float = math.inf  # the box is empty unless abs_min ≤ abs_max
    abs_max: float = -math.inf
    im_max: float = 0.0

    def contains(self, z: complex) -> bool:
        """Whether ``z`` lies in the range.

        >>> ArgRange(real=((1.0, 2.0),)).contains(1.5)
        True
        """
        z = complex(z)
        if math.isnan(z.real) or math.isnan(z.imag):
            return False
        if z.imag == 0:
            return any(lo <= z.real <= hi for lo, hi in self.real)
        return self.abs_min <= abs(z) <= self.abs_max and abs(z.imag) <= self.im_max

    def describe(self) -> str:
        """The range in words, e.g. ``x in [-700, -0.013] ∪ [0.013, 350]``.

        >>> ArgRange(real=((-1.0, 1.0),)).describe()
        'real [-1, 1]; complex: none'
        """
        real = " ∪ ".join(f"[{_num(lo)}, {_num(hi)}]" for lo, hi in self.real) or "none"
        if self.abs_min <= self.abs_max:
            box = f"{_num(self.abs_min)} ≤ |z| ≤ {_num(self.abs_max)}, |Im z| ≤ {_num(self.im_max)}"
        else:
            box = "none"
        return f"real {real}; complex: {box}"


@dataclass(frozen=True)
class Float64Range:
    """The float64 range guaranteed for one basis function (see the module notes)."""

    name: str
    formula: str
    args: tuple[ArgRange, ...]
    tolerance: float
    min_scale: float = 0.0  # real arguments: max(|x|, |y|) ≥ min_scale
    min_scale_complex: float = 0.0  # non-real arguments: the same bound
    limit: str = ""  # what limits the float64 form outside the range

    def contains(self, *values: complex) -> bool:
        """Whether the inputs (one per argument, in the formula's order) lie in the range.

        >>> float64_range("ln").contains(-2.0)
        True
        """
        if len(values) != len(self.args):
            raise TypeError(f"{self.name} takes {len(self.args)} argument(s), "
                            f"got {len(values)}")
        zs = [complex(v) for v in values]
        kinds = {z.imag == 0 for z in zs}
        if len(kinds) > 1:
            return False  # a real and a non-real argument together: not measured
        scale = self.min_scale if kinds == {True} else self.min_scale_complex
        if max(abs(z) for z in zs) < scale:
            return False
        return all(a.contains(z) for a, z in zip(self.args, zs))

    def describe(self) -> str:
        """One line: the function, its guaranteed range and the tolerance.

        >>> float64_range("exp").describe().startswith("exp(x): accurate to 1e-12")
        True
        """
        names = ("x", "y")
        parts = [f"{names[i]}: {a.describe()}" for i, a in enumerate(self.args)]
        scale = "".join(f"; {kind} max(|x|, |y|) ≥ {_num(s)}" for kind, s in
                        (("real", self.min_scale), ("complex", self.min_scale_complex)) if s > 0)
        return (f"{self.formula}: accurate to {self.tolerance:.0e} in float64 for "
                + "; ".join(parts) + scale)


def _num(v: float) -> str:
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    text = f"{v:g}"
    return text if float(text) == v else repr(v)


def _arg(d: dict) -> ArgRange:
    box = d.get("complex") or {}
    return ArgRange(
        real=tuple((float(lo), float(hi)) for lo, hi in d.get("real", ())),
        abs_min=float(box.get("abs_min", math.inf)),
        abs_max=float(box.get("abs_max", -math.inf)),
        im_max=float(box.get("im_max", 0.0)),
    )


@functools.cache
def float64_ranges() -> dict[str, Float64Range]:
    """Every stated range, by basis-function name (``"sin"``, ``"add"``, ...).

    >>> sorted(float64_ranges())[:3]
    ['acos', 'acosh', 'add']
    """
    text = resources.files("emlkit").joinpath("data/float64_ranges.json").read_text()
    table = json.loads(text)
    tol = float(table["tolerance"])
    out = {}
    for name, d in table["functions"].items():
        out[name] = Float64Range(name, d["formula"], tuple(_arg(a) for a in d["args"]), tol,
                                 float(d.get("min_scale", 0.0)),
                                 float(d.get("min_scale_complex", 0.0)), d.get("limit", ""))
    return out


def float64_range(name: str) -> Float64Range:
    """The float64 range guaranteed for a basis function, by name or formula.

    >>> float64_range("sin").formula
    'sin(x)'
    >>> float64_range("x / y").name
    'div'
    >>> float64_range("gamma")
    Traceback (most recent call last):
    ...
    ValueError: no stated float64 range for 'gamma': expected one of acos, acosh, add, ...
    """
    table = float64_ranges()
    if name in table:
        return table[name]
    key = "".join(name.split())
    for r in table.values():
        if "".join(r.formula.split()) == key:
            return r
    names = sorted(table)
    raise ValueError(f"no stated float64 range for {name!r}: expected one of "
                     f"{', '.join(names[:3])}, ...")


def _special(node: tuple) -> str | None:
    """The basis functions compiled as their own forms: x², x/2 and 1/x."""
    head, args = node[0], node[1:]
    if head == "pow" and args[1] == ("num", 2):
        return "square"
    if head == "div" and args[1] == ("num", 2):
        return "half"
    if head == "div" and args[0] == ("num", 1):
        return "inv"
    return None


def ranges_for_formula(source: str) -> list[Float64Range]:
    """The stated ranges of the basis functions a formula uses (outermost first, no repeats).

    A composite formula is accurate in float64 at most where every step's inputs are in their
    ranges; the steps' inputs are intermediate values, so this is a guide, not a guarantee.

    >>> [r.name for r in ranges_for_formula("sin(x) + y")]
    ['add', 'sin']
    """
    from .formula import parse_formula

    table = float64_ranges()
    seen: dict[str, Float64Range] = {}
    queue = deque([parse_formula(source)])
    visited: set[int] = set()
    while queue:
        node = queue.popleft()
        if id(node) in visited:
            continue
        visited.add(id(node))
        head = node[0]
        if head in ("num", "const", "var"):
            continue
        name = _special(node) or head  # the AST heads are the basis names
        if name in table and name not in seen:
            seen[name] = table[name]
        queue.extend(node[1:])
    return list(seen.values())
