"""Immutable, hash-consed EML expressions: ``1``, named variables and ``eml(a, b)``.

Every node is interned: building a node that already exists returns the existing object, so
structural equality is identity (``a is b``), hashing is O(1) and a tree built with repeated
subtrees is automatically a DAG. All traversals are iterative, so trees of any depth work.

>>> x = Var("x")
>>> ln_x = Eml(ONE, Eml(Eml(ONE, x), ONE))     # e - ln(e^e / x) = ln x
>>> ln_x.K, ln_x.depth, ln_x.dag_size
(7, 3, 3)
>>> Eml(ONE, Eml(Eml(ONE, x), ONE)) is ln_x
True
>>> str(ln_x)
'eml(1, eml(eml(1, x), 1))'
"""

from __future__ import annotations

import keyword
import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, Union

from .errors import DomainError

__all__ = [
    "Expr",
    "One",
    "Var",
    "Eml",
    "ONE",
    "eml",
    "as_expr",
    "postorder",
    "substitute",
    "fold",
    "RESERVED_NAMES",
]

#: Largest drawing (nodes) and LaTeX form (K) that a notebook shows for an expression.
NOTEBOOK_MAX_NODES = 200
NOTEBOOK_MAX_K = 400
#: Jupyter display functions by kind (``"svg"``, ``"latex"``), installed by ``emlkit``.
DISPLAY_HOOKS: dict[str, Callable[[Any], str | None]] = {}

