"""Draw an EML expression as its DAG (shared subtrees drawn once), with matplotlib only.

Layout: eml nodes sit on layers by ``depth`` (the root on top); each shared node is drawn
once, under the first parent that reaches it in a left-to-right walk, and its other parents get
extra edges to it. Leaves (``1`` and variables) are drawn once per use, just under their parent,
so a DAG with a thousand uses of ``1`` stays readable (``share_leaves=True`` draws each leaf
once instead). x positions come from a tidy layout of that spanning tree: its leaves take
consecutive slots and every node is centred over its children, so no two nodes collide.
Everything is iterative, so depth is unlimited; drawings are refused past ``max_nodes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DomainError
from ..expr import Eml, Expr, Var, postorder
from ._files import picture_path

__all__ = ["DrawnNode", "TreeLayout", "draw", "layout_dag", "to_svg"]

_LABEL_LIMIT = 150  # beyond this many drawn nodes, labels are left out
_NAME_CHARS = 6  # variable names longer than this are shortened with an ellipsis


@dataclass(frozen=True)
class DrawnNode:
    """One node of a drawing.

    Attributes
    ----------
    kind : {"eml", "one", "var"}
    label : str
        ``"E"`` for eml nodes, ``"1"``, or the (possibly shortened) variable name.
    x, y : float
        Position; ``y`` is the layer (the eml depth of the node, leaves one below a parent).
    parents : int
        Incoming edges (a node used twice by the same parent, as in ``eml(a, a)``, has 2).
    """

    kind: str
    label: str
    x: float
    y: float
    parents: int

    @property
    def shared(self) -> bool:
        """True when the node has more than one incoming edge."""
        return self.parents > 1


@dataclass(frozen=True)
class TreeLayout:
    """The geometry of a drawing: nodes, edges ``(parent, child, side)`` and counts.

    ``side`` is ``"L"`` for the ``exp`` argument (left) and ``"R"`` for the ``ln`` argument.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> a = eml("x", 1)
    >>> lay = layout_dag(eml(a, eml(a, 1)))
    >>> lay.n_nodes, lay.n_edges, lay.n_shared
    (6, 6, 1)
    """

    nodes: tuple[DrawnNode, ...]
    edges: tuple[tuple[int, int, str], ...]

    @property
    def n_nodes(self) -> int:
        """Number of drawn nodes."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of drawn edges."""
        return len(self.edges)

    @property
    def n_shared(self) -> int:
        """Number of drawn nodes with more than one incoming edge."""
        return sum(1 for n in self.nodes if n.shared)


def layout_dag(expr: Expr, *, share_leaves: bool = False) -> TreeLayout:
    """Compute the layered layout of ``expr`` that :func:`draw` renders (no matplotlib needed).

    Parameters
    ----------
    expr : Expr
        The expression.
    share_leaves : bool, default False
        Draw each distinct leaf once (with many incoming edges) instead of once per use.

    Returns
    -------
    TreeLayout
        Nodes with positions and incoming-edge counts, and the edges.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> lay = layout_dag(eml(1, eml(eml(1, "x"), 1)))     # ln x: a tree, nothing shared
    >>> lay.n_nodes, lay.n_shared, [n.label for n in lay.nodes][:3]
    (7, 0, ['E', '1', 'E'])
    """
    depth_of = {id(n): n.depth for n in postorder(expr)}
    index: dict[int, int] = {}  # id(shared-drawn node) -> node index
    kinds: list[str] = []
    labels: list[str] = []
    layer: list[float] = []
    tree_children: list[list[int]] = []
    edges: list[tuple[int, int, str]] = []

    def new_node(node: Expr, y: float) -> int:
        i = len(kinds)
        if isinstance(node, Eml):
            kinds.append("eml")
            labels.append("E")
        elif isinstance(node, Var):
            kinds.append("var")
            name = node.name
            labels.append(name if len(name) <= _NAME_CHARS else name[: _NAME_CHARS - 1] + "…")
        else:
            kinds.append("one")
            labels.append("1")
        layer.append(y)
        tree_children.append([])
        return i

    # Pre-order walk (left before right); the first visit of a node places it.
    root = new_node(expr, float(expr.depth))
    if isinstance(expr, Eml) or share_leaves:
        index[id(expr)] = root
    stack: list[tuple[Expr, int]] = [(expr, root)]
    while stack:
        node, i = stack.pop()
        if not isinstance(node, Eml):
            continue
        pending = []
        for child, side in ((node.left, "L"), (node.right, "R")):
            shared_kind = isinstance(child, Eml) or share_leaves
            j = index.get(id(child)) if shared_kind else None
            if j is None:
                y = float(depth_of[id(child)]) if shared_kind else float(node.depth - 1)
                j = new_node(child, y)
                if shared_kind:
                    index[id(child)] = j
                tree_children[i].append(j)
                pending.append((child, j))
            edges.append((i, j, side))
        stack.extend(reversed(pending))

    xs = _tidy_x(root, tree_children)
    incoming = [0] * len(kinds)
    for _, j, _ in edges:
        incoming[j] += 1
    nodes = tuple(
        DrawnNode(kinds[i], labels[i], xs[i], layer[i], incoming[i]) for i in range(len(kinds))
    )
    return TreeLayout(nodes, tuple(edges))


