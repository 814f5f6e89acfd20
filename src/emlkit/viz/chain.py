"""Draw a bootstrap discovery chain as a dependency graph: each primitive under the blocks it uses.

The base blocks sit on the top row; every primitive found sits one row below the deepest block
its witness uses, with an arrow from each block it uses, so the picture reads like the paper's
Fig. 1 (the calculator basis growing out of ``{1; eml}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._files import picture_path

__all__ = ["ChainLayout", "draw_chain", "layout_chain"]



@dataclass(frozen=True)
class ChainLayout:
    """Nodes ``(name, label, row, column)`` and edges ``(from, to)`` (indices into ``nodes``).

    Examples
    --------
    >>> from emlkit.search.bootstrap import bootstrap
    >>> r = bootstrap(constants=["1"], operations=["plus"], max_K=5, targets=["2", "e"])
    >>> lay = layout_chain(r)
    >>> [n[0] for n in lay.nodes], lay.edges
    (['1', 'plus', '2'], ((0, 2), (1, 2)))
    """

    nodes: tuple[tuple[str, str, int, int], ...]
    edges: tuple[tuple[int, int], ...]

    @property
    def rows(self) -> int:
        """Number of rows (the base is row 0)."""
        return 1 + max((n[2] for n in self.nodes), default=0)


def _names_in(term: tuple) -> set[str]:
    """Block names used by a witness term (iterative walk over the nested tuples)."""
    found: set[str] = set()
    stack = [term]
    while stack:
        t = stack.pop()
        found.add(t[0])
        stack.extend(t[1:])
    return found


def layout_chain(result: Any) -> ChainLayout:
    """Place the blocks of a :class:`~emlkit.search.bootstrap.BootstrapResult` in rows.

    Parameters
    ----------
    result : BootstrapResult
        A finished (complete or not) bootstrap run.

    Returns
    -------
    ChainLayout
    """
    from ..search.bootstrap import LABELS

    index: dict[str, int] = {}
    nodes: list[tuple[str, str, int, int]] = []
    per_row: dict[int, int] = {}

    def add(name: str, row: int) -> None:
        col = per_row.get(row, 0)
        per_row[row] = col + 1
        index[name] = len(nodes)
        nodes.append((name, LABELS.get(name, name), row, col))

    for name in result.base:
        add(name if name != "EML" else "eml", 0)
    edges: list[tuple[int, int]] = []
    for step in result.chain:
        used = sorted(n for n in _names_in(step.term) if n in index and n != step.name)
        row = 1 + max((nodes[index[n]][2] for n in used), default=0)
        add(step.name, row)
        edges.extend((index[n], index[step.name]) for n in used)
    return ChainLayout(tuple(nodes), tuple(edges))


def draw_chain(result: Any, path: str | Path, *, title: str | None = None) -> ChainLayout:
    """Draw the discovery chain of a bootstrap run to an SVG or PNG file.

    Parameters
    ----------
    result : BootstrapResult
        The run to draw.
    path : str or Path
        Output file ending in ``.svg`` or ``.png``.
    title : str, optional
        Title above the graph (default: the base and how many primitives were reached).

    Returns
    -------
    ChainLayout

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from emlkit.search.bootstrap import bootstrap
    >>> r = bootstrap(constants=["1"], operations=["plus"], max_K=5, targets=["2", "e"])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "chain.svg"
    >>> draw_chain(r, out).rows
    2
    >>> out.read_text()[:5]
    '<?xml'
    """
    path, _ = picture_path(path)
    layout = layout_chain(result)
    if title is None:
        title = (f"{{{'; '.join(result.base)}}}: {len(result.found())}/{len(result.targets)} "
                 "primitives reached")
    _render(layout, path, title)
    return layout


def _render(layout: ChainLayout, path: Path, title: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    widest = max((n[3] + 1 for n in layout.nodes), default=1)
    rows = layout.rows
    fig = Figure(figsize=(min(max(1.5 * widest, 5.0), 30.0), min(0.9 * rows + 1.0, 30.0)))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.9))
    ax.set_axis_off()
    counts: dict[int, int] = {}
    for n in layout.nodes:
        counts[n[2]] = counts.get(n[2], 0) + 1
    pos = [((n[3] + 0.5) * widest / counts[n[2]], -n[2]) for n in layout.nodes]
    for a, b in layout.edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.annotate("", xy=(x1, y1 + 0.18), xytext=(x0, y0 - 0.18),
                    arrowprops={"arrowstyle": "->", "color": "#999999", "lw": 0.7}, zorder=1)
    for (name, label, row, _), (x, y) in zip(layout.nodes, pos):
        colour = "#dd8452" if row == 0 else "#4c72b0"
        ax.text(x, y, label, ha="center", va="center", fontsize=9, color="white", zorder=2,
                bbox={"boxstyle": "round,pad=0.3", "fc": colour, "ec": "none"})
    ax.set_xlim(-0.2, widest + 0.2)
    ax.set_ylim(-rows + 0.5, 0.5)
    fig.suptitle(title, fontsize=10)
    fig.savefig(path, format=path.suffix.lower()[1:])
