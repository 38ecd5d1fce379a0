"""The ``kg`` command line: a thin click layer over the pipeline stages.

Exit codes (a contract):
  0  success
  1  the data does not conform, or some input was skipped
  2  usage error
  3  processing or I/O failure
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.cli import common as cli_common
from kg.cli.common import (
    EXIT_CODES_HELP,
    default_paths,
    emit,
    output_option,
    report_diagnostics,
    settings_options,
)
from kg.cli.graph import build, export, stats
from kg.cli.queries import queries_command, query_command, report_command
from kg.cli.stores import load, serve
from kg.cli.validate import validate_command
from kg.config import Settings, resolve
from kg.diagnostics import anything_skipped
from kg.errors import EXIT_FINDINGS
from kg.read.pages import read_pages
from kg.read.records import PaperRecord, Parsed, parse_pages
from kg.render import table


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "--version", prog_name="kg")
def main() -> None:
    """Turn scraped arXiv author pages into a validated scholarly knowledge graph."""


def load_records(paths: tuple[Path, ...], settings: Settings) -> Parsed:
    pages = list(read_pages(default_paths(paths, settings)))
    return parse_pages(pages, settings.capture_date)


@main.command(epilog=EXIT_CODES_HELP)
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
        fmt = "table" if output is None and cli_common.stdout_is_terminal() else "jsonl"
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


# The other stages' commands live in their own modules (kg/cli_*.py); `kg --help` lists
# commands by name, so the order they are added in does not show.
main.add_command(build)
main.add_command(export)
main.add_command(stats)
main.add_command(validate_command)
main.add_command(load)
main.add_command(serve)
main.add_command(queries_command)
main.add_command(query_command)
main.add_command(report_command)
