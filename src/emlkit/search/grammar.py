"""Bottom-up enumeration by size over arbitrary building blocks (a *grammar* of operations).

A :class:`Grammar` is a set of :class:`Op` building blocks: leaves (constants and variables,
arity 0), unary and binary operations. :func:`enumerate_grammar` builds every expression by
size ``K`` (tokens: every leaf and every operation application counts 1, so over ``{1; eml}``
it is the EML ``K``) and keeps one representative per distinct value vector at fixed test
points (observational equivalence), exactly as :func:`emlkit.search.enumerate_forms` does for
pure EML; the hashing is shared with it.

Arithmetic follows the project's conventions (see :mod:`emlkit.search.enumerate`): principal
``ln``, ``ln 0 = -inf``, ``exp(-inf) = 0``; a value that is NaN or has an infinite imaginary
part is undefined, and a candidate undefined at any test point is dropped. After every
operation a real or imaginary part below ``2**-40`` times the value's magnitude is set to
exactly zero (additive operations such as ``eml``, ``plus``, ``subtract`` use the operands'
magnitude), so exactly real values stay exactly real.

The operation table (:data:`KNOWN_OPS`) also carries an mpmath twin of each operation, used by
the bootstrap verifier to check witnesses at high precision (:func:`evaluate_term_mp`).

>>> g = Grammar.from_names(["1", "eml"], variables=["x"])
>>> en = enumerate_grammar(g, 7)
>>> en.counts
{1: 2, 2: 0, 3: 4, 4: 0, 5: 16, 6: 0, 7: 80}
>>> en.formula(en.find_values(np.log(en.points["x"]))[0])
'exp(1) - log(exp(exp(1) - log(x)) - log(1))'
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compiler import registry
from ..progress import Progress
from .arithmetic import SNAP_TOL, _row_keys, default_points, eml_arrays, exp_guarded, log_guarded

__all__ = [
    "Op", "Grammar", "GrammarEnumeration", "enumerate_grammar", "KNOWN_OPS", "known_op",
    "evaluate_term_mp", "term_size",
]

_U = np.uint64


@dataclass(frozen=True)
class Op:
    """One building block: a leaf (arity 0) or an operation (arity 1 or 2).

    Attributes
    ----------
    name : str
        Identifier, e.g. ``"eml"``, ``"exp"``, ``"pi"``, ``"x"``.
    arity : int
        0 (constant or variable leaf), 1 or 2.
    fn : callable or complex or None
        Vectorised NumPy complex128 function (``f(a)`` or ``f(a, b)`` with broadcasting); a
        complex value for a constant; ``None`` for a variable.
    template : str
        Calculator notation with ``{0}``, ``{1}`` for the arguments (``"exp({0})"``); readable
        by :func:`emlkit.compile` and :func:`sympy.sympify`.
    commutative : bool
        ``f(a, b) == f(b, a)``: only one order of sizes is enumerated.
    mp : callable, optional
        mpmath twin of ``fn`` (returns ``None`` where undefined), for high-precision checks.

    >>> Op("plus", 2, np.add, "{0} + {1}").arity
    2
    """

    name: str
    arity: int
    fn: Any
    template: str
    commutative: bool = False
    mp: Callable[..., Any] | None = field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- NumPy operations


def _snap_add(r: np.ndarray, *operands: np.ndarray) -> np.ndarray:
    """Zero the parts of a sum ``r`` that are rounding residue relative to its operands."""
    with np.errstate(all="ignore"):
        scale = _maxabs(operands[0])
        for o in operands[1:]:
            scale = np.maximum(scale, _maxabs(o))
        thr = scale * SNAP_TOL
        r = np.array(r, dtype=np.complex128, copy=True)
        re, im = r.real, r.imag
        fin = np.isfinite(re) & np.isfinite(im)
        re[fin & (np.abs(re) <= thr)] = 0.0
        im[fin & (np.abs(im) <= thr)] = 0.0
    return r


def _maxabs(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z)
    return np.maximum(np.abs(z.real), np.abs(z.imag))


def _ign(f: Callable) -> Callable:
    def g(*args):
        with np.errstate(all="ignore"):
            return f(*args)
    return g


def _power(a, b):
    la = log_guarded(a)
    with np.errstate(all="ignore"):
        r = exp_guarded(b * la)
        zero = (a == 0) & np.isfinite(b)
        return np.where(zero, np.where(b.real > 0, 0.0, np.nan), r)


# exp and ln are the search's guarded ones, sigmoid goes through the guarded exp; every other
# unary block is the registry's NumPy function (emlkit.compiler.registry)
_OWN_UNARY = ("exp", "ln", "sigmoid")
_NP: dict[str, Callable] = {
    "exp": exp_guarded, "ln": log_guarded,
    **{f.grammar: _ign(f.numpy_function()) for f in registry.functions(arity=1, grammar=True)
       if f.grammar not in _OWN_UNARY},
    "sigmoid": _ign(lambda a: 1.0 / (1.0 + exp_guarded(-a))),
    "eml": lambda a, b: eml_arrays(exp_guarded(a), log_guarded(b)),
    "plus": _ign(lambda a, b: _snap_add(a + b, a, b)),
    "subtract": _ign(lambda a, b: _snap_add(a - b, a, b)),
    "times": _ign(lambda a, b: a * b), "divide": _ign(lambda a, b: a / b),
    "power": _ign(_power),
    "log": _ign(lambda a, b: log_guarded(b) / log_guarded(a)),
    "avg": _ign(lambda a, b: _snap_add((a + b) * 0.5, a, b)),
    "hypot": _ign(lambda a, b: np.sqrt(_snap_add(a * a + b * b, a * a, b * b))),
}

# ---------------------------------------------------------------- mpmath twins


def _mp_table() -> dict[str, Callable]:
    import mpmath as mp

    from .verify import _exp, _log

    def add_snap(r, *ops):
        tol = mp.mpf(10) ** (-(mp.mp.dps - 10))
        if r is None or mp.isinf(r.real) or mp.isinf(r.imag):
            return r
        thr = max(max(abs(o.real), abs(o.imag)) for o in ops) * tol
        re = r.real if abs(r.real) > thr else mp.mpf(0)
        im = r.imag if abs(r.imag) > thr else mp.mpf(0)
        return mp.mpc(re, im)

    def eml(a, b):
        E, L = _exp(a), _log(b)
        if E is None or L is None:
            return None
        if mp.isinf(E.real) or mp.isinf(L.real):
            if mp.isinf(E.real) and mp.isinf(L.real) and (E.real > 0) == (L.real < 0):
                return None
            return mp.mpc(E.real if mp.isinf(E.real) else -L.real, E.imag - L.imag)
        return add_snap(E - L, E, L)

    def power(a, b):
        if a == 0:
            return mp.mpc(0) if b.real > 0 else None
        w = _log(a)
        return None if w is None else _exp(b * w)

    def log2(a, b):
        la, lb = _log(a), _log(b)
        return None if la is None or lb is None else lb / la

    return {
        "exp": _exp, "ln": _log,
        **{f.grammar: f.mpmath_function(mp.mp) for f in registry.functions(arity=1, grammar=True)
           if f.grammar not in ("exp", "ln")},
        "eml": eml, "plus": lambda a, b: add_snap(a + b, a, b),
        "subtract": lambda a, b: add_snap(a - b, a, b), "times": lambda a, b: a * b,
        "divide": lambda a, b: a / b, "power": power, "log": log2,
        "avg": lambda a, b: add_snap((a + b) / 2, a, b),
        "hypot": lambda a, b: mp.sqrt(add_snap(a * a + b * b, a * a, b * b)),
    }


_MP: dict[str, Callable] = {}


def _mp_fn(name: str) -> Callable:
    if not _MP:
        _MP.update(_mp_table())
    return _MP[name]


_CONSTANTS = {
    "1": (1.0, "1"), "e": (np.e, "E"), "pi": (np.pi, "pi"), "i": (1j, "I"),
    "-1": (-1.0, "-1"), "2": (2.0, "2"), "0": (0.0, "0"),
}
#: SymPy templates of the blocks, from the registry's definitions (``{0}``, ``{1}``: arguments).
_TEMPLATES = {f.grammar: f.grammar_template for f in registry.functions(grammar=True)}
_COMMUTATIVE = {"plus", "times", "avg", "hypot"}


def known_op(name: str) -> Op:
    """The built-in :class:`Op` called ``name`` (constants, unary and binary operations).

    >>> known_op("plus").template, known_op("e").fn == np.e
    ('{0} + {1}', True)
    >>> try:
    ...     known_op("tanhh")
    ... except ValueError as exc:
    ...     print(str(exc)[:60])
    unknown building block 'tanhh' (did you mean 'tanh'?); known
    """
    if name in _CONSTANTS:
        value, tmpl = _CONSTANTS[name]
        return Op(name, 0, complex(value), tmpl, mp=lambda v=value, s=name: _mp_const(s))
    if name in _TEMPLATES:
        arity = 2 if "{1}" in _TEMPLATES[name] else 1
        return Op(name, arity, _NP[name], _TEMPLATES[name], name in _COMMUTATIVE,
                  mp=lambda *a, n=name: _mp_fn(n)(*a))
    known = list(_CONSTANTS) + list(_TEMPLATES)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown building block {name!r}{hint}; known: " + ", ".join(known))


def _mp_const(name: str) -> Any:
    import mpmath as mp

    return {"1": mp.mpc(1), "e": mp.mpc(mp.e), "pi": mp.mpc(mp.pi), "i": mp.mpc(0, 1),
            "-1": mp.mpc(-1), "2": mp.mpc(2), "0": mp.mpc(0)}[name]


#: Names accepted by :meth:`Grammar.from_names`.
KNOWN_OPS: tuple[str, ...] = tuple(_CONSTANTS) + tuple(_TEMPLATES)


class Grammar:
    """A set of building blocks plus the variable names that act as leaves.

    >>> g = Grammar.from_names(["pi", "exp", "ln", "plus"], variables=["x"])
    >>> [op.name for op in g.leaves], [op.name for op in g.unary], [op.name for op in g.binary]
    (['pi', 'x'], ['exp', 'ln'], ['plus'])
    >>> Grammar([known_op("1"), Op("y", 0, None, "y"), known_op("eml")]).variables
    ('y',)
    """

    def __init__(self, ops: Sequence[Op], variables: Sequence[str] = ()) -> None:
        # a leaf Op without a value (fn None) is a variable too
        variables = list(variables) + [
            op.name for op in ops if op.arity == 0 and op.fn is None and op.name not in variables]
        ops = [op for op in ops if not (op.arity == 0 and op.fn is None)]
        names = [op.name for op in ops] + list(variables)
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"building block {dup[0]!r} given twice")
        for op in ops:
            if op.arity not in (0, 1, 2):
                raise ValueError(f"operation {op.name!r} has arity {op.arity}; use 0, 1 or 2")
        var_ops = [Op(v, 0, None, v) for v in variables]
        self.ops: tuple[Op, ...] = tuple(ops)
        self.variables: tuple[str, ...] = tuple(variables)
        self.leaves = [op for op in ops if op.arity == 0] + var_ops
        self.unary = [op for op in ops if op.arity == 1]
        self.binary = [op for op in ops if op.arity == 2]
        self.all_ops: tuple[Op, ...] = tuple(self.leaves + self.unary + self.binary)
        self.index = {op.name: i for i, op in enumerate(self.all_ops)}

    @classmethod
    def from_names(cls, names: Iterable[str], variables: Sequence[str] = ()) -> Grammar:
        """Grammar of built-in blocks by name (see :data:`KNOWN_OPS`).

        >>> Grammar.from_names(["1", "eml"]).ops[1].arity
        2
        """
        return cls([known_op(str(n)) for n in names], variables)

    def __repr__(self) -> str:
        return f"Grammar({[op.name for op in self.ops]!r}, variables={list(self.variables)!r})"


# ---------------------------------------------------------------- enumeration result


class GrammarEnumeration:
    """Result of :func:`enumerate_grammar`: representatives by size with their value vectors.

    ``gid`` numbers representatives in order of discovery (so by K). ``hits`` lists
    ``(target index, gid)`` for the ``targets`` given to :func:`enumerate_grammar`.

    >>> en = enumerate_grammar(Grammar.from_names(["1", "exp", "ln"]), 3)
    >>> en.counts, [en.formula(g) for g in en.ids(2)]
    ({1: 1, 2: 2, 3: 2}, ['exp(1)', 'log(1)'])
    """

    def __init__(self, grammar: Grammar, points: dict[str, np.ndarray], P: int) -> None:
        self.grammar = grammar
        self.points = points
        self.P = P
        self.counts: dict[int, int] = {}
        self.seconds: dict[int, float] = {}
        self.complete = True
        self.timed_out = False
        self.max_K = 0
        self.hits: list[tuple[int, int]] = []
        self._vals: dict[int, np.ndarray] = {}
        self._op: dict[int, np.ndarray] = {}
        self._left: dict[int, np.ndarray] = {}
        self._right: dict[int, np.ndarray] = {}
        self._gid0: dict[int, int] = {}
        self._starts: list[int] = []
        self._sizes: list[int] = []
        self._seen = _HashSet()

    @property
    def total(self) -> int:
        """Number of representatives stored."""
        return sum(self.counts.values())

    def ids(self, K: int) -> range:
        """Global ids of the representatives of size ``K``."""
        if K not in self._gid0:
            return range(0)
        return range(self._gid0[K], self._gid0[K] + self.counts[K])

    def values(self, K: int) -> np.ndarray:
        """Value vectors ``(n, P)`` of the representatives of size ``K``."""
        return self._vals[K] if K in self._vals else np.zeros((0, self.P), np.complex128)

    def size_of(self, gid: int) -> int:
        """K of representative ``gid``."""
        i = int(np.searchsorted(self._starts, gid, side="right")) - 1
        return self._sizes[i]

    def _node(self, gid: int) -> tuple[int, int, int]:
        K = self.size_of(gid)
        j = gid - self._gid0[K]
        return int(self._op[K][j]), int(self._left[K][j]), int(self._right[K][j])

    def value(self, gid: int) -> np.ndarray:
        """Value vector of one representative."""
        K = self.size_of(gid)
        return self._vals[K][gid - self._gid0[K]]

    def term(self, gid: int) -> tuple:
        """The representative as nested tuples ``(name, *children)``, built iteratively.

        >>> en = enumerate_grammar(Grammar.from_names(["1", "plus"], ["x"]), 3)
        >>> en.term(en.ids(3)[-1])
        ('plus', ('x',), ('x',))
        """
        ops = self.grammar.all_ops
        done: dict[int, tuple] = {}
        stack = [int(gid)]
        while stack:
            g = stack[-1]
            if g in done:
                stack.pop()
                continue
            o, a, b = self._node(g)
            kids = [c for c in (a, b)[: ops[o].arity]]
            todo = [c for c in kids if c not in done]
            if todo:
                stack.extend(todo)
                continue
            done[g] = (ops[o].name, *(done[c] for c in kids))
            stack.pop()
        return done[int(gid)]

    def formula(self, gid: int) -> str:
        """The representative in calculator notation (for :func:`emlkit.compile` / SymPy).

        >>> en = enumerate_grammar(Grammar.from_names(["1", "eml"], ["x"]), 3)
        >>> en.formula(en.ids(3)[0])
        'exp(1) - log(1)'
        """
        return term_formula(self.term(gid), self.grammar)

    def find_values(self, vector: Any, rtol: float = 1e-9) -> list[int]:
        """Ids whose value vector equals ``vector`` within ``rtol``, smallest K first.

        >>> en = enumerate_grammar(Grammar.from_names(["1", "plus"]), 5)
        >>> [en.formula(g) for g in en.find_values(3)]
        ['1 + (1 + 1)']
        """
        t = np.broadcast_to(np.asarray(vector, dtype=np.complex128), (self.P,))
        out: list[int] = []
        tol = rtol * (np.abs(t) + 1.0)
        for K in sorted(self._vals):
            v = self._vals[K]
            with np.errstate(all="ignore"):
                ok = np.where(np.isfinite(t), np.abs(v - t) <= tol, v == t).all(axis=1)
            out.extend(int(i) + self._gid0[K] for i in np.flatnonzero(ok))
        return out

    def __repr__(self) -> str:
        return (f"<GrammarEnumeration {self.grammar!r} P={self.P} max_K={self.max_K} "
                f"total={self.total}{'' if self.complete else ' (incomplete)'}>")


def _atomic(text: str) -> bool:
    if re.fullmatch(r"[A-Za-z_]\w*|\d+(?:\.\d+)?", text):
        return True
    m = re.match(r"[A-Za-z_]\w*\(", text)
    if not m or not text.endswith(")"):
        return False
    depth = 0
    for i, ch in enumerate(text[m.end() - 1:], start=m.end() - 1):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i == len(text) - 1
    return False


def term_formula(term: tuple, grammar: Grammar | None = None) -> str:
    """Calculator notation of a term ``(name, *children)`` (iterative, minimal parentheses).

    Names are looked up in ``grammar`` first, then among the built-in blocks; variables are
    printed as they are.

    >>> term_formula(("times", ("plus", ("x",), ("1",)), ("e",)))
    '(x + 1)*E'
    """
    table = {op.name: op for op in grammar.all_ops} if grammar is not None else {}
    done: dict[int, str] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in done:
            continue
        if not ready and len(t) > 1:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        name = t[0]
        op = table.get(name)
        if op is None:
            op = known_op(name) if name in KNOWN_OPS else Op(name, 0, None, name)
        args = [done[id(c)] for c in t[1:]]
        text = op.template
        for k, a in enumerate(args):
            wrapped = a if _atomic(a) or f"({{{k}}})" in text else f"({a})"
            text = text.replace(f"{{{k}}}", wrapped)
        done[id(t)] = text
    return done[id(term)]


def term_size(term: tuple) -> int:
    """Tokens (K) of a term: every leaf and operation counts 1.

    >>> term_size(("plus", ("x",), ("exp", ("1",))))
    4
    """
    n, stack = 0, [term]
    while stack:
        t = stack.pop()
        n += 1
        stack.extend(t[1:])
    return n


def evaluate_term_mp(term: tuple, grammar: Grammar, env: Mapping[str, Any]) -> Any:
    """Value of a term in mpmath at the current precision (``None`` where undefined).

    >>> import mpmath
    >>> g = Grammar.from_names(["1", "eml"], ["x"])
    >>> ln2 = evaluate_term_mp(("eml", ("1",), ("eml", ("eml", ("1",), ("x",)), ("1",))), g,
    ...                        {"x": mpmath.mpf(2)})
    >>> mpmath.nstr(ln2.real, 15)
    '0.693147180559945'
    """
    import mpmath as mp

    table = {op.name: op for op in grammar.all_ops}
    done: dict[int, Any] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    tol = mp.mpf(10) ** (-(mp.mp.dps - 10))
    while stack:
        t, ready = stack.pop()
        if id(t) in done:
            continue
        if not ready and len(t) > 1:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        name = t[0]
        if name in grammar.variables:
            done[id(t)] = mp.mpc(env[name])
            continue
        op = table[name]
        args = [done[id(c)] for c in t[1:]]
        if any(a is None for a in args) or op.mp is None:
            done[id(t)] = None
            continue
        try:
            v = op.mp() if op.arity == 0 else op.mp(*args)
            v = None if v is None else mp.mpc(v)
        except (ZeroDivisionError, ValueError, OverflowError):
            v = None
        if v is not None:
            if mp.isnan(v.real) or mp.isnan(v.imag) or mp.isinf(v.imag):
                v = None
            elif not mp.isinf(v.real):
                thr = max(abs(v.real), abs(v.imag)) * tol
                v = mp.mpc(v.real if abs(v.real) > thr else 0, v.imag if abs(v.imag) > thr else 0)
        done[id(t)] = v
    return done[id(term)]


# ---------------------------------------------------------------- the kernel


class _Level:
    """Candidates of one size being collected chunk by chunk."""

    def __init__(self, en: GrammarEnumeration, bits: int, tkeys: np.ndarray | None,
                 targets: np.ndarray | None) -> None:
        self.en, self.bits, self.tkeys, self.targets = en, bits, tkeys, targets
        self.parts: list[tuple] = []
        self.pending: list[tuple[int, int]] = []  # (target index, hash)

    def emit(self, r: np.ndarray, op: int, left: np.ndarray, right: np.ndarray,
             scan_only: bool = False) -> bool:
        """Filter, snap, hash and keep the new rows of one chunk; True when a target was hit.

        ``scan_only``: keep only the rows that hit a target (a first, cheap pass over a level).
        """
        P = self.en.P
        r = np.asarray(r, dtype=np.complex128).reshape(-1, P)
        with np.errstate(all="ignore"):
            bad = (np.isnan(r.real) | np.isnan(r.imag) | np.isinf(r.imag)).any(axis=1)
            idx = np.flatnonzero(~bad)
            if len(idx) == 0:
                return False
            r = r[idx]
            re, im = r.real, r.imag
            thr = np.maximum(np.abs(re), np.abs(im)) * SNAP_TOL
            fin = np.isfinite(re)
            re[fin & (np.abs(re) <= thr)] = 0.0
            im[(fin & (np.abs(im) <= thr)) | (im == 0)] = 0.0
        h, _ = _row_keys(r, self.bits)
        if scan_only:
            sel = np.flatnonzero(np.isin(h, self.tkeys))
            if len(sel) == 0:
                return False
            h, r, idx = h[sel], r[sel], idx[sel]
        keep = np.flatnonzero(self.en._seen.insert(h))
        if len(keep) == 0:
            return False
        h, r, idx = h[keep], r[keep], idx[keep]
        self.parts.append((h, r, np.full(len(idx), op, np.int16), left[idx], right[idx]))
        if self.tkeys is None:
            return False
        hit = False
        for j in np.flatnonzero(np.isin(h, self.tkeys)):
            for t in np.flatnonzero(self.tkeys == h[j]):
                tv = self.targets[t]
                with np.errstate(all="ignore"):
                    ok = np.where(np.isfinite(tv), np.abs(r[j] - tv) <= 1e-9 * (np.abs(tv) + 1),
                                  r[j] == tv).all()
                if ok:
                    self.pending.append((int(t), int(h[j])))
                    hit = True
        return hit

    def finish(self, K: int) -> None:
        en = self.en
        if self.parts:
            h, r, o, a, b = (np.concatenate(x) for x in zip(*self.parts))
        else:
            h = np.zeros(0, _U)
            r = np.zeros((0, en.P), np.complex128)
            o = np.zeros(0, np.int16)
            a = b = np.zeros(0, np.int64)
        gid0 = en.total
        en._gid0[K], en.counts[K] = gid0, len(h)
        en._vals[K], en._op[K], en._left[K], en._right[K] = r, o, a, b
        en._starts.append(gid0)
        en._sizes.append(K)
        en.max_K = K
        for t, hv in self.pending:
            en.hits.append((t, gid0 + int(np.flatnonzero(h == hv)[0])))


class _HashSet:
    """Open-addressing set of 64-bit value hashes, with vectorised insertion.

    :meth:`insert` adds a batch and tells which entries were new; of equal entries within
    one batch only the first counts as new. 0 marks an empty slot (a hash of 0 is stored as 1).
    """

    def __init__(self, bits: int = 14) -> None:
        self.table = np.zeros(1 << bits, dtype=_U)
        self.owner = np.zeros(1 << bits, dtype=np.int64)
        self.n = 0

    def nbytes(self) -> int:
        return self.table.nbytes + self.owner.nbytes

    def insert(self, h: np.ndarray) -> np.ndarray:
        h = np.where(h == 0, _U(1), h)
        if 2 * (self.n + len(h)) > len(self.table):
            self._grow(self.n + len(h))
        new = self._insert(h)
        self.n += int(new.sum())
        return new

    def _grow(self, need: int) -> None:
        size = len(self.table)
        while 2 * need > size:
            size *= 4
        old = self.table[self.table != 0]
        self.table = np.zeros(size, dtype=_U)
        self.owner = np.zeros(size, dtype=np.int64)
        self._insert(old)

    def _insert(self, h: np.ndarray) -> np.ndarray:
        table, owner = self.table, self.owner
        mask = _U(len(table) - 1)
        new = np.zeros(len(h), dtype=bool)
        active = np.arange(len(h))
        pos = (h ^ (h >> _U(29))) & mask
        while len(active):
            hv = h[active]
            cur = table[pos]
            empty = cur == 0
            if empty.any():
                # contenders for one empty slot: the last write wins it, so writing in
                # reverse order gives it to the first; the owner says who
                slots = pos[empty][::-1]
                table[slots] = hv[empty][::-1]
                owner[slots] = active[empty][::-1]
                win = empty & (owner[pos] == active) & (table[pos] == hv)
                new[active[win]] = True
                cur = table[pos]
            # done: stored now (by this entry, or it equals a stored hash: a duplicate)
            keep = cur != hv
            active, pos = active[keep], (pos[keep] + _U(1)) & mask
        return new


def enumerate_grammar(
    grammar: Grammar,
    max_K: int,
    *,
    points: Mapping[str, Sequence[complex]] | None = None,
    memory_limit_bytes: int = 4 << 30,
    progress: bool | Progress = False,
    targets: Any = None,
    stop_on_hit: bool = False,
    time_limit: float | None = None,
    chunk_elements: int = 1 << 19,
    mant_bits: int | None = None,
) -> GrammarEnumeration:
    """Enumerate the distinct functions of ``grammar`` up to ``max_K`` tokens.

    Parameters
    ----------
    grammar : Grammar
    max_K : int
        Largest size (tokens) to enumerate.
    points : mapping, optional
        ``{variable: test values}`` (default :func:`emlkit.search.default_points`; one point
        when there are no variables).
    memory_limit_bytes : int
        Stop cleanly (``complete = False``) before a level that could exceed this.
    progress : bool or Progress
        Show a progress line on standard error (or update the given bar).
    targets : array_like, optional
        ``(T, P)`` value vectors to watch for; matches go to ``.hits`` as ``(t, gid)``.
    stop_on_hit : bool
        Stop after the first chunk that hits a target (that level is then partial). Each
        level is first only searched for the targets, and stored only when none is there;
        the last level (``max_K``) is searched but not stored.
    time_limit : float, optional
        Seconds; stop cleanly (``complete = False``, ``timed_out = True``) after it.
    chunk_elements : int
        Complex values computed per vectorised step.
    mant_bits : int, optional
        Bits of the dedup grid (default 34 with one test point, else 30).

    Returns
    -------
    GrammarEnumeration

    Examples
    --------
    >>> g = Grammar.from_names(["1", "plus", "times"])
    >>> en = enumerate_grammar(g, 7)          # (1 + 1)*(1 + 1) is a duplicate of 4
    >>> en.counts
    {1: 1, 2: 0, 3: 1, 4: 0, 5: 1, 6: 0, 7: 1}
    >>> [en.formula(gid) for gid in en.ids(7)]
    ['1 + (1 + (1 + 1))']
    """
    if max_K < 1:
        raise ValueError(f"max_K must be at least 1, not {max_K}")
    variables = grammar.variables
    if points is None:
        pts = default_points(variables)
    else:
        missing = [v for v in variables if v not in points]
        if missing:
            raise ValueError(f"no test points given for variable {missing[0]!r}")
        pts = {v: np.asarray(points[v], dtype=np.complex128).ravel() for v in variables}
        if len({len(a) for a in pts.values()}) > 1:
            raise ValueError("every variable needs the same number of test points")
    P = len(next(iter(pts.values()))) if pts else 1
    bits = mant_bits or (34 if P == 1 else 30)
    en = GrammarEnumeration(grammar, pts, P)
    tv = tkeys = None
    if targets is not None:
        tv = np.asarray(targets, dtype=np.complex128).reshape(-1, P)
        tkeys, _ = _row_keys(tv.copy(), bits)
    bar = progress if isinstance(progress, Progress) else Progress(
        "enumerate", enabled=bool(progress), unit="cand", memory=True)
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    per_row = P * 16 + 8 + 4 + 2 + 16 + 8
    done = 0

    def stored() -> int:
        return en.total * per_row

    for K in range(1, max_K + 1):
        t0 = time.perf_counter()
        lvl = _Level(en, bits, tkeys, tv)
        if K == 1:
            for i, op in enumerate(grammar.leaves):
                v = pts[op.name] if op.fn is None else np.full(P, complex(op.fn))
                lvl.emit(v[None, :], i, np.array([-1]), np.array([-1]))
            lvl.finish(1)
            en.seconds[1] = time.perf_counter() - t0
            if stop_on_hit and en.hits:
                en.complete = max_K == 1
                break
            continue
        n = en.counts
        cand = len(grammar.unary) * n.get(K - 1, 0) + sum(
            n.get(Ka, 0) * n.get(K - 1 - Ka, 0)
            for op in grammar.binary for Ka in range(1, K - 1)
            if not (op.commutative and Ka > K - 1 - Ka))
        too_big = stored() + cand * per_row > memory_limit_bytes
        # with targets to stop on, a first pass only looks for them: the level that holds a
        # hit (usually the largest) is then never deduplicated or stored (and needs no memory)
        passes = (True, False) if stop_on_hit and tkeys is not None else (False,)
        stop = memory_stop = False
        for scan_only in passes:
            if not scan_only and stop_on_hit and K == max_K:
                en.max_K = K  # searched; nothing found, and no larger level will need it
                break
            if not scan_only and too_big:
                memory_stop = True
                if passes[0]:
                    en.max_K = K  # searched for the targets, but too large to store
                bar.write(f"enumerate: stopped at K={K}: about {cand:,} candidates could "
                          f"exceed the memory limit of {memory_limit_bytes / 2**30:.1f} GiB")
                break
            for work in _jobs(en, grammar, K, chunk_elements):
                op_i, r, left, right = work()
                done += len(left)
                hit = lvl.emit(r, op_i, left, right, scan_only)
                bar.update(done, K=K, forms=en.total)
                if (stop_on_hit and hit) or (
                        deadline is not None and time.perf_counter() > deadline):
                    stop = True
                    break
            if stop:
                break
        if memory_stop:
            en.complete = False
            break
        if not (passes[0] and not stop and K == max_K):
            lvl.finish(K)
        en.seconds[K] = time.perf_counter() - t0
        if stop:
            en.complete = False
            en.timed_out = not (stop_on_hit and en.hits)
            break
    if not isinstance(progress, Progress):
        bar.close()
    return en


def _jobs(en: GrammarEnumeration, grammar: Grammar, K: int, chunk: int):
    """Lazy work items ``() -> (op index, values, left ids, right ids)`` for level ``K``."""
    P = en.P
    nl = len(grammar.leaves)
    rows = max(1, chunk // P)
    if K - 1 in en._vals:
        V = en._vals[K - 1]
        ids = np.arange(en._gid0[K - 1], en._gid0[K - 1] + len(V), dtype=np.int64)
        for ui, op in enumerate(grammar.unary):
            for s in range(0, len(V), rows):
                def unary(ui=ui, op=op, s=s):
                    part = ids[s:s + rows]
                    return nl + ui, op.fn(V[s:s + rows]), part, np.full(len(part), -1)
                yield unary
    for bi, op in enumerate(grammar.binary):
        oi = nl + len(grammar.unary) + bi
        for Ka in range(1, K - 1):
            Kb = K - 1 - Ka
            if op.commutative and Ka > Kb or Ka not in en._vals or Kb not in en._vals:
                continue
            A, B = en._vals[Ka], en._vals[Kb]
            if len(A) == 0 or len(B) == 0:
                continue
            rb = max(1, min(len(B), rows))
            ra = max(1, rows // rb)
            ga, gb = en._gid0[Ka], en._gid0[Kb]
            for b0 in range(0, len(B), rb):
                for a0 in range(0, len(A), ra):
                    def work(op=op, oi=oi, a0=a0, b0=b0, A=A, B=B, ga=ga, gb=gb):
                        Ac, Bc = A[a0:a0 + ra], B[b0:b0 + rb]
                        r = op.fn(Ac[:, None, :], Bc[None, :, :])
                        r = np.broadcast_to(r, (len(Ac), len(Bc), P))
                        na, nb = len(Ac), len(Bc)
                        left = np.repeat(np.arange(ga + a0, ga + a0 + na, dtype=np.int64), nb)
                        right = np.tile(np.arange(gb + b0, gb + b0 + nb, dtype=np.int64), na)
                        return oi, r, left, right
                    yield work
