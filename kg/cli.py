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


# -- the graph ---------------------------------------------------------------------------


def out_option(func: F) -> F:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder of the built graph and its store. [default: out/; env KG_OUT_DIR]",
    )(func)


def progress(message: str) -> None:
    click.echo(f"kg: {message}", err=True)


def render_summary(counts: dict[str, int]) -> str:
    return table(["what", "count"], [[k, v] for k, v in counts.items()])


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder. [default: out/; env KG_OUT_DIR]",
)
@click.option("--base-iri", help="Base of every minted IRI. [default: https://kg.example.org/]")
@settings_options
def build(
    paths: tuple[Path, ...], out_dir: Path | None, base_iri: str | None, capture_date: str | None
) -> None:
    """Build the graph from pages (default seeds/): exports and embedded store.

    Parses, merges and maps the pages, writes graph.ttl, graph.jsonld, graph.nt, graph.nq
    and graph.trig (one named graph per page) and fills the embedded store in the output
    folder (default out/). Diagnostics go to stderr and to diagnostics.txt.

    Files are replaced atomically: an interrupted build leaves the previous output whole.

    \b
    Example:
      kg build seeds/ -o out/
      kg build my-pages/ --capture-date 2026-03-01 --base-iri https://example.org/kg/
    """
    from kg.export import load_context, prefixes_for, publish, staging_folder, write_exports
    from kg.pipeline import build_from_paths, count_diagnostics, summarise
    from kg.reference import ONTOLOGY_DIR
    from kg.store import store_path, write_store

    settings = resolve({"capture_date": capture_date, "base_iri": base_iri, "out_dir": out_dir})
    built = build_from_paths(_default_paths(paths, settings), settings, progress)
    report_diagnostics(built.diagnostics)
    # Everything goes into a staging folder first and moves into place at the end, so an
    # interrupted build leaves the previous output whole.
    with staging_folder(settings.out_dir) as staging:
        progress(f"writing exports to {settings.out_dir}/")
        write_exports(
            built.quads, staging, prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
        )
        write_atomic(staging / "diagnostics.txt", "".join(f"{d}\n" for d in built.diagnostics))
        progress("filling the embedded store")
        write_store(built.quads, store_path(staging))
        publish(staging, settings.out_dir)
    counts = {
        "pages read": len(built.pages),
        **summarise(built.quads),
        **count_diagnostics(built.diagnostics),
    }
    click.echo(render_summary(counts), err=True, nl=False)
    if anything_skipped(list(built.diagnostics)):
        sys.exit(EXIT_FINDINGS)


@main.command(epilog=EXIT_CODES_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "ntriples", "nquads", "trig", "jsonld"]),
    help="RDF format. [default: guessed from -o, else turtle]",
)
@output_option
@out_option
@click.option("--base-iri", help="Base IRI used for the short data prefixes.")
def export(
    fmt: str | None, output: Path | None, out_dir: Path | None, base_iri: str | None
) -> None:
    """Re-export the built store in an RDF format.

    The output is byte-identical to the file kg build wrote in that format.

    \b
    Example:
      kg export --format nquads -o graph.nq
      kg export -o graph.jsonld
    """
    from kg.export import dumps, format_for, load_context, prefixes_for
    from kg.reference import ONTOLOGY_DIR
    from kg.store import all_quads, open_store, store_path

    settings = resolve({"out_dir": out_dir, "base_iri": base_iri})
    chosen = fmt or (format_for(output) if output and str(output) != "-" else None) or "turtle"
    with open_store(store_path(settings.out_dir)) as store:
        data = dumps(
            all_quads(store), chosen, prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
        )
    if output is None or str(output) == "-":
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_atomic(output, data)
        click.echo(f"wrote {output}", err=True)


@main.command(epilog=EXIT_CODES_HELP)
@out_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def stats(out_dir: Path | None, fmt: str) -> None:
    """Print the summary of the built graph, read from the embedded store.

    \b
    Example:
      kg stats
      kg stats --format json
    """
    from kg.pipeline import summarise
    from kg.store import all_quads, open_store, store_path

    settings = resolve({"out_dir": out_dir})
    with open_store(store_path(settings.out_dir)) as store:
        counts = summarise(all_quads(store))
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
    else:
        click.echo(render_summary(counts), nl=False)
