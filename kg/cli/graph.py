"""``kg build``, ``kg export`` and ``kg stats``: the graph, its exports and its summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from kg.cli.validate import validate_build
from kg.config import Settings, resolve
from kg.diagnostics import anything_skipped
from kg.errors import EXIT_FAILURE, EXIT_FINDINGS
from kg.export.files import write_atomic, write_atomic_chunks
from kg.heap import release_freed_memory
from kg.render import table

if TYPE_CHECKING:
    from kg.publish import Claim


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
    from kg.export.files import FORMATS
    from kg.publish import claim, output_lock, remove_leftovers, resolved_target
    from kg.store.embedded import STORE_NAME, looks_like_a_store

    settings = resolve({"capture_date": capture_date, "base_iri": base_iri, "out_dir": out_dir})
    target = resolved_target(settings.out_dir, "graph")
    writes = [*FORMATS.values(), STORE_NAME, *BUILD_FILES]
    with output_lock(target):
        # Refuse a folder kg did not write before any work; what killed runs left goes.
        claimed = claim(target, writes, "graph", lambda t: looks_like_a_store(t / STORE_NAME))
        remove_leftovers(target)
        counts, skipped, report = _build_into(target, paths, settings, claimed, validate)
    click.echo(render_summary(counts), err=True, nl=False)
    if skipped or (report is not None and not report.conforms):
        sys.exit(EXIT_FINDINGS)


# What kg build writes besides the exports and the store (its marker lists them all).
BUILD_FILES = ("diagnostics.txt", "validation.txt", "validation.ttl")


def _build_into(
    target: Path, paths: tuple[Path, ...], settings: Settings, claimed: Claim, validate: bool
) -> tuple[dict[str, int], bool, Any]:
    """Build, then write every output into a staging folder beside the target, which then
    replaces the target in one step: at every instant the target holds one whole build,
    old or new. Returns the summary, whether input was skipped, and the validation report.
    """
    from kg.export.files import FORMATS, ExportedLines, load_context, prefixes_for, write_exports
    from kg.pipeline import build_from_paths, count_diagnostics, summarise
    from kg.publish import carry_over, mark, staging_beside, swap_in
    from kg.resources import ONTOLOGY_DIR
    from kg.store.embedded import store_path, writing_store

    built = build_from_paths(default_paths(paths, settings), settings, progress)
    diagnostics = built.diagnostics
    report_diagnostics(diagnostics)
    skipped = anything_skipped(list(diagnostics))
    counts = {**summarise(built.graph.union), **count_diagnostics(diagnostics)}
    if counts["records"] == 0:
        # Nothing was read: an empty graph must not replace a good one.
        click.echo(f"kg: no records read; {settings.out_dir}/ is left as it was", err=True)
        sys.exit(EXIT_FINDINGS if skipped else EXIT_FAILURE)
    prefixes, context = prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
    with staging_beside(target) as staging:
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
        mark(staging, "kg build")
        carry_over(claimed, target, staging)
        swap_in(staging, target)
    return counts, skipped, report


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
    from kg.export.files import export_chunks, format_for, load_context, prefixes_for, stored_text
    from kg.resources import ONTOLOGY_DIR
    from kg.store.embedded import open_store, store_path

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
    from kg.store.embedded import open_store, store_path, union_heads

    settings = resolve({"out_dir": out_dir})
    with open_store(store_path(settings.out_dir)) as store:
        counts = summarise(union_heads(store))
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
    else:
        click.echo(render_summary(counts), nl=False)
