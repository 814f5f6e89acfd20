"""emlkit: the EML calculus, every elementary function from eml(x, y) = exp(x) - ln(y) and 1."""

from .errors import DomainError, EMLError, EvaluationError, ParseError, UnsupportedError
from .expr import ONE, Eml, Expr, One, Var, as_expr, eml, fold, postorder, substitute

__all__ = [
    "EMLError", "ParseError", "DomainError", "UnsupportedError", "EvaluationError",
    "Expr", "One", "Var", "Eml", "ONE", "eml", "as_expr", "postorder", "fold", "substitute",
]
