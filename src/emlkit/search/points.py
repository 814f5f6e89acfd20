"""The search's test points: the fixed defaults, and the check of points a caller gives.

Observational equivalence compares value vectors at these points, so they are generic
(irrational-looking parts), lie inside and outside the strip ``|Im| < pi`` and carry ``+1e-7j``
where they stand for a real input (the upper side of a cut, which the search's snapping keeps).
Re-exported by :mod:`emlkit.search.arithmetic`, where they lived first.

>>> sorted(default_points(("x", "y")))
['x', 'y']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["default_points", "resolve_points"]

# Default test points: inside the strip |Im| < pi (both signs of Re and Im, and real points
# so branch behaviour on the real axis is observed: a real input x means x + 0i, the upper
# side of a cut, so these carry Im = 1e-7, which the snapping keeps), then points outside the
# strip (so strip-only forms and plane-valid forms are different functions to the dedup).
_DEFAULT_1 = {
    "x": [
        -1.2718281828 + 2.4731415926j,
        0.8392718281 - 0.6153141592j,
        1.7106271828 + 1.3349314159j,
        -0.4427314159 - 2.8312718281j,
        -1.3717171717 + 1e-7j,
        0.5271828183 + 1e-7j,
        0.3714159265 + 4.1027182818j,
        -0.9127182818 - 5.3314159265j,
    ]
}
_DEFAULT_2 = {
    "x": [
        -0.8271828183 + 2.2131415927j,
        1.1914159265 - 1.8727182818j,
        0.6127182818 + 2.6314159265j,
        -1.3718281828 + 1e-7j,
        0.7313131313 - 0.4117171717j,
        0.4314159265 + 3.9271828183j,
        -0.6218281828 - 1.1731415927j,
    ],
    "y": [
        1.3714159265 + 1.9627182818j,
        -0.5727182818 - 2.4314159265j,
        -1.4114159265 - 2.2171828183j,
        0.6231415927 + 1e-7j,
        -0.3817171717 + 0.2913131313j,
        -0.7271828183 + 0.5914159265j,
        0.8814159265 - 4.6271828183j,
    ],
}


def default_points(variables: Sequence[str]) -> dict[str, np.ndarray]:
    """The fixed test points used when ``points`` is not given (one array per variable).

    One variable: 6 points in the strip (one negative and one positive real, each as
    ``x + 1e-7j``, the upper side) and 2 outside;
    two variables: 5 pairs in the strip (including sums and differences of imaginary parts
    beyond pi) and 2 pairs outside. More variables get deterministic pseudo-random points.

    >>> pts = default_points(("x",))
    >>> len(pts["x"]), int((abs(pts["x"].imag) < np.pi).sum())
    (8, 6)
    >>> default_points(())
    {}
    """
    variables = tuple(variables)
    if not variables:
        return {}
    if len(variables) == 1:
        return {variables[0]: np.array(_DEFAULT_1["x"], dtype=np.complex128)}
    if len(variables) == 2:
        return {
            variables[0]: np.array(_DEFAULT_2["x"], dtype=np.complex128),
            variables[1]: np.array(_DEFAULT_2["y"], dtype=np.complex128),
        }
    rng = np.random.default_rng(20260417)
    n = 3 * len(variables) + 2
    out = {}
    for v in variables:
        re = rng.uniform(-1.5, 1.5, n)
        im = rng.uniform(-2.9, 2.9, n)
        im[-2:] = rng.choice([-1.0, 1.0], 2) * rng.uniform(3.5, 5.0, 2)
        out[v] = re + 1j * im
    return out


def resolve_points(
    variables: Sequence[str], points: Mapping[str, Sequence[complex]] | None = None
) -> dict[str, np.ndarray]:
    """The test points of an enumeration: ``points`` checked (one complex array per variable,
    all of one length), or :func:`default_points` when ``points`` is ``None``.

    >>> resolve_points(("x",), {"x": [1j, 2]})["x"].tolist()
    [1j, (2+0j)]
    >>> resolve_points(("x", "y"), {"x": [1j]})
    Traceback (most recent call last):
    ...
    ValueError: no test points given for variable 'y'
    """
    if points is None:
        return default_points(variables)
    missing = [v for v in variables if v not in points]
    if missing:
        raise ValueError(f"no test points given for variable {missing[0]!r}")
    pts = {v: np.asarray(points[v], dtype=np.complex128).ravel() for v in variables}
    if len({len(a) for a in pts.values()}) > 1:
        raise ValueError("every variable needs the same number of test points")
    return pts
