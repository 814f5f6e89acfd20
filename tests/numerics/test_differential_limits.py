"""Differential suite: every compiled basis function on every backend and generated-code target
against mpmath's one-sided limits (:mod:`numerics.limits`), at 10,000 points per function.

NumPy, torch and the generated NumPy, torch and C code run on all 10,000 points (vectorised;
the C is compiled with gcc). mpmath, arb and the generated mpmath code evaluate point by point
(milliseconds each), so they run on a stratified subsample of ``SLOW_SAMPLE`` points per
function that takes from every point class (cut points from both sides, tiny and huge
magnitudes, zeros and infinities, complex points); ``benchmarks/differential_counts.py`` runs
them on the full sets. For arb the count is of *unsound* certificates: certified balls that
exclude the reference. ``BEFORE`` records the counts before issue 14's fixes; cells still
wrong (``STILL_WRONG``) are ``xfail(strict=True)`` with the count; a fix makes them XPASS, and
the entry goes.

The float64 targets (NumPy, torch, generated NumPy, C and torch) are judged inside the range
the compiler states for each basis function (:func:`emlkit.float64_range`, measured by
``benchmarks/accuracy_map.py --write-ranges``) at the points where the value is finite: there
no value may be wrong, and none may be off by more than ten times the stated tolerance. The
points outside the guarantee are counted, and printed at the end of the run.
"""

from __future__ import annotations

import functools
import hashlib
import math
from pathlib import Path

import mpmath
import numpy as np
import pytest

import emlkit as ek
from emlkit.compiler.ranges import float64_range

from .limits import BASES, BY_NAME, Reference, points_for, reference, rel_error, subsample, wrong
from .runners import FAST_RUNNERS, SLOW, TARGETS, count, have_gcc

N_POINTS = 10_000
SLOW_SAMPLE = 21

