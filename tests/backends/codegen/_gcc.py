"""Shared helpers of the C code-generation tests: build generated C99 into one shared library
with gcc (strict warnings as errors) and call its functions over arrays of points."""

from __future__ import annotations

import ctypes
import shutil
import subprocess

import numpy as np
import pytest

from emlkit.backends.codegen import to_code

GCC = shutil.which("gcc") or shutil.which("cc")
needs_gcc = pytest.mark.skipif(GCC is None, reason="no C compiler")


def c_library(tmp_path, exprs: dict[str, object]):
    """One C file with every generated function plus an array wrapper ``run_NAME`` for each,
    compiled with ``-Wall -Wextra -pedantic -Werror`` and loaded with ctypes."""
    parts = ["#include <stddef.h>"]
    for name, e in exprs.items():
        parts.append(to_code(e, "c", name=name))
        k = len(e.free_vars)
        call = ", ".join(f"a[i * {k} + {j}]" for j in range(k))
        parts.append(
            f"void run_{name}(long n, const double complex *a, double complex *out)\n"
            f"{{\n    (void)a;\n    for (long i = 0; i < n; i++) out[i] = {name}({call});\n}}\n"
        )
    src, lib = tmp_path / "gen.c", tmp_path / "gen.so"
    src.write_text("\n".join(parts))
    cmd = [GCC, "-std=c99", "-O2", "-Wall", "-Wextra", "-pedantic", "-Werror", "-shared",
           "-fPIC", str(src), "-o", str(lib), "-lm"]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return ctypes.CDLL(str(lib))


def run_c(lib, name: str, args, n: int | None = None) -> np.ndarray:
    """``run_NAME`` over the points: ``args`` is one complex array per argument (``n`` points
    when there is none: a constant)."""
    if args:
        a = np.ascontiguousarray(np.stack(args, axis=-1), dtype=np.complex128)
    else:
        a = np.zeros((n or 0, 0), dtype=np.complex128)
    out = np.empty(len(a), dtype=np.complex128)
    fn = getattr(lib, f"run_{name}")
    fn.argtypes = [ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    fn(len(a), a.ctypes.data, out.ctypes.data)
    return out
