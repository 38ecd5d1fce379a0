"""The built store, read the few ways ``kg why`` needs (lookups by pattern, no SPARQL).

Every lookup looks in the named graphs only: a store of the layout before issue #17 also
holds a copy of the union in its default graph, which says nothing about where a triple
comes from.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.graph.identity import Iris
from kg.graph.layout import Graph
from kg.graph.reference import TAXONOMY_GRAPH
from kg.graph.vocab import DCTERMS, KG, RDF, VOID
from kg.why.model import ARXIV, DATASET, MERGED, OTHER, PAGE, STATISTICS, TAXONOMY, Place

Node = ox.NamedNode | ox.BlankNode | ox.Triple  # what a subject can be
Term = Node | ox.Literal

# kg:captureDateSource is new with issue #16: named as text so older builds read too.
CAPTURE_DATE_SOURCE = ox.NamedNode(f"{KG}captureDateSource")
SEEN_AGAIN_ON = ox.NamedNode(f"{KG}seenAgainOn")


def named(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


TYPE, LISTED_PAPER, ON_PAGE = named(RDF.type), named(KG.listedPaper), named(KG.onPage)
LINE, CAPTURED_ON, IDENTIFIER = named(KG.line), named(KG.capturedOn), named(DCTERMS.identifier)


class Lookup:
    """A built store with the base its IRIs were minted under; each page read once."""

    def __init__(self, graph: Graph, default_base: str) -> None:
        self.graph = graph
        self.iris = Iris(self._base() or default_base)
        self._places: dict[str, Place] = {}

    def _base(self) -> str | None:
        """The base the build used: its dataset IRI is ``<base>dataset``."""
        for quad in self.quads(None, TYPE, named(VOID.Dataset)):
            iri = text_of(quad.subject)
            if iri.endswith("dataset"):
                return iri[: -len("dataset")]
        return None

    # -- patterns -------------------------------------------------------------------------

    def quads(self, s: Node | None, p: ox.NamedNode | None, o: Term | None) -> list[ox.Quad]:
        found = self.graph.quads_for_pattern(s, p, o, None)
        return sorted((q for q in found if isinstance(q.graph_name, ox.NamedNode)), key=str)

    def objects(self, s: Node, p: ox.NamedNode) -> list[Term]:
        return _distinct(q.object for q in self.quads(s, p, None))

    def subjects(self, p: ox.NamedNode | None, o: Term) -> list[Node]:
        return sorted({q.subject for q in self.quads(None, p, o)}, key=str)

    def value(self, s: Node, p: ox.NamedNode) -> str | None:
        found = self.objects(s, p)
        return text_of(found[0]) if found else None

    def has_type(self, s: Node, cls: object) -> bool:
        return bool(self.quads(s, TYPE, named(cls)))

    # -- graphs ---------------------------------------------------------------------------

    def source_of(self, graph: str) -> str:
        """What kind of source a named graph is (kg.why.model)."""
        known = {
            self.iris.entities_graph: MERGED,
            self.iris.statistics_graph: STATISTICS,
            self.iris.dataset_graph: DATASET,
            TAXONOMY_GRAPH: TAXONOMY,
            self.iris.arxiv_graph: ARXIV,
        }
        if graph in known:
            return known[graph]
        return PAGE if graph.startswith(self.iris.page("")) else OTHER

    # -- pages and listings ---------------------------------------------------------------

    def page_place(self, page: str) -> Place:
        """A page as a whole: its path, capture date and where that date came from."""
        place = self._places.get(page)
        if place is None:
            node = ox.NamedNode(page)
            place = Place(
                page=page,
                source=self.value(node, IDENTIFIER),
                line=None,
                listing=None,
                captured_on=self.value(node, CAPTURED_ON),
                captured_from=self.value(node, CAPTURE_DATE_SOURCE),
                seen_again=tuple(sorted(text_of(o) for o in self.objects(node, SEEN_AGAIN_ON))),
            )
            self._places[page] = place
        return place

    def listing_place(self, listing: str) -> Place | None:
        node = ox.NamedNode(listing)
        page, line = self.value(node, ON_PAGE), self.value(node, LINE)
        if page is None:
            return None
        whole = self.page_place(page)
        return Place(
            page,
            whole.source,
            int(line) if line else None,
            listing,
            whole.captured_on,
            whole.captured_from,
            whole.seen_again,
        )

    def listings_of(self, paper: str) -> list[Place]:
        """Every listing of a paper, in (page, line) order: the order the merge reads."""
        found = (self.listing_place(text_of(s)) for s in self.subjects(LISTED_PAPER, named(paper)))
        return sorted((p for p in found if p is not None), key=place_key)


def text_of(term: Term) -> str:
    """An IRI or a literal's value; a quoted triple (never written by kg) as its text."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def graph_of(quad: ox.Quad) -> str:
    """The IRI of the named graph of a quad the lookups returned."""
    return text_of(quad.graph_name)  # type: ignore[arg-type]  # named graphs only, above


def place_key(place: Place) -> tuple[str, int]:
    return (place.source or place.page, place.line or 0)


def _distinct(terms: Iterable[Term]) -> list[Term]:
    return sorted(set(terms), key=str)
