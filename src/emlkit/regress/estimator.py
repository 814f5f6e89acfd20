"""``EMLRegressor``: symbolic regression with EML trees behind the scikit-learn estimator API.

``fit`` runs, within one time budget: exact search by tables and meet in the middle
(:func:`emlkit.regress.exact.search_exact`, one or two features), the vocabulary search when a
vocabulary of derived blocks is given (:mod:`emlkit.regress.vocabulary`), and gradient training
of full EML trees (:mod:`emlkit.regress.trainable`) when nothing exact was found. The best
candidate becomes ``formula_``: exact ones first (smallest tree), else the smallest error.
When no stage applies (e.g. fewer than 6 samples) the model is the constant mean of ``y``
written in pure EML, so ``fit`` always returns a usable (possibly inexact) model.

Data are real (scikit-learn rejects complex arrays). EML evaluates on the principal branch of
complex ``ln``; :meth:`EMLRegressor.predict` returns the real part (the imaginary part is
negligible wherever the recovered law is real on the data's domain) and
:meth:`EMLRegressor.predict_complex` the complex values.

>>> import numpy as np
>>> x = np.linspace(0.5, 3.0, 24)[:, None]
>>> reg = EMLRegressor(max_depth=4, random_state=0).fit(x, np.log(x[:, 0]))
>>> str(reg.formula_), reg.exact_, str(reg.sympy_)
('eml(1, eml(eml(1, x), 1))', True, 'log(x)')
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from ..expr import Expr
from ._candidate import Candidate

__all__ = ["EMLRegressor"]

_METHODS = ("auto", "search", "gradient")
_MIN_SEARCH_SAMPLES = 6


def _suggest_keywords(init):
    """Wrap ``__init__`` so an unknown keyword names the closest valid one ("did you mean").

    ``functools.wraps`` keeps the real signature visible (``inspect.signature`` follows
    ``__wrapped__``), as scikit-learn's parameter introspection requires.
    """
    names = [p for p in inspect.signature(init).parameters if p != "self"]

    @functools.wraps(init)
    def wrapper(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self).__name__
        if args:
            raise TypeError(f"{cls} takes keyword arguments only, got {len(args)} positional")
        for key in kwargs:
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(names)}"
                raise TypeError(f"{cls} got an unexpected keyword argument {key!r}{hint}")
        init(self, **kwargs)

    return wrapper


class EMLRegressor(RegressorMixin, BaseEstimator):
    """Recover a formula ``y = f(X)`` as an EML tree (exact when the law is a small tree).

    Parameters
    ----------
    depth : int or None, default None
        Depth of the trees trained by the gradient path (None: ``min(max_depth, 4)``).
    max_depth : int, default 6
        Deepest tree the exact search looks for.
    vocabulary : str or sequence of str, default "eml"
        ``"eml"``: pure EML over ``{1, variables}``; anything else is passed to the vocabulary
        search (derived blocks such as ``+``, ``*``, ``sin`` as single nodes).
    method : {"auto", "search", "gradient"}, default "auto"
        ``"search"``: tables (and vocabulary) only; ``"gradient"``: training only; ``"auto"``:
        search first, training if nothing exact was found.
    time_limit : float, default 60.0
        Seconds for the whole fit: the search gets at most half when training may follow
        (with a vocabulary: 30 % for pure EML, then half of the rest for the vocabulary),
        training the rest. Results reached before the cap are reproducible with
        ``random_state`` (see ``steps``).
    restarts : int or None, default None
        Random restarts trained at once by the gradient path (None: its default).
    steps : int or None, default None
        Adam steps of the gradient path. Given: one round of exactly that many steps, so the
        result does not depend on the machine's speed (fully reproducible with
        ``random_state``). None: the trainer's default steps, repeated with fresh restarts
        while the time budget lasts (the result can then depend on speed).
    noise : float or None, default None
        Relative noise level of ``y`` for tolerant matching (None: estimated).
    random_state : int or None, default None
        Seed of every random choice (sample split, initialisation).
    verbose : int, default 0
        ``> 0`` shows progress lines on standard error.
    checkpoint : str or None, default None
        Catalog file where the finished stages are saved; a repeated ``fit`` on the same data
        and options resumes from it.

    Attributes
    ----------
    formula_ : Expr
        The recovered formula in pure EML.
    sympy_ : sympy.Expr or str
        Its readable form (SymPy; the candidate's own text if SymPy cannot read it).
    exact_ : bool
        Verified on held-out samples to be equal to the formula (to the noise level).
    loss_curve_ : list of float
        Training loss per step of the gradient path (empty when no training ran).
    candidates_ : list of Candidate
        Everything proposed, best first.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` was a DataFrame with string column names.
    variables_ : tuple of str
        Variable names used in ``formula_`` (``x`` for one feature, else ``x0, x1, ...``, or
        the DataFrame's column names when they are identifiers).
    fit_seconds_ : float

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(0.2, 2.0, 20)[:, None]
    >>> reg = EMLRegressor(max_depth=3, random_state=0).fit(x, np.exp(x[:, 0]))
    >>> str(reg.formula_), reg.exact_, reg.score(x, np.exp(x[:, 0]))
    ('eml(x, 1)', True, 1.0)
    >>> EMLRegressor(max_dept=3)
    Traceback (most recent call last):
    ...
    TypeError: EMLRegressor got an unexpected keyword argument 'max_dept'; did you mean 'max_depth'?
    """

    @_suggest_keywords
    def __init__(
        self,
        *,
        depth: int | None = None,
        max_depth: int = 6,
        vocabulary: str | Sequence[str] = "eml",
        method: str = "auto",
        time_limit: float = 60.0,
        restarts: int | None = None,
        steps: int | None = None,
        noise: float | None = None,
        random_state: int | None = None,
        verbose: int = 0,
        checkpoint: str | None = None,
    ) -> None:
        self.depth = depth
        self.max_depth = max_depth
        self.vocabulary = vocabulary
        self.method = method
        self.time_limit = time_limit
        self.restarts = restarts
        self.steps = steps
        self.noise = noise
        self.random_state = random_state
        self.verbose = verbose
        self.checkpoint = checkpoint

    # ------------------------------------------------------------------ scikit-learn plumbing
    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        # A short-budget tree search cannot promise R^2 > 0.5 on the checks' random linear
        # data of many features (it finds laws that are small EML trees, not linear fits).
        tags.regressor_tags.poor_score = True
        tags.input_tags.allow_nan = False
        return tags

    def _check_params(self) -> None:
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        for name in ("max_depth", "depth", "restarts", "steps"):
            v = getattr(self, name)
            if v is None and name != "max_depth":
                continue
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < (
                    0 if name == "max_depth" else 1):
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        t = self.time_limit
        if not isinstance(t, (int, float)) or not (t > 0 and math.isfinite(t)):
            raise ValueError(f"time_limit must be a positive number of seconds, got {t!r}")
        if self.noise is not None and not (0 < self.noise < 1):
            raise ValueError(f"noise must be in (0, 1), got {self.noise!r}")

    def _variables(self, n: int) -> tuple[str, ...]:
        names = getattr(self, "feature_names_in_", None)
        if names is not None and all(
                str(s).isidentifier() and str(s) not in _RESERVED for s in names):
            return tuple(str(s) for s in names)
        return ("x",) if n == 1 else tuple(f"x{j}" for j in range(n))

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, *, callback: Any = None) -> EMLRegressor:
        """Search for a formula that reproduces ``y`` from ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        callback : callable(step, loss), optional
            Called after every step of the gradient path with the smallest loss over the
            restarts (for a live loss curve); it does not change the result.

        Returns
        -------
        self

        Examples
        --------
        >>> import numpy as np
        >>> x = np.linspace(0.5, 2, 12)[:, None]
        >>> EMLRegressor(max_depth=2, random_state=1).fit(x, np.e - np.log(x[:, 0])).exact_
        True
        """
        from sklearn.utils.validation import validate_data

        self._check_params()
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        t0 = time.monotonic()
        deadline = t0 + float(self.time_limit)
        variables = self._variables(X.shape[1])
        state = None
        if self.checkpoint is not None:
            from .checkpoint import FitCheckpoint

            state = FitCheckpoint(self.checkpoint, X, y, self._key_options())
        try:
            cands, curve, stages = _run_stages(self, X, y, variables, deadline, state,
                                               callback)
        finally:
            if state is not None:
                state.close()
        cands.append(_constant_candidate(X, y, variables))
        cands = _rank(cands)
        best = cands[0]
        self.variables_ = variables
        self.formula_ = best.expr
        self.exact_ = bool(best.exact)
        self.sympy_ = _readable(best)
        self.loss_curve_ = [float(v) for v in curve]
        self.candidates_ = cands
        self.stages_ = stages
        self.fit_seconds_ = time.monotonic() - t0
        return self

    def _key_options(self) -> dict[str, Any]:
        p = self.get_params()
        p.pop("verbose", None)
        p.pop("checkpoint", None)
        voc = p.get("vocabulary")
        if not isinstance(voc, str):
            p["vocabulary"] = list(voc)
        return p

    # ------------------------------------------------------------------ predict
    def predict_complex(self, X: Any) -> np.ndarray:
        """The formula's values at ``X`` (complex128, principal branch).

        Examples
        --------
        >>> import numpy as np
        >>> x = np.linspace(0.5, 2, 12)[:, None]
        >>> reg = EMLRegressor(max_depth=3, random_state=0).fit(x, np.exp(x[:, 0]))
        >>> reg.predict_complex([[0.0]])
        array([1.+0.j])
        """
        from sklearn.utils.validation import check_is_fitted, validate_data

        from ..backends import evaluate

        check_is_fitted(self, "formula_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        env = {v: X[:, j].astype(np.complex128) for j, v in enumerate(self.variables_)}
        used = {v for v in env if v in _free_names(self.formula_)}
        with np.errstate(all="ignore"):
            out = evaluate(self.formula_, backend="numpy", on_nan="ignore",
                           **{v: env[v] for v in used})
        out = np.asarray(out, dtype=np.complex128)
        if out.shape != (X.shape[0],):
            out = np.broadcast_to(out, (X.shape[0],)).copy()
        return out

    def predict(self, X: Any) -> np.ndarray:
        """Predicted ``y``: the real part of :meth:`predict_complex` (float64).

        Examples
        --------
        >>> import numpy as np
        >>> x = np.linspace(0.5, 2, 12)[:, None]
        >>> reg = EMLRegressor(max_depth=4, random_state=0).fit(x, np.log(x[:, 0]))
        >>> reg.predict([[1.0], [np.e]])
        array([0., 1.])
        """
        return np.ascontiguousarray(self.predict_complex(X).real)

    # ------------------------------------------------------------------ pictures
    def plot(self, path: str | None = None, *, tree: str | None = None):
        """Draw the loss curve (``path``: a PNG/SVG file, or None to return the figure axes)
        and optionally the recovered tree (``tree``: an ``.svg``/``.png`` file).

        Examples
        --------
        >>> import numpy as np, tempfile, pathlib
        >>> x = np.linspace(0.5, 2, 12)[:, None]
        >>> reg = EMLRegressor(max_depth=3, random_state=0).fit(x, np.exp(x[:, 0]))
        >>> out = pathlib.Path(tempfile.mkdtemp())
        >>> _ = reg.plot(out / "loss.png", tree=out / "tree.svg")
        >>> sorted(p.name for p in out.iterdir())
        ['loss.png', 'tree.svg']
        """
        from sklearn.utils.validation import check_is_fitted

        from .plots import plot_loss, plot_tree

        check_is_fitted(self, "formula_")
        ax = plot_loss(self.loss_curve_, path=path, title=f"EMLRegressor: {self.sympy_}")
        if tree is not None:
            plot_tree(self.formula_, tree)
        return ax

    def _repr_html_(self) -> str:
        """Jupyter view: the formula (EML and readable), the exact flag and the tree as SVG."""
        if not hasattr(self, "formula_"):
            from sklearn.utils import estimator_html_repr

            return estimator_html_repr(self)
        from html import escape

        from ..syntax import to_text
        from .plots import tree_svg

        try:
            svg = tree_svg(self.formula_)
        except Exception as exc:  # a tree too large to draw is shown as text only
            svg = f"<p><i>tree not drawn: {escape(str(exc))}</i></p>"
        text = to_text(self.formula_)
        if len(text) > 2000:
            text = text[:2000] + " ..."
        return (
            "<div class='emlkit-regressor'>"
            f"<p><b>{escape(type(self).__name__)}</b> "
            f"({'exact' if self.exact_ else 'not exact'}, K = {self.formula_.K}, "
            f"depth {self.formula_.depth})</p>"
            f"<p>y = <code>{escape(str(self.sympy_))}</code></p>"
            f"<p>EML: <code>{escape(text)}</code></p>"
            f"{svg}</div>"
        )


_RESERVED = frozenset({"E", "I", "pi", "e", "exp", "ln", "log", "eml", "sin", "cos", "sqrt"})


def _free_names(expr: Expr) -> set[str]:
    from ..expr import Var, postorder

    return {n.name for n in postorder(expr) if isinstance(n, Var)}


_DECOMPILE_MAX_K = 300  # larger trees are shown by the candidate's own readable text


def _readable(c: Candidate) -> Any:
    """SymPy form of a candidate: decompiled when small, else parsed from its ``formula``."""
    import sympy

    if c.source not in ("constant", "vocabulary") and c.K <= _DECOMPILE_MAX_K:
        try:
            from ..decompiler import decompile

            return decompile(c.expr)
        except Exception:
            pass
    try:
        return sympy.sympify(c.formula, rational=c.source == "constant")
    except Exception:
        return c.formula


def _rank(cands: list[Candidate]) -> list[Candidate]:
    def key(c: Candidate):
        r = c.rmse if math.isfinite(c.rmse) else math.inf
        return (0, c.K, r) if c.exact else (1, r, c.K)

    seen: dict[Expr, Candidate] = {}
    for c in sorted(cands, key=key):
        seen.setdefault(c.expr, c)
    return list(seen.values())


def _rmse(expr: Expr, X: np.ndarray, y: np.ndarray, variables: Sequence[str]) -> float:
    from ..backends import evaluate

    used = _free_names(expr)
    env = {v: X[:, j].astype(np.complex128) for j, v in enumerate(variables) if v in used}
    with np.errstate(all="ignore"):
        f = np.broadcast_to(np.asarray(evaluate(expr, backend="numpy", on_nan="ignore", **env)),
                            y.shape)
        r = float(np.sqrt(np.mean(np.abs(f - y) ** 2)))
    return r if math.isfinite(r) else math.inf


def _constant_candidate(X: np.ndarray, y: np.ndarray, variables: Sequence[str]) -> Candidate:
    """The mean of ``y`` (4 significant digits) in pure EML: the fallback model."""
    from ..compiler import compile as compile_formula

    from fractions import Fraction

    from ..errors import EMLError

    m = float(np.mean(y))
    q0 = Fraction(f"{m:.4g}") if math.isfinite(m) else Fraction(0)
    expr = text = None
    # the compiler builds most rationals; fall back to coarser ones where it has no construction
    for q in (q0, q0.limit_denominator(1000), q0.limit_denominator(100),
              q0.limit_denominator(10), Fraction(round(q0))):
        text = str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
        try:
            expr = compile_formula(text)
            break
        except EMLError:
            continue
    if expr is None:
        text, expr = "1", compile_formula("1")
    return Candidate(expr, text, _rmse(expr, X, y, variables), False, "constant",
                     None, {"mean": m})


def _run_stages(reg: EMLRegressor, X, y, variables, deadline, state, callback=None):
    """Run the stages not yet in ``state``; return (candidates, loss curve, stage log)."""
    cands: list[Candidate] = list(state.candidates) if state is not None else []
    curve: list[float] = state.loss_curve if state is not None else []
    done = set(state.stages_done) if state is not None else set()
    log: dict[str, Any] = {s: "resumed" for s in done}
    n, v = X.shape
    progress = bool(reg.verbose)

    def remaining() -> float:
        return max(deadline - time.monotonic(), 0.0)

    def record(stage: str, found: list[Candidate], lc=None) -> None:
        cands.extend(found)
        log[stage] = len(found)
        if state is not None:
            state.save_stage(stage, found, lc)

    def exact_found() -> bool:
        return any(c.exact for c in cands)

    if reg.method in ("auto", "search") and "search" not in done:
        if v <= 2 and n >= _MIN_SEARCH_SAMPLES and remaining() > 0:
            from .exact import search_exact

            # with a vocabulary the pure-EML search shares the budget with the vocabulary stage
            voc_given = reg.vocabulary != "eml"
            share = remaining() * (0.3 if voc_given else 1.0 if reg.method == "search" else 0.5)
            found = search_exact(X, y, variables=variables, max_depth=int(reg.max_depth),
                                 rtol=reg.noise, time_limit=share, progress=progress,
                                 random_state=reg.random_state)
            record("search", found)
        else:
            log["search"] = "skipped"
    voc = reg.vocabulary
    if (reg.method in ("auto", "search") and voc != "eml" and "vocabulary" not in done
            and not exact_found()):
        try:
            from .vocabulary import search_vocabulary
        except ImportError:
            log["vocabulary"] = "unavailable"
        else:
            if n >= _MIN_SEARCH_SAMPLES and remaining() > 0:
                found = search_vocabulary(X, y, vocabulary=voc, variables=variables,
                                          time_limit=remaining() * (
                                              0.5 if reg.method == "auto" else 1.0),
                                          progress=progress, random_state=reg.random_state)
                record("vocabulary", found)
            else:
                log["vocabulary"] = "skipped"
    if (reg.method in ("auto", "gradient") and "gradient" not in done
            and not exact_found()):
        try:
            from .trainable import train
        except ImportError:
            log["gradient"] = "unavailable"
        else:
            if n >= 2 and remaining() > 0:
                kw: dict[str, Any] = {}
                if reg.restarts is not None:
                    kw["restarts"] = int(reg.restarts)
                if reg.steps is not None:
                    kw["steps"] = int(reg.steps)
                depth = reg.depth if reg.depth is not None else max(1, min(reg.max_depth, 4))
                # steps given: one round of exactly that work (reproducible, clock-free);
                # else rounds of fresh restarts until the budget is spent
                res = train(X, y, variables=variables, depth=int(depth),
                            time_limit=None if reg.steps is not None else remaining(),
                            random_state=reg.random_state,
                            progress=True if progress else None, callback=callback, **kw)
                found = list(res.candidates) or ([res.best] if res.best is not None else [])
                curve = [float(x) for x in res.loss_curve]
                if getattr(res, "interrupted", False):
                    if state is not None:  # resumable: leave the stage unfinished, stop here
                        raise KeyboardInterrupt
                    cands.extend(found)  # interactive Ctrl-C: keep what training found
                    log["gradient"] = "interrupted"
                else:
                    record("gradient", found, curve)
            else:
                log["gradient"] = "skipped"
    return cands, curve, log
