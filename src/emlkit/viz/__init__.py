"""Pictures: expression trees/DAGs and bootstrap chains (matplotlib, imported only when drawing).

>>> from emlkit.viz import layout_dag
>>> from emlkit.expr import eml
>>> layout_dag(eml("x", 1)).n_nodes
3
"""

from .chain import ChainLayout, draw_chain, layout_chain
from .tree import DrawnNode, TreeLayout, draw, layout_dag

__all__ = [
           "ChainLayout",
           "DrawnNode",
           "TreeLayout",
           "draw",
           "draw_chain",
           "layout_chain",
           "layout_dag",
]
