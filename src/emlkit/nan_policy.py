"""NaN is never silent: the ``on_nan`` option, the warning, and a short label of the node at fault.

Part of the evaluation contract of :mod:`emlkit.semantics` (which re-exports these names): a
NaN in a result is reported with the first node that produced it. ``on_nan="warn"`` (default)
emits an :class:`EvaluationWarning`, ``"raise"`` raises
:class:`~emlkit.errors.EvaluationError`, ``"ignore"`` returns as is.

>>> from emlkit import eml
>>> describe(eml(1, eml(eml(1, "x"), 1)))
'K=7 depth=3: eml(1, eml(eml(1, x), 1))'
"""

from __future__ import annotations

import warnings

from .errors import DomainError, EvaluationError
from .expr import Eml, Expr, Var

__all__ = ["ON_NAN_CHOICES", "EvaluationWarning", "check_on_nan", "describe", "report_nan"]

#: Accepted values of the ``on_nan`` option.
ON_NAN_CHOICES = ("warn", "raise", "ignore")


class EvaluationWarning(RuntimeWarning):
    """A NaN reached the result of an evaluation; ``node`` produced it first on ``count`` points.

    Examples
    --------
    >>> w = EvaluationWarning("NaN", node=None, count=3)
    >>> (w.count, isinstance(w, RuntimeWarning))
    (3, True)
    """

    def __init__(self, message: str, node: Expr | None = None, count: int = 0) -> None:
        super().__init__(message)
        self.node = node
        self.count = count


def describe(node: Expr, limit: int = 60) -> str:
    """A short human label of a node: its size and the beginning of its text.

    Stops printing after ``limit`` characters, so it is cheap on huge DAGs (whose full text can
    be exponentially long).

    Parameters
    ----------
    node : Expr
    limit : int, default 60
        Maximum number of characters of the text.

    Examples
    --------
    >>> from emlkit import eml
    >>> describe(eml("x", 1))
    'K=3 depth=1: eml(x, 1)'
    """
    parts: list[str] = []
    size = 0
    stack: list[Expr | str] = [node]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, str):
            text = item
        elif isinstance(item, Eml):
            left, right = item.args
            stack.extend((")", right, ", ", left))
            text = "eml("
        elif isinstance(item, Var):
            text = str(item)  # the variable's name
        else:
            text = "1"
        parts.append(text)
        size += len(text)
    text = "".join(parts)
    if stack or len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"K={node.K} depth={node.depth}: {text}"


def check_on_nan(on_nan: str) -> str:
    """Validate the ``on_nan`` option.

    Examples
    --------
    >>> check_on_nan("raise")
    'raise'
    >>> check_on_nan("loud")
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: on_nan='loud' is not one of 'warn', 'raise', 'ignore'
    """
    if on_nan not in ON_NAN_CHOICES:
        choices = ", ".join(repr(c) for c in ON_NAN_CHOICES)
        raise DomainError(f"on_nan={on_nan!r} is not one of {choices}")
    return on_nan


def report_nan(
    on_nan: str, node: Expr | None, count: int, total: int, *, stacklevel: int = 2
) -> None:
    """Apply the NaN policy: warn, raise or stay silent about ``count`` NaN points of ``total``.

    Parameters
    ----------
    on_nan : {"warn", "raise", "ignore"}
    node : Expr or None
        The first node whose value was NaN (``None`` if it could not be located).
    count, total : int
        Number of NaN points in the result and number of points evaluated.
    stacklevel : int
        Passed to :func:`warnings.warn` so the warning points at the user's call.

    Examples
    --------
    >>> from emlkit import eml
    >>> report_nan("raise", eml("x", 1), 1, 4)
    Traceback (most recent call last):
    ...
    emlkit.errors.EvaluationError: NaN at 1 of 4 points, first produced by node K=3 depth=1: ...
    """
    if on_nan == "ignore" or count == 0:
        return
    where = describe(node) if node is not None else "an unidentified node"
    message = f"NaN at {count} of {total} points, first produced by node {where}"
    if on_nan == "raise":
        raise EvaluationError(message, node)
    warnings.warn(EvaluationWarning(message, node, count), stacklevel=stacklevel + 1)