# (basis, target): wrong values (arb: unsound certificates) out of N_POINTS (SLOW_SAMPLE for
# the slow targets), before issue 14's fixes (commit e1171fa) ...
BEFORE: dict[tuple[str, str], int] = {
    ("ln", "numpy"): 61, ("ln", "torch"): 61, ("ln", "mpmath"): 5, ("ln", "arb"): 6,
    ("ln", "gen-numpy"): 61, ("ln", "gen-c"): 61, ("ln", "gen-torch"): 61,
    ("ln", "gen-mpmath"): 7,
    ("sqrt", "numpy"): 88, ("sqrt", "torch"): 88, ("sqrt", "mpmath"): 6, ("sqrt", "arb"): 6,
    ("sqrt", "gen-numpy"): 88, ("sqrt", "gen-c"): 88, ("sqrt", "gen-torch"): 88,
    ("sqrt", "gen-mpmath"): 8,
    ("sin", "numpy"): 4050, ("sin", "torch"): 4050, ("sin", "mpmath"): 7, ("sin", "arb"): 1,
    ("sin", "gen-numpy"): 4056, ("sin", "gen-c"): 4056, ("sin", "gen-torch"): 4056,
    ("sin", "gen-mpmath"): 6,
    ("cos", "numpy"): 3517, ("cos", "torch"): 3517, ("cos", "mpmath"): 2, ("cos", "arb"): 1,
    ("cos", "gen-numpy"): 3520, ("cos", "gen-c"): 3520, ("cos", "gen-torch"): 3520,
    ("cos", "gen-mpmath"): 6,
    ("tan", "numpy"): 3057, ("tan", "torch"): 3057, ("tan", "mpmath"): 5, ("tan", "arb"): 1,
    ("tan", "gen-numpy"): 3063, ("tan", "gen-c"): 3063, ("tan", "gen-torch"): 3063,
    ("tan", "gen-mpmath"): 5,
    ("asin", "numpy"): 4243, ("asin", "torch"): 4243, ("asin", "mpmath"): 9,
    ("asin", "gen-numpy"): 5868, ("asin", "gen-c"): 5868, ("asin", "gen-torch"): 5868,
    ("asin", "gen-mpmath"): 10,
    ("acos", "numpy"): 3709, ("acos", "torch"): 3709, ("acos", "mpmath"): 4,
    ("acos", "gen-numpy"): 3729, ("acos", "gen-c"): 3729, ("acos", "gen-torch"): 3729,
    ("acos", "gen-mpmath"): 9,
    ("atan", "numpy"): 675, ("atan", "torch"): 675, ("atan", "mpmath"): 6,
    ("atan", "gen-numpy"): 681, ("atan", "gen-c"): 681, ("atan", "gen-torch"): 681,
    ("atan", "gen-mpmath"): 3,
    ("sinh", "numpy"): 6102, ("sinh", "torch"): 6102, ("sinh", "mpmath"): 9,
    ("sinh", "gen-numpy"): 5330, ("sinh", "gen-c"): 5330, ("sinh", "gen-torch"): 5330,
    ("sinh", "gen-mpmath"): 12,
    ("cosh", "numpy"): 2810, ("cosh", "torch"): 2810, ("cosh", "mpmath"): 3,
    ("cosh", "gen-numpy"): 2068, ("cosh", "gen-c"): 2068, ("cosh", "gen-torch"): 2068,
    ("cosh", "gen-mpmath"): 6,
    ("tanh", "numpy"): 5190, ("tanh", "torch"): 5190, ("tanh", "mpmath"): 6,
    ("tanh", "gen-numpy"): 5193, ("tanh", "gen-c"): 5193, ("tanh", "gen-torch"): 5193,
    ("tanh", "gen-mpmath"): 12,
    ("asinh", "numpy"): 7161, ("asinh", "torch"): 7161, ("asinh", "mpmath"): 8,
    ("asinh", "gen-numpy"): 7355, ("asinh", "gen-c"): 7355, ("asinh", "gen-torch"): 7355,
    ("asinh", "gen-mpmath"): 11,
    ("acosh", "numpy"): 4, ("acosh", "torch"): 4, ("acosh", "mpmath"): 2,
    ("acosh", "gen-numpy"): 495, ("acosh", "gen-c"): 495, ("acosh", "gen-torch"): 495,
    ("acosh", "gen-mpmath"): 11,
    ("atanh", "numpy"): 7022, ("atanh", "torch"): 7022, ("atanh", "mpmath"): 6,
    ("atanh", "gen-numpy"): 7025, ("atanh", "gen-c"): 7025, ("atanh", "gen-torch"): 7025,
    ("atanh", "gen-mpmath"): 13,
    ("sigmoid", "numpy"): 1876, ("sigmoid", "torch"): 1876, ("sigmoid", "mpmath"): 1,
    ("sigmoid", "gen-numpy"): 1877, ("sigmoid", "gen-c"): 1877, ("sigmoid", "gen-torch"): 1877,
    ("sigmoid", "gen-mpmath"): 1,
    ("neg", "numpy"): 7019, ("neg", "torch"): 7019, ("neg", "mpmath"): 5, ("neg", "arb"): 6,
    ("neg", "gen-numpy"): 7019, ("neg", "gen-c"): 7019, ("neg", "gen-torch"): 7019,
    ("neg", "gen-mpmath"): 6,
    ("inv", "numpy"): 89, ("inv", "torch"): 89, ("inv", "mpmath"): 5, ("inv", "arb"): 6,
    ("inv", "gen-numpy"): 89, ("inv", "gen-c"): 89, ("inv", "gen-torch"): 89,
    ("square", "mpmath"): 5, ("square", "arb"): 4, ("square", "gen-numpy"): 2,
    ("square", "gen-c"): 2, ("square", "gen-torch"): 2, ("square", "gen-mpmath"): 1,
    ("half", "numpy"): 95, ("half", "torch"): 95, ("half", "mpmath"): 5, ("half", "arb"): 6,
    ("half", "gen-numpy"): 98, ("half", "gen-c"): 98, ("half", "gen-torch"): 98,
    ("half", "gen-mpmath"): 2,
    ("add", "numpy"): 6009, ("add", "torch"): 6009, ("add", "mpmath"): 3,
    ("add", "gen-numpy"): 6016, ("add", "gen-c"): 6016, ("add", "gen-torch"): 6016,
    ("add", "gen-mpmath"): 4,
    ("sub", "numpy"): 6009, ("sub", "torch"): 6009, ("sub", "mpmath"): 3,
    ("sub", "gen-numpy"): 6015, ("sub", "gen-c"): 6015, ("sub", "gen-torch"): 6015,
    ("sub", "gen-mpmath"): 4,
    ("mul", "numpy"): 2440, ("mul", "torch"): 2440, ("mul", "mpmath"): 14, ("mul", "arb"): 14,
    ("mul", "gen-numpy"): 2629, ("mul", "gen-c"): 2629, ("mul", "gen-torch"): 2629,
    ("mul", "gen-mpmath"): 3,
    ("div", "numpy"): 1388, ("div", "torch"): 1388, ("div", "mpmath"): 13, ("div", "arb"): 14,
    ("div", "gen-numpy"): 1569, ("div", "gen-c"): 1569, ("div", "gen-torch"): 1569,
    ("div", "gen-mpmath"): 3,
    ("pow", "numpy"): 999, ("pow", "torch"): 999, ("pow", "mpmath"): 6, ("pow", "arb"): 7,
    ("pow", "gen-numpy"): 1371, ("pow", "gen-c"): 1371, ("pow", "gen-torch"): 1371,
    ("pow", "gen-mpmath"): 5,
    ("hypot", "numpy"): 6420, ("hypot", "torch"): 6420, ("hypot", "mpmath"): 3,
    ("hypot", "gen-numpy"): 7014, ("hypot", "gen-c"): 7014, ("hypot", "gen-torch"): 7014,
    ("hypot", "gen-mpmath"): 5,
    ("log", "numpy"): 2803, ("log", "torch"): 2803, ("log", "mpmath"): 16, ("log", "arb"): 15,
    ("log", "gen-numpy"): 2803, ("log", "gen-c"): 2803, ("log", "gen-torch"): 2803,
    ("log", "gen-mpmath"): 5,
    ("avg", "numpy"): 6020, ("avg", "torch"): 6020, ("avg", "mpmath"): 3,
    ("avg", "gen-numpy"): 6024, ("avg", "gen-c"): 6024, ("avg", "gen-torch"): 6024,
    ("avg", "gen-mpmath"): 4,
}
# ... and at commit 1aeaa32 (semantics and sigmoid fixed); these cells are strict xfails
STILL_WRONG: dict[tuple[str, str], int] = {
    # empty: every (basis, target) cell has 0 wrong values (float targets inside their range)
}


