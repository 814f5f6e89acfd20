"""The machine line every benchmark prints: CPU model, cores, Python and emlkit versions."""

from __future__ import annotations

import os
import platform

import emlkit as ek


def machine() -> str:
    """``"<cpu>, <n> logical cores, Python <v>, emlkit <v>"`` for the table header."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} logical cores, Python {platform.python_version()}, "
            f"emlkit {ek.__version__}")
