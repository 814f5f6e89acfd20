"""Formula front end: text or SymPy → a small immutable AST of calculator operations.

The AST is nested tuples ``(head, *args)``:

* ``("num", Fraction)`` — an exact rational;
* ``("const", "pi" | "E" | "I")``;
* ``("var", name)``;
* ``(op, a, b, ...)`` for ``op`` in :data:`ARITY`.

Parsing is an iterative operator-precedence (shunting-yard) parser, so nesting depth is limited
only by memory; the SymPy walk is iterative too.

>>> parse_formula("2*sin(x) - y")
('sub', ('mul', ('num', Fraction(2, 1)), ('sin', ('var', 'x'))), ('var', 'y'))
"""

from __future__ import annotations

import difflib
import re
from fractions import Fraction
from typing import Any

from ..errors import ParseError, UnsupportedError
from ..expr import RESERVED_NAMES
from .registry import functions, lookup

__all__ = ["ARITY", "FUNCTION_NAMES", "INFINITY", "Node", "from_sympy", "parse_formula"]

Node = tuple  # ("head", *args)

#: Operations of the calculator basis and their number of arguments (the registry's AST heads).
ARITY: dict[str, int] = {f.name: f.arity for f in functions() if f.lowering is not None}

#: Accepted function names in formula text → operation (``log(x, b)`` is log base b, as SymPy).
FUNCTION_NAMES: dict[str, str] = {s: f.name for f in functions(formula=True) for s in f.spellings}
#: SymPy function classes → operation (``log`` and the sigmoid by name are handled apart).
_SYMPY_HEADS: dict[str, str] = {
    f.sympy: f.name for f in functions() if f.sympy is not None and f.name != "ln"
}
_SIGMOID_NAMES = lookup("sigmoid").spellings
_UNKNOWN_HINT = " ".join(f.name for f in functions(formula=True))
CONSTANT_NAMES = {"pi": "pi", "π": "pi", "e": "E", "E": "E", "i": "I", "I": "I", "j": "I"}
#: Names of +∞ in formula text (any case); ``-inf`` is its negation. ±∞ are EML constants.
INFINITY_NAMES = frozenset({"inf", "infinity", "oo"})
#: Names refused in formula text: no EML form has the value NaN.
NAN_NAMES = frozenset({"nan"})
#: +∞ in the AST: ``-ln 0`` (the lowering folds it to the 9-token constant).
INFINITY: Node = ("neg", ("ln", ("num", Fraction(0))))

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_π][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|[-+*/^(),]))"
)
_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
_BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "div", "^": "pow", "**": "pow"}


def _num(value: Fraction | int) -> Node:
    return ("num", Fraction(value))


