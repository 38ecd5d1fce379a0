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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.config import Settings, resolve
from kg.diagnostics import Diagnostic, anything_skipped
from kg.errors import EXIT_FINDINGS
from kg.export import write_atomic
from kg.pages import read_pages
from kg.records import PaperRecord, Parsed, parse_pages
from kg.render import table

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0  success
  1  the data does not conform, or some input was skipped
  2  usage error
  3  processing or I/O failure
"""


def settings_options(func: F) -> F:
    """Options shared by every command that reads pages."""
    func = click.option(
        "--capture-date",
        metavar="YYYY-MM-DD",
        help="When the pages were captured; year-less dates take its year. [env KG_CAPTURE_DATE]",
    )(func)
    return func


def output_option(func: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to FILE (atomically) instead of stdout; '-' is stdout.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "--version", prog_name="kg")
def main() -> None:
    """Turn scraped arXiv author pages into a validated scholarly knowledge graph."""


def report_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in sorted(diagnostics):
        click.echo(str(diagnostic), err=True)


def emit(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)


def _default_paths(paths: tuple[Path, ...], settings: Settings) -> list[Path]:
    return list(paths) or [settings.seeds_dir]


def load_records(paths: tuple[Path, ...], settings: Settings) -> Parsed:
    pages = list(read_pages(_default_paths(paths, settings)))
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

    Diagnostics go to stderr as FILE:LINE: error|warning: message.

    \b
    Example:
      kg parse seeds/ --format jsonl | head -1
      kg parse seeds/001_6a2e0b437ba59670.txt --format table
    """
    settings = resolve({"capture_date": capture_date})
    parsed = load_records(paths, settings)
    if fmt is None:
        fmt = "table" if output is None and sys.stdout.isatty() else "jsonl"
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
