"""What the lowering knows of an intermediate value, and the helpers every lowering step shares.

Each intermediate carries an :class:`Info`: a bound on ``|Im value|`` over the inputs of the
domain, and its exact value when it is a constant. The exact values live in :data:`MP`, a
private mpmath context at 60 digits (the user's ``mpmath.mp`` is never touched).

>>> Info(3.0).imb, Info(0.0, MP.mpc(2), nonzero=True).nonzero
(3.0, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mpmath

from ..expr import ONE, Eml, Expr
from . import primitives as P

__all__ = ["DOMAINS", "INF", "MP", "PI", "ZERO_INFO", "Info", "log_of", "smallest"]

#: Where a compiled form must be correct (see :func:`emlkit.compile`).
DOMAINS = ("strip", "plane")
INF = math.inf
PI = math.pi
#: The working context of the lowering: exact values of constants at 60 digits.
MP = mpmath.MPContext()
MP.dps = 60


@dataclass(frozen=True)
class Info:
    """What the lowering knows of a value: ``imb`` bounds ``|Im|`` over the domain's inputs."""

    imb: float = INF
    const: Any = None  # exact value (mpc) when the value is a constant
    nonzero: bool = False  # never exactly zero (an exponential, a non-zero constant)
    log: Any = None  # (t, c): the value is exactly c·ln(t) for an Expr t and a real constant c
    infinite: Any = None  # an infinite constant value (ln 0 = −∞): used only to fold constants


#: The Info of the constant 0.
ZERO_INFO = Info(0.0, MP.mpc(0))


def log_of(a: Expr) -> Expr:
    """Some logarithm of ``a`` (any branch): ``u`` when ``a = exp(u)``, else ``ln a``.

    >>> from emlkit.expr import Var
    >>> log_of(P.exp(Var("x")))
    Var('x')
    """
    if isinstance(a, Eml) and a.right is ONE:
        return a.left
    return P.ln(a)


def smallest(*cands: Expr) -> Expr:
    """The candidate with the fewest tokens, ties broken by depth.

    Only O(1) attributes are compared: ``dag_size`` walks the whole DAG, and comparing it at
    every step made compiling a chain of n sums quadratic in n.

    >>> from emlkit.expr import Var
    >>> smallest(P.ln(Var("x")), Var("x"))
    Var('x')
    """
    return min(cands, key=lambda e: (e.K, e.depth))
