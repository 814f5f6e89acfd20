"""emlkit: the EML calculus — every elementary function from eml(x, y) = exp(x) - ln(y) and 1.

The public API lives here. Heavy parts (SymPy, the compiler, torch, python-flint) are imported
lazily on first use, so ``import emlkit`` stays fast and works without the optional extras.

>>> import emlkit as ek
>>> f = ek.parse("eml(1, eml(eml(1, x), 1))")      # ln x
>>> f.K, f.depth, f.dag_size
(7, 3, 3)
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import expr as _expr
from . import regress as _regress
from .errors import DomainError, EMLError, EvaluationError, ParseError, UnsupportedError
from .expr import ONE, Eml, Expr, One, Var, as_expr, eml, fold, postorder, substitute

try:
    __version__ = version("emlkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

# public name -> module that defines it (imported on first access)
_LAZY = {
    "parse": "emlkit.syntax",
    "to_text": "emlkit.syntax",
    "evaluate": "emlkit.backends",
    "trace_nan": "emlkit.backends",
    "certify": "emlkit.backends",
    "to_code": "emlkit.backends.codegen",
    "compile": "emlkit.compiler",
    "float64_range": "emlkit.compiler.ranges",
    "to_sympy": "emlkit.decompiler",
    "decompile": "emlkit.decompiler",
    "draw": "emlkit.viz",
    "enumerate_forms": "emlkit.search",
    "Enumeration": "emlkit.search",
    "search_run": "emlkit.search.run",
    "recognize": "emlkit.search.recognizer",
    "Recognition": "emlkit.search.recognizer",
    "Catalog": "emlkit.catalog",
    "bootstrap": "emlkit.search.bootstrap",
    "BootstrapResult": "emlkit.search.bootstrap",
    "scan_operators": "emlkit.search.scan",
    "Grammar": "emlkit.search.grammar",
    "enumerate_grammar": "emlkit.search.grammar",
    "EMLRegressor": "emlkit.regress.estimator",
    "PCF": "emlkit.pcf",
    "identify": "emlkit.identify",
    "Identification": "emlkit.identify",
}

# subpackages reachable as attributes (``ek.pcf.search(...)``), imported on first access
_MODULES = {"pcf": "emlkit.pcf"}

__all__ = [
    "__version__",
    "EMLError", "ParseError", "DomainError", "UnsupportedError", "EvaluationError",
    "Expr", "One", "Var", "Eml", "ONE", "eml", "as_expr", "postorder", "fold", "substitute",
] + list(_LAZY)  # the lazy names last (a list sum: ruff reads it, not a starred dict)


def _svg(e: Expr) -> str | None:  # Jupyter: the DAG drawing (matplotlib, lazily)
    from .expr import NOTEBOOK_MAX_NODES

    try:
        from .viz.tree import to_svg

        return to_svg(e, max_nodes=NOTEBOOK_MAX_NODES)
    except (DomainError, ImportError):  # too large, or no matplotlib: the text repr shows
        return None


def _latex(e: Expr) -> str:  # Jupyter: LaTeX of the tree
    from .syntax.latex import to_text

    return f"${to_text(e)}$"


_expr.DISPLAY_HOOKS.update(svg=_svg, latex=_latex)


def _fit_pictures(reg: Any, path: Any, tree: Any) -> Any:  # EMLRegressor.plot (viz, lazily)
    from .viz.regression import plot_fit

    return plot_fit(reg, path, tree=tree)


_regress.PICTURES.update(fit=_fit_pictures)


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(_MODULES[name])
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'emlkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, *_MODULES])
