"""`kg query --endpoint` (issue 5): the same rows from a real SPARQL endpoint as from the
embedded store, parameters bound safely in a VALUES block."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
from kgtest import run
from querytest import NASTY, XSD

from kg.sparql.endpoint import run_remote
from kg.sparql.saved import (
    bind,
    from_text,
    load,
    run_local,
)


def test_remote_binding_is_safe_and_exact(seed_endpoint: str, seed_store: ox.Store) -> None:
    echo = from_text(
        '# T\n# Parameters:\n#   v string = ""\nSELECT ?v ?n WHERE { BIND (1 AS ?n) }\n'
    )
    coauthors = load("coauthors")
    for value in NASTY:
        got = run_remote(seed_endpoint, echo, bind(echo, [("v", value)]))
        assert got.rows == (
            (ox.Literal(value), ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))),
        )
        assert run_remote(seed_endpoint, coauthors, bind(coauthors, [("person", value)])).rows == ()
    count = from_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert run_remote(seed_endpoint, count, {}).rows == run_local(seed_store, count, {}).rows


def test_kg_query_against_an_endpoint(seed_endpoint: str) -> None:
    code, stdout, stderr = run(
        "query", "coauthors", "-p", "person", "Wenyu Du", "--endpoint", seed_endpoint
    )
    assert code == 0, stderr
    assert list(csv.reader(io.StringIO(stdout)))[1] == ["Tongxu Luo", "4", "false", "Wenyu Du"]
    root = seed_endpoint.removesuffix("/query")  # a server root works as for `kg load`
    code, stdout, _ = run("query", "organisation-pairs", "--endpoint", root, "--format", "tsv")
    assert code == 0 and len(stdout.splitlines()) == 3
    code, _, stderr = run("query", "-e", "DROP ALL", "--endpoint", seed_endpoint)
    assert code == 2 and "--allow-update" in stderr
    code, _, stderr = run("query", "-e", "SELECT ?x WHERE { ?x }", "--endpoint", seed_endpoint)
    assert code == 2 and "1:" in stderr
    insert = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    code, _, stderr = run("query", "-e", insert, "--endpoint", seed_endpoint, "--allow-update")
    assert code == 0, stderr
    ask = "ASK { <http://e/a> ?p ?o }"
    code, stdout, _ = run("query", "-e", ask, "--endpoint", seed_endpoint)
    assert stdout.strip() == "false"  # kg query reads <base>graph/union (issue 20)
    code, stdout, _ = run("query", "-e", ask, "--endpoint", seed_endpoint, "--server-default-graph")
    assert stdout.strip() == "true"


def test_an_unreachable_endpoint_is_an_io_failure() -> None:
    from kg.store.serve import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    code, _, stderr = run("query", "coauthors", "--endpoint", url)
    assert code == 3 and url in stderr
