"""Shared helpers of the CLI tests: run ``eml`` in-process, and check a bad-input answer."""

from __future__ import annotations

from emlkit.cli import main


def run(capsys, *argv):
    """Exit status, stdout and stderr of ``eml ARGV...``."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def bad(capsys, *argv, match=""):
    """Bad input: exit 2, nothing on stdout, exactly one ``eml: ...`` line naming ``match``."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (argv, out, err)
    assert out == "" and err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("eml: ") and "Traceback" not in err and len(err) < 400, err
    assert match.lower() in err.lower(), err
    return err
