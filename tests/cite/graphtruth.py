"""What the graph says about its papers, read with plain SPARQL (not kg.cite): the truth
the citation exports are compared with."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.graph.layout import as_one_graph

PAPERS = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX schema: <https://schema.org/>
SELECT ?paper ?title ?complete WHERE {
  ?paper a schema:ScholarlyArticle ; dcterms:title ?title ; kg:authorListComplete ?complete .
}"""
AUTHORS = """
PREFIX kg: <https://w3id.org/kg/ns#>
SELECT ?paper ?n ?name WHERE {
  ?a kg:authorshipOf ?paper ; kg:ordinal ?n ; kg:printedName ?name .
}"""


def titled_papers(out: Path) -> dict[str, tuple[str, tuple[str, ...], bool]]:
    """IRI -> (title, printed authors in order, et al.) of every titled paper."""
    store = as_one_graph(ox.Store.read_only(str(out / "store")))
    authors: dict[str, list[tuple[int, str]]] = {}
    for row in store.query(AUTHORS):  # type: ignore[union-attr]
        authors.setdefault(row["paper"].value, []).append((int(row["n"].value), row["name"].value))
    found = {}
    for row in store.query(PAPERS):  # type: ignore[union-attr]
        paper = row["paper"].value
        names = tuple(name for _, name in sorted(authors.get(paper, [])))
        found[paper] = (row["title"].value, names, row["complete"].value == "false" and bool(names))
    return found


def by_title(out: Path) -> dict[str, tuple[tuple[str, ...], bool]]:
    """title -> (authors, et al.); titles are unique (the IRI is a hash of the title)."""
    return {title: (names, et_al) for title, names, et_al in titled_papers(out).values()}
