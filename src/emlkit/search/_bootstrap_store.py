"""Bootstrap runs in the catalog: open or resume a run, save new steps, read a finished one.

>>> open_run(None, [], 8, [], 50, "complex")
(None, None)
"""

from __future__ import annotations

from typing import Any

from ._bootstrap_result import BootstrapResult, Step
from ._bootstrap_terms import as_tuple, expand, term_rpn, to_eml
from .grammar import Op

__all__ = ["from_dict", "open_run", "save"]


def open_run(catalog: Any, base: list[Op], max_K: int, names: list[str],
              dps: int, domain: str) -> tuple[Any, Any]:
    if catalog is None:
        return None, None
    from ..catalog import Catalog

    cat = catalog if isinstance(catalog, Catalog) else Catalog(catalog)
    params = {"base": [[op.name, op.arity, op.template] for op in base], "max_K": max_K,
              "targets": names, "dps": dps, "domain": domain, "version": 1}
    return cat, cat.start_run("bootstrap", params)


def save(run: Any, result: BootstrapResult, new: list[Step], eml_base: bool,
          expansions: dict[str, tuple]) -> None:
    """Store the new steps' forms and the chain so far, in one transaction."""
    from ..catalog import FormRecord
    from ..expr import rpn_string

    forms = []
    for s in new:
        variables = tuple(v for v in ("x", "y") if f"('{v}',)" in repr(s.term))
        if eml_base and s.expanded is not None:
            rpn, K = rpn_string(to_eml(expand(s.term, expansions))), s.expanded_K
        else:
            rpn, K = term_rpn(s.term), s.K
        forms.append(FormRecord(rpn, K, s.witness, variables, s.name, s.digits))
    run.save(forms=forms, checkpoint={"chain": [s.as_dict() for s in result.chain]})


def from_dict(d: dict, names: list[str]) -> BootstrapResult:
    r = BootstrapResult(base=d["base"], targets=names, given=d["given"], missing=d["missing"],
                        complete=d["complete"], max_K=d["max_K"], searched_K=d["searched_K"],
                        stopped=d["stopped"], seconds=d["seconds"],
                        resumed=d.get("resumed", 0), check_seconds=d.get("check_seconds", 0))
    for s in d["chain"]:
        step = Step(**{k: v for k, v in s.items() if k not in ("label", "blocks")})
        step.term = as_tuple(step.term)
        r.chain.append(step)
    return r
