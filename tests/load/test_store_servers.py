"""kg load and kg query --endpoint against the stores people run (issue 20): the same tests
against a real Virtuoso 7 (Digest credentials, a 10,000-row answer cap, no empty graphs)
and a real Oxigraph server, both on 127.0.0.1.

Virtuoso is one server for the session (``virtuoso_server`` in conftest.py), so each test
first drops the graphs kg writes (``https://kg.example.org/...``, the taxonomy's
``https://w3id.org/kg/...``, ``urn:x-kg:...``).
"""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import run
from loadtest import BASE, DIRECT, TIMEOUT, kg_load, statuses
from virtuosotest import VirtuosoServer

from kg.load.endpoints import endpoints_for
from kg.load.http import TMP_PREFIX, Remote
from kg.store.embedded import open_store

BIG_GRAPH = f"{BASE}test/big"
BIG = 12_000  # triples: more than Virtuoso's ResultSetMaxRows (10,000)
LEFTOVER = f"{TMP_PREFIX}interrupted/0"


@dataclass(frozen=True)
class Target:
    """A store under test: what ``kg load`` is given, and where to read it anonymously."""

    name: str
    load_args: tuple[str, ...]
    query_url: str  # SPARQL query, no credentials needed
    endpoint: str  # for kg query --endpoint and updates (credentials where needed)


@pytest.fixture(params=["oxigraph", "virtuoso"])
def target(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Target]:
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    monkeypatch.delenv("KG_ENDPOINT_AUTH", raising=False)
    if request.param == "oxigraph":
        url: str = request.getfixturevalue("oxigraph_server")
        monkeypatch.delenv("KG_ENDPOINT_USER", raising=False)
        yield Target("oxigraph", (url,), f"{url}/query", url)
        return
    server: VirtuosoServer = request.getfixturevalue("virtuoso_server")
    server.isql(  # a clean slate: the server is shared by the session
        "DELETE FROM DB.DBA.RDF_QUAD WHERE id_to_iri(G) LIKE 'https://kg.example.org/%' "
        "OR id_to_iri(G) LIKE 'https://w3id.org/kg/%' OR id_to_iri(G) LIKE 'urn:x-kg:%';\n"
    )
    monkeypatch.setenv("KG_ENDPOINT_USER", server.user)  # as the README says
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", server.password)
    args = (server.sparql_auth, "--graph-store", server.graph_store_auth, "--no-default-graph")
    yield Target("virtuoso", args, server.sparql, server.sparql_auth)


def sparql(url: str, query: str, accept: str) -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=body, headers={"Accept": accept})
    with DIRECT.open(request, timeout=TIMEOUT) as response:
        data: bytes = response.read()
        return data


