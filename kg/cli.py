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
        fmt = "table" if output is None and stdout_is_terminal() else "jsonl"
    emit(format_records(parsed, fmt), output)
    report_diagnostics(parsed.diagnostics)
    papers = sum(isinstance(r, PaperRecord) for r in parsed.records)
    click.echo(
        f"{len(parsed.records)} records ({papers} papers), {len(parsed.diagnostics)} diagnostics",
        err=True,
    )
    if anything_skipped(list(parsed.diagnostics)):
        sys.exit(EXIT_FINDINGS)


def stdout_is_terminal() -> bool:
    """Whether a person is reading stdout (tables) rather than a program (JSON Lines)."""
    return sys.stdout.isatty()


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
    built = build_from_paths(_default_paths(paths, settings), settings, progress)
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
    from kg.store import open_store, store_path, union_heads

    settings = resolve({"out_dir": out_dir})
    with open_store(store_path(settings.out_dir)) as store:
        counts = summarise(union_heads(store))
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
    else:
        click.echo(render_summary(counts), nl=False)


# -- a triple store: load and serve (issue 6) ------------------------------------------------


@main.command(epilog=EXIT_CODES_HELP)
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's SPARQL endpoint, or an Oxigraph server's root (http://127.0.0.1:7878).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    help="Graph Store Protocol URL. [default: ROOT/store for a root or a .../query endpoint]",
)
@click.option(
    "--update",
    "update_url",
    metavar="URL",
    help="SPARQL Update URL. [default: ROOT/update for a root or .../query, else the endpoint]",
)
@click.option(
    "--protocol",
    type=click.Choice(["auto", "graph-store", "update"]),
    default="auto",
    show_default=True,
    help="Upload with Graph Store POSTs or SPARQL INSERT DATA; auto uses the Graph Store "
    "when its URL is known and falls back to INSERT DATA when it is missing.",
)
@out_option
@click.option("--dry-run", is_flag=True, help="Show the graphs and requests; contact nothing.")
@click.option("--force", is_flag=True, help="Reload every graph, even unchanged ones.")
@click.option(
    "--default-graph/--no-default-graph",
    default=True,
    show_default=True,
    help="Also replace the server's default graph with the deduplicated union; turn off for "
    "stores whose default graph already is the union of all graphs (GraphDB, Virtuoso).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for a connection or for each answer.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Retries of a failed request (exponential backoff from 0.5 s).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=50_000,
    show_default=True,
    help="Triples per upload request (bounds memory on both sides).",
)
def load(
    endpoint: str,
    graph_store: str | None,
    update_url: str | None,
    protocol: str,
    out_dir: Path | None,
    dry_run: bool,
    force: bool,
    default_graph: bool,
    timeout: float,
    retries: int,
    chunk_size: int,
) -> None:
    """Load the built graph into a SPARQL 1.1 triple store, graph by graph.

    Every graph of the store (one per page, the dataset description, the taxonomy and the
    default graph) replaces its copy on the server in one request (a Graph Store PUT) or,
    when bigger than a chunk, goes into a temporary graph chunk by chunk and then replaces
    the old one with one MOVE: no graph on the server is ever half-replaced. Graphs already
    on the server with the same content (triple count and hash) are skipped. Afterwards the
    triple count of every graph on the server is checked against the local one.

    Interrupted or failed? The report says which graphs were loaded; run the command again
    to finish (it first drops the temporary graphs the failed run left).

    Credentials come from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or from the netrc file
    (NETRC, default ~/.netrc), never from the command line. Exit code 1: a count differs
    on the server; 3: the server is unreachable or failed.

    \b
    Example:
      kg load --endpoint http://127.0.0.1:7878 --dry-run
      kg load --endpoint http://127.0.0.1:7878
      kg load --endpoint http://localhost:3030/kg/sparql \\
              --graph-store http://localhost:3030/kg/data --update http://localhost:3030/kg/update
    """
    from kg.errors import StoreError
    from kg.remote import Event, Remote, Status, endpoints_for, label, plan
    from kg.remote import load as load_graphs
    from kg.store import open_store, store_path

    settings = resolve({"out_dir": out_dir})
    endpoints = endpoints_for(endpoint, graph_store, update_url)
    with open_store(store_path(settings.out_dir)) as store:
        if dry_run:
            planned = plan(store, endpoints, protocol, chunk_size, default_graph)
            click.echo(render_plan(planned), nl=False)
            return
        remote = Remote(endpoints, timeout=timeout, retries=retries, protocol=protocol)

        def show(event: Event) -> None:
            if event.kind == "clean":
                progress(f"dropped {event.detail} temporary graph(s) left by an earlier run")
            elif event.kind == "fallback":
                progress(f"no Graph Store at {endpoints.graph_store}: using SPARQL Update")
            elif event.kind == "moved":
                progress(f"loaded {label(event.graph)} ({event.detail} triples)")
            elif event.kind == "verify":
                progress(f"checking the triple counts of {event.detail} graphs")

        report = load_graphs(
            store,
            remote,
            chunk_size=chunk_size,
            force=force,
            default_graph=default_graph,
            on_event=show,
        )
    rows = [[label(r.graph), r.triples, r.server, r.status.value] for r in report.results]
    click.echo(table(["graph", "triples", "on server", "status"], rows), nl=False)
    loaded = [r for r in report.results if r.status is Status.LOADED]
    rate = report.sent / report.seconds if report.seconds else 0.0
    progress(
        f"{len(loaded)} graphs loaded ({report.sent} triples), "
        f"{sum(r.status is Status.UNCHANGED for r in report.results)} unchanged, "
        f"{report.requests} requests in {report.seconds:.2f} s ({rate:,.0f} triples/s sent)"
    )
    if report.error:
        missing = [
            label(r.graph) for r in report.results if r.status in (Status.PENDING, Status.FAILED)
        ]
        raise StoreError(
            f"{report.error}\nnot loaded: {', '.join(missing) or 'none'}; the graphs marked "
            "loaded or unchanged are complete on the server. Run the same `kg load` again "
            "to finish."
        )
    for stale in report.stale:
        click.echo(
            f"[WARNING] [{stale}] this page graph is on the server but not in the built graph "
            f"(a page removed since?); drop it with: DROP GRAPH <{stale}>",
            err=True,
        )
    for result in report.mismatched:
        click.echo(
            f"[ERROR] [{label(result.graph)}] {result.server} triples on the server, "
            f"{result.triples} in the local store",
            err=True,
        )
    if report.mismatched:
        sys.exit(EXIT_FINDINGS)


