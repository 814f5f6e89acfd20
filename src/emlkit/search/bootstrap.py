"""Bootstrap verifier: does a base set of building blocks generate the calculator basis?

From the base set (constants, unary functions, binary operations) the verifier repeatedly
enumerates expressions by size ``K`` over the current building blocks
(:func:`emlkit.search.grammar.enumerate_grammar`), with the variables replaced by test values
(x = EulerGamma, y = Glaisher's A, and, in the default ``domain="complex"``, two generic
complex points), until an expression's value matches a primitive of the basis that is still
missing. The match is then verified at high precision (mpmath, 50 digits, at 6 positive real
points, or 11 points of the strip ``|Im| < pi`` including both half-planes and the negative
axis; real inputs are taken from the upper side as everywhere in emlkit), the primitive joins
the building blocks, and the search restarts at ``K = 1``. The discovery chain records each
primitive with its witness over the blocks known at that time, the witness's size ``K`` and its
expansion over the original base (checked too: ``Step.expanded_ok``).

>>> r = bootstrap(constants=["1"], operations=["plus", "times"], max_K=7)
>>> r.complete, [s.name for s in r.chain]
(False, ['2', 'sq'])
>>> r.missing[:3]
['-1', 'e', 'pi']
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..compiler import registry
from ..progress import Progress
from .grammar import (
    KNOWN_OPS, Grammar, Op, enumerate_grammar, evaluate_term_mp, known_op, term_formula,
    term_size,
)

__all__ = ["bootstrap", "BootstrapResult", "Step", "BASIS", "resolve_blocks", "LABELS",
           "term_call"]

_CONSTANTS: tuple[str, ...] = ("-1", "1", "2", "e", "pi", "i")
_UNARY = registry.functions(arity=1, grammar=True)
_BINARY = tuple(f for f in registry.functions(arity=2, grammar=True) if f.name != "eml")
#: The calculator basis: constants, then 20 unary and 8 binary functions (grammar names, in the
#: order of the function registry, :mod:`emlkit.compiler.registry`).
BASIS: tuple[str, ...] = _CONSTANTS + tuple(f.grammar for f in _UNARY + _BINARY)
#: Readable names of the basis primitives.
LABELS: dict[str, str] = {
    **{c: c for c in _CONSTANTS + ("0",)},
    **{f.grammar: f.label for f in registry.functions(grammar=True)},
}
_ALIASES = {
    "constant": {"E": "e", "π": "pi", "I": "i", "minus_one": "-1", "one": "1", "two": "2"},
    "function": {a: f.grammar for f in _UNARY for a in f.grammar_aliases},
    "operation": {a: f.grammar for f in registry.functions(arity=2, grammar=True)
                  for a in f.grammar_aliases},
}
_ARITY = {"constant": 0, "function": 1, "operation": 2}

# transcendental stand-ins for the variables (enumeration) and extra verification points
_GAMMA = 0.5772156649015329
_GLAISHER = 1.2824271291006226
_EXTRA_X = (0.9159655941772190, 0.6931471805599453, 1.2020569031595943, 2.3025850929940457)
_EXTRA_Y = (1.2020569031595943, 0.3183098861837907, 0.8652559794322651, 0.5772156649015329)
_CX = (-0.6168502750680849 + 0.4627408303378478j, 0.4515827052894549 - 1.1036383235143269j)
_CY = (0.8862269254527580 - 0.7341876082363298j, -1.3107287776965212 + 0.5872139151569291j)
#: Test points of the enumeration, per domain: (x values, y values, how many to start with).
_ENUM_POINTS: dict[str, tuple[tuple, tuple, int]] = {
    "real": ((_GAMMA, *_EXTRA_X), (_GLAISHER, *_EXTRA_Y), 1),
    "complex": ((_GAMMA, *_CX, *_EXTRA_X), (_GLAISHER, *_CY, *_EXTRA_Y), 3),
}
#: Verification points, per domain (a real value is taken from the upper side).
_VERIFY_POINTS: dict[str, list[tuple[complex, complex]]] = {
    "real": list(zip((_GAMMA, _GLAISHER, *_EXTRA_X), (_GLAISHER, _GAMMA, *_EXTRA_Y))),
}
_VERIFY_POINTS["complex"] = _VERIFY_POINTS["real"] + [
    *zip(_CX, _CY), (-1.2130603207181497, -0.3517525792303911),
    (1.9047154423063151 - 0.4219411371538862j, 0.2957170735138853 + 1.3861006417316052j),
    (-0.3711295465123851 - 2.1337127541287232j, -0.7723153382117645 - 0.2749127135151113j),
]
DOMAINS = ("real", "complex")


def resolve_blocks(names: Iterable[str | Op], kind: str) -> list[Op]:
    """Building blocks by name for one ``kind`` (``"constant"``, ``"function"``, ``"operation"``).

    Accepts the grammar names (:data:`emlkit.search.grammar.KNOWN_OPS`), the aliases above
    (``EML``, ``minus``, ``square``, ...) and ready :class:`Op` objects.

    >>> [op.name for op in resolve_blocks(["EML", "minus"], "operation")]
    ['eml', 'subtract']
    >>> resolve_blocks(["plus"], "function")
    Traceback (most recent call last):
    ...
    ValueError: 'plus' is a binary operation, not a function: give it with the operations
    """
    want = _ARITY[kind]
    out = []
    for item in names:
        if isinstance(item, Op):
            if item.arity != want:
                raise ValueError(f"block {item.name!r} has arity {item.arity}; a {kind} "
                                 f"needs {want}")
            out.append(item)
            continue
        raw = str(item).strip()
        name = _ALIASES[kind].get(raw, raw)
        if name not in KNOWN_OPS:
            if name.lower() in KNOWN_OPS:
                name = name.lower()
            else:
                pool = [n for n in KNOWN_OPS if known_op(n).arity == want]
                pool += list(_ALIASES[kind])
                close = difflib.get_close_matches(raw, pool, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValueError(f"unknown {kind} {raw!r}{hint}; known: " + ", ".join(
                    n for n in KNOWN_OPS if known_op(n).arity == want))
        op = known_op(name)
        if op.arity != want:
            what = {0: "a constant", 1: "a function", 2: "a binary operation"}[op.arity]
            where = {0: "constants", 1: "functions", 2: "operations"}[op.arity]
            raise ValueError(f"{raw!r} is {what}, not {'an' if kind == 'operation' else 'a'} "
                             f"{kind}: give it with the {where}")
        out.append(op)
    return out


@dataclass
class Step:
    """One link of the discovery chain.

    ``witness`` is calculator notation over the blocks known at that time (``term`` the same
    as nested tuples), ``K`` its size; ``expanded`` the witness with every derived block
    replaced by its own witness, over the original base (``None`` when longer than
    :data:`MAX_EXPANDED` tokens), ``expanded_K`` its size.
    """

    name: str
    witness: str
    K: int
    term: tuple
    expanded_K: int
    expanded: str | None
    digits: int
    seconds: float
    expanded_ok: bool | None = None

    @property
    def label(self) -> str:
        """Readable name of the primitive."""
        return LABELS.get(self.name, self.name)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"name": self.name, "label": self.label, "witness": self.witness,
                "blocks": term_call(self.term), "K": self.K,
                "term": self.term, "expanded_K": self.expanded_K, "expanded": self.expanded,
                "digits": self.digits, "seconds": round(self.seconds, 4),
                "expanded_ok": self.expanded_ok}


#: Longest expansion over the base written out as text.
MAX_EXPANDED = 200_000


@dataclass
class BootstrapResult:
    """Outcome of :func:`bootstrap`.

    Attributes
    ----------
    base : list of str
        The base building blocks.
    chain : list of Step
        Primitives in the order found.
    given : list of str
        Basis primitives already in the base.
    missing : list of str
        Basis primitives not reached.
    complete : bool
        Every primitive of the basis reached.
    max_K : int
        Search bound per round; ``searched_K`` the largest K enumerated in the last round.
    seconds : float
        Wall time.
    """

    base: list[str]
    targets: list[str]
    chain: list[Step] = field(default_factory=list)
    given: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    complete: bool = False
    max_K: int = 0
    searched_K: int = 0
    stopped: str | None = None
    seconds: float = 0.0
    resumed: int = 0
    check_seconds: float = 0.0

    def found(self) -> list[str]:
        """Basis primitives available at the end (given or found)."""
        return self.given + [s.name for s in self.chain]

    def verdict(self) -> str:
        """One line: complete, or what is missing and the bound searched."""
        n = len(self.targets)
        checked = [s.expanded_ok for s in self.chain if s.expanded_ok is not None]
        note = (f"; {sum(checked)}/{len(checked)} expansions over the base pass the check"
                if checked and not all(checked) else "")
        if self.complete:
            return (f"complete: the base {{{'; '.join(self.base)}}} generates all {n} "
                    f"primitives of the basis ({len(self.chain)} found, {self.seconds:.2f} s"
                    f"{note})")
        why = f" ({self.stopped})" if self.stopped else ""
        return (f"incomplete: {len(self.found())}/{n} primitives reached; missing "
                f"{', '.join(LABELS.get(m, m) for m in self.missing)}; nothing new up to "
                f"K = {self.searched_K}{why} ({self.seconds:.2f} s{note})")

    def explain(self) -> str:
        """The discovery chain as a table, then the verdict.

        >>> r = bootstrap(constants=["1"], operations=["plus"], max_K=5, targets=["2", "e"])
        >>> print(r.explain().replace(f"{r.seconds:.2f}", "T"))
        base {1; plus}: given none
          #  primitive  K  witness over the blocks  expanded K
          1  2          3  plus(1, 1)               3
        incomplete: 1/2 primitives reached; missing e; nothing new up to K = 5 (T s)
        """
        rows = [("#", "primitive", "K", "witness over the blocks", "expanded K")]
        for i, s in enumerate(self.chain, 1):
            mark = "" if s.expanded_ok is not False else " *"
            rows.append((str(i), s.label, str(s.K), term_call(s.term), f"{s.expanded_K}{mark}"))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        lines = [f"base {{{'; '.join(self.base)}}}: given "
                 + (", ".join(LABELS.get(g, g) for g in self.given) or "none")]
        for r in rows:
            lines.append("  " + "  ".join(r[c].ljust(widths[c]) for c in range(4)) + "  " + r[4])
        if any(s.expanded_ok is False for s in self.chain):
            lines.append("  * the witness holds over the blocks, but its expansion over the base "
                         "fails the check (an exact intermediate meets a branch cut)")
        lines.append(self.verdict())
        return "\n".join(line.rstrip() for line in lines)

    __str__ = explain

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form of the whole result."""
        return {"base": self.base, "complete": self.complete, "given": self.given,
                "chain": [s.as_dict() for s in self.chain], "missing": self.missing,
                "max_K": self.max_K, "searched_K": self.searched_K, "stopped": self.stopped,
                "seconds": round(self.seconds, 4), "resumed": self.resumed,
                "check_seconds": round(self.check_seconds, 4),
                "verdict": self.verdict()}


