"""Conservative matrix fields: conservativeness, path independence, limits against mpmath."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from _mp_pcf import mp_limit

from emlkit.pcf.cmf import CMF, cmf_e, cmf_pi, cmf_zeta3


def _single(f, ax, x, y):
    """One matrix of axis ``ax`` at (x, y), exactly (a walk of one step)."""
    d = (1, 0) if ax == "x" else (0, 1)
    return f.walk((x, y), d, 1)


def _mul(p, q):
    a, b, c, d = p
    e, g, h, k = q
    return (a * e + b * h, a * g + b * k, c * e + d * h, c * g + d * k)


@pytest.mark.parametrize("make", [cmf_e, cmf_pi, cmf_zeta3])
def test_known_fields_are_conservative_and_path_independent(make):
    f = make()
    assert f.is_conservative()
    for x, y in [(1, 1), (2, 3), (5, 2)]:
        right_up = _mul(_single(f, "x", x, y), _single(f, "y", x + 1, y))
        up_right = _mul(_single(f, "y", x, y), _single(f, "x", x, y + 1))
        assert right_up == up_right


def test_a_field_that_is_not_conservative():
    f = CMF({"x": [[0, "y"], [1, "x"]], "y": [[1, "x"], [0, 1]]})
    assert not f.is_conservative()


@pytest.mark.parametrize("make, direction, ref", [
    (cmf_e, (1, 0), lambda: (3 * mpmath.e - 8) / (mpmath.e - 3)),
    (cmf_e, (1, 1), lambda: (3 * mpmath.e - 8) / (mpmath.e - 3)),
    (cmf_pi, (1, 1), lambda: (2 * mpmath.pi - 6) / (mpmath.pi - 4)),
    (cmf_zeta3, (1, 1), lambda: (1 - mpmath.zeta(3)) / mpmath.zeta(3)),
])
def test_trajectory_limits_against_mpmath(make, direction, ref):
    v = make().limit((1, 1), direction, digits=30)
    assert v.digits >= 30
    with mpmath.workdps(50):
        assert abs(v.value - ref()) < mpmath.mpf(10) ** -29


def test_extracted_pcf_is_a_mobius_transform_of_e():
    a, b = cmf_e().as_pcf((1, 1), (1, 0))
    assert all(isinstance(c, int) for c in a + b)
    with mpmath.workdps(60):
        x = mp_limit(a, b, 299)
        rel = mpmath.pslq([x * mpmath.e, x, mpmath.e, 1], maxcoeff=100, maxsteps=10**5)
    assert rel is not None and max(map(abs, rel)) <= 100


def test_extracted_pcf_of_the_zeta3_field_gives_zeta3():
    a, b = cmf_zeta3().as_pcf((1, 1), (0, 1))
    with mpmath.workdps(40):
        x = mp_limit(a, b, 199)
        # this direction converges like 1/n^2 (as the series of zeta(3)): a few digits only
        assert abs(x + 1 / (mpmath.zeta(3) - 1)) < 1e-3


def test_identify_grid():
    got = cmf_pi().identify_grid([(1, 0), (1, 1), (2, 1)], ["pi"], digits=20)
    assert all(t.formula is not None and t.checked_digits >= 15 for t in got)


def test_walk_is_exact():
    m = cmf_e().walk((Fraction(1, 2), 1), (1, 0), 3)
    assert all(isinstance(v, Fraction) for v in m)


@pytest.mark.parametrize("matrices, msg", [
    ({}, "at least one"),
    ({"x": [[1, 2, 3], [4, 5, 6]]}, "not 2×2"),
    ({"x": [[1, "z"], [0, 1]]}, "not axes: z"),
])
def test_bad_fields(matrices, msg):
    with pytest.raises(ValueError, match=msg):
        CMF(matrices)


def test_bad_walks():
    f = cmf_e()
    with pytest.raises(ValueError, match="direction"):
        f.walk((1, 1), (-1, 0), 3)
    with pytest.raises(ValueError, match="entries"):
        f.walk((1,), (1, 0), 3)
    with pytest.raises(ValueError, match="steps"):
        f.walk((1, 1), (1, 0), -2)


def _pcf_value(a, b, depth, dps):
    with mpmath.workdps(dps):
        return mp_limit(a, b, depth)


def test_zeta3_diagonal_is_aperys_continued_fraction():
    # the diagonal through (0, 1) is Apéry's PCF(34n^3+51n^2+27n+5, -n^6) = 6/zeta(3), with a
    # negated (the equivalence transform c_n = -1, so the value is -6/zeta(3))
    a, b = cmf_zeta3().as_pcf((0, 1), (1, 1))
    assert (a, b) == ([-5, -27, -51, -34], [0, 0, 0, 0, 0, 0, -1])
    with mpmath.workdps(50):
        assert abs(_pcf_value(a, b, 40, 60) + 6 / mpmath.zeta(3)) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize("make, start, direction", [
    (cmf_zeta3, (1, 1), (1, 1)),
    (cmf_pi, (1, 1), (1, 0)),
    (cmf_pi, (1, 1), (1, 1)),
    (cmf_pi, (1, 1), (2, 1)),
    (cmf_e, (1, 1), (1, 1)),
])
def test_extracted_pcfs_are_reduced_and_give_the_trajectory_limit(make, start, direction):
    import sympy

    f = make()
    a, b = f.as_pcf(start, direction)
    n = sympy.Symbol("n")
    pa = sum(c * n**k for k, c in enumerate(a))
    pb = sum(c * n**k for k, c in enumerate(b))
    assert all(isinstance(c, int) for c in a + b)
    # no equivalence transform c(n) | a(n), c(n) c(n-1) | b(n) is left to divide out
    for g, _ in sympy.factor_list(pa, n)[1]:
        if sympy.degree(g, n) >= 1:
            assert sympy.div(pb, sympy.expand(g * g.subs(n, n - 1)), n)[1] != 0
    ca = sympy.Poly(pa, n).content()
    cb = sympy.Poly(pb, n).content()
    assert all(ca % k or cb % (k * k) for k in range(2, 50))
    # the PCF's value is a Möbius transform of the trajectory's limit (walked independently)
    lim = f.limit(start, direction, digits=30)
    assert lim.digits >= 30
    with mpmath.workdps(40):
        x = _pcf_value(a, b, 400, 80)
        rel = mpmath.pslq([x * lim.value, x, lim.value, 1], maxcoeff=10**6, maxsteps=10**6)
    assert rel is not None and rel[0] * x + rel[2] != 0


def test_common_factors_of_the_matrices_and_constants_are_divided_out():
    # M_x = 2(x + 3)(2x + 5)·[[0, x^2], [1, 2x + 1]]: a scalar factor per step, which the
    # extraction removes (the product's ratios do not see it)
    plain = CMF({"x": [[0, "x**2"], [1, "2*x + 1"]], "y": [[1, 0], [0, 1]]})
    scaled = CMF({"x": [[0, "2*x**2*(x + 3)*(2*x + 5)"], ["2*(x + 3)*(2*x + 5)",
                                                         "2*(2*x + 1)*(x + 3)*(2*x + 5)"]],
                  "y": [[1, 0], [0, 1]]})
    assert scaled.is_conservative()
    want = plain.as_pcf((1, 0), (1, 0))
    assert scaled.as_pcf((1, 0), (1, 0)) == want
    a, b = want
    with mpmath.workdps(30):  # a Möbius transform of 4/pi = PCF(2n+1, n^2)
        x = _pcf_value(a, b, 3000, 30)
        rel = mpmath.pslq([x / mpmath.pi, x, 1 / mpmath.pi, 1], maxcoeff=100, maxsteps=10**5)
    assert rel is not None
