"""``kg queries`` and ``kg query`` (the saved queries in queries/), and ``kg report``
(issue 8), the static site whose gallery runs them."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import (
    EXIT_CODES_HELP,
    echo_data,
    out_option,
    output_option,
    param_option,
    progress,
    stdout_is_terminal,
)
from kg.cli.progress import progress_for, quiet_option
from kg.config import resolve
from kg.publish import write_atomic


@click.command("queries", epilog=EXIT_CODES_HELP)
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
    from kg.sparql.saved import describe_library, library

    click.echo(describe_library(library(), fmt), nl=False)


@click.command("query", epilog=EXIT_CODES_HELP)
@click.argument("name", required=False, metavar="NAME|FILE.rq")
@param_option("Bind a parameter the query's header declares (repeatable); typed from the header.")
@click.option("-e", "--execute", "text", metavar="SPARQL", help="Run this query text instead.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "md", "turtle", "ntriples"]),
    help="Output format. [default: from -o's extension, else table on a terminal, "
    "csv when piped (ntriples for CONSTRUCT/DESCRIBE)]",
)
@click.option("--endpoint", metavar="URL", help="Ask this SPARQL endpoint, not the embedded store.")
@click.option(
    "--server-default-graph",
    is_flag=True,
    help="With --endpoint: read the server's own default graph even where it holds "
    "<base>graph/union, the deduplicated union `kg load --no-default-graph` writes (on "
    "Virtuoso the default graph counts a triple once per graph that holds it).",
)
@out_option
@output_option
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="Show this many rows instead of the query's declared Limit (see `kg queries`).",
)
@click.option("--all", "every_row", is_flag=True, help="Show every row: drop the declared Limit.")
@click.option("--allow-update", is_flag=True, help="Run SPARQL Update (refused by default).")
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let a query on the embedded store send SERVICE clauses to their servers "
    "(refused by default).",
)
def query_command(
    name: str | None,
    params: tuple[tuple[str, str], ...],
    text: str | None,
    fmt: str | None,
    endpoint: str | None,
    server_default_graph: bool,
    out_dir: Path | None,
    output: Path | None,
    limit: int | None,
    every_row: bool,
    allow_update: bool,
    allow_service: bool,
) -> None:
    """Run a saved query (a name from `kg queries`, or a .rq file) or an ad-hoc one (-e) on
    the embedded store, or on a SPARQL endpoint with --endpoint.

    Parameters are bound by the engine, never pasted into the query text. Updates are
    refused unless --allow-update, and SERVICE (a federated query, which would make kg
    contact another server) unless --allow-service; with --endpoint the endpoint decides.
    A malformed query exits 2 with the parser's line:column, checked without contacting
    anything. Credentials for --endpoint go to its server only: a redirect to another
    server is refused (exit 3).
    Queries that list the whole graph show their first rows (their Limit); --limit N or
    --all shows more. With --endpoint the query reads <base>graph/union as its default graph
    (the protocol's default-graph-uri) where the server holds it: the deduplicated union
    `kg load --no-default-graph` writes, so it gives the local rows on every store.

    \b
    Example:
      kg query coauthors -p person "Wenyu Du"
      kg query code-share --format csv -o code-share.csv
      kg query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      kg query code-flag-disagreements --all -o disagreements.csv
      kg query coauthors --endpoint http://localhost:7878/query
    """
    import time

    from kg.errors import UsageError
    from kg.export.files import prefixes_for
    from kg.graph.identity import Iris
    from kg.sparql.endpoint import run_remote
    from kg.sparql.results import choose_format, render, shown_value
    from kg.sparql.saved import check_for_store, prepare, refuse_update, run_local, with_limit
    from kg.store.embedded import open_store, store_path

    settings = resolve({"out_dir": out_dir})
    saved, bindings = prepare(name, text, params)
    if limit is not None and every_row:
        raise UsageError("give --limit N or --all, not both")
    if server_default_graph and not endpoint:
        raise UsageError("--server-default-graph goes with --endpoint URL")
    if limit is not None or every_row:
        saved = with_limit(saved, limit)
    destination = None if output is None or str(output) == "-" else str(output)
    chosen = choose_format(saved.form, fmt, destination, stdout_is_terminal())
    started = time.perf_counter()
    refuse_update(saved, allow_update)
    if endpoint:
        union = None if server_default_graph else Iris(settings.base_iri).union_graph
        results = run_remote(endpoint, saved, bindings, default_graph=union)  # checks syntax
    else:
        check_for_store(saved, allow_service)  # a bad query is told before a missing store
        writable = saved.form == "UPDATE"
        with open_store(store_path(settings.out_dir), writable=writable) as store:
            results = run_local(store, saved, bindings, allow_service=True)  # checked above
    elapsed = (time.perf_counter() - started) * 1000
    shown = {**prefixes_for(settings.base_iri), **saved.prefixes}
    omit = list(bindings) if chosen in ("table", "md") else []
    for param in omit:
        progress(f"{param} = {shown_value(bindings[param], shown)}")
    data = render(results, chosen, shown, omit)
    if destination is None:
        echo_data(data)
    else:
        write_atomic(Path(destination), data)
        progress(f"wrote {destination}")
    what = "update done" if results.kind == "update" else f"{len(results)} results"
    progress(f"{what} in {elapsed:.0f} ms")
    if saved.limit is not None and len(results) >= saved.limit:
        progress(f"the first {saved.limit} rows: --limit N or --all for more")


@click.command("report", epilog=EXIT_CODES_HELP)
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the site, replaced as a whole. [default: OUT/report]",
)
@out_option
@quiet_option
def report_command(folder: Path | None, out_dir: Path | None, quiet: bool) -> None:
    """Write a static web site of the built graph: people, topics, papers, queries, shapes.

    A page per person (papers, co-author network, topics over time, metrics), per topic
    (papers per year, most active authors, papers with code) and per paper (authors in
    order, code, the evidence of every page that lists it); the index with the dataset
    summary and the validation report; the query gallery (every saved query run on the
    graph); the ontology and the SHACL shapes. Plain HTML, CSS and inline SVG that works
    from disk and offline; long lists come in parts of about a megabyte at most. The same
    store gives the same files; the folder is replaced only when the new site is complete,
    and files whose bytes did not change are kept as they were (after a rebuild that
    changed a few pages, only their pages are new). Progress on stderr while it runs; the
    index page's path goes to stdout, what was written to stderr (not with -q).

    \b
    Example:
      kg report
      kg report -o site/ && xdg-open site/index.html
    """
    from kg.report.site import write_report

    settings = resolve({"out_dir": out_dir})
    written = write_report(settings.out_dir, folder, progress_for(quiet))
    click.echo(str(written.folder / "index.html"))
    if not quiet:
        progress(
            f"wrote {written.files} files to {written.folder}/: {written.people} people, "
            f"{written.topics} topics, {written.papers} papers, {written.queries} queries "
            f"({written.changed} new or changed, {written.removed} removed)"
        )
