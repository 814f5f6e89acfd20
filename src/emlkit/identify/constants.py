"""The table of named constants that identification works over, with values to 2,000+ digits.

Each :class:`Constant` has a name (SymPy text where SymPy knows the constant), a SymPy formula,
LaTeX, and an mpmath definition. The values are read from ``emlkit/data/constants.json``
(written by ``scripts/make_constants.py``, :data:`STORED_DIGITS` digits each) and cached in
memory; a request for more digits than stored is computed with mpmath.

>>> from emlkit.identify import constants
>>> len(constants.TABLE) >= 50
True
>>> c = constants.get("zeta(3)")
>>> import mpmath
>>> c.latex, mpmath.nstr(c.value(20), 20)
('\\\\zeta(3)', '1.2020569031595942854')
>>> constants.get("catalan").name          # case and aliases are forgiven
'Catalan'
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import EMLError

__all__ = [
    "STORED_DIGITS",
    "TABLE",
    "Constant",
    "UnknownConstantError",
    "get",
    "mp_value",
    "names",
]

#: Digits of every value in the shipped data file.
STORED_DIGITS = 2100


class UnknownConstantError(EMLError, ValueError):
    """A basis name that is not in the table (the message suggests the closest names).

    >>> try:
    ...     get("zeta3x")
    ... except ValueError as err:
    ...     print(err)
    unknown constant 'zeta3x'; did you mean zeta(3), zeta(9)?
    """


@dataclass(frozen=True)
class Constant:
    """One named constant.

    Attributes
    ----------
    name : str
        The name used in bases and formulas (SymPy text where possible: ``"log(2)"``).
    sympy : str
        SymPy-parsable formula of the value; for constants SymPy has no closed form for
        (Glaisher, Khinchin, ...) the name itself, which SymPy reads as a symbol.
    latex : str
        LaTeX of the constant.
    mpmath : str
        The mpmath definition (an expression over mpmath's functions).
    aliases : tuple of str
        Other accepted spellings.
    positive : bool
        True when the value is positive (products of powers use only positive constants).

    Examples
    --------
    >>> get("pi").mpmath, get("pi").sympy_expr()
    ('pi', pi)
    """

    name: str
    sympy: str
    latex: str
    mpmath: str
    aliases: tuple[str, ...] = ()
    positive: bool = True

    def value(self, dps: int) -> Any:
        """The value as an mpmath ``mpf`` correct to ``dps`` significant digits.

        >>> import mpmath
        >>> mpmath.nstr(get("E").value(30), 30)
        '2.71828182845904523536028747135'
        """
        return mp_value(self.name, dps)

    def sympy_expr(self) -> Any:
        """The SymPy expression of the constant.

        >>> get("Gauss").sympy_expr()
        sqrt(2)*gamma(1/4)**2/(4*pi**(3/2))
        """
        return _sympy_of(self.sympy)


def _c(name: str, sympy: str | None, latex: str, mpmath: str, *aliases: str,
       positive: bool = True) -> Constant:
    return Constant(name, sympy or name, latex, mpmath, tuple(aliases), positive)


TABLE: tuple[Constant, ...] = (
    _c("pi", "pi", r"\pi", "pi", "π"),
    _c("E", "E", "e", "e", "e"),
    _c("EulerGamma", "EulerGamma", r"\gamma", "euler", "euler", "gamma", "γ"),
    _c("Catalan", "Catalan", "G", "catalan", "catalan", "G"),
    _c("GoldenRatio", "GoldenRatio", r"\varphi", "phi", "phi", "φ", "golden"),
    _c("sqrt(2)", "sqrt(2)", r"\sqrt{2}", "sqrt(2)", "sqrt2"),
    _c("sqrt(3)", "sqrt(3)", r"\sqrt{3}", "sqrt(3)", "sqrt3"),
    _c("2**(1/3)", "2**(1/3)", r"\sqrt[3]{2}", "cbrt(2)", "cbrt(2)"),
    _c("log(2)", "log(2)", r"\ln 2", "ln2", "ln2", "ln(2)"),
    _c("log(3)", "log(3)", r"\ln 3", "log(3)", "ln3", "ln(3)"),
    _c("log(5)", "log(5)", r"\ln 5", "log(5)", "ln5", "ln(5)"),
    _c("log(7)", "log(7)", r"\ln 7", "log(7)", "ln7", "ln(7)"),
    _c("log(pi)", "log(pi)", r"\ln \pi", "log(pi)", "ln(pi)"),
    _c("zeta(3)", "zeta(3)", r"\zeta(3)", "zeta(3)", "apery", "zeta3", "ζ(3)"),
    _c("zeta(5)", "zeta(5)", r"\zeta(5)", "zeta(5)", "zeta5", "ζ(5)"),
    _c("zeta(7)", "zeta(7)", r"\zeta(7)", "zeta(7)", "zeta7"),
    _c("zeta(9)", "zeta(9)", r"\zeta(9)", "zeta(9)", "zeta9"),
    _c("zeta(1/2)", "zeta(1/2)", r"\zeta(\tfrac12)", "zeta(0.5)", positive=False),
    _c("pi**2", "pi**2", r"\pi^2", "pi**2", "pi^2"),
    _c("pi**3", "pi**3", r"\pi^3", "pi**3", "pi^3"),
    _c("pi**4", "pi**4", r"\pi^4", "pi**4", "pi^4"),
    _c("sqrt(pi)", "sqrt(pi)", r"\sqrt{\pi}", "sqrt(pi)"),
    _c("exp(pi)", "exp(pi)", r"e^{\pi}", "exp(pi)", "e^pi", "E**pi"),
    _c("exp(pi/2)", "exp(pi/2)", r"e^{\pi/2}", "exp(pi/2)"),
    _c("exp(pi*sqrt(163))", "exp(pi*sqrt(163))", r"e^{\pi\sqrt{163}}", "exp(pi*sqrt(163))",
       "ramanujan"),
    _c("E**2", "exp(2)", "e^2", "exp(2)", "exp(2)", "e^2"),
    _c("sqrt(E)", "exp(1/2)", r"\sqrt{e}", "exp(0.5)", "exp(1/2)"),
    _c("exp(EulerGamma)", "exp(EulerGamma)", r"e^{\gamma}", "exp(euler)"),
    _c("2**sqrt(2)", "2**sqrt(2)", r"2^{\sqrt{2}}", "2**sqrt(2)", "gelfond-schneider"),
    _c("gamma(1/4)", "gamma(1/4)", r"\Gamma(\tfrac14)", "gamma(0.25)"),
    _c("gamma(1/3)", "gamma(1/3)", r"\Gamma(\tfrac13)", "gamma(mpf(1)/3)"),
    _c("Gauss", "gamma(1/4)**2/(2*pi)**(3/2)", "G_{\\mathrm{Gauss}}", "1/agm(1, sqrt(2))",
       "gauss"),
    _c("lemniscate", "gamma(1/4)**2/(2*sqrt(2*pi))", r"\varpi", "pi/agm(1, sqrt(2))",
       "varpi", "ϖ"),
    _c("Glaisher", None, "A", "glaisher", "glaisher"),
    _c("Khinchin", None, "K_0", "khinchin", "khinchin"),
    _c("Mertens", None, "M", "mertens", "mertens", "meissel-mertens"),
    _c("Ci(1)", "Ci(1)", r"\operatorname{Ci}(1)", "ci(1)"),
    _c("LambertW(1)", "LambertW(1)", r"\Omega", "lambertw(1).real", "omega", "Ω"),
    _c("Dottie", None, "D", "findroot(lambda t: cos(t) - t, 0.739)", "dottie"),
    _c("besseli(0, 2)", "besseli(0, 2)", "I_0(2)", "besseli(0, 2)", "I0(2)"),
    _c("besseli(1, 2)", "besseli(1, 2)", "I_1(2)", "besseli(1, 2)", "I1(2)"),
    _c("besseli(0, 1)", "besseli(0, 1)", "I_0(1)", "besseli(0, 1)", "I0(1)"),
    _c("besseli(1, 1)", "besseli(1, 1)", "I_1(1)", "besseli(1, 1)", "I1(1)"),
    _c("besselj(0, 1)", "besselj(0, 1)", "J_0(1)", "besselj(0, 1)", "J0(1)"),
    _c("besselj(1, 1)", "besselj(1, 1)", "J_1(1)", "besselj(1, 1)", "J1(1)"),
    _c("sin(1)", "sin(1)", r"\sin 1", "sin(1)"),
    _c("cos(1)", "cos(1)", r"\cos 1", "cos(1)"),
    _c("tan(1)", "tan(1)", r"\tan 1", "tan(1)"),
    _c("sinh(1)", "sinh(1)", r"\sinh 1", "sinh(1)"),
    _c("cosh(1)", "cosh(1)", r"\cosh 1", "cosh(1)"),
    _c("Gompertz", "-E*Ei(-1)", r"\delta_G", "-e*ei(-1)", "gompertz"),
    _c("Si(pi)", "Si(pi)", r"\operatorname{Si}(\pi)", "si(pi)", "wilbraham-gibbs"),
    _c("li(2)", "li(2)", r"\operatorname{li}(2)", "li(2)"),
    _c("log(1 + sqrt(2))", "log(1 + sqrt(2))", r"\ln(1+\sqrt2)", "log(1 + sqrt(2))",
       "asinh(1)"),
    _c("erf(1)", "erf(1)", r"\operatorname{erf}(1)", "erf(1)"),
    _c("Ei(1)", "Ei(1)", r"\operatorname{Ei}(1)", "ei(1)"),
)

_BY_KEY: dict[str, Constant] = {}
for _k in TABLE:
    for _s in (_k.name, *_k.aliases):
        _BY_KEY.setdefault(_s.replace(" ", "").lower(), _k)
    _BY_KEY.setdefault(_k.sympy.replace(" ", "").lower(), _k)


def names() -> tuple[str, ...]:
    """Names of every constant in the table, in table order.

    >>> names()[:4]
    ('pi', 'E', 'EulerGamma', 'Catalan')
    """
    return tuple(c.name for c in TABLE)


def get(name: str) -> Constant:
    """The constant called ``name`` (also its aliases and SymPy text; case and spaces ignored).

    Raises
    ------
    UnknownConstantError
        Naming the unknown name and the closest known names.

    Examples
    --------
    >>> get("ln2").name, get("apery").name, get("E**pi").name
    ('log(2)', 'zeta(3)', 'exp(pi)')
    >>> get("catalon")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    emlkit.identify.constants.UnknownConstantError: unknown constant 'catalon';
    did you mean Catalan?
    """
    if not isinstance(name, str):
        raise UnknownConstantError(f"a constant name must be text, not {type(name).__name__}")
    found = _BY_KEY.get(name.replace(" ", "").lower())
    if found is not None:
        return found
    close = difflib.get_close_matches(name.replace(" ", "").lower(), list(_BY_KEY), n=3,
                                      cutoff=0.5)
    hint = ", ".join(dict.fromkeys(_BY_KEY[c].name for c in close))
    more = f"; did you mean {hint}?" if hint else " (see emlkit.identify.constants.names())"
    raise UnknownConstantError(f"unknown constant {name!r}{more}")


@lru_cache(maxsize=1)
def _stored() -> dict[str, str]:
    text = resources.files("emlkit").joinpath("data/constants.json").read_text("utf-8")
    return json.loads(text)["values"]


@lru_cache(maxsize=4096)
def mp_value(name: str, dps: int) -> Any:
    """Value of the constant ``name`` as an mpf with ``dps`` correct significant digits (cached).

    Read from the shipped table when it holds enough digits, else computed with mpmath.

    >>> import mpmath
    >>> mpmath.nstr(mp_value("log(2)", 25), 25)
    '0.6931471805599453094172321'
    """
    import mpmath

    const = get(name)
    stored = _stored().get(const.name)
    with mpmath.workdps(dps + 5):
        if stored is not None:
            have = _digits_of(stored)
            if have >= dps + 5:
                return mpmath.mpf(stored[: len(stored) - (have - dps - 5)])
        return compute(const, dps + 5)


@lru_cache(maxsize=256)
def _digits_of(text: str) -> int:
    """Significant digits of a stored value such as ``-0.0012345`` (here 5)."""
    body = text.lstrip("-").replace(".", "").lstrip("0")
    return len(body)


def compute(const: Constant, dps: int) -> Any:
    """Compute a constant from its mpmath definition at ``dps`` digits (no table, no cache).

    >>> import mpmath
    >>> mpmath.nstr(compute(get("Gauss"), 20), 20)
    '0.83462684167407318628'
    """
    import mpmath

    with mpmath.workdps(dps + 10):
        space = {n: getattr(mpmath, n) for n in dir(mpmath) if not n.startswith("_")}
        value = eval(const.mpmath, {"__builtins__": {}, **space})
        value = mpmath.mpf(value)
    with mpmath.workdps(dps):
        return +value


@lru_cache(maxsize=256)
def _sympy_of(text: str) -> Any:
    from sympy.parsing.sympy_parser import parse_expr

    return parse_expr(text, evaluate=True)
