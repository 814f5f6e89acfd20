"""``EMLRegressor``: symbolic regression with EML trees behind the scikit-learn estimator API.

``fit`` runs, within one time budget: exact search by tables and meet in the middle
(:func:`emlkit.regress.exact.search_exact`, one or two features), the vocabulary search over
derived blocks (:mod:`emlkit.regress.vocabulary`), and gradient training of full EML trees
(:mod:`emlkit.regress.trainable`) when nothing exact was found. By default
(``vocabulary="auto"``) the vocabularies are tried in order, each only while nothing exact has
been found: pure EML, then ``"arith"``, then ``"standard"``; ``vocabulary_`` says which one the
formula came from. The best
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
#: The vocabularies ``vocabulary="auto"`` tries after pure EML, in order.
AUTO_VOCABULARIES = ("arith", "standard")
#: Share of the time budget of each step of ``vocabulary="auto"`` (of what is left at its start):
#: pure EML, arith, standard; training (method "auto") gets the rest.
_AUTO_SHARES = (0.25, 0.4, 0.6)
_PREDICT_CHUNK = 1 << 15  # rows evaluated at once by predict
#: The searches end their last block after their limit (measured: up to ~25 % late on a busy
#: machine), so each is given this fraction of its share; what it leaves goes to the next.
_OVERRUN = 0.75
#: Seconds that importing PyTorch (and its optimiser machinery) takes on a busy 2-core machine:
#: with less time left, a time-limited fit skips training rather than overrun its limit.
_TORCH_START = 8.0
#: Largest magnitude of a value that can be fitted (room left for errors and sums in float64).
MAX_MAGNITUDE = 1e300


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
    vocabulary : str or sequence of str, default "auto"
        ``"auto"``: pure EML first, then the vocabularies ``"arith"`` and ``"standard"`` in
        turn while nothing exact has been found (each within a share of ``time_limit``).
        ``"eml"``: pure EML over ``{1, variables}`` only. Anything else (a named vocabulary or
        block names) is passed to the vocabulary search after pure EML (derived blocks such as
        ``+``, ``*``, ``sin`` as single nodes); an unknown name is rejected before any search.
    max_K : int, default 12
        Largest formula (tokens over the vocabulary) that a vocabulary search enumerates; the
        time budget usually stops it earlier. With a large ``time_limit`` a small ``max_K``
        bounds the vocabulary searches by work instead of time.
    max_samples : int or None, default 2000
        Most samples a fit uses: more are reduced to a uniform random sample of this many
        (seeded by ``random_state``; ``n_samples_used_`` says how many), so time and memory
        do not grow with the data. None: every sample.
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
        Noise-free data (``noise`` None): the formula at 50 digits matches every sample to
        within float64 rounding (a near-twin off by 1e-9 is not exact). With a stated noise
        level: verified on held-out samples to that level. Samples where ``y`` is inf or NaN
        are dropped with a ``RuntimeWarning``. Constant data are exact when the
        constant written in EML reproduces them.
    vocabulary_ : str
        Where the formula came from: ``"eml"`` (pure-EML search), a vocabulary name (e.g.
        ``"arith"``), ``"gradient"`` or ``"constant"``.
    vocabularies_tried_ : list of str
        The search steps that ran, in order (e.g. ``["eml", "arith"]``).
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
    n_samples_used_ : int
        Samples the fit used (fewer than given when ``max_samples`` cut them).

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
        vocabulary: str | Sequence[str] = "auto",
        max_K: int = 12,
        max_samples: int | None = 2000,
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
        self.max_K = max_K
        self.max_samples = max_samples
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
        for name in ("max_depth", "depth", "restarts", "steps", "max_K", "max_samples"):
            v = getattr(self, name)
            if v is None and name not in ("max_depth", "max_K"):
                continue
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < (
                    0 if name == "max_depth" else 1):
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        t = self.time_limit
        if not isinstance(t, (int, float)) or not (t > 0 and math.isfinite(t)):
            raise ValueError(f"time_limit must be a positive number of seconds, got {t!r}")
        if self.noise is not None and not (0 < self.noise < 1):
            raise ValueError(f"noise must be in (0, 1), got {self.noise!r}")
        if self.vocabulary not in ("auto", "eml"):
            from .vocabulary import resolve_vocabulary

            resolve_vocabulary(self.vocabulary)  # an unknown name fails here, before any search

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

        from .verify import confirm_exact, finite_samples

        self._check_params()
        X, y = validate_data(self, *finite_samples(X, y), y_numeric=True, dtype=np.float64)
        _check_magnitudes(X, y)
        if self.max_samples is not None and len(y) > self.max_samples:
            keep = np.sort(np.random.default_rng(self.random_state).choice(
                len(y), int(self.max_samples), replace=False))
            X, y = X[keep], y[keep]
        self.n_samples_used_ = len(y)
        t0 = time.monotonic()
        deadline = t0 + float(self.time_limit)
        variables = self._variables(X.shape[1])
        state = None
        if self.checkpoint is not None:
            from .checkpoint import FitCheckpoint

            state = FitCheckpoint(self.checkpoint, X, y, self._key_options())
        constant = _constant_candidate(X, y, variables)
        try:
            if constant.exact:  # constant data: nothing to search
                cands, curve, stages = [], [], {"constant": 1}
            else:
                cands, curve, stages = _run_stages(self, X, y, variables, deadline,
                                                   state, callback)
        finally:
            if state is not None:
                state.close()
        cands.append(constant)
        cands = _rank(confirm_exact(cands, X, y, variables, self.noise))
        best = cands[0]
        self.variables_ = variables
        self.formula_ = best.expr
        self.exact_ = bool(best.exact)
        self.vocabulary_ = _origin(best)
        self.vocabularies_tried_ = [_step(s, self) for s in stages
                                    if stages[s] not in ("skipped", "unavailable")]
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
        used = [(j, v) for j, v in enumerate(self.variables_)
                if v in _free_names(self.formula_)]
        out = np.empty(X.shape[0], dtype=np.complex128)
        for s in range(0, X.shape[0], _PREDICT_CHUNK):  # memory bounded for any number of rows
            part = X[s:s + _PREDICT_CHUNK]
            with np.errstate(all="ignore"):
                vals = evaluate(self.formula_, backend="numpy", on_nan="ignore",
                                **{v: part[:, j].astype(np.complex128) for j, v in used})
            out[s:s + len(part)] = np.broadcast_to(np.asarray(vals, dtype=np.complex128),
                                                   (len(part),))
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
    if np.ptp(y) == 0 and math.isfinite(m):  # constant data: the value itself, not 4 digits
        q0 = Fraction(m).limit_denominator(10**6)
        if abs(float(q0) - m) > 1e-15 * max(abs(m), 1.0):
            q0 = Fraction(f"{m:.4g}")
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
    rmse = _rmse(expr, X, y, variables)
    # constant data: exact when the constant, evaluated in EML, reproduces every sample
    exact = bool(rmse <= 1e-12 * max(abs(m), 1.0)) and bool(np.ptp(y) <= 1e-12 * max(abs(m), 1))
    return Candidate(expr, text, rmse, exact, "constant", None, {"mean": m})


def _check_magnitudes(X: np.ndarray, y: np.ndarray) -> None:
    """A clear error for values too large to fit (errors and R² would overflow float64)."""
    for name, a in (("X", X), ("y", y)):
        big = np.abs(a) > MAX_MAGNITUDE
        if big.any():
            where = np.argwhere(big)[0]
            raise ValueError(f"{name} has a value of magnitude {np.abs(a[tuple(where)]):.3g} at "
                             f"row {int(where[0])}: values up to {MAX_MAGNITUDE:.0e} can be "
                             "fitted; rescale the data")


def _origin(c: Candidate) -> str:
    """Which search step produced ``c``."""
    if c.source == "search":
        return "eml"
    if c.source == "vocabulary":
        return str(c.info.get("vocabulary", "vocabulary"))
    return c.source


def _vocabulary_plan(reg: EMLRegressor) -> list[tuple[str, Any]]:
    """The vocabulary steps after pure EML: ``(stage name, vocabulary)``."""
    voc = reg.vocabulary
    if isinstance(voc, str) and voc == "eml":
        return []
    if isinstance(voc, str) and voc == "auto":
        return [(f"vocabulary:{name}", name) for name in AUTO_VOCABULARIES]
    return [("vocabulary", voc)]


def _step(stage: str, reg: EMLRegressor) -> str:
    """The name a stage of the fit is reported by: ``eml``, a vocabulary, ``gradient``."""
    if stage == "search":
        return "eml"
    if stage.startswith("vocabulary:"):
        return stage.split(":", 1)[1]
    if stage == "vocabulary":
        voc = reg.vocabulary
        return voc if isinstance(voc, str) else ",".join(str(b) for b in voc)
    return stage


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

    plan = _vocabulary_plan(reg)
    auto = isinstance(reg.vocabulary, str) and reg.vocabulary == "auto"
    if reg.method in ("auto", "search") and "search" not in done and not exact_found():
        if v <= 2 and n >= _MIN_SEARCH_SAMPLES and remaining() > 0:
            from .exact import search_exact

            # with vocabularies to follow the pure-EML search gets a share of the budget
            share = remaining() * (_AUTO_SHARES[0] if auto else 0.3 if plan else
                                   1.0 if reg.method == "search" else 0.5)
            found = search_exact(X, y, variables=variables, max_depth=int(reg.max_depth),
                                 rtol=reg.noise, time_limit=share * _OVERRUN,
                                 progress=progress,
                                 random_state=reg.random_state)
            record("search", found)
        else:
            log["search"] = "skipped"
    for k, (stage, voc) in enumerate(plan):
        if reg.method not in ("auto", "search") or stage in done or exact_found():
            continue
        last = k == len(plan) - 1
        if auto:
            share = 1.0 if last and reg.method == "search" else _AUTO_SHARES[1 + k]
        else:
            share = 0.5 if reg.method == "auto" else 1.0
        from .vocabulary import search_vocabulary

        if n >= _MIN_SEARCH_SAMPLES and remaining() > 0:
            found = search_vocabulary(X, y, vocabulary=voc, variables=variables,
                                      max_K=int(reg.max_K),
                                      time_limit=remaining() * share * _OVERRUN,
                                      progress=progress, random_state=reg.random_state)
            name = voc if isinstance(voc, str) else ",".join(str(b) for b in voc)
            for c in found:
                c.info["vocabulary"] = name
            record(stage, found)
        else:
            log[stage] = "skipped"
    if (reg.method in ("auto", "gradient") and "gradient" not in done
            and not exact_found()):
        try:
            from .trainable import train
        except ImportError:
            log["gradient"] = "unavailable"
        else:
            import sys

            cold = "torch._dynamo" not in sys.modules
            if cold and reg.steps is None and remaining() < _TORCH_START:
                log["gradient"] = "skipped"  # starting PyTorch alone would pass the time limit
            elif n >= 2 and remaining() > 0:
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
