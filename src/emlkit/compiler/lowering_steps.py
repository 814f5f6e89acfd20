"""The steps of the lowering: constants and arithmetic, each in its shortest valid form.

:class:`Lowering` turns one operation at a time into EML. Additive steps use the short strip
forms (``a − b = E(ln a, exp b)``) only when the operand's :class:`~.info.Info` proves
``Im b ∈ (−π, π]``; otherwise they use forms that are valid on the whole plane. Multiplicative
steps never need the bound: a sum that is only exponentiated may take any branch
(``exp(w + 2πik) = exp(w)``). Constants are built by value, from the shortest-forms table
when it knows them.

>>> from emlkit.expr import Var
>>> L = Lowering("strip")
>>> L.mul(Var("x"), Info(3.0), Var("y"), Info(3.0))[0].K
31
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, cast

from ..errors import DomainError, UnsupportedError
from ..expr import ONE, Expr
from . import primitives as P
from .constant_kinds import BIG, classify, close, in_strip, integer_steps, rat, to_mp
from .constants import constant_form, constant_value, register
from .info import DOMAINS, INF, MP, PI, ZERO_INFO, Info, log_of, smallest
from .templates import template

__all__ = ["Lowering"]

# x + c is exp(ln x) − ln(e^(−c)); beyond this |Re c|, e^(∓c) leaves float64's range
# (e^709.8 overflows), so x + c = c·(x/c + 1) is used instead.
_SHIFT_MAX = 700


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
        value = to_mp(value)
        if MP.isnan(value.real) or MP.isnan(value.imag):
            raise UnsupportedError("the constant has no value (NaN)")
        tabled = abs(value) < BIG
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
            if close(constant_value(expr), value):
                matching.append(expr)
        if not matching and build is not None and builders[0] is not build:
            built: Expr | None
            try:
                built = build()
            except UnsupportedError:
                built = None
            if built is not None and close(constant_value(built), value):
                matching.append(built)
        if not matching:
            raise UnsupportedError(
                f"no EML construction found for the constant {MP.nstr(value, 15)}")
        best = smallest(*matching)
        if not tabled:
            return best
        register(best)
        return constant_form(value) or best

    def _constant_builders(self, value: Any,
                           exact: Fraction | None = None) -> list[Callable[[], Expr]]:
        v = MP.mpc(value)
        ln_m1 = P.ln(P.MINUS_ONE)  # exactly −iπ (see const)
        q: Any  # a Fraction, or what classify found (a Fraction or a pair of them)
        kind, q = ("rat", exact) if exact is not None else classify(v)
        q = cast(Any, q)  # a Fraction, a pair or an mpc, by kind
        if kind == "rat" and q.denominator == 1:
            return [lambda: self._integer(int(q))]
        if kind == "rat":  # integers passed exactly, so no digits are lost however long they are
            return [lambda: P.div(self.const(q.numerator), self.const(q.denominator)),
                    lambda: self.scale(self.const(q.numerator), Fraction(1, q.denominator))]
        if kind == "pi" and q == 1:
            return [lambda: self.scale(ln_m1, MP.mpc(0, 1)),
                    lambda: self.scale(ln_m1, MP.mpc(0, -1))]
        if kind == "pi":
            return [lambda: self.scale(self.const(MP.pi), q)]
        if kind == "lnrat":
            return [lambda: P.ln(self.const(q))]
        if kind == "invln":
            return [lambda: P.inv(self.const(MP.log(rat(q))))]
        if kind == "invpi":
            return [lambda: P.div(self.const(q), self.const(MP.pi))]
        if kind == "i" and abs(q) == 1:
            return [lambda: P.exp(self.scale(ln_m1, 0.5)), lambda: P.exp(self.scale(ln_m1, -0.5))]
        if kind == "i":
            return [lambda: self.scale(self.const(rat(q)), MP.mpc(0, 1))]
        if kind == "ipi":
            return [lambda: self.scale(ln_m1, -rat(q)),
                    lambda: self.scale(self.const(MP.pi), MP.mpc(0, rat(q)))]
        if kind == "complex":
            re, im = q
            return [lambda: self.shift(self.const(MP.mpc(0, im)), re)]
        if kind == "neg":
            return [lambda: P.neg_strip(self.const(-v.real))]
        if kind == "exp":
            return [lambda: P.exp(self.const(q))]
        raise UnsupportedError(f"no EML construction known for the constant {MP.nstr(v, 15)}")

    def _integer(self, n: int) -> Expr:
        if n == 0:
            return P.ZERO
        if n == 1:
            return ONE
        if n < 0:
            return P.neg_strip(self.const(-n))
        if n >= BIG:
            return self._big_integer(n)
        # binary method: (n−1) + 1 for odd n, 2·(n/2) for even n; both for small n. The chain
        # is built bottom-up first, so each const() below finds its operands in the table.
        chain, todo = set(), [n]
        while todo:
            m = todo.pop()
            for d in integer_steps(m):
                if d > 1 and d not in chain:
                    chain.add(d)
                    todo.append(d)
        for m in sorted(chain):
            self.const(m)
        cands = []
        for d in integer_steps(n):
            if d == n - 1:
                cands.append(P.E(P.ln(self.const(n - 1)), P.INV_E))  # (n−1) + 1
            else:
                cands.append(self.scale(self.const(n // 2), 2))  # 2·(n/2)
        return smallest(*cands)

    def _big_integer(self, n: int) -> Expr:
        """n ≥ 10³⁰ as m·10^k = m·exp(k·ln 10) with m < 10³⁰ (exact); other integers are refused."""
        k = 0
        while n % 10**(k + 1) == 0:
            k += 1
        m = n // 10**k
        if m >= BIG:
            raise UnsupportedError(f"the integer constant {n} has more than 30 significant digits")
        ten_k = P.exp(self.scale(P.ln(self.const(10)), k))  # 10^k = exp(k·ln 10)
        return ten_k if m == 1 else P.mul(self.const(m), ten_k)

    def pi(self) -> Expr:
        return self.const(MP.pi)

    def imag_unit(self) -> Expr:
        return self.const(MP.mpc(0, 1))

    # ----------------------------------------------------------------- arithmetic
    def scale(self, a: Expr, c: Any) -> Expr:
        """a·c for a constant c: exp(log a − ln(1/c)). Valid everywhere. 0·a = 0 (as SymPy)."""
        if c == 0:
            return P.ZERO
        inv_c = 1 / c if isinstance(c, Fraction) else 1 / to_mp(c)  # a Fraction stays exact
        c = to_mp(c)
        return P.exp(P.E(P.ln(log_of(a)), self.const(inv_c, lambda: P.inv(self.const(c)))))

    def shift(self, a: Expr, c: Any) -> Expr:
        """a + c for a constant c with Im(−c) ∈ (−π, π]: exp(ln a) − ln(e^(−c)), valid for all a.

        For ``|Re c| > 700`` the constant e^(−c) under- or overflows float64, so the sum is
        c·(a/c + 1) instead (two scalings, valid everywhere, any c ≠ 0).
        """
        c = to_mp(c)
        if abs(c.real) > _SHIFT_MAX:
            return self.scale(P.E(P.ln(self.scale(a, 1 / c)), P.INV_E), c)  # c·(a/c + 1)
        return P.E(P.ln(a), self.const(MP.exp(-c), lambda: P.exp(self.const(-c))))

    def add(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        info = Info(ia.imb + ib.imb)
        if ia.const is not None and ib.const is None:
            a, ia, b, ib = b, ib, a, ia
        if ib.const is not None and in_strip(-ib.const):
            cands = [self.shift(a, ib.const)]
            if ib.const == 1 and (t := self._template("x+1", a, ia)) is not None:
                cands.append(t)
            return smallest(*cands), info
        cands = []
        if ib.imb <= PI:
            cands.append(P.add_strip(a, b))
        if ia.imb <= PI:
            cands.append(P.add_strip(b, a))
        for (u, iu), (w, iw) in (((a, ia), (b, ib)), ((b, ib), (a, ia))):
            if iw.log is not None:  # u + c·ln t = c·(u/c + ln t), valid everywhere
                t, c = iw.log
                if c == 1:
                    cands.append(P.add_ln(u, t))
                else:
                    cands.append(self.scale(P.add_ln(self.scale(u, 1 / c), t), c))
        if cands:
            return smallest(*cands), info
        return self._safe(a, ia, b, ib, P.exp_plus_one), info

    def sub(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        info = Info(ia.imb + ib.imb)
        if ib.const is not None and abs(ib.const.real) > _SHIFT_MAX:
            return self.shift(a, -ib.const), info
        if ib.const is not None and in_strip(ib.const):
            c = ib.const
            return P.E(P.ln(a), self.const(MP.exp(c), lambda: P.exp(self.const(c)))), info
        if ib.log is not None:  # a − c·ln t = c·(a/c − ln t), valid everywhere
            t, c = ib.log
            cand = P.sub_ln(a, t) if c == 1 else self.scale(P.sub_ln(self.scale(a, 1 / c), t), c)
            if ib.imb > PI:
                return cand, info
            return smallest(cand, P.sub_strip(a, b)), info
        if ib.imb <= PI:
            return P.sub_strip(a, b), info
        one_minus = self._template("1-x", b, ib) if ia.const is not None and ia.const == 1 else None
        if one_minus is not None:
            return one_minus, info
        if ia.const is not None and in_strip(-ia.const):
            return self.shift(self.neg(b, ib)[0], ia.const), info
        if ia.imb <= PI:
            return self.scale(P.sub_strip(b, a), -1), info
        # a − b = b·(a/b − 1); the divisor must not vanish, prefer one known to be non-zero
        if ia.nonzero and not ib.nonzero:
            flipped = self._safe(b, ib, a, ia, P.exp_minus_one, divisor_first=False)
            return self.scale(flipped, -1), info
        return self._safe(a, ia, b, ib, P.exp_minus_one, divisor_first=False), info

    def _safe(self, a: Expr, ia: Info, b: Expr, ib: Info, step: Callable[[Expr], Expr],
              divisor_first: bool = True) -> Expr:
        """a ± b = d·(o/d ± 1) with divisor d: valid on the whole plane except where d = 0."""
        d, o = (b, a)
        if divisor_first and ia.nonzero and not ib.nonzero:
            d, o = a, b
        ratio_log = P.sub_ln(log_of(o), d)  # log(o) − ln d, a log of o/d
        return self.mul(d, Info(), step(ratio_log), Info())[0]

    def neg(self, a: Expr, ia: Info) -> tuple[Expr, Info]:
        if ia.imb <= PI:
            return P.neg_strip(a), Info(ia.imb)
        return self.scale(a, -1), Info(ia.imb)

    def mul(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        imb = INF
        if ib.const is not None and ib.const.imag == 0:
            imb = ia.imb * abs(float(ib.const.real))
        elif ia.const is not None and ia.const.imag == 0:
            imb = ib.imb * abs(float(ia.const.real))
        if (ia.const is not None and ia.const == 0) or (ib.const is not None and ib.const == 0):
            return P.ZERO, ZERO_INFO  # a·0 = 0 for every a, as SymPy has it
        info = Info(imb, nonzero=ia.nonzero and ib.nonzero)
        if ib.const is not None and ia.log is not None and ib.const.imag == 0:
            info = Info(imb, log=(ia.log[0], ia.log[1] * ib.const.real))
        elif ia.const is not None and ib.log is not None and ia.const.imag == 0:
            info = Info(imb, log=(ib.log[0], ib.log[1] * ia.const.real))
        if ib.const is not None:
            return self.scale(a, ib.const), info
        if ia.const is not None:
            return self.scale(b, ia.const), info
        if a is b:
            return self.square(a), info
        c1 = P.exp(P.E(P.ln(log_of(a)), P.inv(b)))
        c2 = P.exp(P.E(P.ln(log_of(b)), P.inv(a)))
        return smallest(c1, c2), info

    def square(self, a: Expr) -> Expr:
        """a²: the table's plane-valid template if shorter, else exp(log a + ln a) = a / (1/a)."""
        cands = [P.exp(P.E(P.ln(log_of(a)), P.inv(a)))]
        t = template("x**2", strip_ok=False)
        if t is not None:
            cands.append(t.apply(a))
        return smallest(*cands)

    def _template(self, target: str, a: Expr, ia: Info) -> Expr | None:
        """The table's form of ``target`` at ``a`` when ``a`` is provably inside its domain."""
        t = template(target, strip_ok=ia.imb < PI)
        return None if t is None else t.apply(a)

    def div(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        if ib.const is not None and ib.const == 0:
            raise DomainError("division by zero: the divisor is exactly 0")
        if ia.const is not None and ia.const == 0:
            return P.ZERO, ZERO_INFO  # 0/b = 0, as SymPy has it
        imb = INF
        if ib.const is not None and ib.const.imag == 0 and ib.const.real != 0:
            imb = ia.imb / abs(float(ib.const.real))
        info = Info(imb, nonzero=ia.nonzero)
        if ib.const is not None and ia.log is not None and ib.const.imag == 0 and ib.const != 0:
            info = Info(imb, log=(ia.log[0], ia.log[1] / ib.const.real))
        if ib.const is not None:
            return self.scale(a, 1 / ib.const), info
        if ia.const is not None and ia.const == 1:
            return P.inv(b), info
        return P.exp(P.E(P.ln(log_of(a)), b)), info

    def pow(self, a: Expr, ia: Info, b: Expr, ib: Info) -> tuple[Expr, Info]:
        info = Info(INF, nonzero=ia.nonzero)
        if ib.const is not None and ib.const.imag == 0:
            c = ib.const.real
            if c == 0:
                return ONE, Info(0.0, MP.mpc(1), nonzero=True)  # a⁰ = 1 for every a, 0⁰ too (SymPy)
            if c == 1:
                return a, ia
            if c == 2:
                return self.square(a), info
            if c == -1:
                return P.inv(a), info
            if MP.isint(c) and c > 0:
                # x^n = exp(n·ln x) exactly for integer n; compare with repeated squaring
                return self._scale_exp(a, c), info
        if ia.const is not None and close(ia.const, MP.e):
            return P.exp(b), info
        # principal power: exp(b·ln a)
        return P.exp(self.mul(b, ib, P.ln(a), Info(PI))[0]), info

    def _scale_exp(self, a: Expr, c: Any) -> Expr:
        """exp(c·ln a), the principal power a^c for a constant c."""
        return P.exp(self.scale(P.ln(a), c))


