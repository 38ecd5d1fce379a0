"""``kg build``, ``kg export`` and ``kg stats``: the graph, its exports and its summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.common import (
    EXIT_CODES_HELP,
    default_paths,
    out_option,
    output_option,
    progress,
    report_diagnostics,
    settings_options,
)
from kg.config import resolve
from kg.errors import EXIT_FAILURE, EXIT_FINDINGS
from kg.export.formats import DEFAULT, NAMES, format_for_path, format_named
from kg.publish import write_atomic_chunks
from kg.render import table

if TYPE_CHECKING:
    pass


def render_summary(counts: dict[str, int]) -> str:
    return table(["what", "count"], [[k, v] for k, v in counts.items()])


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder. [default: out/; env KG_OUT_DIR]",
)
@click.option("--base-iri", help="Base of every minted IRI. [default: https://kg.example.org/]")
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the graph against shapes/ (validation.txt, validation.ttl).",
)
@settings_options
def build(
    paths: tuple[Path, ...],
    out_dir: Path | None,
    base_iri: str | None,
    validate: bool,
    capture_date: str | None,
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
    from kg.pipeline import build as build_graph

    settings = resolve({"capture_date": capture_date, "base_iri": base_iri, "out_dir": out_dir})
    result = build_graph(
        default_paths(paths, settings),
        settings,
        validate=validate,
        progress=progress,
        seen=report_diagnostics,
    )
    if not result.written:
        # Nothing was read: an empty graph must not replace a good one.
        click.echo(f"kg: no records read; {settings.out_dir}/ is left as it was", err=True)
        sys.exit(EXIT_FINDINGS if result.skipped else EXIT_FAILURE)
    click.echo(render_summary(result.counts), err=True, nl=False)
    if result.skipped or not result.conforms:
        sys.exit(EXIT_FINDINGS)


@click.command(epilog=EXIT_CODES_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(NAMES),
    show_default=f"guessed from -o, else {DEFAULT.name}",
    help="RDF format.",
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
    from kg.export.files import load_context, prefixes_for, stored_text
    from kg.resources import ONTOLOGY_DIR
    from kg.store.embedded import open_store, store_path

    settings = resolve({"out_dir": out_dir, "base_iri": base_iri})
    guessed = format_for_path(output) if output is not None and str(output) != "-" else None
    chosen = format_named(fmt) if fmt else guessed or DEFAULT
    with open_store(store_path(settings.out_dir)) as store:
        pairs, union = stored_text(store)
    prefixes, context = prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
    chunks = chosen.writer(pairs, union, prefixes, context)
    if output is None or str(output) == "-":
        for chunk in chunks:  # streamed: a big graph is never one string in memory
            click.echo(chunk, nl=False)
    else:
        write_atomic_chunks(output, chunks)
        click.echo(f"wrote {output}", err=True)


@click.command(epilog=EXIT_CODES_HELP)
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
    from kg.graph.summary import summarise
    from kg.store.embedded import open_store, store_path, union_heads

    settings = resolve({"out_dir": out_dir})
    with open_store(store_path(settings.out_dir)) as store:
        counts = summarise(union_heads(store))
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
    else:
        click.echo(render_summary(counts), nl=False)