def parse_formula(text: str) -> Node:
    """Parse calculator notation (``+ - * / ^ **``, calls, ``pi e i``) into the formula AST.

    Parameters
    ----------
    text : str
        e.g. ``"sin(x)^2 + log(y, 2)"``. Names ``pi``, ``e``/``E``, ``i``/``I`` and ``inf``
        (also ``infinity``, ``oo``: +∞, written as ``-ln 0``) are constants; ``nan`` is refused
        (no EML form is NaN); any other identifier not followed by ``(`` is a variable.

    Raises
    ------
    ParseError
        Malformed text, with line, column and what was expected.
    UnsupportedError
        An unknown function such as ``gamma(x)``.

    Examples
    --------
    >>> parse_formula("-x^2")
    ('neg', ('pow', ('var', 'x'), ('num', Fraction(2, 1))))
    >>> parse_formula("inf")
    ('neg', ('ln', ('num', Fraction(0, 1))))
    """
    if not isinstance(text, str):
        raise TypeError(f"formula must be a string, got {type(text).__name__}")
    bad = next((i for i, ch in enumerate(text)
                if ch == "\0" or (not ch.isprintable() and ch not in "\t\r\n")), None)
    if bad is not None:
        raise ParseError(f"invalid character {text[bad]!r} in formula", text, bad)
    if not text.strip():
        raise ParseError("empty formula: expected an expression such as sin(x) + 1", text, 0)

    out: list[Node] = []  # operand stack
    ops: list[tuple[str, int, Any]] = []  # (kind, position, payload): kind in op/paren/call
    expect_operand = True
    pos = 0
    n = len(text)

    def reduce_op(name: str, at: int) -> None:
        if name == "neg":
            out.append(("neg", out.pop()))
        else:
            b = out.pop()
            a = out.pop()
            out.append((name, a, b))

    def pop_while(prec: int, right_assoc: bool) -> None:
        while ops and ops[-1][0] == "op":
            top = ops[-1][2]
            top_prec = _PREC[top]
            if top_prec > prec or (top_prec == prec and not right_assoc):
                ops.pop()
                reduce_op(top, 0)
            else:
                break

    while True:
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            rest = text[pos:]
            if not rest.strip():
                break
            at = pos + (len(rest) - len(rest.lstrip()))
            raise ParseError(f"unexpected character {text[at]!r}", text, at)
        start = m.start(m.lastgroup) if m.lastgroup else pos
        pos = m.end()
        kind = m.lastgroup
        tok = m.group(kind or 0)
        if kind == "num":
            if not expect_operand:
                raise ParseError(f"expected an operator before {tok!r}", text, start)
            out.append(_num(Fraction(tok)))
            expect_operand = False
        elif kind == "name":
            if not expect_operand:
                raise ParseError(f"expected an operator before {tok!r}", text, start)
            nxt = _TOKEN.match(text, pos)
            is_call = nxt is not None and nxt.group("op") == "("
            if is_call and nxt is not None:
                op = FUNCTION_NAMES.get(tok)
                if op is None:
                    raise UnsupportedError(
                        f"unknown function {tok!r} at column {start + 1}{_did_you_mean(tok)}: "
                        "emlkit compiles the elementary functions of the calculator basis only "
                        f"({_UNKNOWN_HINT})"
                    )
                pos = nxt.end()
                ops.append(("call", nxt.start("op"), [op, len(out)]))
                expect_operand = True
            elif tok in CONSTANT_NAMES:
                out.append(("const", CONSTANT_NAMES[tok]))
                expect_operand = False
            elif tok.lower() in INFINITY_NAMES:
                out.append(INFINITY)
                expect_operand = False
            elif tok.lower() in NAN_NAMES:
                raise ParseError(f"{tok!r} is not a number EML can represent (no EML form is "
                                 "NaN); use inf or -inf for the infinities", text, start)
            elif tok in FUNCTION_NAMES:
                raise ParseError(f"function {tok!r} needs arguments in parentheses", text, start)
            else:
                if tok in RESERVED_NAMES:
                    raise ParseError(f"{tok!r} is reserved and cannot be a variable", text, start)
                out.append(("var", tok))
                expect_operand = False
        else:  # operator or bracket
            if tok == "(":
                if not expect_operand:
                    raise ParseError("expected an operator before '('", text, start)
                ops.append(("paren", start, None))
            elif tok in ("+", "-") and expect_operand:
                if tok == "-":
                    ops.append(("op", start, "neg"))
            elif tok in _BINARY:
                if expect_operand:
                    raise ParseError(f"expected an operand before {tok!r}", text, start)
                name = _BINARY[tok]
                pop_while(_PREC[name], right_assoc=(name == "pow"))
                ops.append(("op", start, name))
                expect_operand = True
            elif tok in (")", ","):
                if expect_operand:
                    raise ParseError(f"expected an operand before {tok!r}", text, start)
                pop_while(0, False)
                if not ops or ops[-1][0] == "op":
                    raise ParseError(f"unbalanced {tok!r}: no matching '('", text, start)
                top = ops[-1]
                if tok == ",":
                    if top[0] != "call":
                        raise ParseError("',' outside a function call", text, start)
                    expect_operand = True
                    continue
                ops.pop()
                if top[0] == "call":
                    op, base = top[2]
                    args = out[base:]
                    del out[base:]
                    out.append(_make_call(op, args, text, top[1]))
                expect_operand = False
    if expect_operand:
        raise ParseError("unexpected end of formula: expected an operand", text, n)
    pop_while(0, False)
    if ops:
        kind, at, _ = ops[-1]
        raise ParseError("unbalanced '(': missing ')'", text, at)
    if len(out) != 1:  # pragma: no cover - guarded by expect_operand bookkeeping
        raise ParseError("malformed formula", text, 0)
    return out[0]


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, list(FUNCTION_NAMES), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _make_call(op: str, args: list[Node], text: str, at: int) -> Node:
    if op == "log":
        if len(args) == 1:
            return ("ln", args[0])
        if len(args) == 2:
            return ("log", args[0], args[1])
    elif len(args) == ARITY[op]:
        return (op, *args)
    want = "1 or 2" if op == "log" else str(ARITY[op])
    raise ParseError(f"{op}() takes {want} argument(s), got {len(args)}", text, at)


def from_sympy(expr: Any) -> Node:
    """Translate a SymPy expression into the formula AST (iteratively).

    Raises :class:`UnsupportedError` naming any head that is not elementary.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> from_sympy(sympy.sin(x) / 2)
    ('mul', ('num', Fraction(1, 2)), ('sin', ('var', 'x')))
    """
    import sympy

    table = {getattr(sympy, head): op for head, op in _SYMPY_HEADS.items()}
    results: dict[Any, Node] = {}
    stack: list[tuple[Any, bool]] = [(sympy.sympify(expr), False)]
    while stack:
        node, ready = stack.pop()
        if node in results and not ready:
            continue
        if not ready and node.args and not node.is_Number:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in results)
            continue
        results[node] = _sympy_node(node, [results[a] for a in node.args] if ready else [], table)
    return results[sympy.sympify(expr)]


def _sympy_node(node: Any, args: list[Node], table: dict) -> Node:
    import sympy

    if node.is_Integer or node.is_Rational:
        return _num(Fraction(int(node.p), int(node.q)))
    if node.is_Float:
        return _num(Fraction(str(node)))
    if node is sympy.pi:
        return ("const", "pi")
    if node is sympy.E:
        return ("const", "E")
    if node is sympy.I:
        return ("const", "I")
    if node is sympy.oo:
        return INFINITY
    if node is sympy.S.NegativeInfinity:
        return ("neg", INFINITY)
    if node is sympy.nan or node is sympy.zoo:
        raise UnsupportedError(f"{node} has no EML form (only the real infinities oo and -oo do)")
    if node.is_Symbol:
        return ("var", node.name)
    if node.is_Add or node.is_Mul:
        head = "add" if node.is_Add else "mul"
        acc = args[0]
        for a in args[1:]:
            acc = (head, acc, a)
        return acc
    if node.is_Pow:
        base, ex = args
        if ex == ("num", Fraction(1, 2)):
            return ("sqrt", base)
        return ("pow", base, ex)
    if isinstance(node, sympy.log):
        return ("ln", args[0]) if len(args) == 1 else ("log", args[0], args[1])
    func = type(node)
    if func in table:
        return (table[func], *args)
    name = getattr(func, "__name__", str(func))
    if name in _SIGMOID_NAMES and len(args) == 1:
        return ("sigmoid", args[0])
    raise UnsupportedError(
        f"unsupported SymPy function {name!r} in {node}: only elementary functions of the "
        "calculator basis can be compiled"
    )
