"""``kg build``, ``kg export`` and ``kg stats``: the graph, its exports and its summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.cli_common import (
    EXIT_CODES_HELP,
    default_paths,
    out_option,
    output_option,
    progress,
    report_diagnostics,
    settings_options,
)
from kg.cli_validate import validate_build
from kg.config import resolve
from kg.diagnostics import anything_skipped
from kg.errors import EXIT_FINDINGS
from kg.export import write_atomic, write_atomic_chunks
from kg.heap import release_freed_memory
from kg.render import table


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
    from kg.export import (
        FORMATS,
        ExportedLines,
        load_context,
        prefixes_for,
        publish,
        staging_folder,
        write_exports,
    )
    from kg.pipeline import build_from_paths, count_diagnostics, summarise
    from kg.reference import ONTOLOGY_DIR
    from kg.store import store_path, writing_store

    settings = resolve({"capture_date": capture_date, "base_iri": base_iri, "out_dir": out_dir})
    built = build_from_paths(default_paths(paths, settings), settings, progress)
    diagnostics = built.diagnostics
    report_diagnostics(diagnostics)
    counts = {**summarise(built.graph.union), **count_diagnostics(diagnostics)}
    prefixes, context = prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
    # Everything goes into a staging folder first and moves into place at the end, so an
    # interrupted build leaves the previous output whole.
    with staging_folder(settings.out_dir) as staging:
        progress(f"writing exports to {settings.out_dir}/")
        nquads, ntriples = write_exports(
            built.graph.pairs, built.graph.union, staging, prefixes, context, ["nquads", "ntriples"]
        )
        # From here on the other formats are written from those two files, one line at a
        # time, and the graph in memory is let go: the store fills in a second process
        # meanwhile, and the two must not hold the graph at once.
        del built
        release_freed_memory()
        pairs, union = ExportedLines(nquads), ExportedLines(ntriples)
        progress("filling the embedded store")
        with writing_store(store_path(staging), nquads, ntriples) as store_written:
            others = [f for f in FORMATS if f not in ("nquads", "ntriples")]
            write_exports(pairs, union, staging, prefixes, context, others)
            write_atomic(staging / "diagnostics.txt", "".join(f"{d}\n" for d in diagnostics))
            store_written()
        # The store just written is validated where it lies (its default graph is the union).
        report = (
            validate_build(store_path(staging), staging, settings.base_iri) if validate else None
        )
        publish(staging, settings.out_dir)
    click.echo(render_summary(counts), err=True, nl=False)
    if anything_skipped(list(diagnostics)) or (report is not None and not report.conforms):
        sys.exit(EXIT_FINDINGS)


@click.command(epilog=EXIT_CODES_HELP)
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
    from kg.export import export_chunks, format_for, load_context, prefixes_for, stored_text
    from kg.reference import ONTOLOGY_DIR
    from kg.store import open_store, store_path

    settings = resolve({"out_dir": out_dir, "base_iri": base_iri})
    chosen = fmt or (format_for(output) if output and str(output) != "-" else None) or "turtle"
    with open_store(store_path(settings.out_dir)) as store:
        pairs, union = stored_text(store)
    prefixes, context = prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
    chunks = export_chunks(chosen, pairs, union, prefixes, context)
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
    from kg.pipeline import summarise
    from kg.store import open_store, store_path, union_heads

    settings = resolve({"out_dir": out_dir})
    with open_store(store_path(settings.out_dir)) as store:
        counts = summarise(union_heads(store))
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
    else:
        click.echo(render_summary(counts), nl=False)