def _tidy_x(root: int, children: list[list[int]]) -> list[float]:
    """Spanning-tree leaves on consecutive slots, parents centred over children (iterative)."""
    xs = [0.0] * len(children)
    slot = 0
    stack: list[tuple[int, bool]] = [(root, False)]
    while stack:
        i, done = stack.pop()
        kids = children[i]
        if not kids:
            xs[i] = float(slot)
            slot += 1
        elif done:
            xs[i] = (xs[kids[0]] + xs[kids[-1]]) / 2
        else:
            stack.append((i, True))
            stack.extend((k, False) for k in reversed(kids))
    return xs


def draw(
    expr: Expr,
    path: str | Path,
    *,
    share_leaves: bool = False,
    max_nodes: int = 1000,
    labels: bool | None = None,
    title: str | None = None,
) -> TreeLayout:
    """Draw ``expr`` as a DAG picture; the file type (SVG or PNG) follows the suffix of ``path``.

    Shared eml nodes are drawn once, in orange, with one edge per use and their use count;
    the ``exp`` (left) argument edges are solid and the ``ln`` (right) argument edges dashed.

    Parameters
    ----------
    expr : Expr
        The expression.
    path : str or Path
        Output file ending in ``.svg`` or ``.png``.
    share_leaves : bool, default False
        Draw each distinct leaf once instead of once per use.
    max_nodes : int, default 1000
        Refuse to draw more nodes than this (a picture that large is unreadable; export
        Graphviz DOT instead).
    labels : bool or None, default None
        Write ``E``/``1``/names in the nodes; ``None`` means only up to 150 drawn nodes.
    title : str or None
        A title above the drawing; by default the sizes ``K``, ``depth`` and ``dag_size``.

    Returns
    -------
    TreeLayout
        The layout that was drawn (node, edge and shared-node counts).

    Raises
    ------
    DomainError
        Unsupported suffix, or more than ``max_nodes`` nodes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from emlkit.expr import eml
    >>> a = eml("x", 1)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "tree.svg"
    >>> draw(eml(a, eml(a, 1)), out).n_shared
    1
    >>> out.read_text()[:5]
    '<?xml'
    """
    path, suffix = picture_path(path)
    _check_size(expr, share_leaves, max_nodes)
    layout = layout_dag(expr, share_leaves=share_leaves)
    _render(layout, path, suffix, expr, labels, title)
    return layout


def to_svg(expr: Expr, *, max_nodes: int = 200, share_leaves: bool = False) -> str:
    """The drawing of :func:`draw` as SVG text (what a notebook shows for an expression).

    Parameters
    ----------
    expr : Expr
    max_nodes : int, default 200
        Refuse larger drawings (:class:`~emlkit.errors.DomainError`).
    share_leaves : bool, default False
        Draw each distinct leaf once.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> svg = to_svg(eml("x", 1))
    >>> svg.startswith("<?xml") and "</svg>" in svg
    True
    """
    import io

    _check_size(expr, share_leaves, max_nodes)
    layout = layout_dag(expr, share_leaves=share_leaves)
    buffer = io.BytesIO()
    _render(layout, buffer, ".svg", expr, None, None)
    return buffer.getvalue().decode("utf-8")


def _check_size(expr: Expr, share_leaves: bool, max_nodes: int) -> None:
    """Count the nodes before laying out, so a huge DAG is refused cheaply."""
    distinct = postorder(expr)
    n_eml = sum(1 for n in distinct if isinstance(n, Eml))
    estimate = n_eml + (len(distinct) - n_eml if share_leaves else 2 * n_eml - _eml_uses(distinct))
    estimate = max(estimate, 1)
    if estimate > max_nodes:
        raise DomainError(
            f"expression too large to draw: {estimate} nodes (max_nodes={max_nodes}); "
            "export it with `eml compile --format dot` and render it with Graphviz"
        )