# ---------------------------------------------------------------- expansion over the base


def _subst(body: tuple, env: dict[str, tuple]) -> tuple:
    """``body`` with its variable leaves replaced from ``env`` (iterative, shares subterms)."""
    memo: dict[int, tuple] = {}
    stack: list[tuple[tuple, bool]] = [(body, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in memo:
            continue
        if len(t) == 1:
            memo[id(t)] = env.get(t[0], t)
        elif not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
        else:
            memo[id(t)] = (t[0], *(memo[id(c)] for c in t[1:]))
    return memo[id(body)]


def _expand(term: tuple, expansions: dict[str, tuple]) -> tuple:
    """Replace every derived block in ``term`` by its expansion over the base."""
    memo: dict[int, tuple] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in memo:
            continue
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        kids = [memo[id(c)] for c in t[1:]]
        body = expansions.get(t[0])
        if body is None:
            memo[id(t)] = (t[0], *kids)
        else:
            memo[id(t)] = _subst(body, dict(zip(("x", "y"), kids)))
    return memo[id(term)]


def _dag_size(term: tuple) -> int:
    """Tokens of the fully inlined tree (memoised on shared subterms)."""
    size: dict[int, int] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in size:
            continue
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        size[id(t)] = 1 + sum(size[id(c)] for c in t[1:])
    return size[id(term)]


def _to_eml(term: tuple) -> Any:
    """A term over {1, eml, variables} as an interned EML expression."""
    from ..expr import ONE, Eml, Var

    memo: dict[int, Any] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in memo:
            continue
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        if t[0] == "eml":
            memo[id(t)] = Eml(memo[id(t[1])], memo[id(t[2])])
        else:
            memo[id(t)] = ONE if t[0] == "1" else Var(t[0])
    return memo[id(term)]


def _as_tuple(obj: Any) -> tuple:
    """A term read back from JSON (nested lists) as nested tuples."""
    out: dict[int, tuple] = {}
    stack = [(obj, False)]
    while stack:
        t, ready = stack.pop()
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        out[id(t)] = (t[0], *(out[id(c)] for c in t[1:]))
    return out[id(obj)]


# ---------------------------------------------------------------- verification


def _mp_value(v: complex, eps: Any) -> Any:
    import mpmath as mp

    v = complex(v)
    return mp.mpc(v.real, eps if v.imag == 0 else v.imag)


def _mp_points(dps: int, domain: str) -> list[dict[str, Any]]:
    import mpmath as mp

    eps = mp.mpf(10) ** (-(3 * dps // 5))
    return [{"x": _mp_value(a, eps), "y": _mp_value(b, eps)} for a, b in _VERIFY_POINTS[domain]]


def _verify(term: tuple, target: Op, grammar: Grammar, dps: int, domain: str = "real") -> bool:
    """The witness equals the target at ``dps`` digits at every verification point."""
    import mpmath as mp

    with mp.workdps(dps):
        tol = mp.mpf(10) ** (-(dps * 3 // 5 - 2))
        for env in _mp_points(dps, domain):
            args = [env["x"], env["y"]][: target.arity]
            t = target.mp() if target.arity == 0 else target.mp(*args)
            w = evaluate_term_mp(term, grammar, env)
            if t is None or w is None:
                return False
            t, w = mp.mpc(t), mp.mpc(w)
            if mp.isinf(t.real) or mp.isinf(w.real):
                return False
            if abs(w - t) > tol * (abs(t) + 1):
                return False
            if target.arity == 0:
                break
    return True


def _target_vector(target: Op, xs: Sequence[complex], ys: Sequence[complex]) -> np.ndarray:
    import mpmath as mp

    out = []
    with mp.workdps(30):
        eps = mp.mpf(10) ** -25  # real inputs are taken from the upper side
        for a, b in zip(xs, ys):
            v = target.mp() if target.arity == 0 else target.mp(
                *[_mp_value(a, eps), _mp_value(b, eps)][: target.arity])
            out.append(complex(v) if v is not None else complex("nan"))
    return np.array(out, dtype=np.complex128)


# ---------------------------------------------------------------- the verifier


def _names(ops: Sequence[Op]) -> list[str]:
    return [op.name for op in ops]


def term_call(term: tuple) -> str:
    """A term in call notation over the block names, e.g. ``eml(1, exp(eml(1, x)))``.

    >>> term_call(("eml", ("1",), ("exp", ("eml", ("1",), ("x",)))))
    'eml(1, exp(eml(1, x)))'
    """
    done: dict[int, str] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        done[id(t)] = t[0] if len(t) == 1 else f"{t[0]}({', '.join(done[id(c)] for c in t[1:])})"
    return done[id(term)]


def _term_rpn(term: tuple) -> str:
    out: list[str] = []
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in reversed(t[1:]))
            continue
        out.append("E" if t[0] == "eml" else t[0])
    return " ".join(out)


def bootstrap(
    constants: Sequence[str | Op] = ("1",),
    functions: Sequence[str | Op] = (),
    operations: Sequence[str | Op] = ("EML",),
    *,
    max_K: int = 8,
    time_limit: float | None = None,
    progress: bool | Progress = False,
    catalog: Any = None,
    targets: Sequence[str] | None = None,
    dps: int = 50,
    memory_limit_bytes: int = 3 << 30,
    check_expansions: bool = True,
    domain: str = "complex",
) -> BootstrapResult:
    """Search the calculator basis from a base set, one primitive at a time.

    Parameters
    ----------
    constants, functions, operations : sequences of str or Op
        The base set: constants (``"1"``, ``"pi"``, ...), unary functions (``"exp"``,
        ``"ln"``, ``"minus"``, ...) and binary operations (``"EML"``, ``"plus"``,
        ``"subtract"``, ...). Names as in :func:`resolve_blocks`.
    max_K : int
        Largest witness size searched in one round (tokens over the current blocks).
    time_limit : float, optional
        Seconds for the whole run; stops cleanly with what was found.
    progress : bool or Progress
        Progress line on standard error.
    catalog : str, path or Catalog, optional
        SQLite catalog: the chain is saved as it grows, and the same call resumes from the
        last primitive found (a finished run is answered from the catalog).
    targets : sequence of str, optional
        Primitives to search (default :data:`BASIS`).
    dps : int
        Digits of the mpmath verification.
    memory_limit_bytes : int
        Memory bound of one round's enumeration.
    domain : str
        ``"complex"`` (default: test and verification points on the positive real axis, in
        both complex half-planes of the strip ``|Im| < pi`` and on the negative real axis
        from above, so a witness must hold there) or ``"real"`` (the reference verifier's
        method: the variables stand for positive transcendental reals only, so a witness such
        as ``sin x = cos(arcsin(cos x))`` that holds on ``0 < x < pi`` only is accepted).
    check_expansions : bool
        After the search, check each witness expanded over the base (``Step.expanded_ok``;
        its time is ``check_seconds``, not part of ``seconds``).

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> r = bootstrap(constants=["1"], functions=["exp", "ln"], operations=["subtract"],
    ...               targets=["e", "0", "neg", "plus"])
    >>> r.complete, [(s.name, s.K, s.witness) for s in r.chain]
    (True, [('e', 2, 'exp(1)'), ('0', 2, 'log(1)'), ('neg', 3, '0 - x'), ('plus', 4, 'x - (-y)')])
    """
    t_start = time.perf_counter()
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; use one of {', '.join(DOMAINS)}")
    base = (resolve_blocks(constants, "constant") + resolve_blocks(functions, "function")
            + resolve_blocks(operations, "operation"))
    if not base:
        raise ValueError("the base set is empty: give at least one constant or operation")
    if max_K < 1:
        raise ValueError(f"max_K must be at least 1, not {max_K}")
    names = list(BASIS if targets is None else targets)
    for n in names:
        if n not in KNOWN_OPS:
            raise ValueError(f"unknown target {n!r}; targets are grammar names such as "
                             f"{', '.join(BASIS[:8])}, ...")
    base_names = _names(base)
    result = BootstrapResult(base=[b if b != "eml" else "eml" for b in base_names],
                             targets=names, max_K=max_K)
    result.given = [n for n in names if n in base_names]
    blocks = list(base)
    expansions: dict[str, tuple] = {}
    eml_base = set(base_names) <= {"1", "eml"}
    cat, run = _open_run(catalog, base, max_K, names, dps, domain)
    try:
        if run is not None and run.finished and run.result:
            return _from_dict(run.result, names)
        if run is not None and hasattr(run, "lock"):
            with run.lock():  # one process per run
                return _bootstrap(result, names, blocks, expansions, eml_base, run, max_K,
                                  time_limit, progress, dps, memory_limit_bytes, t_start,
                                  check_expansions, domain)
        return _bootstrap(result, names, blocks, expansions, eml_base, run, max_K,
                          time_limit, progress, dps, memory_limit_bytes, t_start,
                          check_expansions, domain)
    finally:
        if cat is not None and cat is not catalog:
            cat.close()


def _bootstrap(result: BootstrapResult, names: list[str], blocks: list[Op],
               expansions: dict[str, tuple], eml_base: bool, run: Any, max_K: int,
               time_limit: float | None, progress: bool | Progress, dps: int,
               memory_limit_bytes: int, t_start: float,
               check_expansions: bool, domain: str) -> BootstrapResult:
    if run is not None:
        for d in (run.checkpoint() or {}).get("chain", []):
            step = Step(**{k: v for k, v in d.items() if k not in ("label", "blocks")})
            step.term = _as_tuple(step.term)
            _add_block(step, blocks, expansions)
            result.chain.append(step)
            result.resumed += 1
    bar = progress if isinstance(progress, Progress) else Progress(
        "bootstrap", total=len(names), enabled=bool(progress), unit="prim", memory=True)
    npoints = _ENUM_POINTS[domain][2]
    try:
        while True:
            have = set(result.found())
            missing = [n for n in names if n not in have]
            bar.update(len(have), found=len(result.chain), missing=len(missing))
            if not missing:
                break
            remaining = None if time_limit is None else time_limit - (
                time.perf_counter() - t_start)
            if remaining is not None and remaining <= 0:
                result.stopped = f"time limit of {time_limit:g} s reached"
                break
            t0 = time.perf_counter()
            new, info = _round(missing, blocks, max_K, npoints, remaining, memory_limit_bytes,
                               dps, expansions, eml_base, domain)
            result.searched_K = info["K"]
            for step in new:
                step.seconds = time.perf_counter() - t0
            if not new:
                if info["hits"] and npoints < len(_ENUM_POINTS[domain][0]):
                    npoints += 1  # a float coincidence: look again with one more test point
                    continue
                if info["timed_out"]:
                    result.stopped = f"time limit of {time_limit:g} s reached"
                elif info["memory"]:
                    result.stopped = "memory limit reached"
                break
            for step in new:
                _add_block(step, blocks, expansions)
                result.chain.append(step)
                bar.write(f"bootstrap: {step.label:<12} K={step.K:<3} {step.witness}")
            if run is not None:
                _save(run, result, new, eml_base, expansions)
    except KeyboardInterrupt:
        bar.close("interrupted")
        raise
    have = set(result.found())
    result.missing = [n for n in names if n not in have]
    result.complete = not result.missing
    result.seconds = time.perf_counter() - t_start
    if check_expansions:
        t_check = time.perf_counter()
        _check_expansions(result, blocks, expansions, domain)
        result.check_seconds = time.perf_counter() - t_check
    if not isinstance(progress, Progress):
        bar.close(result.verdict() if bar.enabled else None)
    if run is not None and (result.complete or result.stopped is None):
        run.finish(result.as_dict())
    return result


def _round(missing: list[str], blocks: list[Op], max_K: int, npoints: int,
           remaining: float | None, memory: int, dps: int, expansions: dict[str, tuple],
           eml_base: bool, domain: str) -> tuple[list[Step], dict[str, Any]]:
    """One search round: the smallest K at which some missing primitive has a witness.

    Constants, unary and binary targets are searched in separate enumerations (no variables,
    x, then x and y), cheapest first, each bounded by the best K found so far, so that a
    witness never holds a variable its target does not have (an identity such as
    ``exp(y) - ln(exp(exp(y) - ln x)) = ln x`` would otherwise stand in for ``ln x``).
    """
    info: dict[str, Any] = {"K": 0, "hits": False, "timed_out": False, "memory": False}
    xs, ys, _ = _ENUM_POINTS[domain]
    pts = {"x": list(xs[:npoints]), "y": list(ys[:npoints])}
    t_end = None if remaining is None else time.perf_counter() + remaining
    best_K = max_K
    found: list[tuple[int, str, tuple, Grammar]] = []
    for arity, variables in ((0, []), (1, ["x"]), (2, ["x", "y"])):
        group = [n for n in missing if known_op(n).arity == arity]
        if not group:
            continue
        left = None if t_end is None else t_end - time.perf_counter()
        if left is not None and left <= 0:
            info["timed_out"] = True
            break
        tops = [known_op(n) for n in group]
        grammar = Grammar(blocks, variables)
        n = npoints if variables else 1  # a constant is one value
        vecs = np.array([_target_vector(t, pts["x"][:n], pts["y"][:n]) for t in tops])
        en = enumerate_grammar(
            grammar, best_K, points={v: pts[v] for v in variables}, targets=vecs,
            stop_on_hit=True, time_limit=left, memory_limit_bytes=memory)
        info["K"] = max(info["K"], en.max_K)
        info["timed_out"] |= en.timed_out
        info["memory"] |= not en.complete and not en.hits and not en.timed_out
        verified = []
        for ti, gid in en.hits:
            info["hits"] = True
            term = en.term(gid)
            if _verify(term, tops[ti], grammar, dps, domain):
                verified.append((en.size_of(gid), group[ti], term, grammar))
        if verified:
            k = min(v[0] for v in verified)
            if k < best_K:
                found = [f for f in found if f[0] <= k]
            best_K = k
            found += [v for v in verified if v[0] == k]
    if info["timed_out"]:
        return [], info  # a cut round may have missed a smaller witness: keep nothing from it
    steps, seen = [], set()
    for _, name, term, grammar in found:
        if name not in seen:
            seen.add(name)
            steps.append(_make_step(name, term, grammar, expansions, eml_base, dps, 0.0))
    return steps, info


def _make_step(name: str, term: tuple, grammar: Grammar, expansions: dict[str, tuple],
               eml_base: bool, dps: int, seconds: float) -> Step:
    full = _expand(term, expansions)
    size = _dag_size(full)
    text = None
    if size <= MAX_EXPANDED:
        text = str(_to_eml(full)) if eml_base else term_formula(full)
    return Step(name, term_formula(term, grammar), term_size(term), term, size, text,
                dps * 3 // 5 - 2, seconds)


def _check_expansions(result: BootstrapResult, blocks: list[Op],
                      expansions: dict[str, tuple], domain: str) -> None:
    """Check each witness expanded over the base (30 digits, every point): ``expanded_ok``."""
    base = Grammar([b for b in blocks if b.name not in expansions], ("x", "y"))
    for step in result.chain:
        if step.expanded_ok is None:
            full = expansions.get(step.name) or _expand(step.term, expansions)
            step.expanded_ok = _verify(full, known_op(step.name), base, 30, domain)


def _add_block(step: Step, blocks: list[Op], expansions: dict[str, tuple]) -> None:
    if any(b.name == step.name for b in blocks):
        return
    blocks.append(known_op(step.name))
    expansions[step.name] = _expand(step.term, expansions)


# ---------------------------------------------------------------- catalog


def _open_run(catalog: Any, base: list[Op], max_K: int, names: list[str],
              dps: int, domain: str) -> tuple[Any, Any]:
    if catalog is None:
        return None, None
    from ..catalog import Catalog

    cat = catalog if isinstance(catalog, Catalog) else Catalog(catalog)
    params = {"base": [[op.name, op.arity, op.template] for op in base], "max_K": max_K,
              "targets": names, "dps": dps, "domain": domain, "version": 1}
    return cat, cat.start_run("bootstrap", params)


def _save(run: Any, result: BootstrapResult, new: list[Step], eml_base: bool,
          expansions: dict[str, tuple]) -> None:
    """Store the new steps' forms and the chain so far, in one transaction."""
    from ..catalog import FormRecord
    from ..expr import rpn_string

    forms = []
    for s in new:
        variables = tuple(v for v in ("x", "y") if f"('{v}',)" in repr(s.term))
        if eml_base and s.expanded is not None:
            rpn, K = rpn_string(_to_eml(_expand(s.term, expansions))), s.expanded_K
        else:
            rpn, K = _term_rpn(s.term), s.K
        forms.append(FormRecord(rpn, K, s.witness, variables, s.name, s.digits))
    run.save(forms=forms, checkpoint={"chain": [s.as_dict() for s in result.chain]})


def _from_dict(d: dict, names: list[str]) -> BootstrapResult:
    r = BootstrapResult(base=d["base"], targets=names, given=d["given"], missing=d["missing"],
                        complete=d["complete"], max_K=d["max_K"], searched_K=d["searched_K"],
                        stopped=d["stopped"], seconds=d["seconds"],
                        resumed=d.get("resumed", 0), check_seconds=d.get("check_seconds", 0))
    for s in d["chain"]:
        step = Step(**{k: v for k, v in s.items() if k not in ("label", "blocks")})
        step.term = _as_tuple(step.term)
        r.chain.append(step)
    return r
