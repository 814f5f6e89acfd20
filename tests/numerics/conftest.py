"""Print, at the end of a run, per float64 target: wrong values inside the stated range, finite
values outside it, and values that are not finite in float64 (poles, overflow: outside every
stated range), with how many of those came back as the wrong infinity."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = getattr(config, "emlkit_float64_outside", None)
    if not counts:
        return
    terminalreporter.section("float64 guarantee (tests/numerics)")
    terminalreporter.write_line(
        "basis    target     wrong inside  outside  not finite (wrong)  defined")
    for (name, target), (bad, out, inf, inf_bad, n) in sorted(counts.items()):
        terminalreporter.write_line(
            f"{name:8} {target:10} {bad:12} {out:8} {inf:11} {f'({inf_bad})':>7} {n:8}")
