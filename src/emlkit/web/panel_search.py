"""The Search panel: the table of shortest EML forms, and a bootstrap chain drawn as a graph.

>>> rows = forms_table()
>>> rows[0]["name"], rows[0]["K"], rows[0]["proven_shortest"]
('0', 7, True)
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from ..errors import DomainError
from .limits import DEFAULT_LIMITS, Limits
from .pictures import chain_svg

__all__ = ["forms_table", "search_panel"]

_FORM_FIELDS = ("name", "target", "K", "depth", "dag_size", "eml", "rpn", "domain",
                "searched_to_K", "proven_shortest")
_MAX_NAMES = 12


@functools.lru_cache(maxsize=1)
def _forms() -> tuple[dict[str, Any], ...]:
    text = resources.files("emlkit").joinpath("data/shortest_forms.json").read_text("utf-8")
    return tuple({k: row.get(k) for k in _FORM_FIELDS} for row in json.loads(text))


def forms_table() -> list[dict[str, Any]]:
    """The shipped table of shortest pure-EML forms (name, K, depth, EML, how far searched).

    >>> any(r["name"] == "E" and r["eml"] == "eml(1, 1)" for r in forms_table())
    True
    """
    return [dict(r) for r in _forms()]


def _names(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise DomainError(f"{what} must be a comma-separated list of names")
    names = tuple(v.strip() for v in value if v.strip())
    if len(names) > _MAX_NAMES or any(len(n) > 20 for n in names):
        raise DomainError(f"{what}: at most {_MAX_NAMES} names of up to 20 characters")
    return names


def search_panel(
    constants: Any = ("1",),
    functions: Any = (),
    operations: Any = ("EML",),
    *,
    max_K: int = 8,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Run the bootstrap verifier on a base set and draw its discovery chain.

    Parameters
    ----------
    constants, functions, operations : list of str or comma-separated str
        The base, as in ``eml bootstrap`` (``["1"]``, ``[]``, ``["EML"]`` by default).
    max_K : int
        Largest witness size per round (at most ``limits.max_search_K``).
    limits : Limits
        ``max_search_seconds`` bounds the run (the verdict then says it stopped).

    Returns
    -------
    dict
        The bootstrap result's fields (``chain``, ``verdict``, ``complete``, ...) and ``svg``:
        the chain as a dependency graph.

    Examples
    --------
    >>> d = search_panel(["1"], [], ["plus"], max_K=5)
    >>> d["complete"], d["chain"][0]["name"], d["svg"].startswith("<svg")
    (False, '2', True)
    >>> search_panel(max_K=50)
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: max_K must be a whole number from 1 to 9
    """
    if not (isinstance(max_K, int) and 1 <= max_K <= limits.max_search_K):
        raise DomainError(f"max_K must be a whole number from 1 to {limits.max_search_K}")
    key = (_names(constants, "constants"), _names(functions, "functions"),
           _names(operations, "operations"), max_K, limits.max_search_seconds)
    if not key[0] and not key[1] and not key[2]:
        raise DomainError("the base is empty: give at least one constant or block")
    return dict(_search(*key))


@functools.lru_cache(maxsize=16)
def _search(constants: tuple[str, ...], functions: tuple[str, ...], operations: tuple[str, ...],
            max_K: int, seconds: float) -> dict[str, Any]:
    import emlkit as ek

    result = ek.bootstrap(constants=list(constants), functions=list(functions),
                          operations=list(operations), max_K=max_K, time_limit=seconds)
    out = result.as_dict()
    for step in out["chain"]:
        step.pop("term", None)  # nested tuples; "blocks" has the same witness as text
        if step.get("expanded") and len(step["expanded"]) > 2_000:
            step["expanded"] = step["expanded"][:2_000] + " …"
    out["svg"] = chain_svg(result)
    return out
