"""SVG text of the playground's pictures (expression trees, bootstrap chains), drawn via files.

>>> from emlkit import eml
>>> tree_svg(eml("x", 1)).startswith("<svg")
True
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["chain_svg", "tree_svg"]


def _svg_of(draw: Any) -> str:
    """Run ``draw(path)`` on a temporary ``.svg`` file and return the ``<svg ...>`` element."""
    fd, name = tempfile.mkstemp(suffix=".svg")
    os.close(fd)
    try:
        draw(name)
        text = Path(name).read_text(encoding="utf-8")
    finally:
        os.unlink(name)
    i = text.find("<svg")
    return text[i:] if i >= 0 else text


def tree_svg(expr: Any, *, max_nodes: int = 1_500) -> str:
    """The DAG of ``expr`` as SVG text (shared nodes in orange), via :func:`emlkit.draw`.

    Raises :class:`~emlkit.errors.DomainError` when more than ``max_nodes`` would be drawn.

    >>> from emlkit import eml
    >>> "<path" in tree_svg(eml(eml("x", 1), 1))
    True
    """
    import emlkit as ek

    return _svg_of(lambda path: ek.draw(expr, path, max_nodes=max_nodes))


def chain_svg(result: Any) -> str:
    """A bootstrap run's discovery chain as SVG text, via :func:`emlkit.viz.draw_chain`.

    >>> import emlkit as ek
    >>> r = ek.bootstrap(constants=["1"], operations=["plus"], max_K=5, targets=["2"])
    >>> chain_svg(r).startswith("<svg")
    True
    """
    from ..viz import draw_chain

    return _svg_of(lambda path: draw_chain(result, path))
