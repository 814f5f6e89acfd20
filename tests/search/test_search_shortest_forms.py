"""Every entry of src/emlkit/data/shortest_forms.json is re-verified here, independently of the
search: its RPN is evaluated by a small stack evaluator written for this test (mpmath, 50
digits) and compared with the SymPy target evaluated by mpmath, on the grid of its domain.

Conventions (docs/semantics.md): principal ln; ln 0 = -inf; exp(-inf) = 0;
exp(+inf) = +inf; a real input x means x + 0i, the upper side of a cut (mpmath has no signed
zero, so real inputs are evaluated at x + 1e-30 i); intermediates that are exactly real in
exact arithmetic are snapped to real (parts below 1e-40 of the operands' size).
"""

from __future__ import annotations

import itertools
import json
from importlib import resources

import mpmath
import pytest
import sympy

DPS = 50
TABLE = json.loads(
    resources.files("emlkit").joinpath("data/shortest_forms.json").read_text()
)
FOUND = [e for e in TABLE if e["rpn"] is not None]

REAL = [-25, -2.5, -0.3, 0.4, 3.7, 25]
COMPLEX_STRIP = [complex(b, o) for b in (-2.5, -0.3, 0.4, 3.7) for o in (0.5, -0.5, 2.9, -2.9)]
OFF_STRIP = [complex(1, 4), complex(-2, -7), complex(0, 30), complex(0.4, -3.3)]


def rpn_eval(rpn: str, env: dict) -> mpmath.mpc | None:
    """Independent evaluator: RPN tokens 1, variable names and E; None when undefined."""
    tol = mpmath.mpf(10) ** -(DPS - 10)
    inf = mpmath.inf
    stack: list = []
    for tok in rpn.split():
        if tok != "E":
            stack.append(mpmath.mpc(1) if tok == "1" else mpmath.mpc(env[tok]))
            continue
        b = stack.pop()
        a = stack.pop()
        if a is None or b is None:
            stack.append(None)
            continue
        # exp(a)
        if mpmath.isinf(a.real):
            ea = mpmath.mpc(0) if a.real < 0 else (mpmath.mpc(inf, 0) if a.imag == 0 else None)
        else:
            ea = mpmath.exp(a)
        # ln(b)
        if mpmath.isinf(b.real):
            lb = mpmath.mpc(inf, 0) if b.real > 0 else None
        elif b == 0:
            lb = mpmath.mpc(-inf, 0)
        else:
            lb = mpmath.log(b)
        if ea is None or lb is None:
            stack.append(None)
            continue
        if mpmath.isinf(ea.real) or mpmath.isinf(lb.real):
            if mpmath.isinf(ea.real) and mpmath.isinf(lb.real) and (ea.real > 0) == (lb.real < 0):
                stack.append(None)
                continue
            re = ea.real if mpmath.isinf(ea.real) else -lb.real
            stack.append(mpmath.mpc(re, ea.imag - lb.imag))
            continue
        r = ea - lb
        scale = max(abs(ea.real), abs(ea.imag), abs(lb.real), abs(lb.imag))
        re = 0 if abs(r.real) <= tol * scale else r.real
        im = 0 if abs(r.imag) <= tol * scale else r.imag
        stack.append(mpmath.mpc(re, im))
    assert len(stack) == 1
    return stack[0]


def grid(variables, domain):
    inside = [complex(r, 0) for r in REAL] + COMPLEX_STRIP
    if len(variables) == 2:  # keep the product grid small
        inside = [complex(r, 0) for r in (-2.5, 0.4, 25)] + COMPLEX_STRIP[::2]
    pts = inside + (OFF_STRIP if domain == "plane" else [])
    for combo in itertools.product(pts, repeat=len(variables)):
        yield dict(zip(variables, combo))


def lift(c: complex) -> mpmath.mpc:
    return mpmath.mpc(c.real, mpmath.mpf(10) ** -30 if c.imag == 0 else c.imag)


def check_entry(e: dict) -> int:
    target = sympy.sympify(e["target"])
    variables = sorted(str(s) for s in target.free_symbols)
    rpn_vars = {t for t in e["rpn"].split() if t not in ("1", "E")}
    assert rpn_vars <= set(variables), (rpn_vars, variables)
    f = sympy.lambdify([sympy.Symbol(v) for v in variables], target, modules="mpmath")
    checked = 0
    with mpmath.workdps(DPS):
        for point in grid(variables, e["domain"]):
            env = {k: lift(c) for k, c in point.items()}
            if target in (sympy.oo, -sympy.oo):
                want = mpmath.mpc(mpmath.inf if target == sympy.oo else -mpmath.inf, 0)
            else:
                try:
                    want = mpmath.mpc(f(*(env[v] for v in variables)))
                except (ZeroDivisionError, ValueError):
                    continue
                if not (mpmath.isfinite(want.real) and mpmath.isfinite(want.imag)):
                    continue
            got = rpn_eval(e["rpn"], env)
            assert got is not None, f"{e['name']} undefined at {point}"
            if mpmath.isinf(want.real):
                assert got == want, (e["name"], point, got)
            else:
                err = abs(got - want)
                assert err <= mpmath.mpf(10) ** -20 * max(1, abs(want)), (
                    f"{e['name']} [{e['domain']}] at {point}: {got} vs {want}"
                )
            checked += 1
    return checked