_CACHE: list = []  # pytest's cache directory for the reference values, when there is one
#: (basis, target) -> (wrong inside the guarantee, finite values outside it, values that are
#: not finite in float64 (outside every guarantee), how many of those are wrong (the wrong
#: infinity), defined points); conftest.py prints them
_OUTSIDE: dict[tuple[str, str], tuple[int, int, int, int, int]] = {}


@pytest.fixture(scope="module", autouse=True)
def _reference_cache(pytestconfig):
    cache = getattr(pytestconfig, "cache", None)
    _CACHE[:] = [cache.mkdir("emlkit-numerics-limits")] if cache is not None else []
    pytestconfig.emlkit_float64_outside = _OUTSIDE
    yield
    _CACHE.clear()


def _key() -> str:
    """Reference values depend on the harness source and the library versions only."""
    src = (Path(__file__).parent / "limits.py").read_bytes()
    tag = f"{mpmath.__version__}-{np.__version__}-{N_POINTS}".encode()
    return hashlib.sha256(src + tag).hexdigest()[:16]


def _reference(basis, args) -> Reference:
    """mpmath's one-sided limits at the points (about a second per function), kept in pytest's
    cache between runs (keyed by the harness source and the mpmath and NumPy versions); the
    exact mpmath values are recomputed where needed (the arb subsample)."""
    path = _CACHE[0] / f"{basis.name}-{_key()}.npz" if _CACHE else None
    if path is not None and path.exists():
        with np.load(path) as d:
            return Reference(d["value"], d["scale"], d["defined"], d["pole"])
    ref = reference(basis, args)
    if path is not None:
        np.savez(path, value=ref.value, scale=ref.scale, defined=ref.defined, pole=ref.pole)
    return ref


