"""How each float target (C99, NumPy, torch) spells the pieces of generated code: a table.

>>> spec = target("c", "f")
>>> spec.assign("t0", "cexp(x)"), spec.exp
('const double complex t0 = cexp(x);', 'cexp')
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ._helpers import HELPERS
from ._names import RESERVED

__all__ = ["Target", "comment", "target"]


@dataclass(frozen=True)
class Target:
    """How one target spells things; ``h`` is the helper-name prefix derived from ``name``."""

    reserved: frozenset[str]
    literal: Callable[[complex], str]  # complex128 -> source text of a complex literal
    helpers: Callable[[str, set[str]], str]  # (prefix, used helper kinds) -> helper definitions
    header: Callable[[str], str]  # comment text -> header (imports, includes)
    signature: Callable[[str, list[str]], str]
    convert: Callable[[str], str]  # parameter -> conversion statement ("" for none)
    assign: Callable[[str, str], str]
    sub: Callable[[str, str, str], str]  # (prefix, a, b) -> a - b
    ret: Callable[[str], str]
    exp: str  # the complex exponential
    end: str
    indent: str


def _float_text(x: float, *, c: bool) -> str:
    if math.isnan(x):
        return "NAN" if c else "float('nan')"
    if math.isinf(x):
        if c:
            return "INFINITY" if x > 0 else "-INFINITY"
        return "float('inf')" if x > 0 else "float('-inf')"
    return repr(x)



def _c_literal(h: str) -> Callable[[complex], str]:
    def lit(w: complex) -> str:
        return f"{h}_cx({_float_text(w.real, c=True)}, {_float_text(w.imag, c=True)})"

    return lit


def _py_literal(w: complex) -> str:
    return f"complex({_float_text(w.real, c=False)}, {_float_text(w.imag, c=False)})"


def comment(text: str, c: bool) -> str:
    """``text`` as a C block comment or as Python ``#`` lines."""
    if c:
        return "/*\n" + "".join(f" * {ln}".rstrip() + "\n" for ln in text.splitlines()) + " */\n"
    return "".join(f"# {ln}".rstrip() + "\n" for ln in text.splitlines())


def _c(h: str) -> Target:
    return Target(
        reserved=RESERVED["c"],
        literal=_c_literal(h),
        helpers=HELPERS["c"],
        header=lambda cmt: comment(cmt, True) + "#include <complex.h>\n#include <math.h>\n",
        signature=lambda n, ps: (
            f"double complex {n}("
            + (", ".join(f"double complex {p}" for p in ps) or "void")
            + ")\n{"
        ),
        convert=lambda p: "",
        assign=lambda t, e: f"const double complex {t} = {e};",
        sub=lambda p, a, b: f"{a} - {b}",
        ret=lambda e: f"return {e};",
        exp="cexp",
        end="}\n",
        indent="    ",
    )


def _numpy(h: str) -> Target:
    return Target(
        reserved=RESERVED["numpy"],
        literal=_py_literal,
        helpers=HELPERS["numpy"],
        header=lambda cmt: comment(cmt, False) + "import numpy as np\n",
        signature=lambda n, ps: f"def {n}({', '.join(ps)}):\n    with np.errstate(all='ignore'):",
        convert=lambda p: f"{p} = np.asarray({p}, dtype=np.complex128)",
        assign=lambda t, e: f"{t} = {e}",
        sub=lambda p, a, b: f"{a} - {b}",
        ret=lambda e: f"return np.asarray({e}, dtype=np.complex128)[()]",
        exp="np.exp",
        end="",
        indent="        ",
    )


def _torch(h: str) -> Target:
    return Target(
        reserved=RESERVED["torch"],
        literal=_py_literal,
        helpers=HELPERS["torch"],
        header=lambda cmt: comment(cmt, False) + "import torch\n",
        signature=lambda n, ps: f"def {n}({', '.join(ps)}):",
        convert=lambda p: f"{p} = torch.as_tensor({p}, dtype=torch.complex128)",
        assign=lambda t, e: f"{t} = {e}",
        sub=lambda p, a, b: f"{p}_sub({a}, {b})",
        ret=lambda e: f"return torch.as_tensor({e}, dtype=torch.complex128)",
        exp="torch.exp",
        end="",
        indent="    ",
    )


_TARGETS: dict[str, Callable[[str], Target]] = {"c": _c, "numpy": _numpy, "torch": _torch}


def target(lang: str, h: str) -> Target:
    """The spelling of float target ``lang`` with helper prefix ``h``."""
    return _TARGETS[lang](h)
