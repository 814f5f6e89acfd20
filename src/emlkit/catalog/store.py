"""The SQLite catalog: forms found, runs and their checkpoints (resumable work).

One file, WAL mode, one transaction per batch (:meth:`Run.save`). A run is identified by its
``kind`` and its parameters (as canonical JSON): starting the same kind with the same
parameters returns the existing run, so a command that was interrupted (even by ``kill -9``)
and is started again finds its last checkpoint and goes on from there.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "cat.sqlite")
>>> with Catalog(path) as cat:
...     run = cat.start_run("search", {"max_K": 7})
...     run.save(forms=[FormRecord("1 1 E", 3, "2.718281828459045")], checkpoint={"K": 3})
...     again = cat.start_run("search", {"max_K": 7})
...     (again.id == run.id, again.checkpoint(), [f.rpn for f in cat.forms(K=3)])
(True, {'K': 3}, ['1 1 E'])
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Self, TextIO

from .records import CatalogError, FormRecord, canonical_json, default_path, form_record, utc_now
from .run import Run

__all__ = ["Catalog", "Run", "FormRecord", "CatalogError", "default_path", "canonical_json"]

SCHEMA_VERSION = 1
_APP_ID = 0x454D4C4B  # "EMLK", stored in the SQLite header (PRAGMA application_id)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    params TEXT NOT NULL,
    started TEXT NOT NULL,
    updated TEXT NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    checkpoint TEXT,
    UNIQUE (kind, params)
);
CREATE TABLE IF NOT EXISTS forms (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    rpn TEXT NOT NULL,
    K INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    variables TEXT NOT NULL,
    label TEXT,
    label_key TEXT NOT NULL,
    verified_digits INTEGER,
    UNIQUE (run_id, rpn, label_key)
);
CREATE INDEX IF NOT EXISTS forms_K ON forms (K);
CREATE INDEX IF NOT EXISTS forms_label ON forms (label);
"""



def filtered_select(base: str, filters: tuple[tuple[str, Any], ...], order: str,
                    limit: int | None) -> tuple[str, list[Any]]:
    """``base`` with ``WHERE col = ?`` for each filter that is not None, ORDER BY, LIMIT.

    Column names come from the code, values only as parameters.

    >>> filtered_select("SELECT * FROM forms", (("K", 7), ("label", None)), "id", 3)
    ('SELECT * FROM forms WHERE K = ? ORDER BY id LIMIT 3', [7])
    """
    where = [f"{col} = ?" for col, val in filters if val is not None]
    args = [val for _, val in filters if val is not None]
    sql = base + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order}"
    if limit is not None:
        if int(limit) < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        sql += f" LIMIT {int(limit)}"
    return sql, args

