"""``kg parse`` in-process: stdout is records, stderr is diagnostics, exit codes are a contract.

Every bad page below must give a ``FILE:LINE: error|warning: message`` line naming the right
place, let every good record of the same file through, and never show a traceback.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import kg.cli
import kg.cli.common
from kg.cli import main
from kg.read.records import PAPER_FIELDS, PROFILE_FIELDS

WritePage = Callable[..., Path]  # the conftest factory: (folder, text | bytes, name=...)
SEED_001 = "001_6a2e0b437ba59670.txt"

pytestmark = pytest.mark.usefixtures("no_kg_env")


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No pyproject.toml [tool.kg] and no seeds/ folder here, unless a test asks for one.
    monkeypatch.chdir(tmp_path)


def parse(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, ["parse", *map(str, args)], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a bug, whatever the input
    assert "Traceback" not in result.stderr
    return result


def records(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def records_in(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def diagnostics(result: Result) -> list[str]:
    """The stderr lines that are diagnostics (the last line is the summary)."""
    lines = result.stderr.splitlines()
    assert lines and " records (" in lines[-1], result.stderr
    return lines[:-1]


def three_glued() -> str:
    """A listing page (no header) of three glued records, nine lines."""
    return (
        "CLJan 5, 2024Code\n"
        "First Title About LLMJane Doe, John Smith, Ann Lee et al. · pku\n"
        "An abstract about https://github.com/jane/first.git.\n"
        "LGFeb 6, 2024\n"
        "Second Title?Ann Lee\n"
        "Another abstract.\n"
        "CVMar 7, 2024\n"
        "Third TitleZoë Ångström\n"
        "Last abstract.\n"
    )


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


# -- bad input: a diagnostic, the good records, the right exit code ---------------------------


def test_empty_file(tmp_path: Path, write_page: WritePage) -> None:
    result = parse(write_page(tmp_path, "", name="empty.txt"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert diagnostics(result) == ["empty.txt:1: error: empty file: no records read"]


def test_binary_file(tmp_path: Path, write_page: WritePage) -> None:
    result = parse(write_page(tmp_path, b"CLJan 5, 2024\n\x00\x00\xff\xfe", name="blob.txt"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert diagnostics(result) == ["blob.txt:1: error: binary file (NUL bytes): skipped"]


def test_latin1_file(tmp_path: Path, write_page: WritePage) -> None:
    # The first byte that is not UTF-8 is the é on line 8 ("·" on line 2 would be one too).
    text = three_glued().replace(" · pku", "").replace("Zoë Ångström", "José Müller")
    result = parse(write_page(tmp_path, text.encode("latin-1"), name="latin.txt"))
    assert result.exit_code == 0  # read in full, with a warning
    assert diagnostics(result) == [
        "latin.txt:8: warning: file is not UTF-8; read as Latin-1/Windows-1252"
    ]
    assert [d["authors"] for d in records(result)][-1] == ["José Müller"]


def test_bom_crlf_seed_twin_is_read_exactly_like_the_seed(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    for seed in sorted(seeds_dir.glob("*.txt")):
        twin_bytes = codecs.BOM_UTF8 + seed.read_bytes().replace(b"\n", b"\r\n")
        twin = parse(write_page(tmp_path / "twins", twin_bytes, name=seed.name))
        clean = parse(seed)
        assert (twin.exit_code, twin.stdout, twin.stderr) == (0, clean.stdout, clean.stderr)
        assert diagnostics(twin) == []


@pytest.mark.parametrize(
    ("tail", "expected_diagnostic", "kept"),
    [
        ("", "cut.txt:7: error: meta line with no title after it: record skipped", 2),
        ("Third Ti", "cut.txt:8: error: cannot find the author list after this title", 2),
        # issue #14: a cut name ("Ång") must not enter the graph: the record is skipped
        ("Third TitleZoë Ång", "cut.txt:8: error: the page ends mid-line inside this record", 2),
        ("Third TitleZoë Ångström\n", "cut.txt:7: warning: record has no abstract", 3),
        ("Third TitleZoë Ångström et al.", "cut.txt:7: warning: record has no abstract", 3),
    ],
    ids=["after-meta", "mid-title", "mid-authors", "before-abstract", "after-et-al"],
)
def test_page_cut_off_in_the_middle_of_a_record(
    tmp_path: Path, write_page: WritePage, tail: str, expected_diagnostic: str, kept: int
) -> None:
    head = "".join(three_glued().splitlines(keepends=True)[:7])  # up to the third meta line
    result = parse(write_page(tmp_path, head + tail, name="cut.txt"))
    [found] = diagnostics(result)
    assert found.startswith(expected_diagnostic)
    titles = [d["title"] for d in records(result)]
    assert titles == ["First Title About LLM", "Second Title?", "Third Title"][:kept]
    assert result.exit_code == (1 if ": error: " in expected_diagnostic else 0)


def test_page_cut_off_inside_a_separate_author_line(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    """Issue #14: an author line cut mid-name at the end of the file, no abstract: before, a
    person "Zefan Wa" and exit 0; now the record is skipped with an error, the rest kept."""
    lines = (seeds_dir / SEED_001).read_text("utf-8").split("\n")
    at = lines.index("Ganqu Cui, Lifan Yuan, Zefan Wang et al. · pku, tsinghua")
    cut = "\n".join(lines[:at]) + "\nGanqu Cui, Lifan Yuan, Zefan Wa"
    result = parse(write_page(tmp_path, cut, name="cut.txt"))
    assert result.exit_code == 1
    assert diagnostics(result)[-1] == (
        f"cut.txt:{at + 1}: error: the page ends mid-line inside this record, before its "
        "abstract: record skipped (its last name may be cut): Ganqu Cui, Lifan Yuan, Zefan Wa"
    )
    read = records(result)
    assert not any("Zefan Wa" in d.get("authors", []) for d in read)
    whole = [d | {"source": "cut.txt"} for d in records(parse(seeds_dir / SEED_001))]
    assert read == [d for d in whole if d["line"] < at - 2]  # every complete record is kept
    assert len(read) == 1 + 4  # the profile and the four papers before the cut one


def test_profile_page_cut_off_mid_abstract(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    text = (seeds_dir / SEED_001).read_text("utf-8")
    cut = text[: text.index("OpenDelta is designed to be simple, m") + 37]  # "...simple, m"
    result = parse(write_page(tmp_path, cut, name="cut.txt"))
    assert result.exit_code == 0  # the records were read; the warnings say the page is short
    assert diagnostics(result) == [
        "cut.txt:10: warning: the page lists 17 papers; records read: 1 (page cut off?)",
        "cut.txt:17: warning: the page ends mid-line: this abstract may be cut off",
    ]
    assert [d["kind"] for d in records(result)] == ["profile", "paper"]


def test_impossible_date(tmp_path: Path, write_page: WritePage) -> None:
    page = three_glued().replace("LGFeb 6, 2024", "LGFeb 30, 2024")
    result = parse(write_page(tmp_path, page, name="dates.txt"))
    assert result.exit_code == 1
    assert diagnostics(result) == [
        "dates.txt:4: error: impossible date 'Feb 30, 2024': record skipped"
    ]
    assert [d["line"] for d in records(result)] == [1, 7]


def test_meta_line_with_no_title(tmp_path: Path, write_page: WritePage) -> None:
    page = three_glued().replace("LGFeb 6, 2024\n", "AIApr 1, 2024\n\nLGFeb 6, 2024\n")
    result = parse(write_page(tmp_path, page, name="meta.txt"))
    assert result.exit_code == 1
    assert diagnostics(result) == [
        "meta.txt:4: error: meta line with no title after it: record skipped"
    ]
    assert [d["title"] for d in records(result)] == [
        "First Title About LLM",
        "Second Title?",
        "Third Title",
    ]


@pytest.mark.parametrize(
    ("page", "line"),
    [
        (three_glued().replace("LGFeb 6, 2024", "stray words here\nLGFeb 6, 2024"), 4),
        ("stray words before anything\n\n" + three_glued(), 1),
        (three_glued() + "\nsome trailing junk\n", 11),
    ],
    ids=["between-records", "before-the-first-record", "at-the-end"],
)
def test_stray_text(tmp_path: Path, write_page: WritePage, page: str, line: int) -> None:
    result = parse(write_page(tmp_path, page, name="stray.txt"))
    assert result.exit_code == 1
    [found] = diagnostics(result)
    assert found.startswith(f"stray.txt:{line}: error: unexpected text")
    assert len(records(result)) == 3


def test_one_bad_file_does_not_stop_the_others(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    write_page(tmp_path / "pages", (seeds_dir / SEED_001).read_bytes(), name="a.txt")
    write_page(tmp_path / "pages", b"\x00\x00", name="b.txt")
    write_page(tmp_path / "pages", three_glued(), name="c.txt")
    result = parse(tmp_path / "pages")
    assert result.exit_code == 1
    assert diagnostics(result) == ["b.txt:1: error: binary file (NUL bytes): skipped"]
    assert [d["source"] for d in records(result)] == ["a.txt"] * 18 + ["c.txt"] * 3


def test_uncertain_split_is_a_warning(tmp_path: Path, write_page: WritePage) -> None:
    page = "CLJan 5, 2024\nScaling Laws for LLMNVIDIA\nAn abstract.\n"
    result = parse(write_page(tmp_path, page, name="nv.txt"))
    assert result.exit_code == 0
    [found] = diagnostics(result)
    assert found.startswith("nv.txt:2: warning: uncertain title/author split")
    assert len(records(result)) == 1


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
