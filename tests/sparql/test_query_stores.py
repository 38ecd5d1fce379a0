"""Every saved query gives the local rows on the stores kg loads into (issue 20): the
Oxigraph server, loaded by `kg load` as the README says (its default graph is ours, or the
union of all graphs with ``--no-default-graph``), and Virtuoso 7, whose default graph is the
union of all its graphs (system graphs included, a triple once per graph that holds it).

The seeds are built here with a base IRI of their own, so the graphs on the session's
Virtuoso are this module's alone. Virtuoso is loaded with its bulk loader through isql
(``ld_dir`` + ``rdf_loader_run``, the README's path): graph.nq's named graphs, and graph.nt,
the deduplicated union, into ``<base>graph/union``, where ``kg load --no-default-graph``
puts it.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from kgtest import build, run
from querytest import SEEDS, values

from kg.graph.identity import Iris
from kg.graph.layout import as_one_graph
from kg.sparql.endpoint import run_remote
from kg.sparql.results import Results
from kg.sparql.saved import SavedQuery, bind, from_text, library, load, run_local

BASE = "https://kg-stores.example.org/"
UNION = Iris(BASE).union_graph
LIBRARY = library()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SEEDS, tmp_path_factory.mktemp("stores-out"), "--base-iri", BASE)


@pytest.fixture(scope="module")
def local(built: Path) -> dict[str, Results]:
    store = as_one_graph(ox.Store.read_only(str(built / "store")))
    return {q.name: run_local(store, q, bind(q, [])) for q in LIBRARY}


@pytest.fixture(scope="module")
def virtuoso(virtuoso_server: Any, built: Path) -> str:
    """The anonymous /sparql endpoint of the session's Virtuoso, holding the seeds."""
    folder = Path(virtuoso_server.folder) / "kg-stores-seeds"  # inside its DirsAllowed
    folder.mkdir()
    for name in ("graph.nq", "graph.nt"):
        shutil.copy(built / name, folder / name)
    virtuoso_server.isql(
        f"ld_dir('{folder}', 'graph.nq', '{BASE}graph/unused');\n"
        f"ld_dir('{folder}', 'graph.nt', '{UNION}');\n"
        "rdf_loader_run();\ncheckpoint;\n"
    )
    return str(virtuoso_server.sparql)


def ordered(query: SavedQuery) -> bool:
    """Whether the query fixes the order of its rows: an ORDER BY after its WHERE group
    (comments aside; a sub-select's ORDER BY comes before the last brace)."""
    text = re.sub(r"#[^\n]*", "", query.text)
    return re.search(r"\bORDER\s+BY\b", text[text.rindex("}") :], re.IGNORECASE) is not None


def same_rows(got: Results, expected: Results, query: SavedQuery) -> None:
    """The same rows, and in the same order when the query declares one (issue 20: its
    ORDER BY must leave no ties and sort the same on every store)."""
    assert got.variables == expected.variables, query.name
    if ordered(query):
        assert values(got) == values(expected), query.name
    else:
        assert sorted(values(got)) == sorted(values(expected)), query.name


def test_every_saved_query_fixes_its_order() -> None:
    """So that every store shows the same rows first (the order checks below rely on it)."""
    assert [q.name for q in LIBRARY if not ordered(q)] == []


@pytest.mark.parametrize("query", LIBRARY, ids=[q.name for q in LIBRARY])
def test_every_saved_query_gives_the_local_rows_on_virtuoso(
    virtuoso: str, local: dict[str, Results], query: Any
) -> None:
    remote = run_remote(virtuoso, query, bind(query, []), default_graph=UNION)
    same_rows(remote, local[query.name], query)


@pytest.mark.parametrize("person", ["Xingtai Lv", "Nobody Here"])
def test_a_persons_new_papers_are_the_local_rows_on_virtuoso(
    virtuoso: str, built: Path, person: str
) -> None:
    """new-papers reads a person's papers in a UNION branch of its own, and the parameter
    reaches it on an endpoint only through the filter after the union."""
    query = load("new-papers")
    given = bind(query, [("person", person)])
    store = as_one_graph(ox.Store.read_only(str(built / "store")))
    expected = run_local(store, query, given)
    assert bool(expected.rows) == (person == "Xingtai Lv")
    same_rows(run_remote(virtuoso, query, given, default_graph=UNION), expected, query)