class Catalog:
    """An SQLite file of runs, checkpoints and forms (WAL mode; one transaction per batch).

    Parameters
    ----------
    path : str or path-like, optional
        The file (created with its parent folders when missing). Default :func:`default_path`.
        ``":memory:"`` keeps everything in memory (for tests).

    Raises
    ------
    CatalogError
        When the file exists but is not an SQLite database, or is another program's database.

    Examples
    --------
    >>> cat = Catalog(":memory:")
    >>> run = cat.start_run("search", {"max_K": 5, "variables": []})
    >>> run.save(forms=[FormRecord("1 1 E", 3, "2.718281828459045", label="E")])
    >>> [(r.kind, r.finished) for r in cat.runs()], cat.forms(label="E")[0].rpn
    ([('search', False)], '1 1 E')
    >>> cat.close()
    """

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._memory = str(path) == ":memory:"
        if not self._memory:
            if self.path.is_dir():
                raise CatalogError(f"{self.path}: is a folder, not a catalog file")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                ":memory:" if self._memory else str(self.path),
                timeout=30.0, isolation_level=None,
            )
        except sqlite3.Error as exc:
            raise CatalogError(f"{self.path}: cannot open the catalog ({exc})") from None
        self._conn.row_factory = sqlite3.Row
        try:
            self._setup()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            msg = str(exc)
            if "not a database" in msg or "malformed" in msg or "encrypted" in msg:
                raise CatalogError(
                    f"{self.path}: not an emlkit catalog (not a valid SQLite database)"
                ) from None
            raise CatalogError(f"{self.path}: cannot use the catalog ({msg})") from None

    def _setup(self) -> None:
        conn = self._conn
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and (app != _APP_ID or "runs" not in tables):
            conn.close()
            raise CatalogError(
                f"{self.path}: an SQLite database of another program, not an emlkit catalog"
            )
        if not self._memory:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - file systems without WAL
                raise CatalogError(f"{self.path}: cannot switch the catalog to WAL mode")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        if not tables:
            with self._transaction() as c:
                c.execute(f"PRAGMA application_id={_APP_ID}")
                for stmt in _SCHEMA.strip().split(";"):
                    if stmt.strip():
                        c.execute(stmt)
                c.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
        else:
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None or int(row[0]) > SCHEMA_VERSION:
                found = row[0] if row else "none"
                conn.close()
                raise CatalogError(
                    f"{self.path}: catalog schema version {found}, this emlkit reads "
                    f"{SCHEMA_VERSION}"
                )

    # ------------------------------------------------------------- plumbing
    class _Tx:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def __enter__(self) -> sqlite3.Connection:
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn

        def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
            if exc_type is None:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute("ROLLBACK")

    def _transaction(self) -> Catalog._Tx:
        return Catalog._Tx(self._conn)

    def _data_root(self) -> Path | None:
        if self._memory:
            return None
        return self.path.with_name(self.path.name + ".d")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (further use raises).

        >>> cat = Catalog(":memory:"); cat.close(); cat.close()
        """
        try:
            self._conn.close()
        except sqlite3.Error:  # pragma: no cover
            pass

    def journal_mode(self) -> str:
        """SQLite journal mode of the open file (``'wal'`` for a file catalog).

        >>> Catalog(":memory:").journal_mode()
        'memory'
        """
        return str(self._conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    # ------------------------------------------------------------- runs
    def start_run(self, kind: str, params: dict) -> Run:
        """The run of this ``kind`` with these ``params`` (canonical JSON), made if new.

        An existing run is returned whether finished or not: a finished run's
        :attr:`Run.result` answers the command again; an open one resumes from
        :meth:`Run.checkpoint`.

        >>> cat = Catalog(":memory:")
        >>> a = cat.start_run("search", {"K": 5}); b = cat.start_run("search", {"K": 7})
        >>> cat.start_run("search", {"K": 5}).id == a.id != b.id
        True
        """
        if not isinstance(kind, str) or not kind:
            raise ValueError(f"run kind must be a non-empty string, got {kind!r}")
        try:
            text = canonical_json(params)
        except TypeError as exc:
            raise ValueError(f"run parameters must be JSON-serialisable: {exc}") from None
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT * FROM runs WHERE kind = ? AND params = ?", (kind, text)
            ).fetchone()
            if row is None:
                now = utc_now()
                conn.execute(
                    "INSERT INTO runs (kind, params, started, updated) VALUES (?, ?, ?, ?)",
                    (kind, text, now, now),
                )
                row = conn.execute(
                    "SELECT * FROM runs WHERE kind = ? AND params = ?", (kind, text)
                ).fetchone()
        return Run(self, row)

    def runs(self) -> list[Run]:
        """Every run, oldest first.

        >>> Catalog(":memory:").runs()
        []
        """
        return [Run(self, r) for r in self._conn.execute("SELECT * FROM runs ORDER BY id")]

    def run(self, run_id: int) -> Run:
        """The run with this id.

        >>> Catalog(":memory:").run(3)
        Traceback (most recent call last):
        ...
        emlkit.catalog.records.CatalogError: no run 3 in the catalog :memory:
        """
        row = self._conn.execute("SELECT * FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        if row is None:
            raise CatalogError(f"no run {run_id} in the catalog {self.path}")
        return Run(self, row)

    # ------------------------------------------------------------- forms
    def _form_rows(
        self, run_id: int | None, K: int | None, label: str | None, limit: int | None
    ) -> list[sqlite3.Row]:
        sql, args = filtered_select("SELECT * FROM forms",
                                    (("run_id", run_id), ("K", K), ("label", label)),
                                    "run_id, K, id", limit)
        return self._conn.execute(sql, args).fetchall()

    def forms(
        self,
        *,
        run_id: int | None = None,
        K: int | None = None,
        label: str | None = None,
        limit: int | None = None,
    ) -> list[FormRecord]:
        """Stored forms, by run, then K, then order of storing; filters are ANDed.

        >>> cat = Catalog(":memory:")
        >>> run = cat.start_run("demo", {})
        >>> run.save(forms=[FormRecord("1", 1, "1"), FormRecord("1 1 E", 3, "e", label="E")])
        >>> [f.rpn for f in cat.forms(K=3)], len(cat.forms(limit=1))
        (['1 1 E'], 1)
        """
        return [form_record(r) for r in self._form_rows(run_id, K, label, limit)]

    def export(
        self,
        fh: TextIO,
        format: str = "csv",
        *,
        run_id: int | None = None,
        K: int | None = None,
        label: str | None = None,
        limit: int | None = None,
    ) -> int:
        """Write forms (CSV: one row each; JSON: runs and forms) to ``fh``; returns the count.

        >>> import io
        >>> cat = Catalog(":memory:")
        >>> cat.start_run("demo", {}).save(forms=[FormRecord("1 1 E", 3, "e", label="E")])
        >>> buf = io.StringIO(); cat.export(buf, "csv")
        1
        >>> buf.getvalue().splitlines()[1]
        '1,1 1 E,3,e,,E,'
        """
        if format not in ("csv", "json"):
            raise ValueError(f"unknown export format {format!r} (use csv or json)")
        rows = self._form_rows(run_id, K, label, limit)
        cols = ["run_id", "rpn", "K", "fingerprint", "variables", "label", "verified_digits"]
        if format == "csv":
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(cols)
            for r in rows:
                w.writerow(["" if r[c] is None else r[c] for c in cols])
        else:
            runs = [r.as_dict() for r in self.runs() if run_id is None or r.id == run_id]
            for run in runs:
                del run["checkpoint"]
            forms = []
            for r in rows:
                d = {c: r[c] for c in cols}
                d["variables"] = d["variables"].split(",") if d["variables"] else []
                forms.append(d)
            json.dump({"runs": runs, "forms": forms}, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        return len(rows)