@functools.cache
def _case(name: str):
    basis = BY_NAME[name]
    args = points_for(basis, N_POINTS)
    ref = _reference(basis, args)
    expr = ek.compile(basis.formula)
    return basis, args, ref, expr, sorted(expr.free_vars)


@functools.cache
def _guaranteed(name: str) -> np.ndarray:
    """The points inside the stated float64 range where the value is finite."""
    _, args, ref, _, _ = _case(name)
    rng = float64_range(name)
    inside = np.array([rng.contains(*p) for p in zip(*args)], dtype=bool)
    return inside & ref.defined & ~ref.pole & np.isfinite(ref.value)


def _params():
    for b in BASES:
        for t in TARGETS:
            marks = []
            if (b.name, t) in STILL_WRONG:
                was = BEFORE.get((b.name, t), 0)
                marks.append(pytest.mark.xfail(strict=True, reason=(
                    f"issue 14: {STILL_WRONG[b.name, t]} wrong (before the fixes: {was})")))
            if t == "gen-c" and not have_gcc():
                marks.append(pytest.mark.skip(reason="gcc is not installed"))
            yield pytest.param(b.name, t, marks=marks, id=f"{b.name}-{t}")


@pytest.mark.parametrize("name, target", list(_params()))
def test_no_wrong_values(name, target):
    if target == "torch" or target == "gen-torch":
        pytest.importorskip("torch")
    if target == "arb":
        pytest.importorskip("flint")
    basis, args, ref, expr, names = _case(name)
    if target in FAST_RUNNERS:
        _float_target(name, target)
        return
    idx = subsample(args, ref, SLOW_SAMPLE) if target in SLOW else None
    if target == "arb" and not ref.exact:  # cached values: the exact ones at the subsample
        sub = reference(basis, tuple(a[idx] for a in args))
        exact = [None] * len(args[0])
        for j, i in enumerate(idx):
            exact[i] = sub.exact[j]
        ref = Reference(ref.value, ref.scale, ref.defined, ref.pole, tuple(exact))
    c = count(expr, names, args, ref, target, idx)
    assert c.points >= (N_POINTS * 0.99 if idx is None else 0.8 * SLOW_SAMPLE)
    assert c.wrong == 0, f"{c.wrong}/{c.points} wrong, e.g. (inputs, value, reference): " + (
        "; ".join(map(str, c.examples)))


def _float_target(name: str, target: str) -> None:
    """No wrong value inside the stated float64 range, none beyond ten times its tolerance."""
    _, args, ref, expr, names = _case(name)
    assert len(args[0]) >= N_POINTS * 0.99
    z = FAST_RUNNERS[target](expr, names, args)
    inside = _guaranteed(name)
    all_bad = wrong(ref, z)
    bad = all_bad & inside
    finite = ref.defined & ~ref.pole & np.isfinite(ref.value)
    infinite = ref.defined & ~finite
    _OUTSIDE[name, target] = (int(bad.sum()), int((finite & ~inside).sum()), int(infinite.sum()),
                              int((all_bad & infinite).sum()), int(ref.defined.sum()))
    examples = [(tuple(complex(a[i]) for a in args), complex(z[i]), complex(ref.value[i]))
                for i in np.flatnonzero(bad)[:3]]
    assert not bad.any(), f"{bad.sum()}/{inside.sum()} wrong inside the stated range, e.g. " \
        f"(inputs, value, reference): {examples}"
    err = rel_error(ref, z)[inside]
    tol = float64_range(name).tolerance
    assert inside.sum() == 0 or np.nanmax(err) <= 10 * tol, (
        f"error {np.nanmax(err):.1e} inside the stated range, more than 10 × {tol:.0e}")