def render_plan(planned: Any) -> str:
    from kg.remote import label

    total = sum(graph.triples for graph, _ in planned.graphs)
    rows = [[label(graph.name), graph.triples, chunks] for graph, chunks in planned.graphs]
    return (
        f"dry run: nothing was sent. {len(planned.graphs)} graphs, {total} triples:\n"
        + table(["graph", "triples", "chunks"], rows)
        + "requests, in order:\n"
        + "".join(f"  {step}\n" for step in planned.steps)
    )


@main.command(epilog=EXIT_CODES_HELP)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@out_option
def serve(port: int, out_dir: Path | None) -> None:
    """Serve the built store: a SPARQL endpoint and a web query UI on 127.0.0.1.

    Runs Oxigraph's server (from `pip install oxigraph`) read-only over the embedded store
    and prints its URLs; Ctrl-C stops it. Restart it after `kg build` to serve the new graph.

    \b
    Example:
      kg serve
      kg serve --port 0 --out other-out/
    """
    from kg.store import serve_store, store_path

    settings = resolve({"out_dir": out_dir})

    def ready(url: str) -> None:
        click.echo(f"query UI:        {url}/")
        click.echo(f"SPARQL endpoint: {url}/query")
        sys.stdout.flush()  # a script reading the URLs from a pipe needs them now
        progress(f"serving {store_path(settings.out_dir)} read-only; press Ctrl-C to stop")

    serve_store(store_path(settings.out_dir), port, ready)
    progress("stopped")


# -- saved queries -----------------------------------------------------------------------


