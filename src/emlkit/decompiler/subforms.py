"""Bottom-up numeric recognition of EML sub-DAGs as readable operations.

Each node is evaluated at fixed generic points (complex, inside the strip, away from the
branch cuts of the basis functions). Recognised nodes form a pool; every basis operation applied
to pool members is indexed by its rounded value vector, and a node whose vector is in the index
takes that form. Constants are named with SymPy's ``nsimplify`` at 45 digits.

>>> import emlkit as ek
>>> f = ek.compile("cos(x)")
>>> recognize_nodes(f)[id(f)]
cos(x)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..compiler.registry import Function, functions, lookup
from ..expr import Eml, Expr, Var, postorder
from ..tolerances import (
    RECOGNIZE_ATOL,
    RECOGNIZE_CONSTANT_ATOL,
    RECOGNIZE_CONSTANT_RTOL,
    RECOGNIZE_DIGITS,
    RECOGNIZE_RTOL,
)

__all__ = ["SAMPLE_POINTS", "name_constant", "recognize_nodes"]

#: Generic sample points (one column per point); variables take shifted copies.
SAMPLE_POINTS = np.array([0.3712 + 0.2133j, -0.5871 + 0.4119j, 0.7353 - 0.3061j, -0.2417 - 0.1873j])
_MAX_POOL = 400


def _unary() -> dict[str, tuple[Callable, Callable]]:
    """(NumPy f, SymPy f) of every registry function the decompiler names (``decompile=True``)."""
    return {f.name: (f.numpy_function(), f.sympy_function()) for f in _named()}


def _unary_inverses() -> list[tuple[Callable, Callable]]:
    """(inverse of f, SymPy f): a node v = f(w) is recognised when f⁻¹(v) is known.

    Every registry function with a SymPy head and an inverse, e.g. (np.arcsin, sympy.sin).
    """
    return [(lookup(f.inverse).numpy_function(), f.sympy_function())
            for f in functions(arity=1) if f.sympy is not None and f.inverse is not None]


def _named() -> tuple[Function, ...]:
    return tuple(f for f in functions(arity=1) if f.decompile)


def _binary() -> list[tuple[Callable, Callable]]:
    """(solve for b given node value v and operand a, SymPy builder(a, b)) for each op and order."""
    import sympy as sp

    def hyp(v: Any, a: Any) -> Any:
        return np.sqrt(v * v - a * a)

    return [
        (lambda v, a: v - a, lambda a, b: a + b),
        (lambda v, a: a - v, lambda a, b: a - b),
        (lambda v, a: v + a, lambda a, b: b - a),
        (lambda v, a: v / a, lambda a, b: a * b),
        (lambda v, a: a / v, lambda a, b: a / b),
        (lambda v, a: v * a, lambda a, b: b / a),
        (lambda v, a: np.log(v) / np.log(a), lambda a, b: a**b),
        (lambda v, a: np.exp(np.log(v) / a), lambda a, b: b**a),
        (lambda v, a: np.exp(np.log(a) / v), lambda a, b: sp.log(a, b)),
        (lambda v, a: np.exp(v * np.log(a)), lambda a, b: sp.log(b, a)),
        (hyp, lambda a, b: sp.sqrt(a**2 + b**2)),
        (lambda v, a: -hyp(v, a), lambda a, b: sp.sqrt(a**2 + b**2)),
    ]


def _key(values: np.ndarray) -> tuple | None:
    """Hashable fingerprint of a value vector: ``RECOGNIZE_DIGITS`` significant digits on a
    shared decimal scale."""
    if not np.all(np.isfinite(values)):
        return None
    top = float(np.max(np.abs(values)))
    exponent = int(np.floor(np.log10(top))) if top > 1e-300 else 0
    q = np.round(values / 10.0**exponent * 10.0 ** (RECOGNIZE_DIGITS - 1))
    return (exponent, *q.real.astype(np.int64).tolist(), *q.imag.astype(np.int64).tolist())


def _keys(values: np.ndarray) -> list[tuple | None]:
    """:func:`_key` of each row of a 2-D array, vectorised (bit for bit the same keys)."""
    finite = np.all(np.isfinite(values), axis=1)
    top = np.max(np.abs(np.where(finite[:, None], values, 0)), axis=1)
    exps = np.zeros(len(values), dtype=np.int64)
    big = top > 1e-300
    exps[big] = np.floor(np.log10(top[big])).astype(np.int64)
    scale = np.array([10.0 ** e for e in exps.tolist()])  # as _key computes it
    q = np.round(np.where(finite[:, None], values, 0) / scale[:, None]
                 * 10.0 ** (RECOGNIZE_DIGITS - 1))
    re, im = q.real.astype(np.int64).tolist(), q.imag.astype(np.int64).tolist()
    return [(int(e), *r, *m) if ok else None
            for e, r, m, ok in zip(exps.tolist(), re, im, finite.tolist())]


def _constant_rows(values: np.ndarray) -> list[bool]:
    """Rows whose entries agree (``np.allclose(row, row[0])`` at the constant tolerances)."""
    first = values[:, :1]
    tol = RECOGNIZE_CONSTANT_ATOL + RECOGNIZE_CONSTANT_RTOL * np.abs(first)
    return np.all(np.abs(values - first) <= tol, axis=1).tolist()


def _node_values(expr: Expr, env: dict[str, np.ndarray]) -> dict[int, np.ndarray]:
    """Every walked node's values at the sample points, in the backends' arithmetic.

    The NumPy backend's ops run by the one DAG walk (:mod:`emlkit.backends._walk`): maximal
    variable-free subtrees are folded into their exact constants, the rest is C99 complex
    arithmetic (the sample points lie off every axis, so no cut needs deciding).
    """
    from ..backends.numpy import Const, NumpyOps
    from ..backends.walk import make_plan, run

    vals: dict[int, np.ndarray] = {}
    shape = SAMPLE_POINTS.shape

    def keep(node: Expr, value: Any, a: Any, b: Any) -> None:
        if type(value) is Const:
            v = np.full(shape, complex(value.value))
        else:  # a copy: the walk reuses buffers that are no longer needed
            v = np.array(np.broadcast_to(value[0] if type(value) is tuple else value, shape),
                         dtype=complex)
        vals[id(node)] = v

    ops = NumpyOps(foreign=[id(a) for a in env.values()])
    with np.errstate(all="ignore"):
        run(make_plan(expr, fold_constants=True), ops, env, keep)
    return vals


def name_constant(node: Expr) -> Any:
    """A short closed form (SymPy) of a constant subtree, or None.

    >>> import emlkit as ek
    >>> name_constant(ek.compile("pi/2"))
    pi/2
    """
    from ..compiler.constants import constant_value

    return _name_value(complex(constant_value(node)), constant_value(node))


_NAMES: dict[tuple, Any] = {}


def _name_value(z: complex, exact: Any = None) -> Any:
    """A short closed form (rational, π, e, i combinations) of a constant, or None. Cached."""
    import mpmath
    import sympy as sp

    if not np.isfinite(z):
        return None
    # float-only and high-precision lookups can name the same value differently: cache apart
    from ._names import checked, exact_name, key_of, shipped

    # the table's key, and for the cache also the parts below 10⁻³ to 12 digits (else e^−523
    # and 10⁻⁴⁰ shared the key 0, and x·10⁴⁰ decompiled to x·e^523)
    key = key_of(z, exact is not None)
    cached = (*key, *(float(f"{p:.11e}") if 0 < abs(p) < 1e-3 else 0.0 for p in (z.real, z.imag)))
    if cached in _NAMES:
        return _NAMES[cached]
    if exact is not None:
        re, im = (sp.Float(mpmath.nstr(p, 45), 45) for p in (exact.real, exact.imag))
        approx = re + sp.I * im
        tol = sp.Float(10) ** -38
    else:
        approx, tol = sp.Float(z.real, 17) + sp.I * sp.Float(z.imag, 17), sp.Float(10) ** -11
    guess = exact_name(exact) if exact is not None else None
    if guess is not None:  # a rational, q·π, q·i, e^q, ...: exact to 40 digits, no search
        _NAMES[cached] = guess
        return guess
    table = shipped()
    if key in table and (z == 0 or abs(z) >= _SEARCHED[0]):  # answered before: no nsimplify
        # (scripts/constant_names.py; its keys round tiny values to 0)
        name = table[key]
        guess = None if name is None else checked(name, approx, tol)
        if name is None or guess is not None:
            _NAMES[cached] = guess
            return guess
    guess = None
    if _SEARCHED[0] <= abs(z) <= _SEARCHED[1 if exact is not None else 2]:  # its tolerance is
        # absolute: 10⁻¹¹ on a 17-digit float beyond 10⁴ is rounding noise, not a digit
        guess = sp.nsimplify(approx, [sp.pi, sp.E], tolerance=tol, rational=False)
        if guess.has(sp.Float) or sp.count_ops(guess) > 12 or _contrived(guess):
            guess = None
    _NAMES[cached] = guess
    return guess


#: Magnitudes searched with nsimplify: outside, an absolute tolerance of 10⁻³⁸ (or 10⁻¹¹ for a
#: float) names a tiny value 0 (e^−523 became 0, and x·y + 523 decompiled to x·y + zoo).
_SEARCHED = (1e-6, 1e12, 1e4)  # lower bound; upper bound for exact values; for floats


def _contrived(guess: Any) -> bool:
    """A fit of π and e with large rational coefficients (e.g. 1/sqrt(-263π/102 + …)): a fluke."""
    import sympy as sp

    if not guess.has(sp.pi, sp.E):
        return False
    return any(abs(r.p) > 100 or r.q > 100 for r in guess.atoms(sp.Rational))


def recognize_nodes(expr: Expr) -> dict[int, Any]:
    """Map ``id(node) → SymPy form`` for every node of ``expr`` that could be named.

    Examples
    --------
    >>> import emlkit as ek
    >>> f = ek.compile("x*y")
    >>> recognize_nodes(f)[id(f)]
    x*y
    """
    import sympy as sp

    names = sorted(expr.free_vars)
    env = {n: SAMPLE_POINTS * (1 + 0.37 * i) + 0.11j * i for i, n in enumerate(names)}
    vals = _node_values(expr, env)
    unary, binary, inverses = _unary(), _binary(), _unary_inverses()
    index: dict[tuple, Any] = {}  # value key -> form (pool members and unary images)
    pool: list[tuple[Any, np.ndarray]] = []
    known: dict[int, Any] = {}
    parents_nonconst = _maximal_constants(expr)

    def add_to_pool(form: Any, v: np.ndarray, image: bool = True) -> None:
        k = _key(v)
        if k is None or len(pool) >= _MAX_POOL:
            return
        index.setdefault(k, form)
        with np.errstate(all="ignore"):
            for fn, sym in unary.values():
                _index(index, fn(v), sym, form)
            w = np.exp(v) if image and form.has(sp.log) else None
        pool.append((form, v))
        # a compiled form holds many values as logarithms (log(2x) for sin(2x)): their
        # exponentials join the pool too, so sin(2x) is found as sin of the pool member 2x.
        # Not tiny ones (x·y/10⁶): their images 1 + tiny match sums dominated by a constant
        kw = _key(w) if w is not None and np.min(np.abs(w)) > 1e-3 else None
        if w is not None and kw is not None and (kw not in index or isinstance(index[kw], _Lazy)):
            add_to_pool(sp.exp(form), w, image=False)

    def solve(v: np.ndarray) -> Any:

        k = _key(v)
        if k is None:
            return None
        if k in index:
            form = index[k]
            if isinstance(form, _Lazy):
                form = index[k] = form.build()
            return form
        with np.errstate(all="ignore"):
            for inverse, build in inverses:
                kw = _key(inverse(v))
                form_w = index.get(kw) if kw is not None else None
                if isinstance(form_w, _Lazy):
                    form_w = form_w.build()
                if form_w is not None:
                    form = build(form_w)
                    if _agrees(form, v, env):
                        return form
            # every operand b = op⁻¹(v, a) for all pool members a at once (one array per op),
            # tried in the same order as one at a time: pool member first, then op
            values = np.array([a for _, a in pool])
            per_op = [(build, b, _keys(b), _constant_rows(b))
                      for b, build in ((inverse(v, values), build) for inverse, build in binary)]
            for i, (form_a, _) in enumerate(pool):
                for build, b, keys, flat in per_op:
                    kb = keys[i]
                    if kb is None:
                        continue
                    form_b = index.get(kb)
                    if form_b is None and flat[i]:
                        form_b = _name_value(complex(b[i, 0]))
                    if isinstance(form_b, _Lazy):
                        form_b = index[kb] = form_b.build()
                    if form_b is not None:
                        form = build(form_a, form_b)
                        if _agrees(form, v, env):
                            return form
        return None

    for name in names:
        add_to_pool(sp.Symbol(name), env[name])
    for node in postorder(expr):
        if isinstance(node, Var):
            known[id(node)] = sp.Symbol(node.name)
        elif not isinstance(node, Eml):
            known[id(node)] = sp.Integer(1)
        elif node.is_constant:
            if id(node) in parents_nonconst or node is expr:
                form = name_constant(node)
                if form is not None:
                    known[id(node)] = form
                    add_to_pool(form, vals[id(node)])
        else:
            form = solve(vals[id(node)])
            if form is not None:
                known[id(node)] = form
                add_to_pool(form, vals[id(node)])
    return known


def _agrees(form: Any, v: np.ndarray, env: dict[str, np.ndarray]) -> bool:
    """Does the SymPy form evaluate to the node's values at the sample points?"""
    import sympy as sp

    if form.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return False
    names = sorted(str(s) for s in form.free_symbols)
    try:
        fn = sp.lambdify([sp.Symbol(n) for n in names], form, "numpy")
        with np.errstate(all="ignore"):
            got = np.broadcast_to(np.asarray(fn(*(env[n] for n in names)), dtype=complex), v.shape)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, NameError):
        return False
    # the absolute tolerance shrinks with tiny values: x·10⁻⁴⁰ is not x + (−x) = 0
    atol = RECOGNIZE_ATOL * min(1.0, float(np.max(np.abs(v))))
    return bool(np.all(np.isfinite(got)) and np.allclose(got, v, rtol=RECOGNIZE_RTOL, atol=atol))


def _maximal_constants(expr: Expr) -> set[int]:
    """ids of constant nodes with a non-constant parent."""
    out: set[int] = set()
    for node in postorder(expr):
        if isinstance(node, Eml) and not node.is_constant:
            for child in node.args:
                if isinstance(child, Eml) and child.is_constant:
                    out.add(id(child))
    return out


def _index(index: dict, values: np.ndarray, make: Callable, *args: Any) -> None:
    k = _key(values)
    if k is not None and k not in index:
        index[k] = _Lazy(make, args)


class _Lazy:
    """A SymPy form built only when a node actually matches (most candidates never do)."""

    __slots__ = ("args", "make")

    def __init__(self, make: Callable, args: tuple) -> None:
        self.make, self.args = make, args

    def build(self) -> Any:
        return self.make(*(a.build() if isinstance(a, _Lazy) else a for a in self.args))
