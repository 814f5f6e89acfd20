"""Resume state of a regression fit: finished stages and the best candidates so far.

A fit is a sequence of stages (``search``, ``vocabulary``, ``gradient``); after each one the
state is saved in the catalog (:class:`emlkit.catalog.Catalog`, an SQLite file) as the
checkpoint of a run keyed by a hash of the data and the options. Re-running the same fit
skips the finished stages and reuses their candidates; a finished fit answers from the
stored result at once.

>>> import numpy as np
>>> from emlkit.expr import eml
>>> from emlkit.regress._candidate import Candidate
>>> st = FitCheckpoint(":memory:", np.ones((3, 1)), np.ones(3), {"depth": 2})
>>> st.stages_done
[]
>>> st.save_stage("search", [Candidate(eml("x", 1), "exp(x)", 0.0, True, "search", 50)])
>>> st.stages_done, str(st.candidates[0].expr)
(['search'], 'eml(x, 1)')
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from ._candidate import Candidate

__all__ = [
    "FitCheckpoint",
    "candidate_from_dict",
    "candidate_to_dict",
    "data_key",
    "default_checkpoint_path",
]


def default_checkpoint_path() -> Path:
    """The catalog file used by ``eml fit`` for resume state.

    ``$EMLKIT_FIT_CACHE`` if set, else ``fit/fit.sqlite`` in :func:`emlkit.paths.cache_dir`
    (``$EMLKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/emlkit``, else ``~/.cache/emlkit``).

    >>> default_checkpoint_path().name.endswith(".sqlite")
    True
    """
    from ..paths import cache_dir

    env = os.environ.get("EMLKIT_FIT_CACHE")
    if env:
        return Path(env).expanduser()
    return cache_dir() / "fit" / "fit.sqlite"


def data_key(X: Any, y: Any) -> str:
    """A SHA-256 hex digest of the data (shape, dtype-normalised values).

    >>> data_key(np.arange(3.0)[:, None], np.ones(3)) == data_key([[0], [1], [2]], [1, 1, 1])
    True
    """
    h = hashlib.sha256()
    for a in (np.asarray(X, dtype=np.complex128), np.asarray(y, dtype=np.complex128)):
        a = np.ascontiguousarray(a)
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _json_safe(v: Any) -> Any:
    if isinstance(v, (bool, str)) or v is None:
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else repr(f)
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    return str(v)


def candidate_to_dict(c: Candidate) -> dict[str, Any]:
    """A JSON-serialisable record of a :class:`Candidate` (the EML form as text).

    >>> from emlkit.expr import eml
    >>> candidate_to_dict(Candidate(eml("x", 1), "exp(x)", 0.0, True, "search"))["expr"]
    'eml(x, 1)'
    """
    from ..syntax import to_text

    rmse = float(c.rmse)
    return {
        "expr": to_text(c.expr),
        "formula": c.formula,
        "rmse": rmse if math.isfinite(rmse) else None,
        "exact": bool(c.exact),
        "source": c.source,
        "verified_digits": c.verified_digits,
        "info": _json_safe(dict(c.info)),
    }


def candidate_from_dict(d: dict[str, Any]) -> Candidate:
    """Inverse of :func:`candidate_to_dict`.

    >>> from emlkit.expr import eml
    >>> c = Candidate(eml("x", 1), "exp(x)", 0.5, False, "gradient")
    >>> candidate_from_dict(candidate_to_dict(c)) == c
    True
    """
    from ..syntax import parse

    rmse = d.get("rmse")
    return Candidate(
        parse(d["expr"]),
        str(d["formula"]),
        float("inf") if rmse is None else float(rmse),
        bool(d["exact"]),
        str(d["source"]),
        d.get("verified_digits"),
        dict(d.get("info") or {}),
    )


class FitCheckpoint:
    """The resume state of one fit (a catalog run of kind ``"fit"``).

    Parameters
    ----------
    path : str or Path
        Catalog file (``":memory:"`` keeps nothing).
    X, y : array-like
        The data; their hash is part of the key.
    options : dict
        The options that change the result (JSON-serialisable); part of the key.
    restart : bool, default False
        Forget any saved state of this key and start again.

    Examples
    --------
    >>> st = FitCheckpoint(":memory:", [[1.0]], [2.0], {"a": 1})
    >>> st.finish({"formula": "1"}); st.result
    {'formula': '1'}
    """

    def __init__(self, path: str | os.PathLike, X: Any, y: Any, options: dict[str, Any],
                 *, restart: bool = False) -> None:
        from ..catalog import Catalog

        self.key = data_key(X, y)
        params = {"data": self.key, **_json_safe(options)}
        self._catalog = Catalog(path)
        run = self._catalog.start_run("fit", params)
        if restart and (run.finished or run.checkpoint() is not None):
            run.save(checkpoint={"stages": [], "candidates": [], "loss_curve": []})
        self._run = run
        self._restarted = restart
        cp = run.checkpoint() or {}
        self._state: dict[str, Any] = {
            "stages": list(cp.get("stages", [])),
            "candidates": list(cp.get("candidates", [])),
            "loss_curve": list(cp.get("loss_curve", [])),
        }

    @property
    def path(self) -> Path:
        """The catalog file."""
        return self._catalog.path

    @property
    def result(self) -> dict | None:
        """The stored final result of a finished fit (None while unfinished or restarted)."""
        if self._restarted or not self._run.finished:
            return None
        return self._run.result

    @property
    def stages_done(self) -> list[str]:
        """Names of the stages already finished."""
        return list(self._state["stages"])

    @property
    def candidates(self) -> list[Candidate]:
        """Candidates saved by the finished stages."""
        return [candidate_from_dict(d) for d in self._state["candidates"]]

    @property
    def loss_curve(self) -> list[float]:
        """Loss curve saved by the gradient stage (empty if none)."""
        return [float(v) for v in self._state["loss_curve"]]

    def save_stage(self, stage: str, candidates: list[Candidate],
                   loss_curve: list[float] | None = None) -> None:
        """Record ``stage`` as finished with its ``candidates`` (written at once)."""
        self._state["stages"].append(stage)
        self._state["candidates"].extend(candidate_to_dict(c) for c in candidates)
        if loss_curve is not None:
            self._state["loss_curve"] = [float(v) for v in loss_curve]
        self._run.save(checkpoint=json.loads(json.dumps(self._state)))

    def finish(self, result: dict[str, Any]) -> None:
        """Store the final result; a later run with the same key answers from it."""
        self._run.finish(_json_safe(result))
        self._restarted = False

    def close(self) -> None:
        """Close the catalog file."""
        self._catalog.close()
