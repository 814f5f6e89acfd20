"""The fit job's worker process: runs EMLRegressor and reports the loss and the result on a queue.

Forked by :mod:`emlkit.web.jobs` from the playground's fork server (which preloads this module
and scikit-learn but no web framework), so it starts at once and can be terminated at any
moment (cancel, time limit) without harming the server.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = ["fit_summary", "run_fit"]

_REPORT_SECONDS = 0.2  # at most five loss reports a second
_CURVE_POINTS = 300


def _frame(X: Any, names: list[str]) -> Any:
    try:
        import pandas as pd
    except ImportError:  # the estimator then names the variables x, x0, x1, ...
        return X
    return pd.DataFrame(X, columns=names)


def fit_summary(reg: Any, X: Any, y: Any, *, max_nodes: int = 1_500) -> dict[str, Any]:
    """JSON-ready description of a fitted regressor: formula, exactness, R², tree, loss curve.

    >>> import numpy as np, emlkit as ek
    >>> x = np.linspace(0.2, 2.0, 20)[:, None]
    >>> reg = ek.EMLRegressor(max_depth=3, random_state=0).fit(x, np.exp(x[:, 0]))
    >>> d = fit_summary(reg, x, np.exp(x[:, 0]))
    >>> d["eml"], d["exact"], d["r2"]
    ('eml(x, 1)', True, 1.0)
    """
    import emlkit as ek

    from .pictures import tree_svg

    expr = reg.formula_
    try:
        svg, note = tree_svg(expr, max_nodes=max_nodes), ""
    except ek.DomainError as exc:
        svg, note = None, str(exc).split(";")[0]
    text = ek.to_text(expr)
    curve = list(reg.loss_curve_)
    if len(curve) > _CURVE_POINTS:
        stride = len(curve) / _CURVE_POINTS
        curve = [curve[int(i * stride)] for i in range(_CURVE_POINTS)] + [curve[-1]]
    return {
        "formula": str(reg.sympy_), "eml": text[:20_000] + (" …" if len(text) > 20_000 else ""),
        "exact": bool(reg.exact_), "K": expr.K, "depth": expr.depth,
        "r2": round(float(reg.score(X, y)), 12), "variables": list(reg.variables_),
        "loss_curve": [float(v) for v in curve], "seconds": round(reg.fit_seconds_, 3),
        "svg": svg, "svg_note": note,
        "candidates": [str(c.formula) for c in reg.candidates_[:5]],
    }


def run_fit(queue: Any, X: Any, y: Any, names: list[str], options: dict[str, Any]) -> None:
    """Fit ``EMLRegressor(**options)`` to (X, y); put ``("loss", step, value)`` while training,
    then ``("done", summary)`` or ``("error", message)`` on ``queue``."""
    last = [0.0]

    def callback(step: int, loss: float) -> None:
        now = time.monotonic()
        if now - last[0] >= _REPORT_SECONDS:
            last[0] = now
            queue.put(("loss", int(step), float(loss)))

    try:
        import warnings

        import emlkit as ek

        queue.put(("stage", "searching"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg = ek.EMLRegressor(**options).fit(_frame(X, names), y, callback=callback)
            queue.put(("done", fit_summary(reg, _frame(X, names), y)))
    except Exception as exc:  # noqa: BLE001 - reported to the page as one line
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        queue.put(("error", message[:300]))
