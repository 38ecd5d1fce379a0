"""Helpers the reader's tests share: seed file names, pages from text, and ``kg parse``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from kg.cli import main
from kg.config import DEFAULT_CAPTURE_DATE
from kg.read.model import PaperRecord
from kg.read.pages import Page, read_pages
from kg.read.records import Parsed, parse_page, parse_pages

F000, F001, F002, F003, F004 = (
    "000_75f573afd22e8082.txt",
    "001_6a2e0b437ba59670.txt",
    "002_1a5fe52f65ecc1db.txt",
    "003_1e15edc5c0b8441e.txt",
    "004_0db25c8019068f0b.txt",
)
SEED_001, SEED_002 = F001, F002


# -- pages and records --------------------------------------------------------------------------


def parse_seeds(seeds: Path, capture: date = DEFAULT_CAPTURE_DATE) -> Parsed:
    return parse_pages(list(read_pages([seeds])), capture)


def page_from_lines(lines: list[str] | tuple[str, ...], source: str = "fuzz.txt") -> Page:
    return Page(source=source, path=source, sha256="", lines=tuple(lines))


def page_from_text(text: str, source: str = "p.txt") -> Page:
    return Page(source=source, path=source, sha256="", lines=tuple(text.split("\n")))


def parse_text(text: str, source: str = "p.txt") -> Parsed:
    return parse_page(page_from_text(text, source), DEFAULT_CAPTURE_DATE)


def messages(parsed: Parsed) -> list[str]:
    return [str(d) for d in parsed.diagnostics]


def paper_records(parsed: Parsed) -> list[PaperRecord]:
    return [r for r in parsed.records if isinstance(r, PaperRecord)]


def titled(parsed: Parsed) -> list[PaperRecord]:
    return [r for r in parsed.records if isinstance(r, PaperRecord) and r.title is not None]


def by_title(parsed: Parsed, source: str, title: str) -> PaperRecord:
    found = [r for r in titled(parsed) if r.source == source and r.title == title]
    assert len(found) == 1, f"{source}: {len(found)} records titled {title!r}"
    return found[0]


# -- the command line ---------------------------------------------------------------------------


def cli(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [*map(str, args)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def parse(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """``kg parse ARGS`` in-process; a traceback is a bug, whatever the input."""
    result = CliRunner().invoke(main, ["parse", *map(str, args)], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
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
