"""Where the report's catalogue reads its facts (issue #21): the build's N-Quads file, when
it holds what the store holds, else the store itself.

``kg build`` loads the store from ``graph.nq`` in the output folder. Parsing that file once
(in Rust, keeping the quads of the properties the catalogue wants) took 8 s at 100 k papers
and held nothing; scanning the store once per property took 28 s and left the store's block
caches full: some 175 MB at 100 k papers, which stay as long as the store is open. The file
is the store's content when the store is of the current layout (the union of disjoint named
graphs, ``kg.graph.layout``) and holds as many quads as the file has lines: a store changed
since by ``kg query --allow-update`` is read itself, as is a store without its file.

Either way the catalogue gets the same facts: (property index, subject, object) for every
triple of a property it reads, in any graph, and (class index, subject, "") for every
``rdf:type`` of a class it reads, as lexical values.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.export.formats import NQUADS
from kg.graph.layout import Graph, UnionView
from kg.progress import Step
from kg.report.catalogue import CLASSES, PROPERTIES, RDF, SCANS, Catalogue, Fact, fill

EVERY = 100_000  # quads between two advances of the progress


def fill_from_build(cat: Catalogue, out_dir: Path, store: Graph, step: Step | None) -> str:
    """Fill the catalogue from ``graph.nq`` when it holds exactly the store's quads, else
    from the store; says which it read."""
    path = out_dir / NQUADS.file_name
    if isinstance(store, UnionView) and path.is_file():  # not the old layout, and a file
        quads = len(store)  # about 2 s at 100 k papers, and no cache filled
        if step:
            step.total(quads, "quads")
        read = FileFacts(path, step)
        fill(cat, read)
        if read.quads == quads:
            return path.name
        cat.db.execute("DROP TABLE fact")  # the store changed since: read it instead
        cat.db.execute("DROP TABLE abstract")
    if step:
        step.total(SCANS, "properties")
    fill(cat, store_facts(store, step))
    return "the store"


class FileFacts:
    """The facts in an N-Quads file, read in one pass; ``quads`` counts the file's quads."""

    def __init__(self, path: Path, step: Step | None = None) -> None:
        self.path, self.step, self.quads = path, step, 0

    def __iter__(self) -> Iterator[Fact]:
        properties = {ox.NamedNode(iri): i for i, (_, iri) in enumerate(PROPERTIES)}
        classes = {ox.NamedNode(iri): i for i, (_, iri) in enumerate(CLASSES, len(PROPERTIES))}
        rdf_type = ox.NamedNode(RDF + "type")
        step = self.step if self.step and self.step.live else None
        found = ox.parse(path=str(self.path), format=ox.RdfFormat.N_QUADS, lenient=True)
        number = 0
        for number, quad in enumerate(found, 1):
            predicate = quad.predicate
            index = properties.get(predicate)
            if index is not None:
                yield index, quad.subject.value, quad.object.value
            elif predicate == rdf_type:
                index = classes.get(quad.object)
                if index is not None:
                    yield index, quad.subject.value, ""
            if step and number % EVERY == 0:
                step.advance(EVERY)
        self.quads = number


def store_facts(store: Any, step: Step | None = None) -> Iterator[Fact]:
    """The facts in the store, one scan of the union of its graphs per property or class."""
    for index, (_, iri) in enumerate(PROPERTIES):
        for solution in store.query(f"SELECT ?s ?o WHERE {{ ?s <{iri}> ?o }}"):
            yield index, str(solution[0].value), str(solution[1].value)
        if step:
            step.advance(1)
    for index, (_, iri) in enumerate(CLASSES, start=len(PROPERTIES)):
        for solution in store.query(f"SELECT ?s WHERE {{ ?s a <{iri}> }}"):
            yield index, str(solution[0].value), ""
        if step:
            step.advance(1)
