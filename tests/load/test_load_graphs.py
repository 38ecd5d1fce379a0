"""kg load against a real Oxigraph server on 127.0.0.1 (issue 6; STYLE rule 16: no mocks):
every graph loaded with the local counts, unchanged graphs skipped, an interrupted load
repaired by the next, and the same answers there as here.

The servers come from the ``oxigraph_factory``/``oxigraph_server`` fixtures in conftest.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from kgtest import build
from loadtest import (
    BASE,
    CHANGED_GRAPH,
    CHANGED_PAGE,
    QUERIES,
    SEEDS,
    kg_load,
    local_counts,
    local_graph,
    select,
    server_counts,
    server_graph,
    statuses,
    temp_graphs,
)

from kg.load.endpoints import endpoints_for
from kg.load.http import Remote
from kg.load.remote import Event, Status, load
from kg.store.embedded import open_store
from kg.store.serve import free_port


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """A private copy of the seeds, free to edit."""
    return Path(shutil.copytree(SEEDS, tmp_path / "pages"))


def change_score(pages: Path) -> None:
    page = pages / CHANGED_PAGE
    text = page.read_text(encoding="utf-8")
    assert "\n54.1CLApr 17\n" in text
    page.write_text(text.replace("\n54.1CLApr 17\n", "\n55.1CLApr 17\n"), encoding="utf-8")


# -- loading ---------------------------------------------------------------------------------


def test_load_puts_every_graph_with_the_local_counts(oxigraph_server: str, built: Path) -> None:
    code, stdout, stderr = kg_load(oxigraph_server, built)

    assert code == 0, stderr
    expected = local_counts(built)
    assert len(expected) == 10  # 5 pages, entities, dataset, statistics, taxonomy, default
    assert server_counts(oxigraph_server) == expected
    assert set(statuses(stdout).values()) == {"loaded"}
    assert f"{len(expected)} graphs loaded ({sum(expected.values())} triples)" in stderr
    assert temp_graphs(oxigraph_server) == []


def test_reload_duplicates_nothing(oxigraph_server: str, built: Path) -> None:
    assert kg_load(oxigraph_server, built)[0] == 0

    code, stdout, stderr = kg_load(oxigraph_server, built)
    assert code == 0, stderr
    assert set(statuses(stdout).values()) == {"unchanged"}
    assert "0 graphs loaded" in stderr

    # again, in chunks through temporary graphs (4471 triples of the default graph: 5 chunks)
    code, stdout, stderr = kg_load(oxigraph_server, built, "--force", "--chunk-size", "1000")
    assert code == 0, stderr
    assert set(statuses(stdout).values()) == {"loaded"}
    assert server_counts(oxigraph_server) == local_counts(built)
    assert temp_graphs(oxigraph_server) == []
    assert kg_load(oxigraph_server, built)[1].count("unchanged") == 10


def test_changing_one_page_reloads_only_what_it_touches(
    oxigraph_server: str, pages: Path, tmp_path: Path
) -> None:
    out = build(pages, tmp_path / "out")
    assert kg_load(oxigraph_server, out)[0] == 0
    before = {g: server_graph(oxigraph_server, g) for g in local_counts(out) if g}

    change_score(pages)
    build(pages, out)
    code, stdout, stderr = kg_load(oxigraph_server, out)

    assert code == 0, stderr
    status = statuses(stdout)
    assert status[CHANGED_GRAPH] == "loaded"
    assert status[""] == "loaded"  # the default graph is the union of the pages
    changed = {g for g, s in status.items() if s == "loaded"}
    assert changed <= {CHANGED_GRAPH, "", f"{BASE}graph/dataset"}
    for graph, triples in before.items():
        now = server_graph(oxigraph_server, graph)
        assert now == local_graph(out, graph)
        assert (now != triples) == (graph in changed), graph
    assert '"55.1"' in "".join(server_graph(oxigraph_server, CHANGED_GRAPH))
    assert server_counts(oxigraph_server) == local_counts(out)


def test_server_killed_mid_load_then_rerun_repairs(
    oxigraph_factory: Callable[..., Any], pages: Path, tmp_path: Path
) -> None:
    """A crash mid-upload leaves the old graph whole; the rerun cleans up and finishes."""
    server = oxigraph_factory()
    out = build(pages, tmp_path / "out")
    assert kg_load(server.url, out)[0] == 0
    old = server_graph(server.url, CHANGED_GRAPH)
    change_score(pages)
    build(pages, out)

    def crash(event: Event) -> None:
        if event.kind == "chunk" and event.graph == CHANGED_GRAPH and event.detail == 2:
            server.kill()

    remote = Remote(endpoints_for(server.url), timeout=5, retries=0)
    with open_store(out / "store") as store:
        report = load(store, remote, chunk_size=100, on_event=crash)

    assert report.error and "cannot reach the server" in report.error
    status = {r.graph: r.status for r in report.results}
    assert status[CHANGED_GRAPH] is Status.FAILED
    assert status[""] is Status.PENDING
    assert status[f"{BASE}page/000_75f573afd22e8082.txt"] is Status.UNCHANGED

    server = oxigraph_factory(server.data_dir)
    assert server_graph(server.url, CHANGED_GRAPH) == old  # not half-replaced
    assert len(temp_graphs(server.url)) == 1  # the half-filled upload

    code, stdout, stderr = kg_load(server.url, out)
    assert code == 0, stderr
    assert "dropped 1 temporary graph" in stderr
    assert statuses(stdout)[CHANGED_GRAPH] == "loaded"
    assert server_graph(server.url, CHANGED_GRAPH) == local_graph(out, CHANGED_GRAPH)
    assert server_counts(server.url) == local_counts(out)
    assert temp_graphs(server.url) == []


def test_unreachable_server_exits_3_naming_what_was_not_loaded(built: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    code, _, stderr = kg_load(url, built, "--retries", "0")

    assert code == 3
    assert "cannot reach the server" in stderr
    assert "not loaded: https://kg.example.org/graph/dataset" in stderr
    assert "(default graph)" in stderr
    assert "Run the same `kg load` again" in stderr


def test_sparql_update_path(oxigraph_server: str, built: Path) -> None:
    code, stdout, stderr = kg_load(
        oxigraph_server, built, "--protocol", "update", "--chunk-size", "1000"
    )

    assert code == 0, stderr
    assert set(statuses(stdout).values()) == {"loaded"}
    assert server_counts(oxigraph_server) == local_counts(built)
    assert temp_graphs(oxigraph_server) == []


def test_falls_back_to_sparql_update_without_a_graph_store(
    oxigraph_server: str, built: Path
) -> None:
    missing = f"{oxigraph_server}/no-graph-store-here"

    code, _, stderr = kg_load(oxigraph_server, built, "--graph-store", missing)

    assert code == 0, stderr
    assert f"no Graph Store at {missing}: using SPARQL Update" in stderr
    assert server_counts(oxigraph_server) == local_counts(built)


def test_count_mismatch_exits_1(oxigraph_factory: Callable[..., Any], built: Path) -> None:
    """A server whose default graph is the union of all graphs cannot hold ours as is;
    --no-default-graph leaves that default graph alone."""
    server = oxigraph_factory(args=["--union-default-graph"])

    code, stdout, stderr = kg_load(server.url, built)

    assert code == 1
    assert statuses(stdout)[""] == "mismatch"
    assert "[ERROR] [(default graph)]" in stderr

    code, stdout, stderr = kg_load(server.url, built, "--no-default-graph", "--no-union-graph")
    assert code == 0, stderr
    assert "" not in statuses(stdout)
    assert set(statuses(stdout).values()) == {"unchanged"}


def test_warns_of_page_graphs_no_longer_built(
    oxigraph_server: str, pages: Path, tmp_path: Path
) -> None:
    out = build(pages, tmp_path / "out")
    assert kg_load(oxigraph_server, out)[0] == 0
    (pages / CHANGED_PAGE).unlink()
    build(pages, out)

    code, _, stderr = kg_load(oxigraph_server, out)

    assert code == 0, stderr
    assert f"[WARNING] [{CHANGED_GRAPH}] this page graph is on the server" in stderr
    assert server_counts(oxigraph_server)[""] == local_counts(out)[""]


def test_saved_queries_answer_the_same_remotely(oxigraph_server: str, built: Path) -> None:
    """Every saved SELECT query, parameters at their defaults, gives the same rows there."""
    from kg.sparql.saved import bind, library
    from kg.sparql.text import with_values

    assert kg_load(oxigraph_server, built)[0] == 0
    compared = 0
    with open_store(built / "store") as store:
        for saved in library(QUERIES):
            if saved.form != "SELECT":
                continue
            text = with_values(saved.text, bind(saved, []))
            local = store.query(text)
            assert isinstance(local, ox.QuerySolutions)
            variables = [v.value for v in local.variables]
            here = sorted(tuple(_canonical(row[v]) for v in variables) for row in local)
            there = sorted(
                tuple(_canonical(_term(row.get(v))) for v in variables)
                for row in select(oxigraph_server, text)
            )
            assert there == here, saved.name
            compared += 1
    assert compared >= 10


def _term(binding: dict[str, str] | None) -> ox.NamedNode | ox.Literal | ox.BlankNode | None:
    if binding is None:
        return None
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    datatype = binding.get("datatype")
    return ox.Literal(binding["value"], datatype=ox.NamedNode(datatype) if datatype else None)


def _canonical(term: object) -> str:
    """A term as text; GROUP_CONCAT lists compared as sets (their order is unspecified)."""
    if term is None:
        return ""
    text = str(term)
    return "; ".join(sorted(text.split("; "))) if "; " in text else text
