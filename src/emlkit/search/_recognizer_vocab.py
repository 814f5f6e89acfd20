"""The recognizer over a vocabulary (private part of :mod:`emlkit.search.recognizer`).

The grammar enumeration (:func:`emlkit.search.grammar.enumerate_grammar`) over ``1``, ``eml``
and the named blocks is sieved at the target, each match is proven in mpmath, compiled to pure
EML and certified with arb. A precise target is first searched with the enumeration stopping
at its first hit (every smaller size was complete, so that hit is the shortest).

>>> vocabulary_names("pi, plus, -eml")
['1', 'pi', 'plus']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from ..progress import Progress
from ._recognizer_checks import (
    SAMPLE_DIGITS,
    Check,
    arb_digits,
    check_samples,
    check_value,
    mp_env,
    same_values,
)
from ._recognizer_setup import Setup, memory_limit
from .recognition import Candidate, Recognition
from .samples import Samples

__all__ = ["vocabulary_names", "vocabulary_search"]

_DEFAULT_VOCAB_K = 15
_DEFAULT_VOCAB_SECONDS = 10.0  # enumeration time over a vocabulary when no time_limit is given
_MAX_VERIFY = 400  # candidates verified in mpmath beyond the first ``limit`` results


def vocabulary_names(vocabulary: Sequence[str] | str) -> list[str]:
    """The blocks searched: ``1`` and ``eml``, then the named ones (``-name`` drops a block).

    >>> vocabulary_names(["sqrt", "2", "-1"])
    ['eml', 'sqrt', '2']
    """
    items = vocabulary.split(",") if isinstance(vocabulary, str) else list(vocabulary)
    names = ["1", "eml"]
    for raw in items:
        name = str(raw).strip()
        if not name:
            continue
        if name.startswith("-") and name[1:] in names:
            names.remove(name[1:])
        elif name not in names:
            names.append(name)
    if not names:
        raise ValueError("the vocabulary is empty")
    return names


def vocabulary_search(su: Setup, vocabulary: Sequence[str] | str, max_K: int | None,
                      bar: Progress, start: float) -> Recognition:
    """:func:`emlkit.search.recognize` over ``1``, ``eml`` and the named blocks.

    >>> from emlkit.search._recognizer_setup import setup
    >>> from emlkit.search.targets import to_target
    >>> su = setup(to_target("6.283185307179586"), dps=50, rtol=None, limit=3, deadline=None,
    ...            exhaustive=False)
    >>> vocabulary_search(su, "pi,plus", 5, Progress("x", enabled=False), 0.0).best.formula
    'pi + pi'
    """
    from .grammar import Grammar

    names = vocabulary_names(vocabulary)
    grammar = Grammar.from_names(names, variables=su.variables)
    if not grammar.leaves:
        raise ValueError(f"the vocabulary {{{', '.join(names)}}} has no constant or variable")
    max_K = _DEFAULT_VOCAB_K if max_K is None else max_K
    notes: list[str] = []
    for stop in ([True, False] if su.precise and not su.exhaustive else [False]):
        notes = []
        ge, cands, complete = _attempt(su, grammar, max_K, stop, bar, notes)
        searched = ge.max_K if ge.complete else ge.max_K - 1
        if stop and ge.hits and cands:
            searched = ge.max_K  # every smaller size was complete; the hit is the shortest
            break
        if not stop or ge.complete or ge.timed_out:
            break
    return Recognition(su.target.describe(), cands, searched, searched, su.need, su.dps,
                       ", ".join(names), su.variables, time.perf_counter() - start, complete,
                       notes)


def _term_check(su: Setup, grammar: Any) -> Callable[[Any], Check]:
    import mpmath

    from .grammar import evaluate_term_mp

    target = su.target

    def check(term: Any) -> Check:
        def at(env: dict) -> Any:
            with mpmath.workdps(su.dps + 15):
                return evaluate_term_mp(term, grammar, env)

        if isinstance(target, Samples):
            assert su.idx_mp is not None
            return check_samples(lambda i: at(mp_env(target, i)), target, su.idx_mp,
                                 su.verify_rtol, su.dps)
        return check_value(at({}), target, su.dps)

    return check


def _attempt(su: Setup, grammar: Any, max_K: int, stop: bool, bar: Progress,
             notes: list[str]) -> tuple[Any, list[Candidate], bool]:
    """One enumeration over the vocabulary (stopping at the first hit when ``stop``), verified."""
    from .grammar import enumerate_grammar

    remaining = (_DEFAULT_VOCAB_SECONDS if su.deadline is None
                 else max(su.deadline - time.perf_counter(), 0.1))
    # enumerate_grammar annotates ``points`` as sequences; the NumPy arrays it indexes serve too
    ge = enumerate_grammar(grammar, max_K, points=su.points,  # type: ignore[arg-type]
                           time_limit=remaining,
                           memory_limit_bytes=memory_limit(), progress=bar,
                           targets=su.tvec[None, :] if stop else None, stop_on_hit=stop)
    complete = ge.complete or bool(stop and ge.hits)
    if not ge.complete and not (stop and ge.hits):
        notes.append(f"{'time' if ge.timed_out else 'memory'} limit: level K = {ge.max_K} "
                     "is partial")
    check = _term_check(su, grammar)
    cands: list[Candidate] = []
    for n_checked, gid in enumerate(ge.find_values(su.tvec, rtol=su.sieve_rtol)):
        if len(cands) >= su.limit:
            break
        if n_checked >= su.limit + _MAX_VERIFY or (su.deadline and su.timed_out()):
            notes.append(f"stopped verifying at K = {ge.size_of(gid)}")
            complete = False
            break
        res = check(ge.term(gid))
        if not res.ok:
            continue
        bar.update(stage="compile", K=ge.size_of(gid))
        cands.append(_compiled(su, ge.formula(gid), ge.size_of(gid), res))
    return ge, cands, complete


def _compiled(su: Setup, formula: str, K: int, res: Check) -> Candidate:
    """The candidate of a proven vocabulary formula: compiled to pure EML, checked again there
    and certified with arb."""
    import mpmath

    from .verify import evaluate_mp

    expr, note, cert, digits = None, "", False, res.digits
    try:
        from ..compiler import compile as compile_formula

        expr = compile_formula(formula)
    except Exception as exc:  # noqa: BLE001 - the vocabulary formula stays the answer
        note = f"not compiled to pure EML ({type(exc).__name__}: {exc})"
    if expr is not None:
        with mpmath.workdps(su.dps + 15):
            mine = [evaluate_mp(expr, e, dps=su.dps + 15) for e in su.envs]
        if not all(same_values([m], [r], su.dps) if m is not None else False
                   for m, r in zip(mine, res.values)):
            note = "the compiled pure EML form differs from the formula at the checked points"
        target = su.target
        refs = (res.values if not isinstance(target, Samples) or su.idx_mp is None
                else [mpmath.mpc(complex(target.y[i])) for i in su.idx_mp])
        cert, adigits, why = arb_digits(expr, su.arb_points(), refs, su.dps)
        if cert:
            digits = min(adigits, SAMPLE_DIGITS if su.samples else res.digits)
        note = "; ".join(n for n in (note, why) if n)
    return Candidate(expr, formula, K, res.error, digits, cert, note)