def test_virtuoso_default_graph_overcounts_without_the_union_graph(virtuoso: str) -> None:
    """Why kg query reads <base>graph/union: Virtuoso's own default graph counts a
    co-author once per graph that holds the triples (issue 20: 38 rows instead of 16)."""
    coauthors = load("coauthors")
    scoped = run_remote(virtuoso, coauthors, bind(coauthors, []), default_graph=UNION)
    unscoped = run_remote(virtuoso, coauthors, bind(coauthors, []))
    assert len(scoped) == 16
    assert sorted(values(unscoped)) != sorted(values(scoped))


@pytest.mark.parametrize("union_default", [False, True], ids=["own-default", "union-default"])
def test_every_saved_query_gives_the_local_rows_on_oxigraph_loaded_by_kg_load(
    oxigraph_factory: Callable[..., Any],
    built: Path,
    local: dict[str, Results],
    monkeypatch: pytest.MonkeyPatch,
    union_default: bool,
) -> None:
    monkeypatch.setenv("KG_BASE_IRI", BASE)
    args = ["--union-default-graph"] if union_default else []
    server = oxigraph_factory(args=args)
    extra = ["--no-default-graph"] if union_default else []
    code, _, stderr = run("load", "--endpoint", server.url, "--out", str(built), *extra)
    assert code == 0, stderr
    for query in LIBRARY:
        remote = run_remote(f"{server.url}/query", query, bind(query, []), default_graph=UNION)
        same_rows(remote, local[query.name], query)


@pytest.mark.parametrize(
    "name", ["coauthors", "newest-papers", "new-papers", "multi-page-papers", "connection"]
)
@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_kg_query_renders_the_same_on_every_store(
    virtuoso: str, built: Path, monkeypatch: pytest.MonkeyPatch, name: str, fmt: str
) -> None:
    """Virtuoso writes a stored xsd:boolean as 1/0 and a computed one as an integer: the
    queries give xsd:boolean values, which kg writes as true/false whatever the store."""
    monkeypatch.setenv("KG_BASE_IRI", BASE)
    here = run("query", name, "--out", str(built), "--format", fmt)
    there = run("query", name, "--out", str(built), "--format", fmt, "--endpoint", virtuoso)
    assert here[0] == there[0] == 0, there[2]
    # the same lines in the same order (newest-papers' came back in another order on
    # Virtuoso 7.2.5 until its ORDER BY was written for it, issue 20)
    assert there[1] == here[1]
    if name == "coauthors" and fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(there[1])))
        assert {r["ambiguous"] for r in rows} == {"false"}


def test_booleans_are_canonical_whatever_the_store(virtuoso: str) -> None:
    """Virtuoso's JSON results type a stored boolean xsd:boolean but write it 1/0."""
    text = "SELECT DISTINCT ?flag WHERE { ?listing <https://w3id.org/kg/ns#codeFlag> ?flag }"
    got = run_remote(virtuoso, from_text(text), {}, default_graph=UNION)
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    assert sorted(row[0].value for row in got.rows if isinstance(row[0], ox.Literal)) == [
        "false",
        "true",
    ]
    assert {row[0].datatype for row in got.rows if isinstance(row[0], ox.Literal)} == {boolean}


def test_all_on_a_query_without_limit_shows_every_row(built: Path) -> None:
    """issue 20: --all on a query that declares no Limit was a usage error."""
    assert load("coauthors").limit is None
    code, stdout, stderr = run("query", "coauthors", "--out", str(built), "--all")
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 1 + 16
    code, _, stderr = run("query", "coauthors", "--out", str(built), "--limit", "3")
    assert code == 2 and "declares no Limit" in stderr


def test_a_query_that_names_graphs_is_not_scoped_to_the_union(virtuoso: str, built: Path) -> None:
    """default-graph-uri alone leaves the dataset no named graphs (SPARQL protocol): a query
    with GRAPH is sent unscoped and counts a page graph's triples as locally (issue 20)."""
    store = as_one_graph(ox.Store.read_only(str(built / "store")))
    page = next(iter(store.named_graphs())).value
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{page}> {{ ?s ?p ?o }} }}"
    expected = run_local(store, from_text(text), {})
    got = run_remote(virtuoso, from_text(text), {}, default_graph=UNION)
    assert int(got.rows[0][0].value) == int(expected.rows[0][0].value) > 0
