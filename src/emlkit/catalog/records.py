"""Records of the catalog: :class:`FormRecord`, the error type, the default path, JSON text.

>>> FormRecord("1 1 E", 3, "2.718281828459045", label="E").as_dict()["label"]
'E'
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import EMLError

__all__ = ["CatalogError", "FormRecord", "default_path", "canonical_json"]


class CatalogError(EMLError):
    """The catalog file cannot be used (not SQLite, not an emlkit catalog, unknown run).

    >>> str(CatalogError("x.sqlite: not an SQLite database"))
    'x.sqlite: not an SQLite database'
    """


def default_path() -> Path:
    """Where the catalog lives by default.

    ``$EMLKIT_CATALOG`` if set, else ``catalog.sqlite`` in :func:`emlkit.paths.cache_dir`
    (``$EMLKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/emlkit``, else ``~/.cache/emlkit``).

    >>> default_path().name
    'catalog.sqlite'
    """
    from ..paths import cache_dir

    env = os.environ.get("EMLKIT_CATALOG")
    if env:
        return Path(env).expanduser()
    return cache_dir() / "catalog.sqlite"


def canonical_json(obj: Any) -> str:
    """JSON text with sorted keys and no spaces, so equal parameters give equal text.

    >>> canonical_json({"b": [1, 2], "a": (3,)})
    '{"a":[3],"b":[1,2]}'
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dump_json(obj: Any) -> str:
    """Compact JSON that keeps the order of keys (results read back as they were written)."""
    try:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not storable as JSON: {exc}") from None


def utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class FormRecord:
    """One form in the catalog.

    Attributes
    ----------
    rpn : str
        The form as RPN text (``1``, variable names, ``E``).
    K : int
        RPN token count.
    fingerprint : str
        Text identifying its value (e.g. the value of a constant, or a hash of the value
        vector at the test points).
    variables : tuple of str
        The variables it is a function of (``()`` for constants).
    label : str or None
        What it was recognised as (e.g. ``"-1"``, ``"log(x)"``).
    verified_digits : int or None
        Digits checked in high precision, if any.

    >>> FormRecord("1 1 E", 3, "2.718281828459045", label="E").label
    'E'
    """

    rpn: str
    K: int
    fingerprint: str
    variables: tuple[str, ...] = ()
    label: str | None = None
    verified_digits: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary (variables as a list), for JSON.

        >>> FormRecord("x 1 E", 3, "ab12", ("x",)).as_dict()["variables"]
        ['x']
        """
        d = asdict(self)
        d["variables"] = list(self.variables)
        return d


def form_row(run_id: int, f: FormRecord) -> tuple:
    if not isinstance(f, FormRecord):
        raise TypeError(f"expected a FormRecord, got {type(f).__name__}")
    return (
        run_id, f.rpn, int(f.K), str(f.fingerprint), ",".join(f.variables), f.label,
        f.label if f.label is not None else "", f.verified_digits,
    )


def form_record(row: sqlite3.Row) -> FormRecord:
    v = row["variables"]
    return FormRecord(
        rpn=row["rpn"], K=int(row["K"]), fingerprint=row["fingerprint"],
        variables=tuple(v.split(",")) if v else (), label=row["label"],
        verified_digits=row["verified_digits"],
    )
