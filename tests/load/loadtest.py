"""Shared by the tests of kg.load: the seeds, ``kg load`` as a command, and the server and
the local store read independently of kg.load."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
from kgtest import run

from kg.load.http import TMP_PREFIX
from kg.store.embedded import open_store

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
QUERIES = ROOT / "queries"
BASE = "https://kg.example.org/"
CHANGED_PAGE = "003_1e15edc5c0b8441e.txt"
CHANGED_GRAPH = f"{BASE}page/{CHANGED_PAGE}"
TIMEOUT = 10.0  # seconds, for every request the tests send themselves
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


def kg_load(url: str, out: Path, *extra: str) -> tuple[int, str, str]:
    return run("load", "--endpoint", url, "--out", str(out), "--timeout", "10", *extra)


def sparql(url: str, query: str, accept: str = "application/sparql-results+json") -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(f"{url}/query", data=body, headers={"Accept": accept})
    with DIRECT.open(request, timeout=TIMEOUT) as response:
        data: bytes = response.read()
        return data


def select(url: str, query: str) -> list[dict[str, dict[str, str]]]:
    rows: list[dict[str, dict[str, str]]] = json.loads(sparql(url, query))["results"]["bindings"]
    return rows


def server_counts(url: str) -> dict[str, int]:
    rows = select(url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    default = select(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    counts[""] = int(default[0]["n"]["value"])
    return counts


def local_counts(out: Path) -> dict[str, int]:
    with open_store(out / "store") as store:
        counts: dict[str, int] = {}
        triples = set()
        for quad in store:
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            counts[name] = counts.get(name, 0) + 1
            triples.add(quad.triple)
        # the default graph kg load sends: the union of the named graphs, each triple once
        counts[""] = len(triples)
        return counts


def server_graph(url: str, graph: str) -> set[str]:
    data = sparql(
        url,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        "application/n-triples",
    )
    return {str(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def local_graph(out: Path, graph: str) -> set[str]:
    with open_store(out / "store") as store:
        return {
            str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        }


def temp_graphs(url: str) -> list[str]:
    rows = select(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    return [row["g"]["value"] for row in rows if row["g"]["value"].startswith(TMP_PREFIX)]


def statuses(stdout: str) -> dict[str, str]:
    """The report table: graph -> status."""
    rows = [line.split() for line in stdout.splitlines()[2:] if line.strip()]
    return {("" if row[0] == "(default" else row[0]): row[-1] for row in rows}
