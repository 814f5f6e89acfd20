"""The one check of a picture file name that every drawing function makes."""

from __future__ import annotations

from pathlib import Path

from ..errors import DomainError

__all__ = ["FORMATS", "picture_path"]

#: the picture file types the drawing functions write
FORMATS = (".svg", ".png")


def picture_path(path: str | Path) -> tuple[Path, str]:
    """``path`` as a Path and its lower-case suffix; DomainError unless it is .svg or .png.

    >>> picture_path("out/Tree.SVG")
    (PosixPath('out/Tree.SVG'), '.svg')
    >>> picture_path("tree.pdf")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: cannot draw to 'tree.pdf': unsupported file type '.pdf',
    use .svg or .png
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise DomainError(f"cannot draw to {str(p)!r}: unsupported file type "
                          f"{suffix or '(none)'!r}, use .svg or .png")
    return p, suffix
