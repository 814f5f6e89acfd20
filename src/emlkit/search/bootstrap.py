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

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..progress import Progress
from ._bootstrap_basis import BASIS, LABELS, resolve_blocks
from ._bootstrap_points import ENUM_POINTS, search_round, verify_term
from ._bootstrap_result import MAX_EXPANDED, BootstrapResult, Step
from ._bootstrap_store import from_dict, open_run, save
from ._bootstrap_terms import as_tuple, dag_size, expand, term_call, to_eml
from .grammar import KNOWN_OPS, Grammar, Op, known_op, term_formula, term_size

__all__ = ["BASIS", "DOMAINS", "LABELS", "MAX_EXPANDED", "BootstrapResult", "Step", "bootstrap",
           "resolve_blocks", "term_call"]

DOMAINS = ("real", "complex")


def _names(ops: Sequence[Op]) -> list[str]:
    return [op.name for op in ops]


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
    cat, run = open_run(catalog, base, max_K, names, dps, domain)
    cfg = _Config(names, eml_base, max_K, time_limit, progress, dps, memory_limit_bytes, t_start,
                  check_expansions, domain)
    try:
        if run is not None and run.finished and run.result:
            return from_dict(run.result, names)
        if run is not None and hasattr(run, "lock"):
            with run.lock():  # one process per run
                return _bootstrap(result, blocks, expansions, run, cfg)
        return _bootstrap(result, blocks, expansions, run, cfg)
    finally:
        if cat is not None and cat is not catalog:
            cat.close()


@dataclass(frozen=True)
class _Config:
    """The settings of one :func:`bootstrap` call that its search loop reads."""

    names: list[str]
    eml_base: bool
    max_K: int
    time_limit: float | None
    progress: bool | Progress
    dps: int
    memory_limit_bytes: int
    t_start: float
    check_expansions: bool
    domain: str


def _bootstrap(result: BootstrapResult, blocks: list[Op], expansions: dict[str, tuple],
               run: Any, cfg: _Config) -> BootstrapResult:
    if run is not None:
        for d in (run.checkpoint() or {}).get("chain", []):
            step = Step(**{k: v for k, v in d.items() if k not in ("label", "blocks")})
            step.term = as_tuple(step.term)
            _add_block(step, blocks, expansions)
            result.chain.append(step)
            result.resumed += 1
    bar = cfg.progress if isinstance(cfg.progress, Progress) else Progress(
        "bootstrap", total=len(cfg.names), enabled=bool(cfg.progress), unit="prim", memory=True)
    npoints = ENUM_POINTS[cfg.domain][2]
    try:
        while True:
            have = set(result.found())
            missing = [n for n in cfg.names if n not in have]
            bar.update(len(have), found=len(result.chain), missing=len(missing))
            if not missing:
                break
            remaining = None if cfg.time_limit is None else cfg.time_limit - (
                time.perf_counter() - cfg.t_start)
            if remaining is not None and remaining <= 0:
                result.stopped = f"time limit of {cfg.time_limit:g} s reached"
                break
            t0 = time.perf_counter()
            hits, info = search_round(missing, blocks, cfg.max_K, npoints, remaining,
                                      cfg.memory_limit_bytes, cfg.dps, cfg.domain)
            new = [_make_step(name, term, grammar, expansions, cfg.eml_base, cfg.dps, 0.0)
                   for name, term, grammar in hits]
            result.searched_K = info["K"]
            for step in new:
                step.seconds = time.perf_counter() - t0
            if not new:
                if info["hits"] and npoints < len(ENUM_POINTS[cfg.domain][0]):
                    npoints += 1  # a float coincidence: look again with one more test point
                    continue
                if info["timed_out"]:
                    result.stopped = f"time limit of {cfg.time_limit:g} s reached"
                elif info["memory"]:
                    result.stopped = "memory limit reached"
                break
            for step in new:
                _add_block(step, blocks, expansions)
                result.chain.append(step)
                bar.write(f"bootstrap: {step.label:<12} K={step.K:<3} {step.witness}")
            if run is not None:
                save(run, result, new, cfg.eml_base, expansions)
    except KeyboardInterrupt:
        bar.close("interrupted")
        raise
    have = set(result.found())
    result.missing = [n for n in cfg.names if n not in have]
    result.complete = not result.missing
    result.seconds = time.perf_counter() - cfg.t_start
    if cfg.check_expansions:
        t_check = time.perf_counter()
        _check_expansions(result, blocks, expansions, cfg.domain)
        result.check_seconds = time.perf_counter() - t_check
    if not isinstance(cfg.progress, Progress):
        bar.close(result.verdict() if bar.enabled else None)
    if run is not None and (result.complete or result.stopped is None):
        run.finish(result.as_dict())
    return result


def _make_step(name: str, term: tuple, grammar: Grammar, expansions: dict[str, tuple],
               eml_base: bool, dps: int, seconds: float) -> Step:
    full = expand(term, expansions)
    size = dag_size(full)
    text = None
    if size <= MAX_EXPANDED:
        text = str(to_eml(full)) if eml_base else term_formula(full)
    return Step(name, term_formula(term, grammar), term_size(term), term, size, text,
                dps * 3 // 5 - 2, seconds)


def _check_expansions(result: BootstrapResult, blocks: list[Op],
                      expansions: dict[str, tuple], domain: str) -> None:
    """Check each witness expanded over the base (30 digits, every point): ``expanded_ok``."""
    base = Grammar([b for b in blocks if b.name not in expansions], ("x", "y"))
    for step in result.chain:
        if step.expanded_ok is None:
            full = expansions.get(step.name) or expand(step.term, expansions)
            step.expanded_ok = verify_term(full, known_op(step.name), base, 30, domain)


def _add_block(step: Step, blocks: list[Op], expansions: dict[str, tuple]) -> None:
    if any(b.name == step.name for b in blocks):
        return
    blocks.append(known_op(step.name))
    expansions[step.name] = expand(step.term, expansions)
