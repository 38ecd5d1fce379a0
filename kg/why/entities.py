"""An entity -> the pages and lines that introduce it (``kg why IRI``), and the facts of
the entities graph about people, organisations, topics and the venue.

A page or a listing introduces itself; a paper is introduced by its listings; anything
else by the listings of the papers that name it (as author, affiliation, topic, code
repository) and by the pages that name it (a profile's person, an inferred owner).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.graph.vocab import FOAF, KG, SCHEMA, SKOS
from kg.read.urls import repository_key
from kg.why import arxiv
from kg.why.lookup import TYPE, Lookup, graph_of, named, place_key, text_of
from kg.why.model import (
    ARXIV,
    COMPUTED,
    DATASET,
    MENTIONS,
    MERGED,
    OTHER,
    PAGE,
    PRINTED,
    REFERENCE,
    SILENT,
    STATISTICS,
    TAXONOMY,
    UNKNOWN,
    Answer,
    Evidence,
    GraphUse,
    Origin,
    Place,
    many,
)

if TYPE_CHECKING:
    from kg.why.explain import Explainer

VENUE = "the one venue every paper is part of (arXiv), written by kg; no page printed it"
# Which graph holding an entity's type says best where it comes from.
_HOME_ORDER = (PAGE, MERGED, ARXIV, TAXONOMY, STATISTICS, DATASET)


def answer(explainer: Explainer, iri: ox.NamedNode) -> Answer:
    lookup = explainer.lookup
    as_subject = Counter(graph_of(q) for q in lookup.quads(iri, None, None))
    as_object = Counter(graph_of(q) for q in lookup.quads(None, None, iri))
    if not as_subject and not as_object:
        return Answer("entity", (str(iri),), False)
    uses = tuple(
        GraphUse(graph, lookup.source_of(graph), as_subject[graph], as_object[graph])
        for graph in sorted(set(as_subject) | set(as_object))
    )
    types = tuple(str(t) for t in lookup.objects(iri, TYPE))
    introduced = introduced_by(explainer, iri, uses)
    notes = tuple(explainer.notes)
    return Answer("entity", (str(iri),), True, (), types, uses, introduced, notes=notes)


def introduced_by(explainer: Explainer, iri: ox.NamedNode, uses: tuple[GraphUse, ...]) -> Origin:
    lookup = explainer.lookup
    home = _home(lookup, iri, uses)
    listing = lookup.listing_place(iri.value)
    if listing is not None:
        summary = f"line {listing.line} of page {listing.source}"
        return explainer.origin(home.graph, PAGE, summary, explainer.listed([listing]))
    if lookup.has_type(iri, KG.SourcePage):
        page = lookup.page_place(iri.value)
        layout = lookup.value(iri, named(KG.pageLayout))
        summary = f"page {page.source}, captured {page.captured_on}"
        evidence = [Evidence(page, f"a {layout} page" if layout else None, MENTIONS)]
        return explainer.origin(home.graph, PAGE, summary, evidence)
    if iri.value == lookup.iris.venue:
        return explainer.origin(home.graph, MERGED, VENUE)
    if home.source == PAGE:  # a page's metrics: its header
        place = explainer.place_in_page(home.graph, iri.value)
        summary = f"printed by page {place.source}"
        return explainer.origin(home.graph, PAGE, summary, [Evidence(place, None, PRINTED)])
    if lookup.has_type(iri, SCHEMA.ScholarlyArticle):
        places = lookup.listings_of(iri.value)
        pages = len({p.page for p in places})
        summary = f"a paper merged from {many(len(places), 'listing')} on {many(pages, 'page')}"
        return explainer.origin(home.graph, MERGED, summary, explainer.listed(places))
    if home.source == ARXIV:  # a person only an arXiv record names
        return arxiv.named_by(explainer, home.graph, iri)
    evidence, counted = printed_by(explainer, iri)
    if home.source == MERGED:
        summary = "described once in the entities graph, from the pages that mention it"
    else:
        summary = COMPUTED.get(home.source, COMPUTED[OTHER])
    return explainer.origin(home.graph, home.source, summary + counted, evidence)


def _home(lookup: Lookup, iri: ox.NamedNode, uses: tuple[GraphUse, ...]) -> GraphUse:
    """The graph that types the entity (best source first), else where it is most used."""
    typed = {graph_of(q) for q in lookup.quads(iri, TYPE, None)}
    candidates = [u for u in uses if u.graph in typed] or list(uses)
    order = {source: i for i, source in enumerate(_HOME_ORDER)}
    return min(candidates, key=lambda u: (order.get(u.source, 9), -u.as_subject, u.graph))


def printed_by(explainer: Explainer, iri: ox.NamedNode) -> tuple[list[Evidence], str]:
    """The lines that print an entity, and a clause that counts them (and the listings of
    its papers that do not print it: another page of the same paper did)."""
    found = mentions(explainer, iri)
    shown = [e for e in found if e.status != SILENT]
    if not found:
        return shown, ""
    pages = len({e.place.page for e in shown})
    if any(e.status == UNKNOWN for e in shown):  # no records: its papers' listings
        return (
            shown,
            f"; its papers are listed on {many(len(shown), 'line')} of {many(pages, 'page')}",
        )
    counted = f"; printed on {many(len(shown), 'line')} of {many(pages, 'page')}"
    if len(found) > len(shown):
        silent = len(found) - len(shown)
        verb = "does" if silent == 1 else "do"
        counted += f" ({many(silent, 'more listing')} of its papers {verb} not print it)"
    return shown, counted


def mentions(explainer: Explainer, iri: ox.NamedNode, depth: int = 0) -> list[Evidence]:
    """The lines that introduce an entity: the listings of the papers that name it, and
    the headers of the pages that name it; in (page, line) order. Each shows how that
    line printed the entity; a listing that does not print it (its paper names the entity
    because another page printed it) is silent."""
    lookup = explainer.lookup
    found: dict[tuple[str, int], Evidence] = {}
    places: list[Place] = []
    papers: set[str] = set()
    for quad in lookup.quads(None, None, iri):
        graph = graph_of(quad)
        source, subject = lookup.source_of(graph), quad.subject
        if source == PAGE:
            places.append(explainer.place_in_page(graph, text_of(subject), quad.predicate.value))
        elif source != MERGED or not isinstance(subject, ox.NamedNode):
            continue
        elif lookup.has_type(subject, SCHEMA.ScholarlyArticle):
            papers.add(text_of(subject))
        elif (paper := lookup.value(subject, named(KG.authorshipOf))) is not None:
            papers.add(paper)
        elif depth == 0 and quad.predicate == named(KG.possibleActualCreator):
            # one of the people an ambiguous name may stand for: the lines of that name
            for evidence in mentions(explainer, subject, depth + 1):
                found.setdefault(place_key(evidence.place), evidence)
    places += [place for paper in sorted(papers) for place in lookup.listings_of(paper)]
    for place in places:
        if place_key(place) not in found:
            found[place_key(place)] = _mention(explainer, place, iri)
    return [found[key] for key in sorted(found)]


def _mention(explainer: Explainer, place: Place, iri: ox.NamedNode) -> Evidence:
    """How one line printed the entity: a name, a code, a URL; else its title."""
    iris, entity = explainer.lookup.iris, text_of(iri)
    if place.listing is None:  # a page's header: its person, their primary category
        profile = explainer.profile(place)
        if profile is None:
            return Evidence(place, None, UNKNOWN if explainer.printed is None else MENTIONS)
        said = profile.name if profile.name and iris.person(profile.name) == entity else None
        return Evidence(place, said or profile.primary_category, MENTIONS)
    record = explainer.record(place)
    if record is None:
        return Evidence(place, None, UNKNOWN)
    printed = {iris.person(name): name for name in record.authors}
    printed |= {iris.organisation(code): code for code in record.affiliations}
    printed |= {iris.repository(*key): url for url in record.urls if (key := repository_key(url))}
    notation = explainer.lookup.value(iri, named(SKOS.notation))
    if notation is not None and record.category:  # a topic: "CL" prints cs.CL
        if notation in (record.category, f"{notation.split('.')[0]}.{record.category}"):
            printed[entity] = record.category
    if entity in printed:
        return Evidence(place, printed[entity], MENTIONS)
    if notation is not None:
        return Evidence(place, None, SILENT)
    kinds = (iris.person(""), iris.organisation(""), iris.repository("", "")[:-1])
    if entity.startswith(kinds):
        return Evidence(place, None, SILENT)  # its paper has it from another line
    return Evidence(place, record.title, MENTIONS)


def described(explainer: Explainer, graph: str, quad: ox.Quad) -> Origin:
    """A fact of the entities graph about a person, organisation, topic or the venue:
    part of its one description, made from the pages that mention it."""
    subject = quad.subject
    assert isinstance(subject, ox.NamedNode)
    if text_of(subject) == explainer.lookup.iris.venue:
        return explainer.origin(graph, MERGED, VENUE)
    evidence, counted = printed_by(explainer, subject)
    if quad.predicate == named(SCHEMA.name) and explainer.lookup.has_type(
        subject, SCHEMA.Organization
    ):
        summary = (
            "the organisation's name from the list shipped with kg "
            "(ontology/organisations.json); the pages print its code"
        )
        return explainer.origin(graph, REFERENCE, summary + counted, evidence)
    summary = f"part of the one description of <{text_of(subject)}>"
    if quad.predicate == named(FOAF.name):
        summary = f"the name as printed, of <{text_of(subject)}>"
    return explainer.origin(graph, MERGED, summary + counted, evidence)
