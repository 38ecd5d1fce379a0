"""Summary tables every build computes from the graph it just made (pure).

Some research questions are counts over the whole graph: papers per topic and year, how
many of a page's listings have a cut-short author list, which organisations share papers.
Answering them from the triples means joining millions of them at every query (1-5 s on a
100 k-paper graph, issue 5); the build already holds those triples, so it counts once and
writes the counts as RDF Data Cube observations (``qb:Observation``) in a graph of their
own. The counts are read from the union of the data graphs, the same triples the queries
read, so a table can never disagree with the data it summarises. The pass that reads them
also takes the census the VoID description needs (``Census``), so the build splits its
millions of triples once, not twice. The tables for questions about people, papers and
listings (co-authors, multi-page papers, code-flag disagreements) are ``kg.graph.tables``,
computed from the same census.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

import pyoxigraph as ox

from kg.graph import tables
from kg.graph.identity import Iris, key_hash
from kg.graph.ntriples import Triple
from kg.graph.terms import DCTERMS_, FOAF_, KG_, QB_, SKOS_, T_BOOL, T_INT, A, lit, node, typed

TRUE = typed(True, T_BOOL)
ZERO = typed(0, T_INT)
# YEAR() reads these; any other issued value is left out, as the query would leave it out.
_YEAR = re.compile(
    r'"(-?[0-9]{4,})[^"]*"\^\^<http://www\.w3\.org/2001/XMLSchema#(?:date|dateTime|gYear)>'
)
# Predicates whose objects the tables read: subject -> object (a list when several).
_VALUES = (
    DCTERMS_.subject,
    DCTERMS_.issued,
    DCTERMS_.title,
    KG_.onPage,
    KG_.listedPaper,
    KG_.author,
    KG_.authorshipOf,
    KG_.affiliatedOrganization,
    FOAF_.primaryTopic,
    *tables.VALUES,
)
# Of those, the ones about listings and creators, whose many subjects and few distinct objects
# repeat: each term is held once (100 k papers: 130 MiB less than a string per triple).
_SHARED = frozenset((KG_.onPage, KG_.listedPaper, *tables.VALUES))
# Predicates the tables only test: the subjects with this object (None: with any object).
_FLAGS = {
    KG_.hasCode: TRUE,
    KG_.issuedYearInferred: TRUE,
    KG_.authorListComplete: TRUE,
    KG_.shownAuthorCount: ZERO,
    DCTERMS_.identifier: None,
    SKOS_.notation: None,
    **tables.FLAGS,
}
TABLES = {
    "topic-year": "Papers per topic and year",
    "page-listings": "Listings per source page, by how complete their author lists are",
    "organisation-pairs": "Pairs of organisations affiliated with the same papers",
}


def statistics(facts: Facts, iris: Iris) -> list[Triple]:
    """Every statistics table and its observations, from the facts a census gathered."""
    out: list[Triple] = []
    for table, title in TABLES.items():
        out += [
            (node(iris.statistics(table)), A, QB_.DataSet),
            (node(iris.statistics(table)), DCTERMS_.title, lit(title)),
        ]
    out += topic_years(facts, iris)
    out += page_listings(facts, iris)
    out += organisation_pairs(facts, iris)
    out += tables.tables(facts, iris)  # co-authors, multi-page papers, code-flag disagreements
    return out


class Facts:
    """The triples the statistics count, held small (a big graph has millions): objects by
    subject for the predicates whose values are read, subject sets for the others."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, str | list[str]]] = {p: {} for p in _VALUES}
        self.flagged: dict[str, set[str]] = {p: set() for p in _FLAGS}
        self._strings: dict[str, str] = {}  # one copy of each term of _SHARED's triples

    def add(self, subject: str, predicate: str, obj: str) -> None:
        table = self.values.get(predicate)
        if table is not None:
            if predicate in _SHARED:  # a listing's or paper's terms, kept once, not per triple
                subject = self._strings.setdefault(subject, subject)
                obj = self._strings.setdefault(obj, obj)
            held = table.get(subject)
            if held is None:
                table[subject] = obj  # one string, not a list: most have one value
            elif isinstance(held, list):
                held.append(obj)
            else:
                table[subject] = [held, obj]
        elif predicate in _FLAGS and _FLAGS[predicate] in (None, obj):
            self.flagged[predicate].add(subject)

    def objects(self, predicate: str, subject: str) -> Sequence[str]:
        held = self.values[predicate].get(subject, ())
        return (held,) if isinstance(held, str) else held

    def items(self, predicate: str) -> Iterator[tuple[str, Sequence[str]]]:
        for subject, held in self.values[predicate].items():
            yield subject, ((held,) if isinstance(held, str) else held)

    def having(self, predicate: str) -> set[str]:
        """The subjects with the flag's object (see ``_FLAGS``)."""
        return self.flagged[predicate]


