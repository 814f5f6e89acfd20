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

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from . import PICTURES
from ._checks import MAX_MAGNITUDE, check_magnitudes, suggest_keywords
from ._confirm_rows import MAX_CONFIRM_ROWS
from ._ranking import RESERVED, constant_candidate, free_names, origin, rank, readable
from ._stages import (
    AUTO_VOCABULARIES,  # re-exported: part of the estimator's documentation
    FitRun,
    run_stages,
    stage_name,
)

__all__ = ["AUTO_VOCABULARIES", "MAX_MAGNITUDE", "EMLRegressor"]

_METHODS = ("auto", "search", "gradient")
_PREDICT_CHUNK = 1 << 15  # rows evaluated at once by predict
#: Time the 50-digit confirmation of an exact candidate takes per sample (measured: 0.7 ms for a
#: formula of K = 35 on a busy 2-core machine); the stages leave that much of the time limit for
#: the samples it checks (at most MAX_CONFIRM_ROWS, whatever the number of rows).
_CONFIRM_SECONDS_PER_ROW = 5e-4


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

    @suggest_keywords
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
    def __sklearn_tags__(self) -> Any:
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
                str(s).isidentifier() and str(s) not in RESERVED for s in names):
            return tuple(str(s) for s in names)
        return ("x",) if n == 1 else tuple(f"x{j}" for j in range(n))

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, *, callback: Any = None,
            deadline: float | None = None) -> EMLRegressor:
        """Search for a formula that reproduces ``y`` from ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        callback : callable(step, loss), optional
            Called after every step of the gradient path with the smallest loss over the
            restarts (for a live loss curve); it does not change the result.
        deadline : float, optional
            A ``time.monotonic()`` value by which the fit must end, when it comes before
            ``time_limit`` from now (e.g. the ``eml`` command's own start plus its limit, so
            the start-up counts). It is not an option of the model: a checkpoint is found
            again whatever the deadline.

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
        check_magnitudes(X, y)
        if self.max_samples is not None and len(y) > self.max_samples:
            keep = np.sort(np.random.default_rng(self.random_state).choice(
                len(y), int(self.max_samples), replace=False))
            X, y = X[keep], y[keep]
        self.n_samples_used_ = len(y)
        t0 = time.monotonic()
        end = t0 + float(self.time_limit)
        if deadline is not None:
            end = min(end, float(deadline))
        # the stages end early enough for the 50-digit confirmation that follows them
        stages_end = end - min(_CONFIRM_SECONDS_PER_ROW * min(len(y), MAX_CONFIRM_ROWS),
                               0.25 * max(end - t0, 0.0))
        variables = self._variables(X.shape[1])
        state = None
        if self.checkpoint is not None:
            from .checkpoint import FitCheckpoint

            state = FitCheckpoint(self.checkpoint, X, y, self._key_options())
        constant = constant_candidate(X, y, variables)
        try:
            if constant.exact:  # constant data: nothing to search
                cands, curve, stages = [], [], {"constant": 1}
            else:
                run = run_stages(FitRun(self, X, y, variables, stages_end, state, callback))
                cands, curve, stages = run.cands, run.curve, run.log
        finally:
            if state is not None:
                state.close()
        cands.append(constant)
        # best first, so the claim that matters is checked before the deadline can end the rest
        cands = rank(confirm_exact(rank(cands), X, y, variables, self.noise, deadline=end))
        best = cands[0]
        self.variables_ = variables
        self.formula_ = best.expr
        self.exact_ = bool(best.exact)
        self.vocabulary_ = origin(best)
        self.vocabularies_tried_ = [stage_name(s, self.vocabulary) for s in stages
                                    if stages[s] not in ("skipped", "unavailable")]
        self.sympy_ = readable(best)
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
                if v in free_names(self.formula_)]
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
    def plot(self, path: str | None = None, *, tree: str | None = None) -> Any:
        """Draw the loss curve (``path``: a PNG/SVG file, or None to return the figure axes)
        and optionally the recovered tree (``tree``: an ``.svg``/``.png`` file).

        The same as :func:`emlkit.viz.regression.plot_fit` (the drawing lives there).

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

        check_is_fitted(self, "formula_")
        return PICTURES["fit"](self, path, tree)

    def _repr_html_(self) -> str:
        """Jupyter view: the formula (EML and readable), the exact flag and the tree as SVG."""
        if not hasattr(self, "formula_"):
            from sklearn.utils import estimator_html_repr

            return estimator_html_repr(self)
        from html import escape

        from ..syntax import to_text

        svg = self.formula_._repr_svg_()  # None when too large to draw (or no matplotlib)
        if svg is None:
            svg = "<p><i>tree not drawn (too large)</i></p>"
        else:
            svg = svg[max(svg.find("<svg"), 0):]
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
