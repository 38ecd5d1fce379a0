"""A fact -> the pages, lines and rule it comes from; the entry point of ``kg why``.

A fact is looked up in the named graphs, which do not overlap, and its graph says what
kind of source it has: a page graph holds what that page printed; the entities graph the
values merged from every listing of a paper, which the same merge, run again over the
records of those listings (read from the parse cache), explains rule by rule; the arXiv
graph holds what linked arXiv records say, and names the record and its snapshot file
(``arxiv``); the statistics, dataset and taxonomy graphs are no page's word and say so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.export.files import prefixes_for
from kg.graph.vocab import DCTERMS, FOAF, KG, QB
from kg.read.model import PaperRecord, ProfileRecord, Record
from kg.store.embedded import open_store, store_path
from kg.why import arxiv, entities, papers, rules
from kg.why.lookup import CAPTURE_DATE_SOURCE, Lookup, Node, graph_of, named, text_of
from kg.why.model import (
    AGREES,
    ARXIV,
    COMPUTED,
    MENTIONS,
    MERGED,
    PAGE,
    PRINTED,
    STATISTICS,
    UNKNOWN,
    Answer,
    ArxivRecord,
    Evidence,
    Origin,
    Place,
    Rule,
)
from kg.why.printed import Printed, read_printed
from kg.why.query import Query, parse_query

NO_CACHE = (
    "no parse cache (parse-cache.pickle) beside the store for these pages: what each line "
    "printed is unknown beyond what the store keeps on a listing (category, date, code "
    "flag, author count); `kg build` writes the cache"
)
INFERRED_OWNER = (f"{KG}inferredOwner", f"{KG}inferredOwnerEvidence")


class Explainer:
    """Answers about one built store; ``printed`` is None without a parse cache."""

    def __init__(
        self, lookup: Lookup, printed: Callable[[], Printed | None], limit: int | None
    ) -> None:
        self.lookup, self.limit = lookup, limit
        self._read_printed = printed
        self._printed: Printed | None = None
        self._read = False
        self._sha256: dict[str, str | None] = {}  # page -> the SHA-256 of its bytes
        self.notes: list[str] = []

    @property
    def printed(self) -> Printed | None:
        """The parse cache, read when a line's printed value is first wanted: a computed
        fact never waits for it."""
        if not self._read:
            self._printed, self._read = self._read_printed(), True
        return self._printed

    def answer(self, query: Query) -> Answer:
        if query.predicate is None:
            return entities.answer(self, query.subject)
        return self.fact(query)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def origin(
        self,
        graph: str,
        source: str,
        summary: str,
        evidence: Sequence[Evidence] = (),
        by: Sequence[Rule] = (),
        value: str | None = None,
        disagree: bool = False,
        record: ArxivRecord | None = None,
    ) -> Origin:
        """An origin with its evidence cut to the limit (``evidence_total`` tells)."""
        if any(e.status == UNKNOWN for e in evidence):
            self.note(NO_CACHE)
        shown = evidence if self.limit is None else evidence[: self.limit]
        return Origin(
            graph,
            source,
            summary,
            tuple(by),
            value,
            disagree,
            tuple(shown),
            len(evidence),
            record,
        )

    # -- facts ----------------------------------------------------------------------------

    def fact(self, query: Query) -> Answer:
        assert query.predicate is not None and query.object is not None
        terms = tuple(str(t) for t in query.terms)
        quads = self.lookup.quads(query.subject, query.predicate, query.object)
        if not quads:
            others = self.lookup.objects(query.subject, query.predicate)
            return Answer("fact", terms, False, instead=tuple(str(o) for o in others[:10]))
        origins = tuple(self.fact_origin(q) for q in quads)
        return Answer("fact", terms, True, origins=origins, notes=tuple(self.notes))

    def fact_origin(self, quad: ox.Quad) -> Origin:
        graph = graph_of(quad)
        source = self.lookup.source_of(graph)
        if source == PAGE:
            return self.page_fact(graph, quad)
        if source == MERGED:
            return papers.fact(self, graph, quad)
        if source == ARXIV:
            return arxiv.fact(self, graph, quad)
        summary = COMPUTED[source]
        if source == STATISTICS:
            summary += self.statistics_table(quad.subject)
        return self.origin(graph, source, summary)

    def statistics_table(self, subject: Node) -> str:
        table = self.lookup.value(subject, named(QB.dataSet))
        if table is None:
            return ""
        title = self.lookup.value(ox.NamedNode(table), named(DCTERMS.title))
        return f"; one row of the table <{table}>" + (f" ({title})" if title else "")

    def page_fact(self, graph: str, quad: ox.Quad) -> Origin:
        """What one page printed: its listing's line, or its header, or the page itself."""
        predicate = quad.predicate.value
        place = self.place_in_page(graph, text_of(quad.subject), predicate)
        if predicate in INFERRED_OWNER:
            return self.inferred_owner(graph, place)
        value = text_of(quad.object)
        if isinstance(quad.object, ox.NamedNode):  # a person, a topic: as the page named it
            value = self.lookup.value(quad.object, named(FOAF.name)) or value
        evidence = [Evidence(place, value, PRINTED)]
        where = _where(place)
        if predicate in (str(KG.capturedOn), CAPTURE_DATE_SOURCE.value):
            how = {
                "folder": "a YYYY-MM-DD folder on its path",
                "option": "the --capture-date setting",
            }
            said = how.get(
                place.captured_from or "", "the build's --capture-date (one date for all)"
            )
            summary = f"the capture date of page {where}, from {said}; not printed on the page"
            return self.origin(graph, PAGE, summary, evidence)
        return self.origin(graph, PAGE, f"printed by page {where}", evidence)

    def place_in_page(self, page: str, subject: str, predicate: str | None = None) -> Place:
        """The line of a page a subject in its graph stands for: a listing's own line; the
        header that names the page's person, for that person, their metrics and the
        page's foaf:primaryTopic; or the page as a whole."""
        if subject != page:
            listing = self.lookup.listing_place(subject)
            if listing is not None:
                return listing
        whole = self.lookup.page_place(page)
        if subject == page and predicate != str(FOAF.primaryTopic):
            return whole
        return self.header_place(whole)

    def header_place(self, whole: Place) -> Place:
        profile = self.profile(whole)
        if profile is None:
            return whole
        return Place(whole.page, whole.source, profile.line, None, *_dates(whole))

    def inferred_owner(self, graph: str, place: Place) -> Origin:
        """The owner a header-less page's full author lists agree on (kg.graph.owners)."""
        owner = self.lookup.value(ox.NamedNode(place.page), named(INFERRED_OWNER[0]))
        name = self.lookup.value(ox.NamedNode(owner), named(FOAF.name)) if owner else None
        records = self.records(place)
        if records is None:
            evidence = [Evidence(place, None, UNKNOWN)]
        else:
            full = [r for r in records if isinstance(r, PaperRecord) and r.authors and not r.et_al]
            evidence = [
                Evidence(self.at_line(place, r.line), rules.authors_text(r.authors, False), AGREES)
                for r in full
            ]
        return self.origin(
            graph,
            PAGE,
            f"inferred for page {_where(place)} from the author lists it prints in full",
            by=(rules.rule("inferred-owner"),),
            value=name,
            evidence=evidence,
        )

    def listed(self, places: Sequence[Place]) -> list[Evidence]:
        """The listings of a paper, each with the title it printed (when known)."""
        found = [self.record(p) for p in places]
        return [
            Evidence(p, r.title if r else None, MENTIONS)
            for p, r in zip(places, found, strict=True)
        ]

    # -- what the cache and the store say a line printed ----------------------------------

    def records(self, place: Place) -> tuple[Record, ...] | None:
        """What the page of ``place`` printed, if the cache has those very bytes."""
        if self.printed is None:
            return None
        if place.page not in self._sha256:
            self._sha256[place.page] = self.lookup.value(ox.NamedNode(place.page), named(KG.sha256))
        return self.printed.records(place.source, self._sha256[place.page])

    def record(self, place: Place) -> PaperRecord | None:
        found = self.records(place) or ()
        return next((r for r in found if isinstance(r, PaperRecord) and r.line == place.line), None)

    def profile(self, place: Place) -> ProfileRecord | None:
        found = self.records(place) or ()
        return next((r for r in found if isinstance(r, ProfileRecord)), None)

    def store_printed(self, place: Place, field: rules.Field) -> str | None:
        """Without a cache: the printed value the listing keeps in the store, if any."""
        if place.listing is None or field.store_printed is None:
            return None
        value = self.lookup.value(ox.NamedNode(place.listing), named(field.store_printed))
        if value is not None and field is rules.AUTHORS:
            return f"{value} names"
        return value

    def at_line(self, place: Place, line: int) -> Place:
        listing = self.lookup.iris.listing(place.source or "", line) if place.source else None
        return Place(place.page, place.source, line, listing, *_dates(place))


