"""Settings from flags, ``KG_*`` and ``[tool.kg]``: a broken file is a usage error (issue #14)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from kgtest import run

from kg.config import resolve
from kg.errors import UsageError


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_kg_env: None) -> None:
    monkeypatch.chdir(tmp_path)


BROKEN = [
    ("[tool.kg\nout-dir = 'x'\n", "not valid TOML", "line 1"),
    ("[tool.kg]\nout-dir = 5\n", "[tool.kg] out-dir must be a string, got int 5", ""),
    ("[tool.kg]\nbase-iri = ['https://e.org/']\n", "[tool.kg] base-iri must be a string", ""),
    ("[tool.kg]\ncapture-date = 'soon'\n", "[tool.kg] capture-date: capture date must", ""),
    ("[tool.kg]\nbase-iri = 'ftp://e.org/'\n", "[tool.kg] base-iri: base IRI must", ""),
    ("[tool.kg]\noutdir = 'x'\n", "unknown key 'outdir' in [tool.kg]", "out-dir"),
    ("[tool]\nkg = 3\n", "[tool.kg] must be a table", ""),
]


@pytest.mark.parametrize(("text", "message", "hint"), BROKEN)
@pytest.mark.parametrize("command", [["stats"], ["parse"], ["build", "-o", "o"], ["queries"]])
def test_a_broken_pyproject_is_a_usage_error_naming_file_and_key(
    tmp_path: Path, text: str, message: str, hint: str, command: list[str]
) -> None:
    """Issue #14: `[tool.kg` unclosed or `out-dir = 5` crashed every command."""
    (tmp_path / "pyproject.toml").write_text(text)
    (tmp_path / "sub").mkdir()
    code, stdout, stderr = run(*command)
    if command == ["queries"]:  # reads no settings: unaffected by the file
        assert code == 0
        return
    assert code == 2, stderr
    assert str(tmp_path / "pyproject.toml") in stderr and message in stderr and hint in stderr
    assert "Traceback" not in stderr and stdout == ""


def test_a_parent_folders_pyproject_is_found_and_checked(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.kg]\nout-dir = 5\n")
    (tmp_path / "a" / "b").mkdir(parents=True)
    with pytest.raises(UsageError, match="out-dir must be a string"):
        resolve({}, tmp_path / "a" / "b")


def test_toml_date_and_strings_are_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.kg]\ncapture-date = 2027-01-10\nout-dir = 'build/kg'\nbase-iri = 'https://e.org/kg/'\n"
    )
    settings = resolve({}, tmp_path)
    assert settings.capture_date == date(2027, 1, 10)
    assert settings.out_dir == Path("build/kg")


def test_flags_beat_the_environment_which_beats_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.kg]\nout-dir = 'file'\ncapture-date = 2020-01-01\n"
    )
    monkeypatch.setenv("KG_OUT_DIR", "env")
    settings = resolve({"out_dir": None, "capture_date": "2021-02-02"}, tmp_path)
    assert settings.out_dir == Path("env")
    assert settings.capture_date == date(2021, 2, 2)


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CAPTURE_DATE", "soon")
    code, _, stderr = run("stats")
    assert code == 2 and "KG_CAPTURE_DATE: capture date must be YYYY-MM-DD" in stderr
