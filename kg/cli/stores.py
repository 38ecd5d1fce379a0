"""``kg load`` and ``kg serve`` (issue 6): the built graph in a triple store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.common import EXIT_CODES_HELP, out_option, progress
from kg.config import resolve
from kg.errors import EXIT_FINDINGS
from kg.render import table

if TYPE_CHECKING:
    from kg.load.remote import Plan


@click.command(epilog=EXIT_CODES_HELP)
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
    "--union-graph/--no-union-graph",
    default=None,
    help="Also load the deduplicated union into the named graph <base>graph/union, which "
    "`kg query --endpoint` then reads as its default graph, so queries count each triple "
    "once on every store. [default: with --no-default-graph]",
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
    union_graph: bool | None,
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
    (NETRC, default ~/.netrc), never from the command line. They answer the server's Basic
    or Digest challenge; KG_ENDPOINT_AUTH=basic sends them as Basic with every request,
    unasked. Exit code 1: a count differs
    on the server; 3: the server is unreachable or failed.

    \b
    Example:
      kg load --endpoint http://127.0.0.1:7878 --dry-run
      kg load --endpoint http://127.0.0.1:7878
      kg load --endpoint http://localhost:3030/kg/sparql \\
              --graph-store http://localhost:3030/kg/data --update http://localhost:3030/kg/update
    """
    from kg.errors import StoreError
    from kg.graph.identity import Iris
    from kg.load.endpoints import endpoints_for
    from kg.load.http import Remote, label
    from kg.load.remote import Event, Status, plan
    from kg.load.remote import load as load_graphs
    from kg.store.embedded import open_store, store_path

    settings = resolve({"out_dir": out_dir})
    endpoints = endpoints_for(endpoint, graph_store, update_url)
    wanted = not default_graph if union_graph is None else union_graph
    union = Iris(settings.base_iri).union_graph if wanted else None
    with open_store(store_path(settings.out_dir)) as store:
        if dry_run:
            planned = plan(store, endpoints, protocol, chunk_size, default_graph, union)
            click.echo(render_plan(planned), nl=False)
            return
        remote = Remote(
            endpoints, timeout=timeout, retries=retries, protocol=protocol, warn=progress
        )

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
            union_graph=union,
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


def render_plan(planned: Plan) -> str:
    from kg.load.http import label

    total = sum(each.graph.triples for each in planned.graphs)
    rows = [[label(each.graph.name), each.graph.triples, each.chunks] for each in planned.graphs]
    return (
        f"dry run: nothing was sent. {len(planned.graphs)} graphs, {total} triples:\n"
        + table(["graph", "triples", "chunks"], rows)
        + "requests, in order:\n"
        + "".join(f"  {step}\n" for step in planned.steps)
    )


@click.command(epilog=EXIT_CODES_HELP)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Seconds a query may run; one that runs on restarts the server.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Answer queries with SERVICE, which make the server query other servers "
    "(refused by default).",
)
@out_option
def serve(port: int, timeout: int, allow_service: bool, out_dir: Path | None) -> None:
    """Serve the built store: a SPARQL endpoint and a web query UI on 127.0.0.1.

    Runs Oxigraph's server (from `pip install oxigraph`) read-only over the embedded store
    and prints its URLs; Ctrl-C stops it. Restart it after `kg build` to serve the new graph.

    Queries with SERVICE get HTTP 403 unless --allow-service: the server would send a query
    to any server a caller names. Oxigraph cancels a query after --timeout seconds; one it
    cannot cancel (a sort of a cross product) still runs at 1.5 times that plus 2 s, and kg
    restarts the server to end it.

    \b
    Example:
      kg serve
      kg serve --port 0 --out other-out/
      kg serve --timeout 120
    """
    from kg.store.embedded import store_path
    from kg.store.serve import serve_store

    settings = resolve({"out_dir": out_dir})

    def ready(url: str) -> None:
        click.echo(f"query UI:        {url}/")
        click.echo(f"SPARQL endpoint: {url}/query")
        sys.stdout.flush()  # a script reading the URLs from a pipe needs them now
        refused = "" if allow_service else ", SERVICE refused"
        progress(
            f"serving {store_path(settings.out_dir)} read-only (queries cut at {timeout} s"
            f"{refused}); press Ctrl-C to stop"
        )

    serve_store(
        store_path(settings.out_dir),
        port,
        ready,
        timeout=timeout,
        allow_service=allow_service,
        on_cut=lambda message: progress(f"[WARNING] {message}"),
    )
    progress("stopped")
