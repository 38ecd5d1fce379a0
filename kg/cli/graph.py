"""``kg build``, ``kg export`` and ``kg stats``: the graph, its exports and its summary."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.common import (
    EXIT_CODES_HELP,
    default_paths,
    out_option,
    output_option,
    param_option,
    progress,
    report_diagnostics,
    settings_options,
)
from kg.cli.progress import progress_for, quiet_option
from kg.config import resolve
from kg.errors import EXIT_FAILURE, EXIT_FINDINGS
from kg.export.formats import (
    CITATION_NAMES,
    DEFAULT,
    EXPORT_NAMES,
    CitationFormat,
    export_format_for_path,
    export_format_named,
)
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
@click.option(
    "--clean",
    is_flag=True,
    help="Build from scratch: ignore what the previous build in the folder left "
    "(its parse cache and store).",
)
@click.option(
    "--arxiv-metadata",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Link the papers to arXiv records of this metadata snapshot (JSON lines, plain or "
    ".gz): identifiers, full author lists, exact categories. [env KG_ARXIV_METADATA]",
)
@settings_options
@quiet_option
def build(
    paths: tuple[Path, ...],
    out_dir: Path | None,
    base_iri: str | None,
    validate: bool,
    clean: bool,
    arxiv_metadata: Path | None,
    capture_date: str | None,
    quiet: bool,
) -> None:
    """Build the graph from pages (default seeds/): exports and embedded store.

    Parses, merges and maps the pages, writes graph.ttl, graph.jsonld, graph.nt, graph.nq
    and graph.trig (one named graph per page) and fills the embedded store in the output
    folder (default out/). Diagnostics go to stderr and to diagnostics.txt.

    Files are replaced atomically: an interrupted build leaves the previous output whole.

    A build starts from the previous one in the folder: with the same pages, settings and
    kg it does nothing; otherwise it parses only new or changed pages and updates the store
    by the difference. The output is byte for byte a clean build's (--clean makes one).

    Progress goes to stderr: a bar per stage on a terminal, a line when each stage starts
    and ends otherwise, then the summary; -q shows only diagnostics, errors and a failed
    validation.

    \b
    Example:
      kg build seeds/ -o out/
      kg build my-pages/ --capture-date 2026-03-01 --base-iri https://example.org/kg/
      kg build -q && kg stats
      kg build pages/ --arxiv-metadata arxiv-metadata-oai-snapshot.json.gz
    """
    from kg.pipeline import build as build_graph

    flags = {"capture_date": capture_date, "base_iri": base_iri, "out_dir": out_dir}
    settings = resolve({**flags, "arxiv_metadata": arxiv_metadata})
    result = build_graph(
        default_paths(paths, settings),
        settings,
        validate=validate,
        progress=progress_for(quiet),
        seen=report_diagnostics,
        incremental=not clean,
    )
    if not result.written:
        # Nothing was read: an empty graph must not replace a good one.
        click.echo(f"kg: no records read; {settings.out_dir}/ is left as it was", err=True)
        sys.exit(EXIT_FINDINGS if result.skipped else EXIT_FAILURE)
    if not quiet:
        click.echo(render_summary(result.counts), err=True, nl=False)
    elif result.report is not None and not result.conforms:  # what exit 1 is about
        from kg.shacl.report import summary

        progress(f"validation: {summary(result.report)}; see {settings.out_dir}/validation.txt")
    if result.skipped or not result.conforms:
        sys.exit(EXIT_FINDINGS)


@click.command(epilog=EXIT_CODES_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_NAMES),
    show_default=f"guessed from -o (.bib, .ris too), else {DEFAULT.name}",
    help="RDF format, or a citation format (bibtex, csl-json, ris) for the papers.",
)
@output_option
@out_option
@click.option("--base-iri", help="Base IRI used for the short data prefixes.")
@click.option("--person", metavar="NAME", help="Citations: the papers of this name as printed.")
@click.option(
    "--topic", metavar="CODE", help="Citations: the papers in this category (cs.CL, CL, cs)."
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Citations: the papers dated that day or later.",
)
@click.option(
    "--query",
    "query_name",
    metavar="NAME|FILE.rq",
    help="Citations: the papers a saved query returns (its first column of paper IRIs).",
)
@param_option("Bind a parameter of --query (repeatable).")
def export(
    fmt: str | None,
    output: Path | None,
    out_dir: Path | None,
    base_iri: str | None,
    person: str | None,
    topic: str | None,
    since: datetime | None,
    query_name: str | None,
    params: tuple[tuple[str, str], ...],
) -> None:
    """Re-export the built store in an RDF format, or its papers as citations.

    An RDF export is byte-identical to the file kg build wrote in that format. A citation
    export (bibtex, csl-json, ris) holds every titled paper, or those that --person,
    --topic, --since and --query select (all must hold), sorted by citation key; the same
    graph gives the same bytes. Untitled papers are skipped, and that, inferred years and
    an empty selection are told on stderr.

    \b
    Example:
      kg export --format nquads -o graph.nq
      kg export -o graph.jsonld
      kg export -o papers.bib --person "Xingtai Lv"
      kg export --format csl-json --topic cs.CL --since 2025-01-01 -o papers.json
    """
    from kg.errors import UsageError
    from kg.store.embedded import open_store, store_path

    settings = resolve({"out_dir": out_dir, "base_iri": base_iri})
    to_stdout = output is None or str(output) == "-"
    guessed = export_format_for_path(output) if output is not None and not to_stdout else None
    chosen = export_format_named(fmt) if fmt else guessed or DEFAULT
    selecting = [
        option
        for option, given in [
            ("--person", person),
            ("--topic", topic),
            ("--since", since),
            ("--query", query_name),
            ("-p", params),
        ]
        if given
    ]
    if isinstance(chosen, CitationFormat):
        if params and not query_name:
            raise UsageError("-p binds a parameter of --query: give --query NAME too")
        chunks = citation_chunks(chosen, settings.out_dir, person, topic, since, query_name, params)
    else:
        if selecting:
            raise UsageError(
                f"{', '.join(selecting)} select papers for a citation format "
                f"({', '.join(CITATION_NAMES)}), not for {chosen.name}"
            )
        from kg.export.files import load_context, prefixes_for, stored_text
        from kg.resources import ONTOLOGY_DIR

        with open_store(store_path(settings.out_dir)) as store:
            pairs, union = stored_text(store)
        prefixes, context = prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
        chunks = chosen.writer(pairs, union, prefixes, context)
    if to_stdout:
        for chunk in chunks:  # streamed: a big graph is never one string in memory
            click.echo(chunk, nl=False)
    else:
        assert output is not None
        write_atomic_chunks(output, chunks)
        click.echo(f"wrote {output}", err=True)


def citation_chunks(
    chosen: CitationFormat,
    out_dir: Path,
    person: str | None,
    topic: str | None,
    since: datetime | None,
    query_name: str | None,
    params: tuple[tuple[str, str], ...],
) -> Iterator[str]:
    """The selected papers of the store in a citation format; the notes go to stderr."""
    from kg.cite.model import Selection
    from kg.cite.read import query_papers, read_citations
    from kg.sparql.saved import check_for_store, prepare, run_local
    from kg.store.embedded import open_store, store_path

    papers = None
    if query_name:
        saved, bindings = prepare(query_name, None, params)
        check_for_store(saved)
    with open_store(store_path(out_dir)) as store:
        if query_name:
            # the rows `kg query NAME` shows (its declared Limit included)
            results = run_local(store, saved, bindings)
            papers = query_papers(store, results, saved.source)
        selection = Selection(person, topic, since.date() if since else None, papers)
        cited = read_citations(store, selection)
    for note in cited.notes:
        progress(note)
    if not cited.citations:
        progress(f"no papers selected: the {chosen.name} output holds no entries")
    else:
        progress(f"{len(cited.citations)} papers as {chosen.name}")
    return chosen.writer(cited.citations)


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
    from kg.graph.layout import union_heads
    from kg.graph.summary import summarise
    from kg.store.embedded import open_store, store_path

    settings = resolve({"out_dir": out_dir})
    with open_store(store_path(settings.out_dir)) as store:
        counts = summarise(union_heads(store))
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
    else:
        click.echo(render_summary(counts), nl=False)
