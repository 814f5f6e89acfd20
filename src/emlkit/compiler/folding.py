"""Constant folding: the exact value of an operation on constants, with the side of its cuts.

A formula such as ``sin(pi/6) * x`` folds ``sin(pi/6)`` to ``1/2`` before it is lowered. The
functions are the registry's mpmath functions (:mod:`emlkit.compiler.registry`), evaluated in
the lowering's 60-digit context.

>>> MP.nstr(exact_value("asin", [MP.mpc(2)]), 6)     # on the cut: x + 0j, as C99 and NumPy
'(1.5708 + 1.31696j)'
"""

from __future__ import annotations

from typing import Any

import mpmath

from ..errors import UnsupportedError
from .formula import Node
from .info import MP
from .registry import lookup

__all__ = ["check_infinite_constant", "exact_value", "fold_infinite_operand", "fold_zeros",
           "refold"]


def exact_value(op: str, args: list[Any], ctx: Any = MP) -> Any:
    """Exact value of an operation on constants; a real argument sits on the +0 side of cuts.

    The value is computed twice: at the arguments, and with real arguments moved by
    ``i·10^−(dps+10)`` onto the upper side of any cut. When the two agree to half the working
    digits the function is continuous there and the unmoved value is exact (``ln 1 = 0``,
    ``√0 = 0``, ``ln 0 = −∞``); otherwise the argument lies on a cut, and the moved value, with
    the move's residue rounded away, is the side C99 and NumPy give for ``x + 0j``.
    Raises ZeroDivisionError or ValueError where the operation has no value (``1/0``).
    A real negative power of an exact zero is ``+∞`` (``0^b = exp(b·ln 0)`` with ``ln 0 = −∞``:
    the limit of ``t^b`` as ``t → 0⁺``, for ``0^(−2)`` also the two-sided one).

    >>> exact_value("ln", [MP.mpc(1)])
    mpc(real='0.0', imag='0.0')
    >>> exact_value("pow", [MP.mpc(0), MP.mpc(-0.5)])
    mpc(real='+inf', imag='0.0')
    """
    if op == "pow" and ctx.mpc(args[0]) == 0:
        power = _power_of_zero(ctx.mpc(args[1]), ctx)
        if power is not None:
            return power
    entry = lookup(op)
    fn = entry.mpmath_function(ctx)
    tiny = ctx.mpf(10) ** -(ctx.dps + 10)
    nudge = [ctx.mpc(a) + (ctx.mpc(0, tiny) if ctx.mpc(a).imag == 0 else 0) for a in args]
    plain = [ctx.mpc(a) if i in entry.cut_args else a for i, a in enumerate(args)]
    moved_args = [nudge[i] if i in entry.cut_args else a for i, a in enumerate(args)]

    exact = ctx.mpc(fn(*plain))
    if not (ctx.isfinite(exact.real) and ctx.isfinite(exact.imag)):
        return _real_infinity(exact, args, ctx)
    moved = ctx.mpc(fn(*moved_args))
    if not (ctx.isfinite(moved.real) and ctx.isfinite(moved.imag)):
        return exact
    if abs(moved - exact) <= ctx.mpf(10) ** -(ctx.dps // 2) * max(1, abs(exact)):
        return exact
    # on a cut: round away the move's residue
    eps = ctx.mpf(10) ** -(ctx.dps - 10)
    re = moved.real if abs(moved.real) > eps * abs(moved) else ctx.mpf(0)
    im = moved.imag if abs(moved.imag) > eps * abs(moved) else ctx.mpf(0)
    return ctx.mpc(re, im)


def _power_of_zero(b: Any, ctx: Any) -> Any:
    """``0^b``: ``0`` for ``Re b > 0``, ``+∞`` for a real ``b < 0``, None for ``b = 0``.

    For a complex ``b`` with ``Re b ≤ 0`` (``b ≠ 0``) the limit has no direction
    (``|t^b| → ∞`` or stays 1 while ``arg t^b = Im b·ln t`` turns without end): refused.
    """
    if b.real > 0:
        return ctx.mpc(0)
    if b.imag == 0 and b.real < 0:
        return ctx.mpc(ctx.inf, 0)
    if b.imag != 0 and b.real <= 0:
        raise UnsupportedError(
            f"0^({ctx.nstr(b, 6)}): a power of 0 with a complex exponent of real part <= 0 "
            "has no value (its limit turns without end)")
    return None


def _real_infinity(value: Any, args: list[Any], ctx: Any) -> Any:
    """±∞ + NaN·i from real arguments is the real ±∞ (``2·ln 0 = −∞``).

    Complex arithmetic multiplies the exact zero imaginary parts by ∞ (``(2 + 0i)(−∞ + 0i)``
    has imaginary part ``2·0 + 0·(−∞) = NaN``); for real arguments the value is real.
    """
    if ctx.isinf(value.real) and ctx.isnan(value.imag) and all(
            ctx.mpc(a).imag == 0 for a in args):
        return ctx.mpc(value.real, 0)
    return value


def check_infinite_constant(value: Any, op: str) -> None:
    """Raise UnsupportedError for a folded constant that no EML tree can give exactly.

    A NaN part means the operation has no value (``ln 0 − ln 0 = ∞ − ∞``, ``sin(ln 0)``). An
    infinite imaginary part (``ln(0)·i = −∞·i``) has no form either: an EML tree reaches it only
    through ``exp(∞ ± iπ/2)``, which IEEE and mpmath arithmetic evaluate to ``∞ ± ∞i``. An
    infinite real part with a finite imaginary part (``ln(ln 0) = +∞ + iπ``) is fine.

    >>> check_infinite_constant(MP.mpc(MP.inf, MP.pi), "ln")
    >>> check_infinite_constant(MP.mpc(0, -MP.inf), "mul")
    Traceback (most recent call last):
    ...
    emlkit.errors.UnsupportedError: mul of constants: the constant -inf*i has no EML form ...
    """
    v = MP.mpc(value)
    if MP.isinf(v.imag):  # (−∞)·i is NaN − ∞i in complex arithmetic: an imaginary infinity
        sign = "-" if v.imag < 0 else ""
        shown = f"{sign}inf*i"
        if MP.isinf(v.real):
            shown = f"{MP.nstr(v.real, 6)} {sign or '+'} inf*i"
        raise UnsupportedError(
            f"{op} of constants: the constant {shown} has no EML form (an infinity is exact "
            "only along the real axis: exp(inf + i*pi/2) is inf + inf*i in floating point)")
    if MP.isnan(v.real) or MP.isnan(v.imag):
        raise UnsupportedError(
            f"{op} of constants has no value (NaN: inf - inf, 0*inf or a function of inf)")


def fold_infinite_operand(op: str, infinite: list[Any]) -> Any:
    """The value of an operation of a real infinite constant and a varying value, or raise.

    ``±∞ ± x = ±∞`` and ``x/±∞ = 0`` for every finite ``x`` (as SymPy has it: ``x + oo = oo``):
    the result is that constant. Anything else is refused with UnsupportedError: ``ln(0)·x`` is
    ``−∞`` for ``x > 0`` and ``+∞`` for ``x < 0``, and an EML tree carries the sign of ``x``
    only as the angle of ``ln x`` (0 or π), turned back into the sign of an infinity only by
    ``exp(∞ + iπ)``, which floating point evaluates to ``−∞ + ∞i``; no EML form gives the value
    for real inputs of both signs. ``infinite`` holds, per operand, its infinite value or None.

    >>> fold_infinite_operand("sub", [None, MP.mpc(-MP.inf)])           # x - ln(0)
    mpc(real='+inf', imag='0.0')
    >>> fold_infinite_operand("mul", [MP.mpc(-MP.inf), None])           # ln(0)*x
    Traceback (most recent call last):
    ...
    emlkit.errors.UnsupportedError: mul of the infinite constant -inf and a varying value ...
    """
    (i, v), = ((i, MP.mpc(v)) for i, v in enumerate(infinite) if v is not None)
    if v.imag == 0 and op == "add":
        return v
    if v.imag == 0 and op == "sub":
        return v if i == 0 else -v
    if op == "div" and i == 1:
        return MP.mpc(0)
    shown = MP.nstr(v.real, 6) if v.imag == 0 else MP.nstr(v, 6)
    raise UnsupportedError(
        f"{op} of the infinite constant {shown} and a varying value has no EML form (the sign "
        "of the infinity would depend on the input's sign, which EML arithmetic carries only "
        "as an angle: exp(inf + i*pi) is -inf + inf*i in floating point)")


_MP_HI = mpmath.MPContext()
_MP_HI.dps = 2 * MP.dps


def refold(ast: Node) -> Any:
    """The value of a variable-free formula AST at twice the working precision, iteratively.

    >>> from emlkit.compiler.formula import parse_formula
    >>> refold(parse_formula("sin(pi)")).real < MP.mpf(10) ** -100
    True
    """
    named = {"pi": lambda: _MP_HI.pi, "E": lambda: _MP_HI.e, "I": lambda: _MP_HI.mpc(0, 1)}
    done: dict[int, Any] = {}
    stack: list[tuple[Node, bool]] = [(ast, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        head = node[0]
        if head == "num":
            done[id(node)] = _MP_HI.mpc(node[1].numerator) / node[1].denominator
        elif head == "const":
            done[id(node)] = _MP_HI.mpc(named[node[1]]())
        elif not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in node[1:])
        else:
            done[id(node)] = exact_value(head, [done[id(child)] for child in node[1:]], _MP_HI)
    return done[id(ast)]


def fold_zeros(value: Any, ast: Node) -> Any:
    """Round a part of a folded constant that is a cancellation residue (sin π ≈ 10⁻⁶¹) to 0.

    A part below 10⁻⁴⁰ is evaluated again at twice the precision: a genuine small value
    (e^−100) agrees with itself, a residue of an exact 0 shrinks with the precision.

    >>> from emlkit.compiler.formula import parse_formula
    >>> ast = parse_formula("sin(pi)")
    >>> fold_zeros(exact_value("sin", [MP.mpc(MP.pi)]), ast)
    mpc(real='0.0', imag='0.0')
    """
    small = MP.mpf(10) ** -40
    parts = (value.real, value.imag)
    if not any(0 < abs(p) < small * max(1, abs(value)) for p in parts):
        return value
    try:
        hi = refold(ast)
    except (ZeroDivisionError, ValueError):
        return value
    out = []
    for p, q in zip(parts, (hi.real, hi.imag)):
        agree = abs(p - q) <= MP.mpf(10) ** -20 * abs(p)
        out.append(p if p == 0 or agree else MP.mpf(0))
    return MP.mpc(*out)


