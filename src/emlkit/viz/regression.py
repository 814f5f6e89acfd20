"""Pictures of a regression: the training loss curve and the recovered tree.

matplotlib is imported only when drawing, and only its object API is used (no ``pyplot``
state, no GUI backend), so this works headless and in threads. ``EMLRegressor.plot`` and
``eml fit --plot/--tree`` draw with these functions.

>>> ax = plot_loss([1.0, 0.1, 0.01])
>>> ax.get_yscale()
'log'
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..expr import Expr

__all__ = ["plot_fit", "plot_loss", "plot_tree", "tree_svg"]


def plot_loss(loss_curve: Sequence[float], ax: Any = None, *, path: str | os.PathLike | None = None,
              title: str | None = None) -> Any:
    """Draw a loss curve (log scale when every value is positive).

    Parameters
    ----------
    loss_curve : sequence of float
        Loss per training step; may be empty (the picture then says no training ran).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure is made.
    path : str or Path, optional
        Save the figure there (``.png``, ``.svg``, ``.pdf``).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "loss.png"
    >>> _ = plot_loss([3.0, 1.0, 0.5], path=out)
    >>> out.read_bytes()[:4]
    b'\\x89PNG'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    values = [float(v) for v in loss_curve]
    if ax is None:
        fig = Figure(figsize=(6, 3.6))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
    fig = ax.figure
    finite = [v for v in values if math.isfinite(v)]
    if values:
        ax.plot(range(len(values)), values, lw=1.2, color="tab:blue")
        if finite and min(finite) > 0:
            ax.set_yscale("log")
    else:
        ax.text(0.5, 0.5, "no training ran (found by search)", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title or "training loss")
    ax.grid(True, alpha=0.3)
    if path is not None:
        fig.tight_layout()
        fig.savefig(str(path))
    return ax


def plot_tree(expr: Expr, path: str | os.PathLike, *, title: str | None = None) -> Path:
    """Draw the tree of ``expr`` to ``path`` (``.svg`` or ``.png``) with :func:`emlkit.draw`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from emlkit.expr import eml
    >>> out = plot_tree(eml("x", 1), pathlib.Path(tempfile.mkdtemp()) / "t.svg")
    >>> "<svg" in out.read_text()
    True
    """
    from .tree import draw

    path = Path(path)
    draw(expr, path, title=title)
    return path


def tree_svg(expr: Expr) -> str:
    """The tree of ``expr`` as inline SVG text (for HTML views).

    >>> from emlkit.expr import eml
    >>> tree_svg(eml("x", 1)).startswith("<svg")
    True
    """
    fd, name = tempfile.mkstemp(suffix=".svg")
    os.close(fd)
    try:
        plot_tree(expr, name)
        text = Path(name).read_text(encoding="utf-8")
    finally:
        os.unlink(name)
    i = text.find("<svg")
    return text[i:] if i >= 0 else text


def plot_fit(reg: Any, path: str | os.PathLike | None = None, *,
             tree: str | os.PathLike | None = None) -> Any:
    """Draw a fitted ``EMLRegressor``: its loss curve (to ``path``, or returned as axes) and,
    with ``tree``, the recovered tree (an ``.svg``/``.png`` file).

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> from emlkit.regress import EMLRegressor
    >>> x = np.linspace(0.5, 2, 12)[:, None]
    >>> reg = EMLRegressor(max_depth=3, random_state=0).fit(x, np.exp(x[:, 0]))
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> _ = plot_fit(reg, out / "loss.png", tree=out / "tree.svg")
    >>> sorted(p.name for p in out.iterdir())
    ['loss.png', 'tree.svg']
    """
    if getattr(reg, "formula_", None) is None:
        raise ValueError(f"this {type(reg).__name__} is not fitted yet: call fit first")
    ax = plot_loss(reg.loss_curve_, path=path, title=f"{type(reg).__name__}: {reg.sympy_}")
    if tree is not None:
        plot_tree(reg.formula_, tree)
    return ax