@dataclass
class Census:
    """What one pass over a graph's heads learns: what the VoID description counts (as
    counts, so the censuses of two graphs with no subject in common add up) and the facts
    the statistics count."""

    triples: int
    subjects: int
    properties: set[str]
    classes: Counter[str]  # class IRI -> how many instances
    facts: Facts

    def plus(self, other: Census) -> Census:
        """This census and one of a graph with none of its subjects."""
        return Census(
            self.triples + other.triples,
            self.subjects + other.subjects,
            self.properties | other.properties,
            self.classes + other.classes,
            self.facts,
        )


def take_census(heads: Iterable[str]) -> Census:
    """One pass, one split a head: the triples, subjects, properties and typed instances,
    and the facts the statistics count. Heads come sorted by subject (``line_key`` order),
    so a subject is counted when it changes instead of being kept in a set."""
    facts = Facts()
    triples = subjects = 0
    properties: set[str] = set()
    classes: Counter[str] = Counter()
    last = ""
    for text in heads:
        subject, predicate, obj = text.split(" ", 2)
        triples += 1
        if subject != last:
            subjects += 1
            last = subject
        properties.add(predicate)
        if predicate == A and obj[0] == "<":
            classes[obj[1:-1]] += 1  # heads are distinct, so each is one instance
        facts.add(subject, predicate, obj)
    return Census(triples, subjects, properties, classes, facts)


def _observation(iri: str, kind: str, table: str) -> list[Triple]:
    return [(iri, A, QB_.Observation), (iri, A, kind), (iri, QB_.dataSet, table)]


# -- papers per topic and year ---------------------------------------------------------------


def topic_years(facts: Facts, iris: Iris) -> list[Triple]:
    """Per topic (a concept with a skos:notation) and YEAR(dcterms:issued): the papers, those
    with code, and those whose year was inferred from the capture date."""
    notations = facts.having(SKOS_.notation)
    with_code = facts.having(KG_.hasCode)
    inferred = facts.having(KG_.issuedYearInferred)
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for paper, concepts in facts.items(DCTERMS_.subject):
        for issued in facts.objects(DCTERMS_.issued, paper):
            match = _YEAR.fullmatch(issued)
            if match is None:
                continue
            for concept in concepts:
                if concept in notations:
                    tally = counts[(concept, int(match.group(1)))]
                    tally[0] += 1
                    tally[1] += paper in with_code
                    tally[2] += paper in inferred
    table = node(iris.statistics("topic-year"))
    out: list[Triple] = []
    for (concept, year), (papers, code, guessed) in counts.items():
        obs = node(iris.statistics("topic-year", f"{key_hash(concept, 10)}-{year}"))
        out += _observation(obs, KG_.TopicYearObservation, table)
        out += [
            (obs, KG_.topic, concept),
            (obs, KG_.year, typed(year, T_INT)),
            (obs, KG_.numberOfPapers, typed(papers, T_INT)),
            (obs, KG_.numberOfPapersWithCode, typed(code, T_INT)),
            (obs, KG_.numberOfYearInferredPapers, typed(guessed, T_INT)),
        ]
    return out


# -- listings per page -------------------------------------------------------------------------


