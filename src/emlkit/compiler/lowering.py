"""Lowering: formula AST → pure EML, choosing per operation the shortest form valid on the domain.

Each intermediate carries an :class:`Info`: a bound on ``|Im value|`` over the inputs of the
domain, and its exact value when it is a constant. Additive steps use the short strip forms
(``a − b = E(ln a, exp b)``) only when the bound proves ``Im b ∈ (−π, π]``; otherwise they use
forms that are valid on the whole plane. Multiplicative steps never need the bound: a sum that
is only exponentiated may take any branch (``exp(w + 2πik) = exp(w)``).

>>> from emlkit.compiler.formula import parse_formula
>>> expr = lower(parse_formula("x * y"))
>>> expr.K
31
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath

from ..errors import DomainError, UnsupportedError
from ..expr import ONE, Eml, Expr, Var
from . import primitives as P
from .constants import constant_form, constant_value, register
from .formula import Node
from .templates import template

__all__ = ["DOMAINS", "Info", "lower"]

DOMAINS = ("strip", "plane")
INF = math.inf
PI = math.pi
_mp = mpmath.MPContext()
_mp.dps = 60
# Tolerances are relative: a constant matches a value when they agree to 40 significant digits,
# and 0 matches only an exact 0 (e^(−100) ≈ 4e−44 is a value, not a zero).
_REL = _mp.mpf(10) ** -40
# Constants at least this large are neither looked up nor registered in the table: at the
# working precision, 40 digits cannot tell an integer n from n ± 1 beyond about 10⁴⁰.
_BIG = _mp.mpf(10) ** 30
# x + c is exp(ln x) − ln(e^(−c)); beyond this |Re c|, e^(∓c) leaves float64's range
# (e^709.8 overflows), so x + c = c·(x/c + 1) is used instead.
_SHIFT_MAX = 700


@dataclass(frozen=True)
class Info:
    """What the lowering knows of a value: ``imb`` bounds ``|Im|`` over the domain's inputs."""

    imb: float = INF
    const: Any = None  # exact value (mpc) when the value is a constant
    nonzero: bool = False  # never exactly zero (an exponential, a non-zero constant)
    log: Any = None  # (t, c): the value is exactly c·ln(t) for an Expr t and a real constant c
    infinite: Any = None  # an infinite constant value (ln 0 = −∞): used only to fold constants


def _log_of(a: Expr) -> Expr:
    """Some logarithm of ``a`` (any branch): ``u`` when ``a = exp(u)``, else ``ln a``."""
    if isinstance(a, Eml) and a.right is ONE:
        return a.left
    return P.ln(a)


def _smallest(*cands: Expr) -> Expr:
    """The candidate with the fewest tokens, ties broken by depth.

    Only O(1) attributes are compared: ``dag_size`` walks the whole DAG, and comparing it at
    every step made compiling a chain of n sums quadratic in n.
    """
    return min(cands, key=lambda e: (e.K, e.depth))


