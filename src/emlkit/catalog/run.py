"""A run in the catalog: parameters, checkpoint, result and the forms it stored.

>>> from emlkit.catalog import Catalog, FormRecord
>>> run = Catalog(":memory:").start_run("demo", {"n": 1})
>>> run.save(forms=[FormRecord("1 1 E", 3, "e")], checkpoint={"step": 1})
>>> run.checkpoint(), len(run.forms())
({'step': 1}, 1)
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .records import CatalogError, FormRecord, canonical_json, dump_json, form_row, utc_now

if TYPE_CHECKING:  # pragma: no cover
    from .store import Catalog

__all__ = ["Run"]


class Run:
    """A unit of resumable work in a :class:`Catalog` (made by :meth:`Catalog.start_run`).

    Attributes
    ----------
    id : int
    kind : str
        E.g. ``"search"``, ``"shortest-forms"``, ``"bootstrap"``.
    params : dict
        The parameters that identify the run.
    started : str
        ISO time (UTC) of the first start.
    finished : bool
    result : dict or None
        What :meth:`finish` stored.

    >>> from emlkit.catalog import Catalog
    >>> from emlkit.catalog import Catalog
    >>> cat = Catalog(":memory:")
    >>> run = cat.start_run("demo", {"n": 1})
    >>> run.finish({"ok": True}); (run.finished, cat.run(run.id).result)
    (True, {'ok': True})
    """

    def __init__(self, catalog: Catalog, row: sqlite3.Row) -> None:
        self._catalog = catalog
        self.id: int = int(row["id"])
        self.kind: str = row["kind"]
        self.params: dict = json.loads(row["params"])
        self.started: str = row["started"]
        self.updated: str = row["updated"]
        self.finished: bool = bool(row["finished"])
        self.result: dict | None = json.loads(row["result"]) if row["result"] else None

    def __repr__(self) -> str:
        state = "finished" if self.finished else "open"
        return f"<Run {self.id} {self.kind} {canonical_json(self.params)} {state}>"

    def checkpoint(self) -> dict | None:
        """The last checkpoint saved (read from the file), or None.

        >>> from emlkit.catalog import Catalog
        >>> Catalog(":memory:").start_run("demo", {}).checkpoint() is None
        True
        """
        row = self._catalog._conn.execute(
            "SELECT checkpoint FROM runs WHERE id = ?", (self.id,)
        ).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def save(self, *, forms: Iterable[FormRecord] = (), checkpoint: dict | None = None) -> None:
        """Store forms and (optionally) a new checkpoint, in one transaction.

        A form already stored for this run (same RPN and label) is kept once; its
        ``verified_digits`` becomes the larger of the two.

        >>> from emlkit.catalog import Catalog
        >>> cat = Catalog(":memory:")
        >>> run = cat.start_run("demo", {})
        >>> run.save(forms=[FormRecord("1", 1, "1")] * 2, checkpoint={"step": 1})
        >>> len(cat.forms(run_id=run.id)), run.checkpoint()
        (1, {'step': 1})
        """
        rows = [form_row(self.id, f) for f in forms]
        cp = dump_json(checkpoint) if checkpoint is not None else None
        with self._catalog._transaction() as conn:
            if rows:
                conn.executemany(
                    "INSERT INTO forms (run_id, rpn, K, fingerprint, variables, label, label_key,"
                    " verified_digits) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (run_id, rpn, label_key) DO UPDATE SET verified_digits ="
                    " CASE WHEN excluded.verified_digits IS NULL THEN verified_digits"
                    " WHEN verified_digits IS NULL THEN excluded.verified_digits"
                    " ELSE max(verified_digits, excluded.verified_digits) END",
                    rows,
                )
            now = utc_now()
            if cp is not None:
                conn.execute(
                    "UPDATE runs SET checkpoint = ?, updated = ? WHERE id = ?", (cp, now, self.id)
                )
            else:
                conn.execute("UPDATE runs SET updated = ? WHERE id = ?", (now, self.id))
            self.updated = now

    def finish(self, result: dict) -> None:
        """Mark the run finished with its ``result`` (JSON-serialisable).

        The run's data folder (:meth:`data_dir`), used for bulk intermediate state, is
        removed: a finished run is answered from the catalog alone.

        >>> from emlkit.catalog import Catalog
        >>> run = Catalog(":memory:").start_run("demo", {})
        >>> run.finish({"n": 3}); run.result
        {'n': 3}
        """
        text = dump_json(result)
        with self._catalog._transaction() as conn:
            now = utc_now()
            conn.execute(
                "UPDATE runs SET finished = 1, result = ?, updated = ? WHERE id = ?",
                (text, now, self.id),
            )
        self.finished = True
        self.result = json.loads(text)
        self.updated = now
        d = self._catalog._data_root()
        if d is not None:
            shutil.rmtree(d / f"run-{self.id}", ignore_errors=True)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold this run for one process (an advisory lock file in :meth:`data_dir`).

        A second process that asks for the same run while the first works on it gets a
        :class:`CatalogError` instead of both writing the same checkpoints. The operating
        system releases the lock when the holder exits, even by ``kill -9``.

        >>> import tempfile, os
        >>> from emlkit.catalog import Catalog
        >>> cat = Catalog(os.path.join(tempfile.mkdtemp(), "c.sqlite"))
        >>> run = cat.start_run("demo", {})
        >>> with run.lock():
        ...     with Catalog(cat.path) as other:
        ...         with other.run(run.id).lock():
        ...             pass
        Traceback (most recent call last):
        ...
        emlkit.catalog.records.CatalogError: run 1 in ... is in use by another process
        """
        d = self.data_dir()
        if d is None:
            yield
            return
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            yield
            return
        with open(d / "lock", "a+") as fh:  # held open, and locked, across the yield
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise CatalogError(
                    f"run {self.id} in {self._catalog.path} is in use by another process"
                ) from None
            yield

    def data_dir(self, create: bool = True) -> Path | None:
        """A folder beside the catalog for this run's bulk state (e.g. enumeration levels).

        None for an in-memory catalog.

        >>> from emlkit.catalog import Catalog
        >>> Catalog(":memory:").start_run("demo", {}).data_dir() is None
        True
        """
        root = self._catalog._data_root()
        if root is None:
            return None
        d = root / f"run-{self.id}"
        if create:
            d.mkdir(parents=True, exist_ok=True)
        return d

    def forms(self, **filters: Any) -> list[FormRecord]:
        """The forms stored by this run (same filters as :meth:`Catalog.forms`).

        >>> from emlkit.catalog import Catalog
        >>> run = Catalog(":memory:").start_run("demo", {})
        >>> run.save(forms=[FormRecord("1", 1, "1")]); [f.K for f in run.forms()]
        [1]
        """
        return self._catalog.forms(run_id=self.id, **filters)

    def as_dict(self) -> dict[str, Any]:
        """The run as a plain dictionary (for JSON output).

        >>> from emlkit.catalog import Catalog
        >>> sorted(Catalog(":memory:").start_run("demo", {}).as_dict())
        ['checkpoint', 'finished', 'forms', 'id', 'kind', 'params', 'result', 'started', 'updated']
        """
        n = self._catalog._conn.execute(
            "SELECT count(*) FROM forms WHERE run_id = ?", (self.id,)
        ).fetchone()[0]
        return {
            "id": self.id, "kind": self.kind, "params": self.params, "started": self.started,
            "updated": self.updated, "finished": self.finished, "result": self.result,
            "checkpoint": self.checkpoint(), "forms": int(n),
        }