def page_listings(facts: Facts, iris: Iris) -> list[Triple]:
    """Per source page with a dcterms:identifier and at least one listing: the listings, how
    many list a complete, a truncated ("et al.") or an empty author list, and on a profile
    page how many list a paper whose printed authors do not include the page's person."""
    identified = facts.having(DCTERMS_.identifier)
    printed = _printed_authors(facts)
    complete = facts.having(KG_.authorListComplete)
    empty = facts.having(KG_.shownAuthorCount)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for listing, sources in facts.items(KG_.onPage):
        for source in sources:
            if source not in identified:
                continue
            person = set(facts.objects(FOAF_.primaryTopic, source))
            for paper in facts.objects(KG_.listedPaper, listing):
                tally = counts[source]
                tally[0] += 1
                tally[1] += paper in complete
                # a list the arXiv record completed is complete, even if no page printed it
                tally[2] += paper in empty and paper not in complete
                tally[3] += bool(person) and not person & printed.get(paper, set())
    table = node(iris.statistics("page-listings"))
    out: list[Triple] = []
    for source, (listings, whole, none, hidden) in counts.items():
        obs = node(iris.statistics("page-listings", key_hash(source, 10)))
        out += _observation(obs, KG_.PageListingObservation, table)
        out += [
            (obs, KG_.page, source),
            (obs, KG_.numberOfListings, typed(listings, T_INT)),
            (obs, KG_.numberOfCompleteAuthorLists, typed(whole, T_INT)),
            (obs, KG_.numberOfTruncatedAuthorLists, typed(listings - whole - none, T_INT)),
            (obs, KG_.numberOfEmptyAuthorLists, typed(none, T_INT)),
            (obs, KG_.numberOfOwnerHiddenListings, typed(hidden, T_INT)),
        ]
    return out


def _printed_authors(facts: Facts) -> dict[str, set[str]]:
    """Paper -> the people its printed author list names (through its authorships)."""
    people: dict[str, set[str]] = defaultdict(set)
    for authorship, papers in facts.items(KG_.authorshipOf):
        for paper in papers:
            people[paper].update(facts.objects(KG_.author, authorship))
    return people


# -- organisation pairs ------------------------------------------------------------------------


def organisation_pairs(facts: Facts, iris: Iris) -> list[Triple]:
    """Per pair of organisations (with a skos:notation) affiliated with the same papers: how
    many papers, and the one whose title sorts first, as an example."""
    notations = facts.having(SKOS_.notation)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    first: dict[tuple[str, str], tuple[str, str]] = {}
    for paper, organisations in facts.items(KG_.affiliatedOrganization):
        # the lesser IRI first, compared as IRIs (without the angle brackets)
        named = sorted({o for o in organisations if o in notations}, key=lambda o: o[1:-1])
        title = min((string_value(t) for t in facts.objects(DCTERMS_.title, paper)), default=None)
        for pair in combinations(named, 2):
            shared[pair] += 1
            if title is not None and (pair not in first or (title, paper) < first[pair]):
                first[pair] = (title, paper)
    table = node(iris.statistics("organisation-pairs"))
    out: list[Triple] = []
    for (one, other), papers in shared.items():
        obs = node(iris.statistics("organisation-pairs", key_hash(f"{one} {other}", 10)))
        out += _observation(obs, KG_.OrganisationPairObservation, table)
        out += [
            (obs, KG_.organisation, one),
            (obs, KG_.organisation, other),
            (obs, KG_.numberOfSharedPapers, typed(papers, T_INT)),
        ]
        if (one, other) in first:
            out.append((obs, KG_.firstSharedPaper, first[(one, other)][1]))
    return out


def string_value(literal: str) -> str:
    """The lexical form of a plain N-Triples literal ``"..."`` (escapes read by pyoxigraph)."""
    if "\\" not in literal and literal.endswith('"'):
        return literal[1:-1]
    triple = next(iter(ox.parse(f"<x:s> <x:p> {literal} .", format=ox.RdfFormat.N_TRIPLES)))
    return str(triple.object.value)
