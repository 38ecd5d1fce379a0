"""``kg parse`` in-process: stdout is records, stderr is diagnostics, exit codes are a contract.

Every bad page below must give a ``FILE:LINE: error|warning: message`` line naming the right
place, let every good record of the same file through, and never show a traceback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from readtest import diagnostics, parse, records, records_in, three_glued

import kg.cli
import kg.cli.common
from kg.cli import main
from kg.read.model import PAPER_FIELDS, PROFILE_FIELDS

WritePage = Callable[..., Path]  # the conftest factory: (folder, text | bytes, name=...)
SEED_001 = "001_6a2e0b437ba59670.txt"

pytestmark = pytest.mark.usefixtures("no_kg_env", "in_tmp_path")


# -- the seeds, and output formats ----------------------------------------------------------


def test_default_is_the_seeds_folder_as_json_lines(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(seeds_dir.parent)
    result = parse()  # CliRunner is not a terminal: JSON Lines
    assert result.exit_code == 0
    assert result.stderr == "89 records (86 papers), 0 diagnostics\n"
    found = records(result)
    assert len(found) == 89
    assert sum(d["kind"] == "paper" and d["title"] is not None for d in found) == 81
    assert found == records(parse(seeds_dir, "--format", "jsonl"))


def test_table_is_the_default_on_a_terminal(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.cli.common, "stdout_is_terminal", lambda: True)
    result = parse(seeds_dir / SEED_001)
    assert result.stdout.split()[:2] == ["where", "kind"]
    parse(seeds_dir / SEED_001, "-o", tmp_path / "r.out")  # a file is for programs: jsonl
    assert len(records_in(tmp_path / "r.out")) == 18


def test_json_lines_keep_the_contract_key_order(seeds_dir: Path) -> None:
    found = records(parse(seeds_dir))
    assert list(found[0]) == PROFILE_FIELDS
    assert all(list(d) == PAPER_FIELDS for d in found if d["kind"] == "paper")


def test_json_format_is_one_document(seeds_dir: Path) -> None:
    as_json = parse(seeds_dir, "--format", "json")
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == records(parse(seeds_dir))


def test_table_format(seeds_dir: Path) -> None:
    result = parse(seeds_dir / SEED_001, "--format", "table")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "where",
        "kind",
        "form",
        "date",
        "cat",
        "title",
        "/",
        "name",
        "authors",
    ]
    assert len(lines) == 2 + 18  # header, rule, one profile and 17 papers
    assert lines[2].startswith(f"{SEED_001}:1 ") and "Xingtai Lv" in lines[2]
    assert "FlowRL: Matching" in result.stdout  # long cells are clipped to the terminal
    assert result.stderr == "18 records (17 papers), 0 diagnostics\n"


def test_capture_date_option(seeds_dir: Path) -> None:
    result = parse(seeds_dir / SEED_001, "--capture-date", "2025-06-01")
    assert result.exit_code == 0  # late dates are warnings: nothing was skipped
    may = [d for d in records(result) if d["line"] == 33][0]
    assert (may["date"], may["date_inferred_year"]) == ("2025-05-18", True)
    assert f"{SEED_001}:26: warning: date 2025-09-10 is after the capture date 2025-06-01" in (
        diagnostics(result)
    )
    assert all(": warning: date 2025-" in line for line in diagnostics(result))


def test_capture_date_from_the_environment(seeds_dir: Path) -> None:
    # (A capture on 2027-01-01 would read "May 18" as 2026-05-18 since issue #14, which is
    # also what the default capture date gives; June tells the two apart.)
    result = parse(seeds_dir / SEED_001, env={"KG_CAPTURE_DATE": "2027-06-01"})
    may = [d for d in records(result) if d["line"] == 33][0]
    assert may["date"] == "2027-05-18"


# -- usage and I/O errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "xml"],
        ["--capture-date", "2025-13-01"],
        ["--capture-date", "yesterday"],
        ["--no-such-option"],
    ],
)
def test_usage_errors_exit_2(seeds_dir: Path, args: list[str]) -> None:
    result = parse(seeds_dir, *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert "Error:" in result.stderr


def test_bad_capture_date_in_the_environment_is_a_usage_error(seeds_dir: Path) -> None:
    result = parse(seeds_dir, env={"KG_CAPTURE_DATE": "soon"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert "capture date must be YYYY-MM-DD, got 'soon'" in result.stderr


def test_missing_path_exits_3(tmp_path: Path, write_page: WritePage) -> None:
    good = write_page(tmp_path, three_glued(), name="good.txt")
    result = parse(good, tmp_path / "missing.txt")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"Error: no such file or folder: {tmp_path / 'missing.txt'}\n"


def test_without_paths_or_seeds_folder_the_bundled_seeds_are_read(seeds_dir: Path) -> None:
    """Issue #14: an installed kg works from any folder; with no pages named and no
    ./seeds, it reads the sample pages shipped inside the package."""
    result = parse("--format", "jsonl")  # the working folder has no seeds/
    assert result.exit_code == 0, result.stderr
    assert records(result) == records(parse(seeds_dir, "--format", "jsonl"))


def test_help_states_the_exit_codes() -> None:
    result = CliRunner().invoke(main, ["parse", "--help"])
    assert result.exit_code == 0
    for code in ("0  success", "1  the data does not conform", "2  usage error", "3  processing"):
        assert code in result.stdout


# -- -o FILE: atomic writes --------------------------------------------------------------------


def test_output_file(tmp_path: Path, seeds_dir: Path) -> None:
    target = tmp_path / "out" / "records.jsonl"
    result = parse(seeds_dir, "-o", target)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines() == [
        f"wrote {target}",
        "89 records (86 papers), 0 diagnostics",
    ]
    assert target.read_text("utf-8") == parse(seeds_dir).stdout  # jsonl: a file is not a tty
    assert sorted(p.name for p in target.parent.iterdir()) == ["records.jsonl"]  # no temp files


def test_output_dash_is_stdout(seeds_dir: Path) -> None:
    result = parse(seeds_dir / SEED_001, "-o", "-", "--format", "json")
    assert len(json.loads(result.stdout)) == 18


def test_output_replaces_an_existing_file(tmp_path: Path, seeds_dir: Path) -> None:
    target = tmp_path / "records.json"
    target.write_text("old content\n")
    result = parse(seeds_dir / SEED_001, "-o", target, "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(target.read_text("utf-8"))) == 18
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.json"]


def test_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "records.jsonl"
    target.write_text("old content\n")

    def refuse(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = parse(seeds_dir, "-o", target)
    assert (result.exit_code, result.stdout) == (3, "")
    assert "Error: cannot write" in result.stderr and "No space left on device" in result.stderr
    assert target.read_text() == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]  # temp file removed


def test_output_into_a_folder_is_a_usage_error(tmp_path: Path, seeds_dir: Path) -> None:
    result = parse(seeds_dir, "-o", tmp_path)
    assert result.exit_code == 2 and "is a directory" in result.stderr
