"""Known closed forms for ``benchmarks/identify.py``: SymPy text of each (the reference value is
computed by SymPy at high precision, independently of emlkit's constant table)."""

from __future__ import annotations

KNOWN = (
    "zeta(3)", "pi**2/6", "7*zeta(3)/pi**2", "exp(pi)", "log(3)/log(2)", "(1 + sqrt(5))/2",
    "4/(pi - 2)", "Catalan*pi", "3*zeta(3)/(2*pi**2)", "4/pi", "6/zeta(3)", "30/pi**2",
    "24/pi**2", "4/(3*pi - 8)", "E/(E - 2)", "E/(E - 1)", "E - 1", "cot(1)", "coth(1)",
    "2/log(2)", "1/(2*log(2) - 1)", "sqrt(2) + sqrt(3)", "1 + 2**(1/3)", "pi + E", "pi*E",
    "log(2)**2", "EulerGamma + log(2)", "gamma(1/4)**2/(2*sqrt(2*pi))", "sqrt(pi)/2",
    "pi/sqrt(3)", "exp(EulerGamma)", "zeta(5)/zeta(3)", "pi**4/90", "(pi - 3)/(pi + 3)",
    "(2*E + 1)/(3 - E)", "1/sqrt(2*pi)", "Catalan/pi", "2*Catalan - 1", "log(1 + sqrt(2))",
    "sqrt(E)", "2**sqrt(2)", "3 - 2*sqrt(2)", "(5 + 3*log(2))/7", "3**(1/3)",
    "zeta(3) + pi**2", "355/113", "gamma(1/4)**2/(2*pi)**(3/2)", "LambertW(1)",
    "besseli(0, 2)", "besseli(1, 2)", "log(2)/pi", "pi**2/(12*log(2))",
)
