"""The ``eml`` command: a thin layer that parses arguments, calls the library and prints.

One module per command family, each with ``register(sub)`` adding its subcommands:
:mod:`.core` (``compile``, ``eval``, ``draw``), :mod:`.recognize`, :mod:`.identify`,
:mod:`.fit`, :mod:`.pcf` (with :mod:`.pcf_search`), :mod:`.search`, :mod:`.bootstrap`
(``bootstrap``, ``scan``), :mod:`.esma`, :mod:`.catalog` and :mod:`.serve`. What they share
(the parser class, ``--json``/``--quiet``, argument types, the error text) is in
:mod:`.common`; :mod:`._main` builds the parser and is the one error handler.

>>> main(["compile", "exp(x)"])
eml(x, 1)
0
"""

from __future__ import annotations

from ._main import build_parser, main
from .core import text_size
from .values import format_value, parse_value

__all__ = ["build_parser", "format_value", "main", "parse_value", "text_size"]
