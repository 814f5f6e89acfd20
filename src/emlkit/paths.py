"""Where emlkit keeps its files by default: one cache folder, overridable by the environment."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path:
    """The folder of emlkit's default files (search catalog, ``eml fit`` resume state).

    ``$EMLKIT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/emlkit``, else ``~/.cache/emlkit``.
    Nothing is created here; the files that use it create their folders when written.

    Examples
    --------
    >>> import os
    >>> old = os.environ.get("EMLKIT_CACHE_DIR")
    >>> os.environ["EMLKIT_CACHE_DIR"] = "/tmp/emlkit-example"
    >>> str(cache_dir())
    '/tmp/emlkit-example'
    >>> if old is None: del os.environ["EMLKIT_CACHE_DIR"]
    ... else: os.environ["EMLKIT_CACHE_DIR"] = old
    """
    env = os.environ.get("EMLKIT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "emlkit"