def _dates(place: Place) -> tuple[str | None, str | None]:
    return place.captured_on, place.captured_from


def _where(place: Place) -> str:
    text = place.source or f"<{place.page}>"
    return f"{text}:{place.line}" if place.line else text


def explain(
    query: Query, lookup: Lookup, printed: Callable[[], Printed | None], limit: int | None
) -> Answer:
    """Where the fact or entity of ``query`` comes from, in the store ``lookup`` reads;
    ``printed`` reads the parse cache when a line's printed value is wanted."""
    return Explainer(lookup, printed, limit).answer(query)


@dataclass(frozen=True)
class Asked:
    answer: Answer
    prefixes: dict[str, str]  # the build's own, to show the answer with


def why(out_dir: Path, arguments: Sequence[str], base_iri: str, limit: int | None) -> Asked:
    """``kg why``: the built store in ``out_dir`` asked where a fact or an entity, given
    as command-line terms, comes from."""
    # A malformed query is a usage error before any store is opened; the store then says
    # which base its IRIs have, for the prefixed names.
    parse_query(arguments, prefixes_for(base_iri))
    with open_store(store_path(out_dir)) as graph:
        lookup = Lookup(graph, base_iri)
        prefixes = prefixes_for(lookup.iris.base)
        query = parse_query(arguments, prefixes)
        answer = explain(query, lookup, lambda: read_printed(out_dir), limit)
    return Asked(answer, prefixes)