def _eml_uses(distinct: list[Expr]) -> int:
    """Child slots filled by eml nodes (the rest are leaf uses)."""
    return sum(
        isinstance(n.left, Eml) + isinstance(n.right, Eml) for n in distinct if isinstance(n, Eml)
    )


_COLOURS = {"eml": "#4c72b0", "one": "#8c8c8c", "var": "#55a868", "shared": "#dd8452"}


def _render(
    layout: TreeLayout, path: Any, suffix: str, expr: Expr, labels: bool | None, title: str | None
) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    nodes = layout.nodes
    xs = [n.x for n in nodes]
    ys = [n.y for n in nodes]
    span_x = max(xs) - min(xs) + 1
    span_y = max(ys) - min(ys) + 1
    width = min(max(0.5 * span_x + 1.0, 4.0), 40.0)
    height = min(max(0.75 * span_y + 1.2, 3.0), 40.0)
    unit = min(width * 72 / (span_x + 1), height * 72 / (span_y + 1))  # points per layout unit
    size = max(2.0, min(22.0, 0.7 * unit))  # marker diameter, points
    show = labels if labels is not None else len(nodes) <= _LABEL_LIMIT

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    title_in = 0.45 if title != "" else 0.0  # inches above the drawing: title, then legend
    top = (title_in + 0.45) / height
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96 - top))
    ax.set_axis_off()
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)

    from matplotlib.collections import LineCollection

    for shared in (False, True):
        for side, style in (("L", "-"), ("R", "--")):
            segs = [
                [(nodes[i].x, nodes[i].y), (nodes[j].x, nodes[j].y)]
                for i, j, s in layout.edges
                if s == side and nodes[j].shared == shared
            ]
            if segs:
                colour = _COLOURS["shared"] if shared else "#555555"
                ax.add_collection(
                    LineCollection(segs, colors=colour, linestyles=style, linewidths=1.0, zorder=1)
                )
    groups = (
        ("eml", "o", lambda n: n.kind == "eml" and not n.shared),
        ("one", "s", lambda n: n.kind == "one" and not n.shared),
        ("var", "s", lambda n: n.kind == "var" and not n.shared),
        ("shared", "o", lambda n: n.shared),
    )
    for colour_key, marker, keep in groups:
        chosen = [n for n in nodes if keep(n)]
        if chosen:
            ax.scatter(
                [n.x for n in chosen], [n.y for n in chosen], s=size**2, marker=marker,
                c=_COLOURS[colour_key], edgecolors="black" if colour_key == "shared" else "white",
                linewidths=0.8, zorder=2,
            )
    if show:
        for n in nodes:
            ax.annotate(
                n.label, (n.x, n.y), ha="center", va="center", color="white",
                fontsize=max(4.0, 0.45 * size), fontweight="bold", zorder=3,
            )
            if n.shared:
                ax.annotate(
                    f"×{n.parents}", (n.x, n.y), xytext=(0.55 * size, 0.55 * size),
                    textcoords="offset points", fontsize=max(4.0, 0.4 * size),
                    color=_COLOURS["shared"], zorder=3,
                )
    if title != "":
        text = title if title is not None else (
            f"K={expr.K}  depth={expr.depth}  dag_size={expr.dag_size}  "
            f"shared={layout.n_shared}"
        )
        size = min(max(10.0, 0.4 * width), 16.0)
        fig.suptitle(text, y=1 - 0.12 / height, va="top", fontsize=size)
    handles = [
        Line2D([], [], color="#555555", linestyle="-", label="exp arg (left)"),
        Line2D([], [], color="#555555", linestyle="--", label="ln arg (right)"),
        Line2D([], [], marker="o", linestyle="", color=_COLOURS["shared"], label="shared"),
    ]
    legend_size = min(max(7.0, 0.25 * width), 12.0)
    fig.legend(
        handles=handles, loc="upper center", ncol=3, fontsize=legend_size, frameon=False,
        bbox_to_anchor=(0.5, 1.0 - (title_in + 0.02) / height),
    )
    fig.savefig(path, format=suffix[1:], dpi=100 if width * height < 400 else 72)
