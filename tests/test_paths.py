"""Default file locations (issue 16): one cache folder, overridable by EMLKIT_CACHE_DIR, and the
suite itself runs with it in a temporary folder, never the user's ~/.cache."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from emlkit.catalog import default_path
from emlkit.paths import cache_dir
from emlkit.regress.checkpoint import default_checkpoint_path


def test_the_suite_keeps_every_default_file_in_a_temporary_folder():
    tmp = Path(tempfile.gettempdir()).resolve()
    home_cache = (Path.home() / ".cache").resolve()
    for path in (default_checkpoint_path(), default_path(), cache_dir()):
        assert tmp in path.resolve().parents or path.resolve() == tmp
        assert home_cache not in path.resolve().parents


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EMLKIT_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    assert default_checkpoint_path() == tmp_path / "c" / "fit" / "fit.sqlite"
    assert default_path() == tmp_path / "c" / "catalog.sqlite"
    monkeypatch.delenv("EMLKIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "emlkit"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "emlkit"


def test_specific_variables_still_win(monkeypatch, tmp_path):
    monkeypatch.setenv("EMLKIT_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("EMLKIT_FIT_CACHE", str(tmp_path / "f.sqlite"))
    monkeypatch.setenv("EMLKIT_CATALOG", str(tmp_path / "cat.sqlite"))
    assert default_checkpoint_path() == tmp_path / "f.sqlite"
    assert default_path() == tmp_path / "cat.sqlite"


def test_subprocesses_inherit_the_temporary_cache():
    assert os.environ["EMLKIT_CACHE_DIR"].startswith(tempfile.gettempdir())