#: Names a variable may not take: they are tokens of the text formats.
RESERVED_NAMES = frozenset({"E", "eml", "EML", "let", "in"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class Expr:
    """An EML expression node. Subclasses: :class:`One`, :class:`Var`, :class:`Eml`.

    Nodes are immutable and interned; compare them with ``is`` (``==`` is identity too).

    Attributes
    ----------
    K : int
        RPN token count (leaves + eml nodes) of the tree, counting shared subtrees every time
        they occur — the paper's complexity.
    depth : int
        eml nodes on the longest root-to-leaf path (a leaf has depth 0).
    dag_size : int
        Distinct eml nodes after hash-consing (shared subtrees counted once).
    args : tuple
        The children (``()`` for leaves); ``node.func(*node.args) is node``.

    Examples
    --------
    >>> e = eml(1, eml("x", 1))
    >>> e.args[1].args
    (Var('x'), One())
    >>> e.func(*e.args) is e
    True
    """

    __slots__ = ("__weakref__",)
    K: int
    depth: int

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __copy__(self) -> Expr:
        return self

    def __deepcopy__(self, memo: dict) -> Expr:
        return self

    @property
    def args(self) -> tuple[Expr, ...]:
        return ()

    @property
    def func(self) -> Callable[..., Expr]:
        return type(self)

    @property
    def dag_size(self) -> int:
        return sum(1 for node in postorder(self) if isinstance(node, Eml))

    @property
    def free_vars(self) -> frozenset[str]:
        """Names of the variables that occur in the expression.

        >>> sorted(eml("y", eml("x", 1)).free_vars)
        ['x', 'y']
        """
        return frozenset(n.name for n in postorder(self) if isinstance(n, Var))

    @property
    def is_constant(self) -> bool:
        """True when no variable occurs (the tree denotes a number).

        >>> eml(1, 1).is_constant, eml("x", 1).is_constant
        (True, False)
        """
        return not self.free_vars

    def __str__(self) -> str:
        return eml_string(self)

    def _repr_svg_(self) -> str | None:
        """The DAG drawing for Jupyter (None past :data:`NOTEBOOK_MAX_NODES` drawn nodes).

        The drawing lives in a higher layer (:mod:`emlkit.viz`); ``import emlkit`` installs it
        in :data:`DISPLAY_HOOKS`, so this layer imports nothing above it.

        >>> eml("x", 1)._repr_svg_()[:5]
        '<?xml'
        """
        hook = DISPLAY_HOOKS.get("svg")
        return hook(self) if hook is not None else None

    def _repr_latex_(self) -> str | None:
        r"""LaTeX for Jupyter (None past :data:`NOTEBOOK_MAX_K` tokens).

        >>> print(eml("x", 1)._repr_latex_())
        $\operatorname{eml}\left(x, 1\right)$
        """
        hook = DISPLAY_HOOKS.get("latex")
        if self.K > NOTEBOOK_MAX_K or hook is None:
            return None
        return hook(self)

    def __reduce__(self) -> tuple:
        return (_from_rpn, (rpn_string(self),))


class One(Expr):
    """The constant leaf ``1`` (a singleton, also available as :data:`ONE`).

    >>> One() is ONE
    True
    """

    __slots__ = ("K", "depth")
    _instance: ClassVar[One | None] = None

    def __new__(cls) -> One:
        if cls._instance is None:
            obj = object.__new__(cls)
            object.__setattr__(obj, "K", 1)
            object.__setattr__(obj, "depth", 0)
            cls._instance = obj
        return cls._instance

    def __repr__(self) -> str:
        return "One()"


class Var(Expr):
    """A named variable leaf; the name must be an identifier and not a reserved token.

    >>> Var("x") is Var("x")
    True
    >>> Var("2x")
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: invalid variable name '2x': expected an identifier such as x or y1
    """

    __slots__ = ("K", "depth", "name")
    name: str
    _pool: ClassVar[weakref.WeakValueDictionary[str, Var]] = weakref.WeakValueDictionary()

    def __new__(cls, name: str) -> Var:
        node = cls._pool.get(name)
        if node is not None:
            return node
        if not isinstance(name, str) or not _NAME.match(name):
            raise DomainError(
                f"invalid variable name {name!r}: expected an identifier such as x or y1"
            )
        if name in RESERVED_NAMES or keyword.iskeyword(name):
            raise DomainError(f"invalid variable name {name!r}: it is a reserved word")
        obj = object.__new__(cls)
        object.__setattr__(obj, "K", 1)
        object.__setattr__(obj, "depth", 0)
        object.__setattr__(obj, "name", name)
        cls._pool[name] = obj
        return obj

    def __getnewargs__(self) -> tuple[str]:
        return (self.name,)

    @property
    def func(self) -> Callable[..., Expr]:
        return lambda: self

    def __repr__(self) -> str:
        return f"Var({self.name!r})"


class Eml(Expr):
    """The node ``eml(left, right) = exp(left) - ln(right)``; interned on its two children.

    >>> x = Var("x")
    >>> Eml(x, ONE) is Eml(x, ONE)
    True
    >>> Eml(x, ONE).K
    3
    """

    __slots__ = ("K", "depth", "left", "right", "_dag_size")
    left: Expr
    right: Expr
    _dag_size: int
    _pool: ClassVar[weakref.WeakValueDictionary[tuple[int, int], Eml]] = (
        weakref.WeakValueDictionary()
    )

    def __new__(cls, left: Expr, right: Expr) -> Eml:
        # Children are interned and kept alive by the parent, so their ids are stable keys.
        key = (id(left), id(right))
        node = cls._pool.get(key)
        if node is not None:
            return node
        if not isinstance(left, Expr) or not isinstance(right, Expr):
            bad = left if not isinstance(left, Expr) else right
            raise TypeError(f"eml children must be Expr nodes, got {type(bad).__name__}: {bad!r}")
        obj = object.__new__(cls)
        object.__setattr__(obj, "left", left)
        object.__setattr__(obj, "right", right)
        object.__setattr__(obj, "K", 1 + left.K + right.K)
        object.__setattr__(obj, "depth", 1 + max(left.depth, right.depth))
        object.__setattr__(obj, "_dag_size", 0)
        cls._pool[key] = obj
        return obj

    def __getnewargs__(self) -> tuple[Expr, Expr]:  # pragma: no cover - pickling uses __reduce__
        return (self.left, self.right)

    @property
    def args(self) -> tuple[Expr, Expr]:
        return (self.left, self.right)

    @property
    def dag_size(self) -> int:
        if not self._dag_size:
            object.__setattr__(self, "_dag_size", super().dag_size)
        return self._dag_size

    def __repr__(self) -> str:
        if self.K <= 61:
            return f"Eml[{eml_string(self)}]"
        return f"<Eml K={self.K} depth={self.depth} dag_size={self.dag_size}>"


ONE = One()

ExprLike = Union[Expr, int, str]


def as_expr(value: ExprLike) -> Expr:
    """Turn ``1`` into :data:`ONE`, a name into a :class:`Var`, and pass nodes through.

    >>> as_expr(1) is ONE, as_expr("x") is Var("x")
    (True, True)
    """
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool):
        raise TypeError(f"cannot use {value!r} as an EML expression")
    if isinstance(value, int) and value == 1:
        return ONE
    if isinstance(value, str):
        return ONE if value.strip() == "1" else Var(value.strip())
    raise TypeError(
        f"cannot use {value!r} as an EML expression: only 1, variable names and Expr nodes"
    )


def eml(left: ExprLike, right: ExprLike) -> Eml:
    """Build ``eml(left, right)``; ``1`` and variable names are accepted as leaves.

    >>> str(eml("x", 1))    # exp(x)
    'eml(x, 1)'
    """
    return Eml(as_expr(left), as_expr(right))


def postorder(expr: Expr) -> list[Expr]:
    """Distinct nodes of ``expr`` in topological order (children before parents), iteratively.

    Each shared node appears once, so the list length is the DAG's node count.

    >>> [str(n) for n in postorder(eml(eml(1, 1), eml(1, 1)))]
    ['1', 'eml(1, 1)', 'eml(eml(1, 1), eml(1, 1))']
    """
    order: list[Expr] = []
    seen: set[int] = set()
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        if isinstance(node, Eml):
            if id(node.right) not in seen:
                stack.append((node.right, False))
            if id(node.left) not in seen:
                stack.append((node.left, False))
    return order


def fold(expr: Expr, leaf: Callable[[Expr], Any], node: Callable[[Any, Any], Any]) -> Any:
    """Bottom-up fold over the DAG: ``leaf(n)`` for leaves, ``node(l, r)`` for eml nodes.

    Shared subtrees are folded once. Iterative, so depth is unlimited.

    >>> fold(eml(1, eml("x", 1)), lambda n: 1, lambda l, r: l + r)   # count leaves (K - nodes)
    3
    """
    values: dict[int, Any] = {}
    for n in postorder(expr):
        if isinstance(n, Eml):
            values[id(n)] = node(values[id(n.left)], values[id(n.right)])
        else:
            values[id(n)] = leaf(n)
    return values[id(expr)]


def substitute(expr: Expr, mapping: Mapping[str, ExprLike]) -> Expr:
    """Replace variables by expressions (simultaneously), sharing every untouched subtree.

    >>> x2 = substitute(eml("x", 1), {"x": eml("y", 1)})
    >>> str(x2)
    'eml(eml(y, 1), 1)'
    """
    repl = {name: as_expr(v) for name, v in mapping.items()}

    def leaf(n: Expr) -> Expr:
        return repl.get(n.name, n) if isinstance(n, Var) else n

    return fold(expr, leaf, Eml)


def eml_string(expr: Expr) -> str:
    """The canonical text ``eml(a, b)`` of a tree (shared subtrees written out in full).

    >>> eml_string(eml(1, "x"))
    'eml(1, x)'
    """
    parts: list[str] = []
    stack: list[Expr | str] = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, Eml):
            stack.extend((")", item.right, ", ", item.left, "eml("))
        elif isinstance(item, Var):
            parts.append(item.name)
        else:
            parts.append("1")
    return "".join(parts)


def rpn_string(expr: Expr) -> str:
    """Reverse Polish text: ``1``, variable names and ``E`` for eml, separated by spaces.

    >>> rpn_string(eml(1, eml(eml(1, "x"), 1)))
    '1 1 x E 1 E E'
    """
    parts: list[str] = []
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, done = stack.pop()
        if done:
            parts.append("E")
        elif isinstance(node, Eml):
            stack.extend(((node, True), (node.right, False), (node.left, False)))
        else:
            parts.append(node.name if isinstance(node, Var) else "1")
    return " ".join(parts)


def _from_rpn(text: str) -> Expr:
    """Rebuild from :func:`rpn_string` output (used by pickling; trusted input)."""
    stack: list[Expr] = []
    for tok in text.split():
        if tok == "E":
            right = stack.pop()
            stack[-1] = Eml(stack[-1], right)
        else:
            stack.append(ONE if tok == "1" else Var(tok))
    return stack[0]


def iter_tree(expr: Expr) -> Iterator[Expr]:
    """Pre-order over the *tree* (a shared subtree is visited every time it occurs).

    >>> [str(n) for n in iter_tree(eml(1, 1))]
    ['eml(1, 1)', '1', '1']
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Eml):
            stack.append(node.right)
            stack.append(node.left)