@main.command("queries", epilog=EXIT_CODES_HELP)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def queries_command(fmt: str) -> None:
    """List the saved queries in queries/: name, title, question and parameters.

    \b
    Example:
      kg queries
      kg queries --format json | jq '.[].name'
    """
    from kg.queries import library
    from kg.results import describe_library

    click.echo(describe_library(library(), fmt), nl=False)


@main.command("query", epilog=EXIT_CODES_HELP)
@click.argument("name", required=False, metavar="NAME|FILE.rq")
@click.option(
    "-p",
    "--param",
    "params",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="Bind a parameter the query's header declares (repeatable); typed from the header.",
)
@click.option("-e", "--execute", "text", metavar="SPARQL", help="Run this query text instead.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "md", "turtle", "ntriples"]),
    help="Output format. [default: from -o's extension, else table on a terminal, "
    "csv when piped (ntriples for CONSTRUCT/DESCRIBE)]",
)
@click.option("--endpoint", metavar="URL", help="Ask this SPARQL endpoint, not the embedded store.")
@out_option
@output_option
@click.option("--allow-update", is_flag=True, help="Run SPARQL Update (refused by default).")
def query_command(
    name: str | None,
    params: tuple[tuple[str, str], ...],
    text: str | None,
    fmt: str | None,
    endpoint: str | None,
    out_dir: Path | None,
    output: Path | None,
    allow_update: bool,
) -> None:
    """Run a saved query (a name from `kg queries`, or a .rq file) or an ad-hoc one (-e) on
    the embedded store, or on a SPARQL endpoint with --endpoint.

    Parameters are bound by the engine, never pasted into the query text. Updates are
    refused unless --allow-update. A malformed query exits 2 with the parser's line:column.

    \b
    Example:
      kg query coauthors -p person "Wenyu Du"
      kg query code-share --format csv -o code-share.csv
      kg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      kg query coauthors --endpoint http://localhost:7878/query
    """
    import time

    from kg.export import prefixes_for
    from kg.queries import prepare, run
    from kg.results import choose_format, render, shown_value

    settings = resolve({"out_dir": out_dir})
    saved, bindings = prepare(name, text, params)
    destination = None if output is None or str(output) == "-" else str(output)
    chosen = choose_format(saved.form, fmt, destination, sys.stdout.isatty())
    started = time.perf_counter()
    results = run(saved, bindings, settings.out_dir, endpoint, allow_update)
    elapsed = (time.perf_counter() - started) * 1000
    shown = {**prefixes_for(settings.base_iri), **saved.prefixes}
    omit = list(bindings) if chosen in ("table", "md") else []
    for param in omit:
        progress(f"{param} = {shown_value(bindings[param], shown)}")
    data = render(results, chosen, shown, omit)
    if destination is None:
        click.echo(data, nl=False)
    else:
        write_atomic(Path(destination), data)
        progress(f"wrote {destination}")
    what = "update done" if results.kind == "update" else f"{len(results)} results"
    progress(f"{what} in {elapsed:.0f} ms")


# -- the report site (issue 8) ---------------------------------------------------------------


@main.command("report", epilog=EXIT_CODES_HELP)
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the site, replaced as a whole. [default: OUT/report]",
)
@out_option
def report_command(folder: Path | None, out_dir: Path | None) -> None:
    """Write a static web site of the built graph: people, topics, papers, queries, shapes.

    A page per person (papers, co-author network, topics over time, metrics), per topic
    (papers per year, most active authors, papers with code) and per paper (authors in
    order, code, the evidence of every page that lists it); the index with the dataset
    summary and the validation report; the query gallery (every saved query run on the
    graph); the ontology and the SHACL shapes. Plain HTML, CSS and inline SVG that works
    from disk and offline. The same store gives the same files; the folder is replaced
    only when the new site is complete.

    \b
    Example:
      kg report
      kg report -o site/ && xdg-open site/index.html
    """
    from kg.report import write_report

    settings = resolve({"out_dir": out_dir})
    written = write_report(settings.out_dir, folder)
    click.echo(str(written.folder / "index.html"))
    progress(
        f"wrote {written.files} files to {written.folder}/: {written.people} people, "
        f"{written.topics} topics, {written.papers} papers, {written.queries} queries"
    )


# -- validation (issue 4) ------------------------------------------------------------------

