"""Where the report's catalogue reads the graph (issue #21): the build's graph.nq, parsed once,
gives exactly the facts one scan of the store per property gives; a store changed since the
build (``kg query --allow-update``) is read itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from kg.report.catalogue import Catalogue, fill
from kg.report.facts import FileFacts, fill_from_build, store_facts
from kg.store.embedded import open_store, store_path

TITLE = "http://purl.org/dc/terms/title"


def _tables(cat: Catalogue) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        list(cat.rows("SELECT p, s, o FROM fact ORDER BY p, s, o")),
        list(cat.rows("SELECT iri, text FROM abstract ORDER BY iri")),
    )


def test_graph_nq_gives_the_facts_the_store_gives(built: Path, tmp_path: Path) -> None:
    from_file, from_store = Catalogue(tmp_path / "a.sqlite"), Catalogue(tmp_path / "b.sqlite")
    reading = FileFacts(built / "graph.nq")
    fill(from_file, reading)
    with open_store(store_path(built)) as store:
        fill(from_store, store_facts(store))
        assert reading.quads == len(store)
        assert fill_from_build(Catalogue(tmp_path / "c.sqlite"), built, store, None) == "graph.nq"
    facts, abstracts = _tables(from_file)
    assert facts and abstracts
    assert (facts, abstracts) == _tables(from_store)


def test_a_store_changed_since_the_build_is_read_itself(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(store_path(built), store_path(out))
    shutil.copy(built / "graph.nq", out / "graph.nq")
    paper = ox.NamedNode("https://example.org/paper/added-by-an-update")
    with open_store(store_path(out), writable=True) as store:  # as kg query --allow-update
        store.add(
            ox.Quad(paper, ox.NamedNode(TITLE), ox.Literal("Added"), ox.NamedNode(paper.value))
        )
    cat = Catalogue(tmp_path / "cat.sqlite")
    with open_store(store_path(out)) as store:
        assert fill_from_build(cat, out, store, None) == "the store"
    found = cat.one("SELECT o FROM fact WHERE s = ?", (paper.value,))
    assert found == ("Added",)
