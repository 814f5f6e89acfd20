"""The catalog: an SQLite file of forms found, runs and checkpoints (resumable work).

>>> from emlkit.catalog import Catalog, FormRecord
>>> with Catalog(":memory:") as cat:
...     run = cat.start_run("demo", {"n": 1})
...     run.save(forms=[FormRecord("1 1 E", 3, "2.718281828459045", label="E")],
...              checkpoint={"done": 1})
...     cat.start_run("demo", {"n": 1}).checkpoint()
{'done': 1}
"""

from __future__ import annotations

from .store import Catalog, CatalogError, FormRecord, Run, canonical_json, default_path

__all__ = ["Catalog", "CatalogError", "FormRecord", "Run", "canonical_json", "default_path"]
