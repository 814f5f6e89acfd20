"""Pictures of EML expressions: tree/DAG drawings (matplotlib, imported only when drawing).

>>> from emlkit.viz import layout_dag
>>> from emlkit.expr import eml
>>> layout_dag(eml("x", 1)).n_nodes
3
"""

from .tree import DrawnNode, TreeLayout, draw, layout_dag, to_svg

__all__ = ["draw", "to_svg", "layout_dag", "TreeLayout", "DrawnNode"]
