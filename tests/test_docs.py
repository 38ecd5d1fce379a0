"""The docs tell the truth: every command is documented, and the set-up matches CI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"kg {name}" in README


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout, name
    assert "Exit codes" in result.stdout or name in ("queries",), name


def test_the_readme_test_command_is_what_ci_runs() -> None:
    setup = re.search(r"## Set-up.*?```sh\n(.*?)```", README, re.S)
    assert setup is not None
    lines = [line.split("#")[0].strip() for line in setup.group(1).splitlines() if line.strip()]
    assert len(lines) == 2, "the README's set-up is two commands"
    assert lines[0].endswith("kg build seeds/")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert lines[0] in ci and lines[1] in ci  # issue #14: both, word for word


def test_the_exit_code_table_matches_the_cli_contract() -> None:
    from kg.errors import EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

    for code in (EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_FAILURE):
        assert re.search(rf"^\| {code} \|", README, re.M), code
