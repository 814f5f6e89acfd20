"""Convergence of a polynomial continued fraction: digits of agreement along the depth, a plot.

The convergents follow p_n = a(n) p_{n-1} + b(n) p_{n-2}, q likewise, from p_{-1} = 1,
p_0 = a(0), q_{-1} = 0, q_0 = 1, with exact integers (or fractions for rational
coefficients); only the comparison with the limit is done in mpmath.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import DomainError

__all__ = ["convergence_digits", "draw_convergence"]

_CURVE_POINTS = 120


def convergence_digits(
    a: Any, b: Any, limit: Any, depth: int
) -> tuple[list[tuple[int, float]], float | None]:
    """Digits of agreement ``-log10|p_n/q_n - limit|`` along the depths, and delta at the end.

    ``a`` and ``b`` are callables giving exact a(n), b(n); ``limit`` an mpmath number. The
    convergents follow p_n = a(n) p_{n-1} + b(n) p_{n-2} from p_{-1} = 1, p_0 = a(0),
    q_{-1} = 0, q_0 = 1 (exact integers or fractions). delta is the irrationality-measure
    estimate ``-1 - log|p/q - L| / log q`` of the last convergent in lowest terms (None when
    it cannot be formed).

    Examples
    --------
    >>> from mpmath import mp, sqrt
    >>> with mp.workdps(40):
    ...     pts, delta = convergence_digits(lambda n: 1, lambda n: 1, (1 + sqrt(5)) / 2, 30)
    >>> pts[-1][0], round(pts[-1][1], 1), round(delta, 2)   # golden ratio: delta tends to 1
    (30, 12.6, 1.06)
    """
    from fractions import Fraction

    from mpmath import mp

    def mpq(x: Any) -> Any:
        return mp.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mp.mpf(x)

    p_prev, p = 1, a(0)  # ints for integer polynomials (no gcd per step), else Fractions
    q_prev, q = 0, 1
    step = max(1, depth // _CURVE_POINTS)
    points: list[tuple[int, float]] = []
    cap = float(mp.dps)
    for n in range(1, depth + 1):
        an, bn = a(n), b(n)
        p_prev, p = p, an * p + bn * p_prev
        q_prev, q = q, an * q + bn * q_prev
        if (n % step == 0 or n == depth) and q != 0:
            err = abs(mpq(p) / mpq(q) - limit)
            points.append((n, cap if err == 0 else min(cap, float(-mp.log10(err)))))
    delta = None
    if q != 0:
        r = Fraction(p) / Fraction(q)
        err = abs(mpq(r) - limit)
        if err != 0 and r.denominator > 1:
            delta = float(-1 - mp.log(err) / mp.log(r.denominator))
    return points, delta


def draw_convergence(a: Any, b: Any, limit: Any, path: str | Path, *, depth: int = 400,
                     title: str | None = None) -> list[tuple[int, float]]:
    """Plot the digits of agreement of PCF(a, b) with ``limit`` against the depth to a file.

    Parameters
    ----------
    a, b : callable
        Exact a(n), b(n) (a :class:`emlkit.pcf.Poly`, or any function of n).
    limit : mpmath number
        The limit, to more digits than the convergents reach (set ``mp.dps`` accordingly).
    path : str or Path
        Output file ending in ``.png`` or ``.svg``.
    depth : int
        Deepest convergent plotted.
    title : str, optional
        Title above the plot.

    Returns
    -------
    list of (n, digits)
        The points drawn.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from mpmath import mp, sqrt
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "golden.png"
    >>> with mp.workdps(60):
    ...     pts = draw_convergence(lambda n: 1, lambda n: 1, (1 + sqrt(5)) / 2, out, depth=100)
    >>> out.read_bytes()[:4] == b"\\x89PNG", pts[-1][0]
    (True, 100)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise DomainError(f"cannot draw to {str(path)!r}: use .png or .svg")
    if not (isinstance(depth, int) and 1 <= depth <= 100_000):
        raise DomainError(f"depth must be a whole number from 1 to 100000, not {depth!r}")
    points, delta = convergence_digits(a, b, limit, depth)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([p[0] for p in points], [p[1] for p in points], color="#4c72b0", lw=1.8)
    ax.set_xlabel("depth n")
    ax.set_ylabel("digits of agreement with the limit")
    note = "" if delta is None else f"  (delta = {delta:.3f} at n = {depth})"
    ax.set_title((title or "convergence") + note, fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format=suffix[1:])
    return points
