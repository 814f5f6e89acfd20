"""Pictures: expression DAGs, bootstrap chains, PCF convergence (matplotlib, loaded on drawing).

>>> from emlkit.viz import layout_dag
>>> from emlkit.expr import eml
>>> layout_dag(eml("x", 1)).n_nodes
3
"""

from ._files import picture_path
from .chain import ChainLayout, draw_chain, layout_chain
from .convergence import convergence_digits, draw_convergence
from .tree import DrawnNode, TreeLayout, draw, layout_dag, to_svg

__all__ = [
    "ChainLayout",
    "DrawnNode",
    "TreeLayout",
    "convergence_digits",
    "draw",
    "draw_chain",
    "draw_convergence",
    "layout_chain",
    "layout_dag",
    "picture_path",
    "to_svg",
]
