"""ek.certify takes the points as ek.evaluate does (issue 16): keywords by variable name, and
still a list of points or a mapping. Values compared with mpmath at 40 digits."""

from __future__ import annotations

import mpmath
import pytest

pytest.importorskip("flint")

import emlkit as ek

SIN = ek.compile("sin(x)")


def test_keyword_point_like_evaluate():
    (c,) = ek.certify(SIN, x=0.7)
    assert c.certified
    with mpmath.workdps(40):
        mid = mpmath.mpf(c.value.real.mid().str(35, radius=False))
        assert abs(mid - mpmath.sin(mpmath.mpf(0.7))) < mpmath.mpf(10) ** -25


def test_keyword_arrays_give_one_certificate_per_element():
    cs = ek.certify(SIN, x=[0.5, 1.0, 2.0])
    assert [complex(c.point["x"]) for c in cs] == [0.5, 1.0, 2.0]
    assert [c.certified for c in cs] == [c.certified for c in ek.certify(SIN, [0.5, 1.0, 2.0])]


def test_old_forms_still_work():
    assert ek.certify(SIN, [0.7])[0].certified
    assert ek.certify(SIN, {"x": 0.7})[0].certified
    assert ek.certify(SIN, [{"x": 0.7}])[0].certified


def test_two_variables_by_keyword():
    f = ek.compile("x*y")
    (c,) = ek.certify(f, x=1.5, y=-2.0)
    assert c.certified and abs(complex(c.value.real.mid()) + 3) < 1e-20


def test_bad_keywords():
    with pytest.raises(TypeError, match="'y'"):
        ek.certify(SIN, x=0.7, y=1.0)
    with pytest.raises(TypeError, match="not both"):
        ek.certify(SIN, [0.7], x=0.7)
