"""Extra ``eml`` subcommands, one module per command family.

Every module in this package that defines ``register(sub, formatter_class)`` is loaded by
:func:`emlkit.cli.build_parser`, in the order of its ``ORDER`` attribute (default 100).
``register`` adds its subparsers to ``sub`` and sets ``run`` on each to a function
``(args) -> int``. Errors are reported by the shared handler in :mod:`emlkit.cli`: raise
:class:`emlkit.errors.UsageError`, :class:`emlkit.errors.EMLError` or :class:`ValueError` with a
one-line message for bad input.

>>> names = [m for m in module_names()]
>>> all(isinstance(n, str) for n in names)
True
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

__all__ = ["module_names", "modules"]


def module_names() -> Iterator[str]:
    """Names of the command modules in this package (not imported).

    >>> isinstance(list(module_names()), list)
    True
    """
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            yield info.name


def modules() -> list[ModuleType]:
    """The command modules that define ``register``, sorted by their ``ORDER``.

    >>> all(hasattr(m, "register") for m in modules())
    True
    """
    found = []
    for name in module_names():
        mod = importlib.import_module(f"{__name__}.{name}")
        if hasattr(mod, "register"):
            found.append(mod)
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))