def test_every_basis_function_has_a_stated_range():
    for b in BASES:
        r = float64_range(b.name)
        assert r.formula == b.formula and len(r.args) == b.arity
        assert _guaranteed(b.name).sum() >= 0.05 * N_POINTS, b.name  # not a vacuous statement


# ----------------------------------------------------------------- the harness itself
def test_point_sets_cover_the_classes():
    for b in (BY_NAME["asin"], BY_NAME["mul"]):
        (x, *_) = points_for(b, N_POINTS)
        assert len(x) >= N_POINTS
        real = x[x.imag == 0]
        assert np.abs(real.real[real.real != 0]).min() < 1e-299
        assert np.abs(real.real[np.isfinite(real.real)]).max() > 1e299
        assert (real.real < 0).any() and np.isinf(real.real).any() and (real.real == 0).any()
        if b.arity == 1:
            assert np.signbit(real.imag).any() and (~np.signbit(real.imag)).any()
        assert (x.imag != 0).any()


@pytest.mark.parametrize("name, z, expected", [
    # textbook values of the one-sided limits (C99 Annex G sides), not mpmath's cut values
    ("ln", complex(-2, 0.0), complex(math.log(2), math.pi)),
    ("ln", complex(-2, -0.0), complex(math.log(2), -math.pi)),
    ("sqrt", complex(-4, -0.0), -2j),
    ("asin", complex(2, 0.0), complex(math.pi / 2, math.acosh(2))),
    ("asin", complex(2, -0.0), complex(math.pi / 2, -math.acosh(2))),
    ("acos", complex(2, 0.0), complex(0, -math.acosh(2))),
    ("acosh", complex(-2, 0.0), complex(math.acosh(2), math.pi)),
    ("acosh", complex(0.0, -0.0), complex(0, -math.pi / 2)),
    ("atanh", complex(2, 0.0), complex(math.atanh(0.5), math.pi / 2)),
    ("atan", complex(0.0, 2), complex(math.pi / 2, math.atanh(0.5))),
    ("atan", complex(-0.0, 2), complex(-math.pi / 2, math.atanh(0.5))),
    ("asinh", complex(-0.0, 1.5), complex(-math.acosh(1.5), math.pi / 2)),
    ("atanh", complex(1e-300, 0.0), 1e-300),
    ("asinh", complex(1e-300, 0.0), 1e-300),
    ("asin", complex(1e300, 0.0), complex(math.pi / 2, math.log(2) + 300 * math.log(10))),
])
def test_reference_is_the_one_sided_limit(name, z, expected):
    ref = reference(BY_NAME[name], (np.array([z]),))
    assert abs(ref.value[0] - expected) <= 1e-15 * abs(expected)


def test_reference_poles_and_undefined_points():
    ref = reference(BY_NAME["atanh"], (np.array([1.0 + 0j, -1.0 + 0j]),))
    assert ref.value[0].real == math.inf and ref.value[1].real == -math.inf
    ref = reference(BY_NAME["div"], (np.array([0j, 1 + 0j]), np.array([0j, 0j])))
    assert not ref.defined[0] or ref.pole[0]
    assert ref.pole[1]
    ref = reference(BY_NAME["sub"], (np.array([complex(math.inf)]), np.array([complex(math.inf)])))
    assert not ref.defined[0]


def test_wrong_counts_a_swamped_small_value():
    # the identity at 1e-75 with a residue 7.2e-71j (the absolute nudge of the issue) is wrong
    from .limits import wrong

    ref = reference(BY_NAME["half"], (np.array([2e-75 + 0j]),))
    assert wrong(ref, np.array([1e-75 + 7.2e-71j]))[0]
    assert not wrong(ref, np.array([1e-75 + 0j]))[0]
