"""Convergence of a polynomial continued fraction: digits of agreement along the depth, a plot.

The convergents follow p_n = a(n) p_{n-1} + b(n) p_{n-2}, q likewise, from p_{-1} = 1,
p_0 = a(0), q_{-1} = 0, q_0 = 1, with exact integers (or fractions for rational
coefficients); only the comparison with the limit is done in mpmath.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import DomainError
from ._files import picture_path

__all__ = ["convergence_digits", "draw_convergence"]

_CURVE_POINTS = 120


def convergence_digits(
    a: Any, b: Any, limit: Any, depth: int, *, trusted: float | None = None
) -> tuple[list[tuple[int, float]], float | None]:
    """Digits of agreement ``-log10|p_n/q_n - limit|`` along the depths, and delta.

    ``a`` and ``b`` are callables giving exact a(n), b(n); ``limit`` an mpmath number whose
    first ``trusted`` significant digits are right (default: the working precision less 5).
    The convergents follow p_n = a(n) p_{n-1} + b(n) p_{n-2} from p_{-1} = 1, p_0 = a(0),
    q_{-1} = 0, q_0 = 1 (exact integers or fractions). The curve ends at the first depth
    whose agreement reaches ``trusted`` digits (deeper ones cannot be told apart), or at
    ``depth``. delta is the irrationality-measure estimate ``-1 - log|p/q - L| / log q`` of
    the deepest sampled convergent, in lowest terms, that still differs from the limit by
    3 digits more than the limit's own error (None when there is none).

    Examples
    --------
    >>> from mpmath import mp, sqrt
    >>> with mp.workdps(40):
    ...     pts, delta = convergence_digits(lambda n: 1, lambda n: 1, (1 + sqrt(5)) / 2, 30)
    >>> pts[-1][0], round(pts[-1][1], 1), round(delta, 2)   # golden ratio: delta tends to 1
    (30, 12.8, 1.06)
    """
    from fractions import Fraction

    from mpmath import mp

    def mpq(x: Any) -> Any:
        return mp.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mp.mpf(x)

    good = float(mp.dps - 5) if trusted is None else float(trusted)
    p_prev, p = 1, a(0)  # ints for integer polynomials (no gcd per step), else Fractions
    q_prev, q = 0, 1
    points: list[tuple[int, float]] = []
    last_good = None  # the deepest (p, q, err) still clear of the limit's own error
    scale = max(abs(limit), mp.mpf(10) ** -mp.dps)
    for n in range(1, depth + 1):
        an, bn = a(n), b(n)
        p_prev, p = p, an * p + bn * p_prev
        q_prev, q = q, an * q + bn * q_prev
        if q == 0:
            continue
        err = abs(mpq(p) / mpq(q) - limit)
        digits = good if err == 0 else min(good, float(-mp.log10(err / scale)))
        points.append((n, digits))
        if digits >= good:
            break
        if digits <= good - 3:
            last_good = (p, q, err)
    delta = None
    if last_good is not None:
        r = Fraction(last_good[0]) / Fraction(last_good[1])
        if r.denominator > 1:
            delta = float(-1 - mp.log(last_good[2]) / mp.log(r.denominator))
    if len(points) > _CURVE_POINTS:  # keep the last point, thin the rest evenly
        stride = len(points) / (_CURVE_POINTS - 1)
        points = [points[int(i * stride)] for i in range(_CURVE_POINTS - 1)] + [points[-1]]
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
    >>> out.read_bytes()[:4] == b"\\x89PNG", pts[-1][0]    # 55 digits reached at n = 100
    (True, 100)
    """
    path, suffix = picture_path(path)
    if not (isinstance(depth, int) and 1 <= depth <= 100_000):
        raise DomainError(f"depth must be a whole number from 1 to 100000, not {depth!r}")
    points, delta = convergence_digits(a, b, limit, depth)
    last = points[-1][0] if points else depth
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([p[0] for p in points], [p[1] for p in points], color="#4c72b0", lw=1.8)
    ax.set_xlabel("depth n")
    ax.set_ylabel("digits of agreement with the limit")
    note = "" if delta is None else f"  (delta = {delta:.3f}, n <= {last})"
    ax.set_title((title or "convergence") + note, fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format=suffix[1:])
    return points
