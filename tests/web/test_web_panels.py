"""The panel functions without HTTP: limits, CSV text, and the PCF panel's plumbing against a
stand-in engine that follows the documented contract (its limit is mpmath's own 4/pi)."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import pytest

from emlkit.errors import DomainError, UnsupportedError
from emlkit.web import Limits, compile_panel, pcf_panel
from emlkit.web.csvdata import parse_csv
from emlkit.web.limits import check_formula, nesting_depth
from emlkit.web.panel_pcf import pcf_available


def test_nesting_depth_is_linear_and_counts_every_bracket():
    assert nesting_depth("x") == 0
    assert nesting_depth("[{(x)}]") == 3
    assert nesting_depth("(" * 100_000 + ")" * 100_000) == 100_000
    assert nesting_depth(")))(") == 1  # stray closers do not go negative


@pytest.mark.parametrize("text,fragment", [(" ", "empty"), ("x" * 2001, "2001 characters"),
                                           ("(" * 101 + ")" * 101, "101 deep")])
def test_check_formula(text, fragment):
    with pytest.raises(DomainError, match=fragment):
        check_formula(text, Limits())
    assert check_formula("(" * 100 + ")" * 100, Limits()) is not None


def test_csv_columns_and_target():
    X, y, names, target = parse_csv("a, b ,f\n1,2,3\n4,5,6\n\n", max_rows=5, max_columns=3,
                                    target="a")
    assert names == ["b", "f"] and target == "a" and y.tolist() == [1.0, 4.0]
    assert X.tolist() == [[2.0, 3.0], [5.0, 6.0]]
    X, y, _, _ = parse_csv("x,y\n1e-300,1e300\n-0.0,5\n", max_rows=5, max_columns=2)
    assert y.tolist() == [1e300, 5.0] and X[0, 0] == 1e-300


def test_compile_panel_tiny_and_huge_values():
    d = compile_panel("x*y", at={"x": "1e-10", "y": "3e-12"}, backend="mpmath", dps=30,
                      draw=False)
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(d["value"]["text"]) / mpmath.mpf("3e-22") - 1) < 1e-25
    d = compile_panel("x", at={"x": "1e308"}, draw=False)
    assert float(d["value"]["text"]) == 1e308


# ---------------------------------------------------------------- the PCF panel


@dataclass(frozen=True)
class _Poly:
    coeffs: tuple

    def __call__(self, n: int) -> int:
        return sum(c * n**k for k, c in enumerate(self.coeffs))

    @property
    def degree(self) -> int:
        return len(self.coeffs) - 1

    def __str__(self) -> str:
        return " + ".join(f"{c}n^{k}" for k, c in enumerate(self.coeffs))


@dataclass(frozen=True)
class _Limit:
    value: object
    digits: int
    depth: int
    status: str = "converged"
    method: str = "stand-in"

    def as_decimal(self) -> str:
        return mpmath.nstr(self.value, self.digits)


class _PCF:
    """Only PCF(2n+1, n^2) = 4/pi, with the limit from mpmath."""

    def __init__(self, a: str, b: str) -> None:
        assert (a, b) == ("2n+1", "n^2")
        self.a, self.b = _Poly((1, 2)), _Poly((0, 0, 1))

    def limit(self, digits: int) -> _Limit:
        with mpmath.workdps(digits + 10):
            return _Limit(+(4 / mpmath.pi), digits, 200)

    def __str__(self) -> str:
        return "PCF(2n + 1, n^2)"


@pytest.fixture
def stand_in_engine(monkeypatch):
    module = types.ModuleType("emlkit.pcf")
    module.PCF = _PCF
    monkeypatch.setitem(sys.modules, "emlkit.pcf", module)
    yield


def test_pcf_panel_with_a_stand_in_engine(stand_in_engine):
    assert pcf_available()
    d = pcf_panel("2n+1", "n^2", digits=40, depth=120)
    assert d["limit"].startswith("1.273239544735162686151070106980114896")
    assert d["status"] == "converged" and d["digits"] == 40
    rates = [d2 - d1 for (_, d1), (_, d2) in zip(d["curve"], d["curve"][1:]) if d2 < 40]
    expect = float(-mpmath.log10(3 - 2 * mpmath.sqrt(2))) * (d["curve"][1][0] - d["curve"][0][0])
    assert rates and all(abs(r - expect) < 0.05 for r in rates[2:])
    assert d["delta"] is not None and set(d["engine"]) >= {"available", "results"}


def test_pcf_panel_bounds(stand_in_engine):
    with pytest.raises(DomainError, match="digits"):
        pcf_panel("2n+1", "n^2", digits=10**6)
    with pytest.raises(DomainError, match="depth"):
        pcf_panel("2n+1", "n^2", depth=0)
    with pytest.raises(DomainError, match="longer than 200"):
        pcf_panel("n+" * 100 + "1", "n^2")


def test_pcf_panel_without_the_engine(monkeypatch):
    monkeypatch.setitem(sys.modules, "emlkit.pcf", None)  # import fails
    assert not pcf_available()
    with pytest.raises(UnsupportedError, match="not part of this build"):
        pcf_panel("2n+1", "n^2")


def test_fraction_coefficients_are_exact():
    from emlkit.viz import convergence_digits

    with mpmath.workdps(50):  # PCF(1/2, 1/4): the positive root of x = 1/2 + (1/4)/x
        x = (1 + mpmath.sqrt(5)) / 4
        points, _ = convergence_digits(lambda n: Fraction(1, 2), lambda n: Fraction(1, 4), x, 100)
    assert points[-1][1] > 30
