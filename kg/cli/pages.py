"""``kg parse``: pages -> records, as JSON Lines, JSON or a table (issue 1)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli import common
from kg.cli.common import (
    EXIT_CODES_HELP,
    default_paths,
    emit,
    output_option,
    report_diagnostics,
    settings_options,
)
from kg.config import Settings, resolve
from kg.diagnostics import anything_skipped
from kg.errors import EXIT_FINDINGS
from kg.read.model import PaperRecord
from kg.read.pages import duplicate_warnings, read_pages
from kg.read.parallel import parse_pages_in_parallel
from kg.read.records import Parsed
from kg.render import table


def load_records(paths: tuple[Path, ...], settings: Settings) -> Parsed:
    pages = list(read_pages(default_paths(paths, settings)))
    # the build's parse: on every core for a big corpus, the same records in the same order
    parsed = parse_pages_in_parallel(pages, settings.capture_date)
    return Parsed(parsed.records, parsed.diagnostics + tuple(duplicate_warnings(pages)))


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "table"]),
    help="Output format. [default: table on a terminal, jsonl otherwise]",
)
@output_option
@settings_options
def parse(
    paths: tuple[Path, ...], fmt: str | None, output: Path | None, capture_date: str | None
) -> None:
    """Read pages (files or folders; default seeds/) into records.

    Prints one record per line as JSON Lines (jsonl, the default when piped), one JSON
    document (json), or a readable table (table, the default on a terminal).

    Diagnostics go to stderr as FILE:LINE: error|warning: message.

    \b
    Example:
      kg parse seeds/ --format jsonl | head -1
      kg parse seeds/001_6a2e0b437ba59670.txt --format table
    """
    settings = resolve({"capture_date": capture_date})
    parsed = load_records(paths, settings)
    if fmt is None:
        fmt = "table" if output is None and common.stdout_is_terminal() else "jsonl"
    emit(format_records(parsed, fmt), output)
    report_diagnostics(parsed.diagnostics)
    papers = sum(isinstance(r, PaperRecord) for r in parsed.records)
    click.echo(
        f"{len(parsed.records)} records ({papers} papers), {len(parsed.diagnostics)} diagnostics",
        err=True,
    )
    if anything_skipped(list(parsed.diagnostics)):
        sys.exit(EXIT_FINDINGS)


def format_records(parsed: Parsed, fmt: str) -> str:
    documents = [r.to_json() for r in parsed.records]
    if fmt == "jsonl":
        return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)
    if fmt == "json":
        return json.dumps(documents, ensure_ascii=False, indent=2) + "\n"
    rows = [
        [
            f"{d['source']}:{d['line']}",
            d["kind"],
            d.get("form") or "",
            d.get("date") or "",
            d.get("category") or d.get("primary_category") or "",
            d.get("title") or d.get("name") or "",
            _authors_cell(d),
        ]
        for d in documents
    ]
    return table(["where", "kind", "form", "date", "cat", "title / name", "authors"], rows)


def _authors_cell(document: dict[str, Any]) -> str:
    authors = document.get("authors") or document.get("may_belong_to") or []
    return ", ".join(authors) + (" et al." if document.get("et_al") else "")
