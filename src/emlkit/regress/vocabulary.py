"""Symbolic regression over a *vocabulary* of derived building blocks (``+``, ``×``, ``sin``, …).

Pure EML trees make a law such as ``x**3 + x**2 + x`` very large (K = 155 compiled), far beyond
any table. Over a vocabulary in which ``+``, ``−``, ``×``, ``÷``, ``sin``, ``exp``, … are single
nodes it is small (``x*(x*(x + 1) + 1)``: 9 tokens), so search can find it. The method:

1. The data are split into *match* points (at most 8) and *held-out* points.
2. :func:`emlkit.search.grammar.enumerate_grammar` lists the distinct functions of the
   vocabulary by size ``K`` at the match points, as far as a share of the time allows.
3. Every target is looked up in that table, tolerantly (the noise level ``rtol``): ``y`` itself,
   and ``u⁻¹(y)`` for each invertible unary block ``u`` of the vocabulary at the root (``exp``,
   ``ln``, ``sqrt``, ``neg``, ``inv``).
4. When the vocabulary has ``+ − × ÷``: polynomials in the variables with small rational
   coefficients, fitted to all samples by least squares and snapped
   (:mod:`emlkit.regress.polynomial`), which reaches sums of many monomials.
5. Meet in the middle at the root: for every table entry ``A`` and binary block ``op``, the
   needed right operand ``B`` (``y − A``, ``A − y``, ``y / A``, ``A / y``, ``exp(exp(A) − y)``,
   ``2y − A``) is computed and looked up, which reaches about twice the enumerated size.
6. Each hit becomes a readable formula (SymPy), is compiled to pure EML
   (:func:`emlkit.compile`), and that EML tree is evaluated on the held-out points:
   ``exact`` means it reproduces them within the noise level.

>>> import numpy as np
>>> x = np.linspace(-1, 1, 20)
>>> best = search_vocabulary(x, x**3 + x**2 + x, vocabulary="arith", random_state=0)[0]
>>> best.formula, best.exact, best.info["K_vocabulary"]
('x**3 + x**2 + x', True, 9)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..search.arithmetic import exp_guarded, log_guarded
from ..search.grammar import Grammar, enumerate_grammar, known_op
from ..search.value_index import ValueIndex, needed_right
from ._candidate import Candidate
from .holdout import split_rows
from .polynomial import fit_polynomials

__all__ = ["VOCABULARIES", "resolve_vocabulary", "search_vocabulary"]

#: Named vocabularies (the constant ``1`` is always included).
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "arith": ("1", "plus", "subtract", "times", "divide"),
    "standard": ("1", "plus", "subtract", "times", "divide", "sin", "cos", "exp", "ln"),
    "calculator": ("1", "2", "pi", "plus", "subtract", "times", "divide", "power", "sqrt",
                   "exp", "ln", "sin", "cos"),
}

_ALIASES = {"+": "plus", "-": "subtract", "*": "times", "/": "divide", "^": "power",
            "**": "power", "minus": "subtract", "add": "plus", "mul": "times", "div": "divide",
            "sub": "subtract", "log": "ln"}

_FLOAT = 1e-11  # relative rounding allowance of computed needed values
_CLEAN = 1e-9  # a fit this close is float rounding: no noise to allow for
_WINDOW = 2048  # table rows one lookup may scan (wider windows cannot identify a row)
_CHUNK = 1 << 16  # table rows per vectorised meet-in-the-middle step
_KEEP = 40  # hits per stage turned into formulas
_ARITH = frozenset({"plus", "subtract", "times", "divide"})  # enough to write any polynomial


def resolve_vocabulary(vocabulary: str | Sequence[str]) -> tuple[str, ...]:
    """Block names of a named vocabulary or of a list of names (aliases such as ``+`` allowed).

    >>> resolve_vocabulary("arith")
    ('1', 'plus', 'subtract', 'times', 'divide')
    >>> resolve_vocabulary(["+", "*", "sin"])
    ('1', 'plus', 'times', 'sin')
    >>> resolve_vocabulary("trig")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown vocabulary 'trig'; named ones: arith, standard, calculator (or give ...
    """
    if isinstance(vocabulary, str):
        if "," in vocabulary:
            vocabulary = [v.strip() for v in vocabulary.split(",") if v.strip()]
        elif vocabulary in VOCABULARIES:
            return VOCABULARIES[vocabulary]
        else:
            raise ValueError(f"unknown vocabulary {vocabulary!r}; named ones: "
                             + ", ".join(VOCABULARIES) + " (or give a list of block names)")
    names = ["1"]
    for raw in vocabulary:
        name = _ALIASES.get(str(raw).strip(), str(raw).strip())
        known_op(name)  # raises a clear error (with a suggestion) for unknown names
        if name not in names:
            names.append(name)
    return tuple(names)


def _inverses() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """Root unary blocks with an exact inverse: ``y = u(C)`` gives ``C``."""
    with np.errstate(all="ignore"):
        return {"ln": exp_guarded, "exp": log_guarded, "sqrt": lambda y: y * y,
                "neg": lambda y: -y, "inv": lambda y: 1.0 / y}


def _needed(op: str, A: np.ndarray, t: np.ndarray, rt: float):
    """For ``y = op(A, B)``: the needed ``B`` and its absolute tolerance, or ``None``."""
    at = np.abs(t)[None, :]
    with np.errstate(all="ignore"):
        if op == "plus":
            B = t[None, :] - A
            tol = rt * at + _FLOAT * (np.abs(A) + at)
        elif op == "subtract":
            B = A - t[None, :]
            tol = rt * at + _FLOAT * (np.abs(A) + at)
        elif op == "avg":
            B = 2 * t[None, :] - A
            tol = 2 * rt * at + _FLOAT * (np.abs(A) + at)
        elif op == "times":
            B = t[None, :] / A
            tol = np.abs(B) * (rt + _FLOAT)
        elif op == "divide":
            B = A / t[None, :]
            tol = np.abs(B) * (rt + _FLOAT)
        elif op == "eml":
            eA = exp_guarded(A)
            B = needed_right(eA, t[None, :])
            tol = np.abs(B) * (rt * at + _FLOAT * (np.abs(eA) + at))
            tol = np.where(tol > 1e-2 * np.abs(B), np.nan, tol)  # B only known to a factor
        else:
            return None
    return B, 3 * tol


def search_vocabulary(
    X: Any,
    y: Any,
    *,
    vocabulary: str | Sequence[str] = "standard",
    variables: Sequence[str] | None = None,
    max_K: int = 12,
    rtol: float | None = None,
    time_limit: float | None = 30.0,
    memory_limit_bytes: int = 1 << 30,
    progress: bool = False,
    random_state: int | None = None,
) -> list[Candidate]:
    """Search formulas over a vocabulary of building blocks that reproduce ``y`` (module doc).

    Parameters
    ----------
    X : array of shape (n,) or (n, v)
        Inputs, one column per variable; real or complex. At least 6 samples.
    y : array of shape (n,)
        Outputs, real or complex.
    vocabulary : str or sequence of str, default "standard"
        A named vocabulary (:data:`VOCABULARIES`: ``"arith"``, ``"standard"``,
        ``"calculator"``) or block names (see :data:`emlkit.search.grammar.KNOWN_OPS`;
        aliases ``+ - * / ^`` accepted). The constant ``1`` is always a leaf.
    variables : sequence of str, optional
        Names of the columns (default ``x`` or ``x, y``, then ``x0, x1, ...``).
    max_K : int, default 12
        Largest size enumerated (tokens; the time limit usually stops earlier). The root
        meet in the middle reaches sizes up to about ``2 * K + 1``.
    rtol : float, optional
        Relative noise level of ``y`` (default ``1e-5``, then tightened to the best fit).
    time_limit : float or None, default 30
        Seconds for the whole search (about 40 % for the enumeration).
    memory_limit_bytes : int
        Memory for the enumerated table (default 1 GiB).
    progress : bool
        Show progress lines on standard error.
    random_state : int, optional
        Seed of the split into match and held-out samples.

    Returns
    -------
    list of Candidate
        Best first (exact ones by size, then by error). ``expr`` is the pure EML tree,
        ``formula`` the readable form, ``info["K_vocabulary"]`` the size over the vocabulary.

    Examples
    --------
    >>> x = np.linspace(0.1, 2, 16)
    >>> c = search_vocabulary(x, np.sin(x) * np.exp(x), vocabulary="standard", random_state=1)[0]
    >>> c.formula, c.exact, c.info["K_vocabulary"]
    ('exp(x)*sin(x)', True, 5)
    """
    from ..progress import Progress
    from .exact import check_input

    X, y, variables = check_input(X, y, variables, max_vars=None, who="search_vocabulary")
    names = resolve_vocabulary(vocabulary)
    clash = [v for v in variables if v in names]
    if clash:
        raise ValueError(f"variable name {clash[0]!r} is also a building block; rename it")
    if not isinstance(max_K, (int, np.integer)) or max_K < 1:
        raise ValueError(f"max_K must be a positive integer, got {max_K!r}")
    if rtol is not None and not (0 < rtol < 1):
        raise ValueError(f"rtol must be in (0, 1), got {rtol!r}")
    t0 = time.monotonic()
    budget = math.inf if time_limit is None else float(time_limit)
    deadline = t0 + budget
    _, ih, pts, ym = split_rows(X, y, variables, random_state)
    rt = 1e-5 if rtol is None else float(rtol)
    grammar = Grammar.from_names(names, variables)
    bar = Progress("vocabulary", enabled=progress, unit="stage")

    en = enumerate_grammar(grammar, int(max_K), points=pts, memory_limit_bytes=memory_limit_bytes,
                           time_limit=None if time_limit is None else 0.4 * budget)
    levels = [K for K in sorted(en.counts) if en.counts[K]]
    vals = np.concatenate([en.values(K) for K in levels])
    gids = np.concatenate([np.asarray(en.ids(K), dtype=np.int64) for K in levels])
    sizes = np.concatenate([np.full(en.counts[K], K, np.int32) for K in levels])
    index = ValueIndex(vals)
    bar.write(f"vocabulary: {len(vals):,} distinct functions up to K = {en.max_K} "
              f"in {time.monotonic() - t0:.1f} s")

    # targets: y, and the inverse of every invertible unary block at the root
    inv = _inverses()
    targets: list[tuple[np.ndarray, str | None]] = [(ym, None)]
    for op in grammar.unary:
        if op.name in inv:
            with np.errstate(all="ignore"):
                c = inv[op.name](ym)
            if np.isfinite(c).all():
                targets.append((c, op.name))
    found: dict[str, tuple[int, float]] = {}  # vocabulary formula -> (K, train error)

    def consider(yhat: np.ndarray, K: np.ndarray, make: Callable[[int], str]) -> None:
        if len(K) == 0:
            return
        absy = np.maximum(np.abs(ym), 1e-300)
        with np.errstate(all="ignore"):
            err = np.max(np.abs(yhat - ym[None, :]) / absy[None, :], axis=1)
        ok = np.flatnonzero(err <= max(rt, _CLEAN))
        pick = np.union1d(ok[np.lexsort((err[ok], K[ok]))][:_KEEP],
                          ok[np.lexsort((K[ok], err[ok]))][:_KEEP])
        for h in pick:
            text = make(int(h))
            if text not in found or found[text][0] > K[h]:
                found[text] = (int(K[h]), float(err[h]))

    def wrap(root: str | None, text: str, yhat: np.ndarray) -> tuple[str, np.ndarray]:
        if root is None:
            return text, yhat
        op = grammar.all_ops[grammar.index[root]]
        with np.errstate(all="ignore"):
            return op.template.format(f"({text})"), op.fn(yhat)

    # 1. direct lookups
    for t, root in targets:
        extra = 0 if root is None else 1
        _, r = index.lookup(t[None, :], 3 * (rt * np.abs(t) + _FLOAT * np.abs(t))[None, :] + 1e-300)
        if len(r):
            texts = [wrap(root, en.formula(int(gids[row])), vals[row]) for row in r]
            consider(np.array([w[1] for w in texts]), sizes[r] + extra,
                     [w[0] for w in texts].__getitem__)
    bar.update(1, found=len(found))
    # 2. polynomials with small rational coefficients (least squares, snapped), all samples
    if not _settled(found, rt) and _ARITH.issubset(names):
        for text, err in fit_polynomials(X, y, variables, rtol=rt):
            found.setdefault(text, (_size(text, variables), err))
    # 3. meet in the middle at the root
    if not _settled(found, rt):
        for t, root in targets:
            extra = 1 if root is None else 2
            for op in grammar.binary:
                for s in range(0, len(vals), _CHUNK):
                    if time.monotonic() > deadline:
                        break
                    A = vals[s:s + _CHUNK]
                    need = _needed(op.name, A, t, rt)
                    if need is None:
                        break
                    a, b = index.lookup(need[0], need[1], _WINDOW)
                    if len(a) == 0:
                        continue
                    a = a + s
                    with np.errstate(all="ignore"):
                        yhat = op.fn(vals[a], vals[b])
                        if root is not None:
                            yhat = grammar.all_ops[grammar.index[root]].fn(yhat)

                    def make(h: int, a=a, b=b, op=op, root=root) -> str:
                        text = op.template.format(_paren(en.formula(int(gids[a[h]]))),
                                                  _paren(en.formula(int(gids[b[h]]))))
                        return wrap(root, text, np.zeros(1))[0]

                    consider(yhat, sizes[a] + sizes[b] + extra, make)
                if _settled(found, rt):  # finish this block, skip the rest
                    break
            bar.update(2, found=len(found))
            if _settled(found, rt):
                break
    cands = _candidates(found, X, y, ih, variables, rtol, names, deadline)
    bar.close(f"{len(cands)} candidate(s) in {time.monotonic() - t0:.1f} s")
    return cands


def _size(text: str, variables: Sequence[str]) -> int:
    """Nodes of the formula's SymPy tree: the size of a polynomial found by least squares."""
    import sympy

    expr = sympy.sympify(text, locals={v: sympy.Symbol(v) for v in variables})
    return sum(1 for _ in sympy.preorder_traversal(expr))


def _paren(text: str) -> str:
    return text if text.replace("_", "").isalnum() else f"({text})"


def _settled(found: dict[str, tuple[int, float]], rt: float) -> bool:
    """A hit within float rounding ends the search (direct hits are the smallest forms of their
    function; in the meet in the middle the rest of the current block is still searched)."""
    return any(err <= _CLEAN for _, err in found.values())


def _candidates(found, X, y, ih, variables, rtol, names, deadline) -> list[Candidate]:
    """Readable form, pure EML tree and held-out check of the most promising hits."""
    import sympy

    from ..compiler import compile as compile_formula
    from ..errors import EMLError

    if not found:
        return []
    best_err = min(err for _, err in found.values())
    hold_tol = min(10 * max(best_err, 1e-12) + 1e-10, rtol if rtol is not None else 1e-3)
    syms = {v: sympy.Symbol(v) for v in variables}
    order = sorted(found, key=lambda s: (found[s][0], found[s][1]))
    out: list[Candidate] = []
    seen: set[str] = set()
    for text in order[:3 * _KEEP]:
        if len(out) >= 12 or (out and time.monotonic() > deadline + 5):
            break
        K, err = found[text]
        try:
            readable = sympy.sympify(text, locals=syms)
        except (sympy.SympifyError, TypeError, ValueError):
            continue
        shown = _tidy(readable)
        if shown in seen:
            continue
        seen.add(shown)
        try:
            expr = compile_formula(shown)
        except EMLError:
            try:
                expr = compile_formula(text)
            except EMLError:
                continue
        fit = _eml_values(expr, X, variables)
        if fit is None:
            continue
        with np.errstate(all="ignore"):
            rel = np.abs(fit - y) / np.maximum(np.abs(y), 1e-300)
            rmse = float(np.sqrt(np.mean(np.abs(fit - y) ** 2)))
        held = float(np.max(rel[ih])) if len(ih) else math.inf
        exact = bool(held <= hold_tol)
        digits = None
        if exact:
            digits = 16 if held == 0 else int(min(16, math.floor(-math.log10(held))))
        out.append(Candidate(expr, shown, rmse if math.isfinite(rmse) else math.inf, exact,
                             "vocabulary", digits,
                             {"K_vocabulary": K, "vocabulary": list(names),
                              "train_rel_err": err, "holdout_rel_err": held}))
    out.sort(key=lambda c: (not c.exact, c.info["K_vocabulary"] if c.exact else 0, c.rmse))
    return out


def _tidy(readable: Any) -> str:
    """The shortest of the formula, its expansion and its simplification (expansion on ties)."""
    import sympy

    from ..decompiler import powers_readable

    readable = powers_readable(readable)  # exp(y*log(x)) is x**y
    forms = [sympy.expand(readable), readable]
    if sympy.count_ops(readable) <= 30:
        forms.append(sympy.simplify(readable))
    return str(min(forms, key=sympy.count_ops))


def _eml_values(expr: Any, X: np.ndarray, variables: Sequence[str]) -> np.ndarray | None:
    """The pure EML tree evaluated at every sample (the full semantics, infinities allowed)."""
    from ..backends import evaluate

    used = expr.free_vars
    env = {v: X[:, j] for j, v in enumerate(variables) if v in used}
    with np.errstate(all="ignore"):
        try:
            f = np.asarray(evaluate(expr, env, backend="numpy", on_nan="ignore"))
        except Exception:  # noqa: BLE001 - an unevaluable candidate is simply not kept
            return None
    f = np.broadcast_to(f, (X.shape[0],)).astype(np.complex128)
    return f if np.isfinite(f).all() else None