RDF_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG"}
RDF_FORMATS[".jsonld"] = "JSON_LD"
FAIL_ON = ["violation", "warning", "info", "never"]


def read_rdf_files(paths: Sequence[Path]) -> list[Any]:
    """Every quad of the files (format from the extension), as one data set."""
    import pyoxigraph as ox

    from kg.errors import InputError, UsageError

    quads: list[Any] = []
    for path in paths:
        name = RDF_FORMATS.get(path.suffix.lower())
        if name is None:
            known = " ".join(sorted(RDF_FORMATS))
            raise UsageError(f"{path}: unknown RDF file extension (use one of {known})")
        try:
            quads += ox.parse(path=str(path), format=getattr(ox.RdfFormat, name))
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"cannot read {path}: {exc}") from exc
    return quads


def run_validation(data: Any, shapes_dir: Path | None) -> Any:
    from kg.validation import SHAPES_DIR, validate

    return validate(data, shapes_dir or SHAPES_DIR)


def release_freed_memory() -> None:
    """Hand memory Python has freed back to the system (glibc keeps it otherwise), so the
    store process beside the build has it. Measured at 100k papers: see benchmarks/."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and name:
        try:
            ctypes.CDLL(name).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc: nothing to hand back this way
            pass


def validate_build(data: Any, folder: Path, base_iri: str) -> Any:
    """kg build's validation: writes validation.txt and validation.ttl beside the exports
    and prints a one-line summary; returns the report (violations make the build exit 1)."""
    from kg.export import prefixes_for
    from kg.validation import report_text, report_turtle, summary

    progress("validating the graph against shapes/")
    report = run_validation(data, None)
    prefixes = prefixes_for(base_iri)
    write_atomic(folder / "validation.txt", report_text(report, prefixes))
    write_atomic(folder / "validation.ttl", report_turtle(report, prefixes))
    progress(f"validation: {summary(report)}; see validation.txt")
    return report


@main.command("validate", epilog=EXIT_CODES_HELP)
@click.argument("data", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--shapes",
    "shapes_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of SHACL shapes (*.ttl). [default: shapes/]",
)
@out_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="Report format: readable text, the SHACL report graph, or JSON.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="violation",
    show_default=True,
    help="Exit 1 when a result is at least this severe.",
)
@output_option
@click.option("--base-iri", help="Base IRI of the data, for short names in the report.")
def validate_command(
    data: tuple[Path, ...],
    shapes_dir: Path | None,
    out_dir: Path | None,
    fmt: str,
    fail_on: str,
    output: Path | None,
    base_iri: str | None,
) -> None:
    """Check the built graph, or RDF files, against the SHACL shapes.

    Without DATA, validates the embedded store of the last build (OUT/store). DATA are RDF
    files (.ttl .nt .nq .trig .jsonld), validated together as one graph. The report goes to
    stdout or -o FILE: results grouped by severity and shape, each with its focus node, path,
    value and message, and the page and line of the record it came from. A one-line summary
    goes to stderr. Warnings and infos are findings too: choose what fails with --fail-on.

    \b
    Example:
      kg validate
      kg validate out/graph.ttl --format json -o report.json
      kg validate --fail-on warning --shapes shapes/
    """
    from kg.export import prefixes_for
    from kg.store import open_store, store_path
    from kg.validation import Severity, report_json, report_text, report_turtle, summary

    settings = resolve({"out_dir": out_dir, "base_iri": base_iri})
    if data:
        quads: Any = read_rdf_files(data)
    else:
        with open_store(store_path(settings.out_dir)):  # a clear error when there is none
            pass
        quads = store_path(settings.out_dir)  # validated in place (its default graph)
    report = run_validation(quads, shapes_dir)
    prefixes = prefixes_for(settings.base_iri)
    if fmt == "json":
        text = report_json(report)
    elif fmt == "turtle":
        text = report_turtle(report, prefixes)
    else:
        text = report_text(report, prefixes)
    emit(text, output)
    click.echo(f"kg: validation: {summary(report)}", err=True)
    if fail_on != "never" and report.at_or_above(Severity(fail_on)):
        sys.exit(EXIT_FINDINGS)
