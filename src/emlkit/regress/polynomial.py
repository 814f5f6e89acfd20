"""Sparse polynomials with small rational coefficients, fitted by least squares and snapped.

A law such as ``x**6 + x**5 + x**4 + x**3 + x**2 + x`` is a tree of 20-odd nodes even over a
vocabulary with ``+`` and ``×``: beyond any enumeration. It is, however, linear in its
coefficients. This stage fits every polynomial of total degree ``d = 1, 2, …`` in the variables
by least squares (columns scaled for conditioning), snaps each coefficient to the nearest
fraction with a small denominator, drops the zeros, refits on the remaining monomials and snaps
again. A snapped polynomial is kept only when it reproduces the data within the noise level;
the vocabulary search then compiles it to pure EML and checks it on held-out points like any
other hit. Real data only; a degree is tried only while there are at least three more samples
than monomials.

>>> import numpy as np
>>> x = np.random.default_rng(0).uniform(-1, 1, 20)
>>> [text for text, _ in fit_polynomials(x[:, None], x**4 + x**3 - x / 3, ("x",))]
['x**4 + x**3 - x/3']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

__all__ = ["fit_polynomials"]

_MAX_DEGREE = 6
_MAX_DENOMINATOR = 12
_MAX_NUMERATOR = 1000  # larger coefficients are not "small rational" laws


def fit_polynomials(X: np.ndarray, y: np.ndarray, variables: Sequence[str], *,
                    rtol: float = 1e-5, max_degree: int = _MAX_DEGREE,
                    max_denominator: int = _MAX_DENOMINATOR) -> list[tuple[str, float]]:
    """Polynomials with small rational coefficients that fit ``y`` within ``rtol``.

    Parameters
    ----------
    X : array of shape (n, v)
        The samples, one column per variable (real).
    y : array of shape (n,)
        The values (real).
    variables : sequence of str
        Names of the columns, used in the returned formulas.
    rtol : float, default 1e-5
        Relative noise level: a snapped polynomial is kept when its largest relative error over
        the samples is at most ``max(3 * rtol, 1e-9)``.
    max_degree : int, default 6
        Highest total degree tried.
    max_denominator : int, default 12
        Largest denominator of a snapped coefficient.

    Returns
    -------
    list of (str, float)
        ``(formula, largest relative error)``: SymPy-readable text, lowest degree first; empty
        when the data are complex or no polynomial fits.

    Examples
    --------
    >>> X = np.random.default_rng(1).uniform(0, 1, (20, 2))
    >>> fit_polynomials(X, X[:, 0]**2 - X[:, 1] / 2, ("x", "y"))[0][0]
    'x**2 - y/2'
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if np.iscomplexobj(X) and np.any(X.imag != 0) or np.iscomplexobj(y) and np.any(y.imag != 0):
        return []
    X = np.real(X).astype(np.float64)
    y = np.real(y).astype(np.float64)
    n, v = X.shape
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        return []
    tol = max(3.0 * rtol, 1e-9)
    scale_y = np.maximum(np.abs(y), 1e-300)
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for degree in range(1, max_degree + 1):
        powers = [e for e in itertools.product(range(degree + 1), repeat=v) if sum(e) <= degree]
        if n < len(powers) + 3:
            break
        A = np.stack([np.prod(X ** np.array(e), axis=1) for e in powers], axis=1)
        coef = _lstsq(A, y)
        if coef is None:
            continue
        snapped = _snap(coef, max_denominator, tol)
        if snapped is None:
            continue
        support = [i for i, c in enumerate(snapped) if c != 0]
        if not support:
            continue
        refit = _lstsq(A[:, support], y)  # without the zero terms, noise moves the rest less
        if refit is None:
            continue
        again = _snap(refit, max_denominator, tol)
        if again is None:
            continue
        full = [Fraction(0)] * len(powers)
        for i, c in zip(support, again):
            full[i] = c
        yhat = A @ np.array([float(c) for c in full])
        err = float(np.max(np.abs(yhat - y) / scale_y))
        if not err <= tol:
            continue
        text = _format(full, powers, variables)
        if text not in seen:
            seen.add(text)
            out.append((text, err))
    return out


def _lstsq(A: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    norms = np.linalg.norm(A, axis=0)
    if not np.all(norms > 0):
        return None
    with np.errstate(all="ignore"):
        c, *_ = np.linalg.lstsq(A / norms, y, rcond=None)
    c = c / norms
    return c if np.isfinite(c).all() else None


def _snap(coef: np.ndarray, max_denominator: int, tol: float) -> list[Fraction] | None:
    """Nearest small fractions, or None when a coefficient is not near one."""
    big = max(1.0, float(np.max(np.abs(coef))))
    out = []
    for c in coef:
        if abs(c) <= 10 * tol * big:
            out.append(Fraction(0))
            continue
        f = Fraction(float(c)).limit_denominator(max_denominator)
        off = abs(float(f) - c) > max(1e-6, 10 * tol) * max(1.0, abs(c))
        if abs(f.numerator) > _MAX_NUMERATOR or off:
            return None
        out.append(f)
    return out


def _format(coef: Sequence[Fraction], powers: Sequence[tuple[int, ...]],
            variables: Sequence[str]) -> str:
    import sympy

    syms = [sympy.Symbol(v) for v in variables]
    expr = sympy.Integer(0)
    for c, e in zip(coef, powers):
        if c:
            expr += sympy.Rational(c.numerator, c.denominator) * math.prod(
                (s ** k for s, k in zip(syms, e)), start=sympy.Integer(1))
    return str(expr)
