"""Samples from a CSV file for ``eml recognize --data`` and ``eml fit``: variables and target.

>>> import tempfile, os
>>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as fh:
...     _ = fh.write("x,f\\n1,0\\n2,0.5j\\n")
>>> X, y, names = read_samples(fh.name)
>>> y.tolist(), names
([0j, 0.5j], ['x'])
>>> os.unlink(fh.name)
"""

from __future__ import annotations

import contextlib
import csv
import math
import random
import re
import sys
from typing import Any

from ..errors import UsageError

__all__ = ["read_samples"]


def _complex_cell(cell: str, path: str, line: int, name: str) -> complex:
    """A CSV cell that is no plain float: a complex number such as ``-2+0.5j`` or ``2+1i``."""
    text = re.sub(r"[iI]$", "j", cell.strip())  # 2+1i -> 2+1j
    try:
        return complex(text.replace(" ", ""))
    except ValueError:
        raise UsageError(f"{path}, line {line}: {cell.strip()!r} in column {name!r} is not a "
                         "number") from None


def read_samples(path: str, target: str | None = None, *, max_rows: int | None = None,
                 seed: int = 0, counts: list[int] | None = None) -> tuple[Any, Any, list[str]]:
    """Read a CSV file with a header: the variable columns, then the target column.

    ``target`` names the target column (default: the last one); every other column is a
    variable. Values may be real or complex (``1.5``, ``-2+0.5j``). Errors name the line.
    With ``max_rows``, a file with more data rows is read as a uniform random sample of that
    many rows (reservoir sampling, seeded by ``seed``), so memory does not grow
    with the file; the number of data rows in the file is appended to ``counts`` when given.

    Returns
    -------
    (X, y, names)

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as fh:
    ...     _ = fh.write("x,f\\n1,0\\n2,0.693\\n")
    >>> X, y, names = read_samples(fh.name)
    >>> X.shape, y.real.tolist(), names
    ((2, 1), [0.0, 0.693], ['x'])
    >>> n = []
    >>> X, y, names = read_samples(fh.name, max_rows=1, counts=n)
    >>> X.shape, n
    ((1, 1), [2])
    >>> os.unlink(fh.name)
    """
    import numpy as np

    with contextlib.ExitStack() as files:
        fh = sys.stdin if path == "-" else files.enter_context(
            open(path, newline="", encoding="utf-8"))
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise UsageError(f"{path}: empty file (expected a header line)") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}, line 1: {exc}") from None
        if len(header) < 2:
            raise UsageError(f"{path}, line 1: need at least two columns (variables, then target)")
        if len(set(header)) != len(header) or any(not h for h in header):
            raise UsageError(f"{path}, line 1: column names must be distinct and non-empty")
        col = len(header) - 1
        if target is not None:
            if target not in header:
                raise UsageError(f"{path}: no column {target!r} (columns: {', '.join(header)})")
            col = header.index(target)
        names = [h for i, h in enumerate(header) if i != col]
        for n in names:
            if not n.isidentifier():
                raise UsageError(f"{path}, line 1: column {n!r} is not a valid variable name")
        rows: list[list[complex | float]] = []
        seen = 0  # data rows read so far
        draw = random.Random(seed).random
        line = 1
        try:
            for line, rec in enumerate(reader, start=2):
                if not rec or all(not c.strip() for c in rec):
                    continue
                if len(rec) != len(header):
                    raise UsageError(f"{path}, line {line}: {len(rec)} fields, expected "
                                     f"{len(header)}")
                vals: list[complex | float] = []
                for name, cell in zip(header, rec):
                    try:
                        z: complex | float = float(cell)  # the common case, fast
                    except ValueError:
                        z = _complex_cell(cell, path, line, name)
                    if isinstance(z, float) and math.isfinite(z):
                        vals.append(z)
                        continue
                    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
                        raise UsageError(f"{path}, line {line}: {cell.strip()!r} in column "
                                         f"{name!r} is not finite (NaN/inf are not allowed)")
                    vals.append(z)
                seen += 1
                if max_rows is None or len(rows) < max_rows:
                    rows.append(vals)
                else:  # reservoir sampling: every row kept with probability max_rows / seen
                    j = int(draw() * seen)
                    if j < max_rows:
                        rows[j] = vals
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}, line {line + 1}: {exc}") from None
    if not rows:
        raise UsageError(f"{path}: no data rows after the header")
    if counts is not None:
        counts.append(seen)
    data = np.array(rows, dtype=np.complex128)
    y = data[:, col]
    X = np.delete(data, col, axis=1)
    if not np.iscomplex(data).any():
        X = X.real.astype(np.complex128)
    return X, y, names