@pytest.mark.parametrize("entry", FOUND, ids=[f"{e['name']}|{e['domain']}" for e in FOUND])
def test_entry_verified_on_its_domain(entry):
    assert check_entry(entry) > 0


def test_table_schema():
    keys = {"name", "target", "rpn", "K", "depth", "domain", "searched_to_K"}
    for e in TABLE:
        assert keys <= set(e), e
        assert e["domain"] in ("strip", "plane")
        sympy.sympify(e["target"])
        if e["rpn"] is None:
            assert e["K"] is None
            continue
        tokens = e["rpn"].split()
        assert len(tokens) == e["K"]
        assert e["K"] % 2 == 1
        # the K bound searched exhaustively is stated
        assert isinstance(e["searched_to_K"], int)


def test_strip_entries_shorter_than_plane_entries():
    by_name: dict = {}
    for e in FOUND:
        by_name.setdefault(e["name"], {})[e["domain"]] = e
    for name, d in by_name.items():
        if "strip" in d and "plane" in d:
            assert d["strip"]["K"] < d["plane"]["K"], name


@pytest.mark.parametrize("name, K", [("E", 3), ("0", 7), ("-1", 15), ("2", 19)])
def test_published_constants_reproduced(name, K):
    (e,) = [e for e in FOUND if e["name"] == name]
    assert e["K"] == K and e["domain"] == "plane"


def test_independent_evaluator_sanity():
    # ln x in 7 tokens is right on the negative axis from above, and 1/x goes through ln 0
    with mpmath.workdps(DPS):
        x = lift(-2.5 + 0j)
        assert abs(rpn_eval("1 1 x E 1 E E", {"x": x}) - mpmath.log(x)) < 1e-40
        inv = "1 1 1 1 1 E 1 E E E E x E 1 E"
        assert abs(rpn_eval(inv, {"x": mpmath.mpc(4)}) - 0.25) < 1e-40
        # exactly real -1 (no side): the 7-token ln gives -i*pi (exact arithmetic)
        minus_one = "1 1 1 1 1 E 1 E E E E 1 1 E E"
        ln_of = f"1 1 {minus_one} E 1 E E"
        assert abs(rpn_eval(ln_of, {}) + mpmath.pi * 1j) < 1e-40


def special_points(variables):
    for v in variables:
        for s in (0, 1, -1):
            pt = {w: 1.5 for w in variables}
            pt[v] = s
            yield pt
    if len(variables) > 1:
        yield {w: 0 for w in variables}


@pytest.mark.parametrize("entry", FOUND, ids=[f"{e['name']}|{e['domain']}" for e in FOUND])
def test_fails_at_is_honest(entry):
    """Inputs 0, 1, -1 are off the grids; 'fails_at' must list exactly where the form is wrong."""
    target = sympy.sympify(entry["target"])
    variables = sorted(str(s) for s in target.free_symbols)
    if not variables:
        return
    f = sympy.lambdify([sympy.Symbol(v) for v in variables], target, modules="mpmath")
    wrong = 0
    with mpmath.workdps(DPS):
        for pt in special_points(variables):
            env = {k: (lift(complex(c)) if c == -1 else mpmath.mpc(c)) for k, c in pt.items()}
            try:
                want = mpmath.mpc(f(*(env[v] for v in variables)))
            except (ZeroDivisionError, ValueError):
                continue
            if mpmath.isnan(want.real) or mpmath.isnan(want.imag) or mpmath.isinf(want.imag):
                continue
            if mpmath.isinf(want.real) and want.imag != 0:
                continue  # e.g. ln(ln 0) = +inf + i*pi: not a value of the calculus
            got = rpn_eval(entry["rpn"], env)
            if mpmath.isinf(want.real):
                ok = got is not None and got.real == want.real and got.imag == 0
            else:
                ok = (got is not None and not mpmath.isinf(got.real)
                      and abs(got - want) <= mpmath.mpf(10) ** -20 * max(1, abs(want)))
            wrong += not ok
    assert wrong == len(entry.get("fails_at", [])), (entry["name"], entry.get("fails_at"))
