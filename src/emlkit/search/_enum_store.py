"""Saving and loading an :class:`~emlkit.search.enumeration.Enumeration` (resumable work).

A folder holds one ``level-KKK.npy`` per level (the representatives' children ids) and a
``manifest.json`` written last; loading recomputes the values with the same arithmetic, so the
loaded enumeration is identical to the saved one.

>>> import tempfile
>>> from emlkit.search import Enumeration, enumerate_forms
>>> d = tempfile.mkdtemp()
>>> _ = enumerate_forms(7, variables=()).save(d)
>>> sorted(p.name for p in __import__("pathlib").Path(d).iterdir())[-1]
'manifest.json'
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from .arithmetic import U64, dedup_bits, row_keys

if TYPE_CHECKING:
    from ..expr import Expr
    from .enumeration import Level

__all__ = ["StoreMixin"]

_FORMAT = 1  # of the files written by Enumeration.save
_MANIFEST = "manifest.json"
_OLD_BITS = 30  # the grid of saves that do not name theirs


class StoreMixin:
    """:meth:`save`, :meth:`load` and :meth:`fingerprints` of an enumeration."""

    if TYPE_CHECKING:  # what this uses of Enumeration, the one class it is mixed into
        variables: tuple[str, ...]
        points: dict[str, np.ndarray]
        P: int
        counts: dict[int, int]
        seconds: dict[int, float]
        pairs: dict[int, int]
        collisions: int
        _levels: dict[int, Level]
        _leaves: list[Expr]

        def __init__(self, variables: tuple[str, ...], points: dict[str, np.ndarray]) -> None:
            ...

        @property
        def total(self) -> int: ...

        def values(self, K: int, start: int = 0, stop: int | None = None) -> np.ndarray: ...

        def _add_leaves(self) -> None: ...

        def _add_level(self, K: int, left: np.ndarray, right: np.ndarray, *, chunk: int = ...
                       ) -> None: ...  # (the part of its signature used here)

        def _merge_keys(self, h: np.ndarray, c: np.ndarray, *, is_sorted: bool = False) -> None:
            ...

        def _known(self, h: np.ndarray, c: np.ndarray) -> np.ndarray: ...

    # ---------------------------------------------------------------- persistence
    def fingerprints(self, K: int, start: int = 0, stop: int | None = None) -> list[str]:
        """The dedup keys of the representatives of size ``K`` (rows start:stop) as text.

        Two representatives of the same enumeration never share a fingerprint; the text is
        ``<64-bit hash>-<32-bit check>`` in hex, a function of the value vector only.

        >>> from emlkit.search import Enumeration, enumerate_forms
        >>> fp = enumerate_forms(7, variables=()).fingerprints(7)
        >>> len(fp), len(set(fp)), len(fp[0])
        (5, 5, 25)
        """
        h, c = row_keys(self.values(K, start, stop), dedup_bits(self.P))
        return [f"{int(a):016x}-{int(b):08x}" for a, b in zip(h, c)]

    def save(self, directory: str | os.PathLike) -> list[Path]:
        """Write the levels not yet in ``directory`` (children ids only) and a manifest.

        Each file is written to a temporary name and renamed, and the manifest (listing the
        complete levels) last, so a process killed at any moment leaves a folder that
        :meth:`load` reads up to the last level listed. Returns the files written.

        >>> from emlkit.search import Enumeration, enumerate_forms
        >>> import tempfile
        >>> d = tempfile.mkdtemp()
        >>> en = enumerate_forms(9, variables=("x",))
        >>> [p.name for p in en.save(d)][-2:]
        ['level-009.npy', 'manifest.json']
        >>> Enumeration.load(d).counts == en.counts
        True
        """
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        manifest = d / _MANIFEST
        saved: set[int] = set()
        if manifest.exists():
            try:
                old = json.loads(manifest.read_text())
                if self._same_identity(old):
                    saved = {int(k) for k in old["counts"]}
            except (OSError, ValueError, KeyError):
                saved = set()
        written = []
        big = self.total >= 2**31
        for K in sorted(self._levels):
            if K in saved:
                continue
            lv = self._levels[K]
            ids = np.stack([lv.left, lv.right]).astype(np.int64 if big else np.int32)
            written.append(_atomic_write(d / f"level-{K:03d}.npy",
                                         partial(np.save, arr=ids)))
        info = {
            "format": _FORMAT,
            "variables": list(self.variables),
            "points": {v: [[z.real, z.imag] for z in self.points[v].tolist()]
                       for v in self.variables},
            "leaves": [str(leaf) for leaf in self._leaves],
            "counts": {str(k): n for k, n in self.counts.items()},
            "seconds": {str(k): t for k, t in self.seconds.items()},
            "pairs": {str(k): n for k, n in self.pairs.items()},
            "collisions": self.collisions,
            "dedup_bits": dedup_bits(self.P),
        }
        text = json.dumps(info)
        written.append(_atomic_write(manifest, lambda fh: fh.write(text.encode())))
        return written

    def _same_identity(self, info: dict) -> bool:
        if info.get("format") != _FORMAT or tuple(info["variables"]) != self.variables:
            return False
        if info.get("dedup_bits", _OLD_BITS) != dedup_bits(self.P):
            return False
        for v in self.variables:
            pts = np.array([complex(a, b) for a, b in info["points"][v]], dtype=np.complex128)
            if not np.array_equal(pts, self.points[v]):
                return False
        return True

    @classmethod
    def load(cls, directory: str | os.PathLike, *, max_K: int | None = None) -> Self:
        """Rebuild an enumeration saved by :meth:`save` (levels up to ``max_K``).

        Values are recomputed from the children ids with the same arithmetic, so the result
        is identical to the enumeration that was saved; it can be continued with
        ``enumerate_forms(..., resume_from=...)``.

        Raises
        ------
        ValueError
            When the folder holds no complete manifest, a level file is missing or does
            not match (the message names the file).

        >>> from emlkit.search import Enumeration, enumerate_forms
        >>> import tempfile
        >>> d = tempfile.mkdtemp()
        >>> _ = enumerate_forms(13, variables=()).save(d)
        >>> en = Enumeration.load(d, max_K=9)
        >>> en.counts
        {1: 1, 3: 1, 5: 2, 7: 5, 9: 11}
        >>> enumerate_forms(15, variables=(), resume_from=en).counts[15]
        231
        """
        d = Path(directory)
        manifest = d / _MANIFEST
        try:
            info = json.loads(manifest.read_text())
            variables = tuple(info["variables"])
            pts = {
                v: np.array([complex(a, b) for a, b in info["points"][v]], dtype=np.complex128)
                for v in variables
            }
            counts = {int(k): int(n) for k, n in info["counts"].items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{manifest}: no saved enumeration here ({exc})") from None
        if info.get("format") != _FORMAT:
            raise ValueError(f"{manifest}: unknown format {info.get('format')!r}")
        saved_bits = int(info.get("dedup_bits", _OLD_BITS))
        if saved_bits != dedup_bits(len(next(iter(pts.values()))) if pts else 1):
            raise ValueError(f"{manifest}: saved with a {saved_bits}-bit dedup grid, "
                             "this version uses another (start again)")
        en = cls(variables, pts)
        en._add_leaves()
        if [str(leaf) for leaf in en._leaves] != info["leaves"] or en.counts[1] != counts[1]:
            raise ValueError(f"{manifest}: the leaves do not match")
        seconds = {int(k): float(t) for k, t in info["seconds"].items()}
        pairs = {int(k): int(n) for k, n in info["pairs"].items()}
        chunk = max(1, (1 << 22) // en.P)
        for K in sorted(counts):
            if K == 1 or (max_K is not None and K > max_K):
                continue
            path = d / f"level-{K:03d}.npy"
            try:
                ids = np.load(path)
            except (OSError, ValueError) as exc:
                raise ValueError(f"{path}: cannot read the saved level ({exc})") from None
            if ids.ndim != 2 or ids.shape != (2, counts[K]) or (
                ids.size and (ids.min() < 0 or ids.max() >= en.total)
            ):
                raise ValueError(f"{path}: saved level does not match the manifest")
            left, right = ids[0].astype(np.int64), ids[1].astype(np.int64)
            en._add_level(K, left, right, chunk=chunk)
            hs, cs = [], []
            for s in range(0, len(left), chunk):
                h, c = row_keys(en.values(K, s, s + chunk), dedup_bits(en.P))
                hs.append(h)
                cs.append(c)
            h = np.concatenate(hs) if hs else np.zeros(0, dtype=U64)
            c = np.concatenate(cs) if cs else np.zeros(0, dtype=np.uint32)
            if en._known(h, c).any() or len(np.unique(h)) != len(h):
                raise ValueError(f"{path}: saved level repeats known forms (corrupt?)")
            en._merge_keys(h, c)
            en.seconds[K] = seconds.get(K, 0.0)
            en.pairs[K] = pairs.get(K, 0)
        en.collisions = int(info.get("collisions", 0))
        return en


def _atomic_write(path: Path, write: Callable[[Any], Any]) -> Path:
    """Write a file under a temporary name, then rename it over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        write(fh)
    os.replace(tmp, path)
    return path
