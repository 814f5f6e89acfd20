"""Read a fit's CSV text (sent in a request, never a file path) into bounded, finite real arrays.

>>> X, y, names, target = parse_csv("x,f\\n1,0\\n2,0.5\\n", max_rows=10, max_columns=3)
>>> X.shape, y.tolist(), names, target
((2, 1), [0.0, 0.5], ['x'], 'f')
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from ..errors import DomainError

__all__ = ["parse_csv"]


def parse_csv(
    text: str, *, max_rows: int, max_columns: int, target: str | None = None
) -> tuple[Any, Any, list[str], str]:
    """Parse CSV text with a header line: variable columns, then the target (last by default).

    Parameters
    ----------
    text : str
        The CSV text.
    max_rows, max_columns : int
        Bounds; more data rows or columns raise :class:`DomainError`.
    target : str, optional
        Name of the target column (default: the last column).

    Returns
    -------
    (X, y, names, target)
        ``X`` float64 of shape (rows, columns - 1), ``y`` float64, the variable names and
        the target's name.

    Raises
    ------
    DomainError
        Empty text, bad header, a cell that is not a finite real number (the message names
        its line and column), too many rows or columns.

    Examples
    --------
    >>> parse_csv("x,y\\n1,nan\\n", max_rows=5, max_columns=2)
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: line 2: 'nan' in column 'y' is not a finite number
    """
    import numpy as np

    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DomainError("the CSV is empty (expected a header line such as x,y)") from None
    except csv.Error as exc:
        raise DomainError(f"line 1: {exc}") from None
    if len(header) < 2:
        raise DomainError("line 1: need at least two columns (variables, then the target)")
    if len(header) > max_columns:
        raise DomainError(
            f"line 1: {len(header)} columns; the playground fits at most {max_columns}"
        )
    if len(set(header)) != len(header) or not all(h.isidentifier() for h in header):
        raise DomainError("line 1: column names must be distinct names such as x, y, f")
    col = len(header) - 1 if target is None else _column(header, target)
    rows: list[list[float]] = []
    line = 1
    try:
        for line, rec in enumerate(reader, start=2):
            if not rec or all(not c.strip() for c in rec):
                continue
            if len(rows) >= max_rows:
                raise DomainError(f"more than {max_rows} data rows: the playground fits at most "
                                  f"{max_rows}")
            if len(rec) != len(header):
                raise DomainError(f"line {line}: {len(rec)} fields, expected {len(header)}")
            rows.append([_cell(c, line, name) for c, name in zip(rec, header)])
    except csv.Error as exc:
        raise DomainError(f"line {line + 1}: {exc}") from None
    if len(rows) < 2:
        raise DomainError("need at least two data rows after the header")
    data = np.array(rows, dtype=np.float64)
    names = [h for i, h in enumerate(header) if i != col]
    return np.delete(data, col, axis=1), data[:, col], names, header[col]


def _column(header: list[str], target: str) -> int:
    if target not in header:
        raise DomainError(f"no column {target!r} (columns: {', '.join(header)})")
    return header.index(target)


def _cell(cell: str, line: int, name: str) -> float:
    text = cell.strip()
    try:
        v = float(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise DomainError(f"line {line}: {shown!r} in column {name!r} is not a number") from None
    if not math.isfinite(v):
        raise DomainError(f"line {line}: {text!r} in column {name!r} is not a finite number")
    return v