class Lowering:
    """Turns formula ASTs into EML under one domain, memoising constants by value."""

    def __init__(self, domain: str = "strip") -> None:
        if domain not in DOMAINS:
            raise ValueError(f"unknown domain {domain!r}: expected one of {', '.join(DOMAINS)}")
        self.domain = domain
        # strip inputs have |Im| < π: an open bound, just below π
        self.var_imb = math.nextafter(PI, 0.0) if domain == "strip" else INF

    # ----------------------------------------------------------------- constants
    def const(self, value: Any, build: Callable[[], Expr] | None = None) -> Expr:
        """The shortest known form of a constant value; ``build`` makes one if none is known.

        Every candidate is checked against the exact value (principal branch, exact
        arithmetic): the 7-token ``ln`` of an *exactly* negative constant is ``ln|c| − iπ``, so
        constructions through ``ln(−1)`` must be chosen by their exact value, not by intent.
        """
        exact = Fraction(value) if isinstance(value, (int, Fraction)) else None
        value = _to_mp(value)
        if _mp.isnan(value.real) or _mp.isnan(value.imag):
            raise UnsupportedError("the constant has no value (NaN)")
        tabled = abs(value) < _BIG
        form = constant_form(value) if tabled else None
        if form is not None:
            return form
        try:
            builders = self._constant_builders(value, exact)
        except UnsupportedError:
            if build is None:
                raise
            builders = [build]  # structural fallback, only when the value is not recognised
        matching = []
        for make in builders:
            try:
                expr = make()
            except UnsupportedError:
                continue
            if _close(constant_value(expr), value):
                matching.append(expr)
        if not matching and build is not None and builders[0] is not build:
            try:
                expr = build()
            except UnsupportedError:
                expr = None
            if expr is not None and _close(constant_value(expr), value):
                matching.append(expr)
        if not matching:
            raise UnsupportedError(f"no EML construction found for the constant {_mp.nstr(value, 15)}")
        best = _smallest(*matching)
        if not tabled:
            return best
        register(best)
        return constant_form(value) or best

    def _constant_builders(self, value: Any, exact: Fraction | None = None) -> list[Callable[[], Expr]]:
        v = _mp.mpc(value)
        ln_m1 = P.ln(P.MINUS_ONE)  # exactly −iπ (see const)
        kind, q = ("rat", exact) if exact is not None else _recognize(v)
        if kind == "rat" and q.denominator == 1:
            return [lambda: self._integer(int(q))]
        if kind == "rat":  # integers passed exactly, so no digits are lost however long they are
            return [lambda: P.div(self.const(q.numerator), self.const(q.denominator)),
                    lambda: self._scale(self.const(q.numerator), Fraction(1, q.denominator))]
        if kind == "pi" and q == 1:
            return [lambda: self._scale(ln_m1, _mp.mpc(0, 1)), lambda: self._scale(ln_m1, _mp.mpc(0, -1))]
        if kind == "pi":
            return [lambda: self._scale(self.const(_mp.pi), q)]
        if kind == "lnrat":
            return [lambda: P.ln(self.const(q))]
        if kind == "invln":
            return [lambda: P.inv(self.const(_mp.log(_rat(q))))]
        if kind == "invpi":
            return [lambda: P.div(self.const(q), self.const(_mp.pi))]
        if kind == "i" and abs(q) == 1:
            return [lambda: P.exp(self._scale(ln_m1, 0.5)), lambda: P.exp(self._scale(ln_m1, -0.5))]
        if kind == "i":
            return [lambda: self._scale(self.const(_rat(q)), _mp.mpc(0, 1))]
        if kind == "ipi":
            return [lambda: self._scale(ln_m1, -_rat(q)), lambda: self._scale(self.const(_mp.pi), _mp.mpc(0, _rat(q)))]
        if kind == "complex":
            re, im = q
            return [lambda: self._shift(self.const(_mp.mpc(0, im)), re)]
        if kind == "neg":
            return [lambda: P.neg_strip(self.const(-v.real))]
        if kind == "exp":
            return [lambda: P.exp(self.const(q))]
        raise UnsupportedError(f"no EML construction known for the constant {_mp.nstr(v, 15)}")

    def _integer(self, n: int) -> Expr:
        if n == 0:
            return P.ZERO
        if n == 1:
            return ONE
        if n < 0:
            return P.neg_strip(self.const(-n))
        if n >= _BIG:
            return self._big_integer(n)
        # binary method: (n−1) + 1 for odd n, 2·(n/2) for even n; both for small n. The chain
        # is built bottom-up first, so each const() below finds its operands in the table.
        chain, todo = set(), [n]
        while todo:
            m = todo.pop()
            for d in _integer_steps(m):
                if d > 1 and d not in chain:
                    chain.add(d)
                    todo.append(d)
        for m in sorted(chain):
            self.const(m)
        cands = []
        for d in _integer_steps(n):
            if d == n - 1:
                cands.append(P.E(P.ln(self.const(n - 1)), P.INV_E))  # (n−1) + 1
            else:
                cands.append(self._scale(self.const(n // 2), 2))  # 2·(n/2)
        return _smallest(*cands)

    def _big_integer(self, n: int) -> Expr:
        """n ≥ 10³⁰ as m·10^k = m·exp(k·ln 10) with m < 10³⁰ (exact); other integers are refused."""
        k = 0
        while n % 10**(k + 1) == 0:
            k += 1
        m = n // 10**k
        if m >= _BIG:
            raise UnsupportedError(f"the integer constant {n} has more than 30 significant digits")
        ten_k = P.exp(self._scale(P.ln(self.const(10)), k))  # 10^k = exp(k·ln 10)
        return ten_k if m == 1 else P.mul(self.const(m), ten_k)

    def pi(self) -> Expr:
        return self.const(_mp.pi)

    def imag_unit(self) -> Expr:
        return self.const(_mp.mpc(0, 1))

    # ----------------------------------------------------------------- arithmetic
    def _scale(self, a: Expr, c: Any) -> Expr:
        """a·c for a constant c: exp(log a − ln(1/c)). Valid everywhere. 0·a = 0 (as SymPy)."""
        if c == 0:
            return P.ZERO
        inv_c = 1 / c if isinstance(c, Fraction) else 1 / _to_mp(c)  # a Fraction stays exact
        c = _to_mp(c)
        return P.exp(P.E(P.ln(_log_of(a)), self.const(inv_c, lambda: P.inv(self.const(c)))))

    def _shift(self, a: Expr, c: Any) -> Expr:
        """a + c for a constant c with Im(−c) ∈ (−π, π]: exp(ln a) − ln(e^(−c)). Valid everywhere in a.

        For ``|Re c| > 700`` the constant e^(−c) under- or overflows float64, so the sum is
        c·(a/c + 1) instead (two scalings, valid everywhere, any c ≠ 0).
        """
        c = _to_mp(c)
        if abs(c.real) > _SHIFT_MAX:
            return self._scale(P.E(P.ln(self._scale(a, 1 / c)), P.INV_E), c)  # c·(a/c + 1)
        return P.E(P.ln(a), self.const(_mp.exp(-c), lambda: P.exp(self.const(-c))))

    def add(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        info = Info(ia.imb + ib.imb)
        if ia.const is not None and ib.const is None:
            a, ia, b, ib = b, ib, a, ia
        if ib.const is not None and _in_strip(-ib.const):
            cands = [self._shift(a, ib.const)]
            if ib.const == 1 and (t := self._template("x+1", a, ia)) is not None:
                cands.append(t)
            return _smallest(*cands), info
        cands = []
        if ib.imb <= PI:
            cands.append(P.add_strip(a, b))
        if ia.imb <= PI:
            cands.append(P.add_strip(b, a))
        for (u, iu), (w, iw) in (((a, ia), (b, ib)), ((b, ib), (a, ia))):
            if iw.log is not None:  # u + c·ln t = c·(u/c + ln t), valid everywhere
                t, c = iw.log
                cands.append(P.add_ln(u, t) if c == 1 else self._scale(P.add_ln(self._scale(u, 1 / c), t), c))
        if cands:
            return _smallest(*cands), info
        return self._safe(a, ia, b, ib, P.exp_plus_one), info

    def sub(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        info = Info(ia.imb + ib.imb)
        if ib.const is not None and abs(ib.const.real) > _SHIFT_MAX:
            return self._shift(a, -ib.const), info
        if ib.const is not None and _in_strip(ib.const):
            c = ib.const
            return P.E(P.ln(a), self.const(_mp.exp(c), lambda: P.exp(self.const(c)))), info
        if ib.log is not None:  # a − c·ln t = c·(a/c − ln t), valid everywhere
            t, c = ib.log
            cand = P.sub_ln(a, t) if c == 1 else self._scale(P.sub_ln(self._scale(a, 1 / c), t), c)
            if ib.imb > PI:
                return cand, info
            return _smallest(cand, P.sub_strip(a, b)), info
        if ib.imb <= PI:
            return P.sub_strip(a, b), info
        if ia.const is not None and ia.const == 1 and (t := self._template("1-x", b, ib)) is not None:
            return t, info
        if ia.const is not None and _in_strip(-ia.const):
            return self._shift(self.neg(b, ib)[0], ia.const), info
        if ia.imb <= PI:
            return self._scale(P.sub_strip(b, a), -1), info
        # a − b = b·(a/b − 1); the divisor must not vanish, prefer one known to be non-zero
        if ia.nonzero and not ib.nonzero:
            return self._scale(self._safe(b, ib, a, ia, P.exp_minus_one, divisor_first=False), -1), info
        return self._safe(a, ia, b, ib, P.exp_minus_one, divisor_first=False), info

    def _safe(self, a: Expr, ia: Info, b: Expr, ib: Info, step: Callable[[Expr], Expr],
              divisor_first: bool = True) -> Expr:
        """a ± b = d·(o/d ± 1) with divisor d: valid on the whole plane except where d = 0."""
        d, o = (b, a)
        if divisor_first and ia.nonzero and not ib.nonzero:
            d, o = a, b
        ratio_log = P.sub_ln(_log_of(o), d)  # log(o) − ln d, a log of o/d
        return self.mul(d, Info(), step(ratio_log), Info())[0]

    def neg(self, a: Expr, ia: Info) -> tuple[Expr, Info]:
        if ia.imb <= PI:
            return P.neg_strip(a), Info(ia.imb)
        return self._scale(a, -1), Info(ia.imb)

    def mul(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        imb = INF
        if ib.const is not None and ib.const.imag == 0:
            imb = ia.imb * abs(float(ib.const.real))
        elif ia.const is not None and ia.const.imag == 0:
            imb = ib.imb * abs(float(ia.const.real))
        if (ia.const is not None and ia.const == 0) or (ib.const is not None and ib.const == 0):
            return P.ZERO, _ZERO_INFO  # a·0 = 0 for every a, as SymPy has it
        info = Info(imb, nonzero=ia.nonzero and ib.nonzero)
        if ib.const is not None and ia.log is not None and ib.const.imag == 0:
            info = Info(imb, log=(ia.log[0], ia.log[1] * ib.const.real))
        elif ia.const is not None and ib.log is not None and ia.const.imag == 0:
            info = Info(imb, log=(ib.log[0], ib.log[1] * ia.const.real))
        if ib.const is not None:
            return self._scale(a, ib.const), info
        if ia.const is not None:
            return self._scale(b, ia.const), info
        if a is b:
            return self.square(a), info
        c1 = P.exp(P.E(P.ln(_log_of(a)), P.inv(b)))
        c2 = P.exp(P.E(P.ln(_log_of(b)), P.inv(a)))
        return _smallest(c1, c2), info

    def square(self, a: Expr) -> Expr:
        """a²: the table's plane-valid template if shorter, else exp(log a + ln a) = a / (1/a)."""
        cands = [P.exp(P.E(P.ln(_log_of(a)), P.inv(a)))]
        t = template("x**2", strip_ok=False)
        if t is not None:
            cands.append(t.apply(a))
        return _smallest(*cands)

    def _template(self, target: str, a: Expr, ia: Info) -> Expr | None:
        """The table's form of ``target`` at ``a`` when ``a`` is provably inside its domain."""
        t = template(target, strip_ok=ia.imb < PI)
        return None if t is None else t.apply(a)

    def div(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        if ib.const is not None and ib.const == 0:
            raise DomainError("division by zero: the divisor is exactly 0")
        if ia.const is not None and ia.const == 0:
            return P.ZERO, _ZERO_INFO  # 0/b = 0, as SymPy has it
        imb = INF
        if ib.const is not None and ib.const.imag == 0 and ib.const.real != 0:
            imb = ia.imb / abs(float(ib.const.real))
        info = Info(imb, nonzero=ia.nonzero)
        if ib.const is not None and ia.log is not None and ib.const.imag == 0 and ib.const != 0:
            info = Info(imb, log=(ia.log[0], ia.log[1] / ib.const.real))
        if ib.const is not None:
            return self._scale(a, 1 / ib.const), info
        if ia.const is not None and ia.const == 1:
            return P.inv(b), info
        return P.exp(P.E(P.ln(_log_of(a)), b)), info

    def pow(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        info = Info(INF, nonzero=ia.nonzero)
        if ib.const is not None and ib.const.imag == 0:
            c = ib.const.real
            if c == 0:
                return ONE, Info(0.0, _mp.mpc(1), nonzero=True)  # a⁰ = 1 for every a, 0⁰ too (SymPy)
            if c == 1:
                return a, ia
            if c == 2:
                return self.square(a), info
            if c == -1:
                return P.inv(a), info
            if _mp.isint(c) and c > 0:
                # x^n = exp(n·ln x) exactly for integer n; compare with repeated squaring
                return self._scale_exp(a, c), info
        if ia.const is not None and _close(ia.const, _mp.e):
            return P.exp(b), info
        # principal power: exp(b·ln a)
        return P.exp(self.mul(b, ib, P.ln(a), Info(PI))[0]), info

    def _scale_exp(self, a: Expr, c: Any) -> Expr:
        """exp(c·ln a), the principal power a^c for a constant c."""
        return P.exp(self._scale(P.ln(a), c))


_ZERO_INFO = Info(0.0, _mp.mpc(0))


def _integer_steps(n: int) -> list[int]:
    """The integers the binary method builds n from: n − 1 (odd or small n) and n/2 (even n)."""
    steps = []
    if n % 2 == 1 or n <= 16:
        steps.append(n - 1)
    if n % 2 == 0 and n > 2:
        steps.append(n // 2)
    return steps


def _close(a: Any, b: Any) -> bool:
    a, b = _mp.mpc(a), _mp.mpc(b)
    if _mp.isinf(a.real) or _mp.isinf(b.real):
        return a.real == b.real
    return abs(a - b) <= _REL * max(abs(a), abs(b))


def _in_strip(c: Any) -> bool:
    """Im c ∈ (−π, π]: then ln(exp c) = c."""
    im = _mp.mpc(c).imag
    return -_mp.pi < im <= _mp.pi


# ---------------------------------------------------------------------------- driver
def _mp_eval(op: str, args: list[Any], ctx: Any = _mp) -> Any:
    """Exact value of an operation on constants; a real argument sits on the +0 side of cuts.

    The value is computed twice: at the arguments, and with real arguments moved by
    ``i·10^−(dps+10)`` onto the upper side of any cut. When the two agree to half the working
    digits the function is continuous there and the unmoved value is exact (``ln 1 = 0``,
    ``√0 = 0``, ``ln 0 = −∞``); otherwise the argument lies on a cut, and the moved value, with
    the move's residue rounded away, is the side C99 and NumPy give for ``x + 0j``.
    Raises ZeroDivisionError or ValueError where the operation has no value (``1/0``).
    """
    tiny = ctx.mpf(10) ** -(ctx.dps + 10)
    nudge = [ctx.mpc(a) + (ctx.mpc(0, tiny) if ctx.mpc(a).imag == 0 else 0) for a in args]

    def table(v: list[Any]) -> dict[str, Callable[[], Any]]:
        a = v[0]
        return {
            "add": lambda: args[0] + args[1], "sub": lambda: args[0] - args[1],
            "mul": lambda: args[0] * args[1], "div": lambda: args[0] / args[1],
            "neg": lambda: -args[0], "pow": lambda: ctx.power(a, args[1]),
            "exp": lambda: ctx.exp(args[0]), "ln": lambda: ctx.log(a),
            "log": lambda: ctx.log(a) / ctx.log(v[1]), "sqrt": lambda: ctx.sqrt(a),
            "sin": lambda: ctx.sin(args[0]), "cos": lambda: ctx.cos(args[0]),
            "tan": lambda: ctx.tan(args[0]), "asin": lambda: ctx.asin(a),
            "acos": lambda: ctx.acos(a), "atan": lambda: ctx.atan(a),
            "sinh": lambda: ctx.sinh(args[0]), "cosh": lambda: ctx.cosh(args[0]),
            "tanh": lambda: ctx.tanh(args[0]), "asinh": lambda: ctx.asinh(a),
            "acosh": lambda: ctx.acosh(a), "atanh": lambda: ctx.atanh(a),
            "sigmoid": lambda: 1 / (1 + ctx.exp(-args[0])),
            "hypot": lambda: ctx.sqrt(args[0] ** 2 + args[1] ** 2),
            "avg": lambda: (args[0] + args[1]) / 2,
        }

    exact = ctx.mpc(table([ctx.mpc(a) for a in args])[op]())
    if not (ctx.isfinite(exact.real) and ctx.isfinite(exact.imag)):
        return exact
    moved = ctx.mpc(table(nudge)[op]())
    if not (ctx.isfinite(moved.real) and ctx.isfinite(moved.imag)) or abs(moved - exact) <= ctx.mpf(10) ** -(ctx.dps // 2) * max(1, abs(exact)):
        return exact
    # on a cut: round away the move's residue
    eps = ctx.mpf(10) ** -(ctx.dps - 10)
    re = moved.real if abs(moved.real) > eps * abs(moved) else ctx.mpf(0)
    im = moved.imag if abs(moved.imag) > eps * abs(moved) else ctx.mpf(0)
    return ctx.mpc(re, im)


_mp_hi = mpmath.MPContext()
_mp_hi.dps = 2 * _mp.dps


def _refold(ast: Node) -> Any:
    """The value of a variable-free formula AST at twice the working precision, iteratively."""
    named = {"pi": lambda: _mp_hi.pi, "E": lambda: _mp_hi.e, "I": lambda: _mp_hi.mpc(0, 1)}
    done: dict[int, Any] = {}
    stack: list[tuple[Node, bool]] = [(ast, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        head = node[0]
        if head == "num":
            done[id(node)] = _mp_hi.mpc(node[1].numerator) / node[1].denominator
        elif head == "const":
            done[id(node)] = _mp_hi.mpc(named[node[1]]())
        elif not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in node[1:])
        else:
            done[id(node)] = _mp_eval(head, [done[id(child)] for child in node[1:]], _mp_hi)
    return done[id(ast)]


def _fold_zeros(value: Any, ast: Node) -> Any:
    """Round a part of a folded constant that is a cancellation residue (sin π ≈ 10⁻⁶¹) to 0.

    A part below 10⁻⁴⁰ is evaluated again at twice the precision: a genuine small value
    (e^−100) agrees with itself, a residue of an exact 0 shrinks with the precision.
    """
    small = _mp.mpf(10) ** -40
    parts = (value.real, value.imag)
    if not any(0 < abs(p) < small * max(1, abs(value)) for p in parts):
        return value
    try:
        hi = _refold(ast)
    except (ZeroDivisionError, ValueError):
        return value
    out = []
    for p, q in zip(parts, (hi.real, hi.imag)):
        agree = abs(p - q) <= _mp.mpf(10) ** -20 * abs(p)
        out.append(p if p == 0 or agree else _mp.mpf(0))
    return _mp.mpc(*out)


_NAMED = {"pi": lambda: _mp.pi, "E": lambda: _mp.e, "I": lambda: _mp.mpc(0, 1)}


def lower(ast: Node, domain: str = "strip") -> Expr:
    """Lower a formula AST (see :mod:`emlkit.compiler.formula`) to pure EML, iteratively.

    >>> from emlkit.compiler.formula import parse_formula
    >>> str(lower(parse_formula("exp(x)")))
    'eml(x, 1)'
    """
    from .functions import FUNCTIONS

    L = Lowering(domain)
    done: dict[int, tuple[Expr, Info]] = {}
    stack: list[tuple[Node, bool]] = [(ast, False)]
    keep: list[Node] = []  # keep AST nodes alive so their ids stay unique
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        head = node[0]
        if head in ("num", "const", "var"):
            done[id(node)] = _leaf(L, node)
            keep.append(node)
            continue
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in node[1:] if id(child) not in done)
            continue
        args = [done[id(child)] for child in node[1:]]
        done[id(node)] = _apply(L, FUNCTIONS, head, args, node)
        keep.append(node)
    return done[id(ast)][0]


def _leaf(L: Lowering, node: Node) -> tuple[Expr, Info]:
    head, payload = node
    if head == "var":
        return Var(payload), Info(L.var_imb)
    value = _mp.mpc(payload.numerator) / payload.denominator if head == "num" else _NAMED[payload]()
    if head == "const" and payload == "pi":
        expr = L.pi()
    elif head == "const" and payload == "I":
        expr = L.imag_unit()
    else:  # a literal is an exact rational (a decimal 0.4457 is 4457/10000): no need to recognise it
        expr = L.const(payload if head == "num" else value)
    return expr, Info(abs(float(value.imag)), value, nonzero=value != 0)


def _apply(L: Lowering, functions: dict, head: str, args: list[tuple[Expr, Info]],
           node: Node | None = None) -> tuple[Expr, Info]:
    consts = [info.const if info.const is not None else info.infinite for _, info in args]
    if all(c is not None for c in consts):
        try:
            value = _mp_eval(head, consts)
        except (ZeroDivisionError, ValueError):
            value = None
        if value is not None and _mp.isfinite(value.real) and _mp.isfinite(value.imag):
            if node is not None:
                value = _fold_zeros(value, node)
            expr = L.const(value, lambda: _apply_generic(L, functions, head, args)[0])
            return expr, Info(abs(float(value.imag)), value, nonzero=value != 0)
        if value is not None and value.imag == 0 and _mp.isinf(value.real):
            form = constant_form(value)  # ln 0 = −∞: the table's 11-token form
            if form is not None:  # an infinity is not folded further: no Info.const
                return form, Info(0.0, nonzero=True, infinite=value)
    return _apply_generic(L, functions, head, args)


def _apply_generic(L: Lowering, functions: dict, head: str, args: list[tuple[Expr, Info]]) -> tuple[Expr, Info]:
    flat = [v for pair in args for v in pair]
    if head in ("add", "sub", "mul", "div", "pow"):
        return getattr(L, head)(*flat)
    if head == "neg":
        return L.neg(*flat)
    if head == "exp":
        return P.exp(flat[0]), Info(INF, nonzero=True)
    if head == "ln":
        return P.ln(flat[0]), Info(PI, log=(flat[0], _mp.mpf(1)))
    fn = functions.get(head)
    if fn is None:
        raise UnsupportedError(f"no EML form for the operation {head!r}")
    base = args[1][1].const if head == "log" else None
    if base is not None and base.imag == 0 and base.real > 0 and base.real != 1:
        c = 1 / _mp.log(base.real)
        return fn(L, *flat), Info(float(PI * abs(c)), log=(flat[0], c))
    return fn(L, *flat), Info(INF)


_MAX_DENOMINATOR = 10**12


def _rat(q: Fraction) -> Any:
    return _mp.mpf(q.numerator) / q.denominator


def _as_fraction(x: Any) -> Fraction | None:
    """x as a fraction with a denominator up to 10¹², if it is one (to 40 digits).

    Up to 10¹² a chance match of an irrational to 40 digits is vanishingly unlikely (about
    10⁻¹⁶), and decimals such as 0.4457 = 4457/10⁴ that arise by folding are still recognised.
    """
    if x == 0:
        return Fraction(0)
    if abs(x) >= _BIG:  # 40 digits cannot pin down an integer this large (see _BIG) ...
        # ... unless the value is an integer in binary: up to 10⁵⁰ it still has 37 bits below
        # the units, so a computed (inexact) value is an integer only by a 10⁻¹¹ chance
        return Fraction(int(x)) if abs(x) <= _mp.mpf(10) ** 50 and _mp.isint(x) else None
    frac = Fraction(str(_mp.nstr(x, 45))).limit_denominator(_MAX_DENOMINATOR)
    if abs(_rat(frac) - x) <= _REL * abs(x):
        return frac
    short = Fraction(str(_mp.nstr(x, 15)))  # a short decimal such as 1e−30 = 1/10³⁰
    return short if abs(_rat(short) - x) <= _REL * abs(x) else None


def _recognize(v: Any) -> tuple[str, Any]:
    """Classify a constant: rat q, q·π, q·i, q·iπ, a + bi of those, a negative, or exp of one."""
    if v.imag == 0:
        q = _as_fraction(v.real)
        if q is not None:
            return "rat", q
        q = _as_fraction(v.real / _mp.pi)
        if q is not None:
            return "pi", q
        q = _as_fraction(v.real * _mp.pi)
        if q is not None:
            return "invpi", q
        q = _as_fraction(_mp.exp(v.real)) if abs(v.real) < 50 else None
        if q is not None and q > 0 and q != 1:
            return "lnrat", q
        if abs(v.real) > 0.02:
            q = _as_fraction(_mp.exp(1 / v.real))
            if q is not None and q > 0:
                return "invln", q
        if v.real < 0:
            return "neg", None
        if v.real > 0 and _recognize(_mp.mpc(_mp.log(v.real)))[0] in ("rat", "pi"):
            return "exp", _mp.log(v.real)
        return "unknown", None
    if v.real == 0:
        q = _as_fraction(v.imag)
        if q is not None:
            return "i", q
        q = _as_fraction(v.imag / _mp.pi)
        if q is not None:
            return "ipi", q
        return "unknown", None
    if _recognize(_mp.mpc(v.real))[0] != "unknown" and _recognize(_mp.mpc(0, v.imag))[0] != "unknown":
        return "complex", (v.real, v.imag)
    return "unknown", None


def _to_mp(c: Any) -> Any:
    if isinstance(c, Fraction):
        return _mp.mpc(_rat(c))
    return _mp.mpc(c)