def server_count(target: Target, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = json.loads(sparql(target.query_url, query, "application/sparql-results+json"))
    return int(answer["results"]["bindings"][0]["n"]["value"])


def server_triples(target: Target, graph: str) -> set[ox.Triple]:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    data = sparql(target.query_url, query, "application/n-triples")
    return {quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def local_graphs(out: Path) -> dict[str, set[ox.Triple]]:
    graphs: dict[str, set[ox.Triple]] = {}
    with open_store(out / "store") as store:
        for quad in store:
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return graphs


@pytest.fixture
def with_big_graph(built: Path, tmp_path: Path) -> Path:
    """The built seeds plus one named graph of 12,000 triples (over Virtuoso's cap)."""
    out = Path(shutil.copytree(built, tmp_path / "out"))
    with open_store(out / "store", writable=True) as store:
        graph = ox.NamedNode(BIG_GRAPH)
        store.bulk_extend(
            ox.Quad(
                ox.NamedNode(f"{BASE}test/s{i}"),
                ox.NamedNode(f"{BASE}test/p"),
                ox.Literal(f"v{i}"),
                graph,
            )
            for i in range(BIG)
        )
    return out


def test_load_is_exact_and_a_second_load_sends_nothing(
    target: Target, with_big_graph: Path
) -> None:
    """issue 20: Digest credentials answered (Virtuoso), every named graph's triples equal
    to the local ones, and a second load sends nothing, a graph over 10,000 triples too."""
    code, stdout, stderr = kg_load(target.load_args[0], with_big_graph, *target.load_args[1:])

    assert code == 0, stderr
    local = local_graphs(with_big_graph)
    assert len(local[BIG_GRAPH]) == BIG
    for graph, triples in local.items():
        if graph == BIG_GRAPH:
            assert server_count(target, graph) == BIG
        else:
            assert server_triples(target, graph) == triples, graph
    assert set(statuses(stdout).values()) == {"loaded"}

    code, stdout, stderr = kg_load(target.load_args[0], with_big_graph, *target.load_args[1:])

    assert code == 0, stderr
    assert set(statuses(stdout).values()) == {"unchanged"}, stdout
    assert BIG_GRAPH in statuses(stdout)
    assert "0 graphs loaded (0 triples)" in stderr
    if target.name == "virtuoso":  # the cut answer is said, and read in parts
        assert "the server cut an answer at" in stderr


def test_an_interrupted_load_is_repaired_by_the_next(target: Target, built: Path) -> None:
    """issue 20: a temporary graph left by an interrupted load is found (Virtuoso answers
    ``GRAPH ?g { }`` with nothing) and dropped by the next run."""
    code, _, stderr = kg_load(target.load_args[0], built, *target.load_args[1:])
    assert code == 0, stderr
    update = f'INSERT DATA {{ GRAPH <{LEFTOVER}> {{ <{BASE}x> <{BASE}y> "half" }} }}'
    _insert(target, update)
    assert server_count(target, LEFTOVER) == 1

    code, stdout, stderr = kg_load(target.load_args[0], built, *target.load_args[1:])

    assert code == 0, stderr
    assert "dropped 1 temporary graph(s) left by an earlier run" in stderr
    assert server_count(target, LEFTOVER) == 0
    assert set(statuses(stdout).values()) == {"unchanged"}


def _insert(target: Target, update: str) -> None:
    remote = Remote(endpoints_for(target.endpoint), timeout=TIMEOUT, retries=0)
    remote.update(update)


def test_kg_query_with_credentials(target: Target, built: Path) -> None:
    """issue 20: kg query --endpoint answers the server's challenge (Digest on Virtuoso's
    /sparql-auth) with the credentials from the environment."""
    code, _, stderr = kg_load(target.load_args[0], built, *target.load_args[1:])
    assert code == 0, stderr
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # the default graph: the union
    here = run("query", "-e", query, "--out", str(built), "--format", "csv")

    code, stdout, stderr = run(
        "query", "-e", query, "--endpoint", target.endpoint, "--format", "csv"
    )

    assert code == 0, stderr
    assert here[0] == 0 and int(here[1].splitlines()[1]) > 1000
    assert stdout == here[1]


def test_select_all_counts_then_pages_a_cut_answer(
    virtuoso_server: VirtuosoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """issue 20: Virtuoso cuts a SELECT at 10,000 rows; ``Remote.select_all`` counts the
    rows, says so once, and pages through the rest (the helper ``kg query --all`` uses)."""
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    monkeypatch.delenv("KG_ENDPOINT_AUTH", raising=False)
    monkeypatch.setenv("KG_ENDPOINT_USER", virtuoso_server.user)
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", virtuoso_server.password)
    said: list[str] = []
    urls = endpoints_for(virtuoso_server.sparql_auth, virtuoso_server.graph_store_auth)
    remote = Remote(urls, timeout=TIMEOUT, retries=0, warn=said.append)
    graph = f"{TMP_PREFIX}paging"
    remote.replace(graph, "".join(f'<urn:s{i}> <urn:p> "{i}" .\n' for i in range(BIG)).encode())
    query = f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ORDER BY ?s"
    try:
        assert len(remote.select(query)) < BIG  # cut by the server
        rows = remote.select_all(query)
    finally:
        remote.drop([graph])

    assert sorted(int(row["o"]) for row in rows) == list(range(BIG))
    assert len(said) == 1 and "cut an answer at" in said[0]
