"""What ``kg why`` answers, as frozen values the renderers read (json is their contract).

Terms are N-Triples text (``<iri>``, ``"literal"^^<datatype>``): exact, and what every RDF
tool reads back.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where a fact comes from: the kind of named graph that holds it.
PAGE = "page"  # what one page printed (its page graph)
MERGED = "merged"  # merged from the pages that list it (the entities graph)
REFERENCE = "reference"  # data shipped with kg: organisation names (entities graph)
STATISTICS = "statistics"  # computed by the build from the other graphs
TAXONOMY = "taxonomy"  # the arXiv category taxonomy shipped with kg
DATASET = "dataset"  # the dataset's own description, counted from the graph
ARXIV = "arxiv"  # a record of the arXiv metadata snapshot the build read (issue #19)
OTHER = "other"  # a graph kg does not write (a store someone added to)

# The sources that are no page's word, and what they are.
COMPUTED = {
    STATISTICS: "computed by kg's statistics from the page and taxonomy graphs "
    "(kg/graph/statistics.py); no page printed it",  # then the table, where there is one
    DATASET: "the dataset description (VoID/DCAT), counted from the graph by kg "
    "(kg/graph/dataset.py); no page printed it",
    TAXONOMY: "the arXiv category taxonomy shipped with kg (ontology/arxiv.ttl); "
    "no page printed it",
    ARXIV: "a record of the arXiv metadata snapshot the build read (kg build "
    "--arxiv-metadata); no page printed it",
    OTHER: "a graph kg does not write: added to the store by someone else",
}

# What one record says about the value a rule chose.
CHOSEN = "chosen"  # printed the chosen value, and is the record the rule took it from
AGREES = "agrees"  # printed the chosen value too (or, for a union, this member)
DIFFERS = "differs"  # printed another value: the pages disagree
SILENT = "silent"  # printed nothing for it
PRINTED = "printed"  # a page graph's own fact: the page printed it
MENTIONS = "mentions"  # lists a paper that mentions the entity
UNKNOWN = "unknown"  # the printed value is not known (no parse cache for the page)


def many(count: int, noun: str) -> str:
    """``3 listings``, ``1 page``: a count as a summary says it."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


@dataclass(frozen=True)
class Place:
    """A page, or one line of it, and when it was captured."""

    page: str  # the page's IRI (also its named graph)
    source: str | None  # the page's path as the build named it (dcterms:identifier)
    line: int | None  # None: the page as a whole
    listing: str | None  # the listing IRI of that line, when it is one
    captured_on: str | None  # YYYY-MM-DD
    captured_from: str | None  # "folder" or "option"; None in builds before issue #16
    seen_again: tuple[str, ...] = ()  # later dates the same bytes were captured (kg:seenAgainOn)


@dataclass(frozen=True)
class Evidence:
    place: Place
    printed: str | None  # what this record printed for the fact, as text
    status: str  # one of CHOSEN ... UNKNOWN above


@dataclass(frozen=True)
class Rule:
    name: str  # stable: kg.graph.identity.MERGE_RULES, MODEL.md
    text: str


@dataclass(frozen=True)
class ArxivRecord:
    """The arXiv metadata record behind a fact, and the snapshot file it was read from
    (the node ``<base>graph/arxiv``)."""

    snapshot: str | None  # the file's name (dcterms:identifier)
    sha256: str | None  # of the file's bytes (kg:sha256)
    updated: str | None  # the newest update_date of its records (dcterms:modified)
    arxiv_id: str | None  # the record's id (the paper's arxiv.org sameAs); None: the file


@dataclass(frozen=True)
class Origin:
    """Why one named graph holds the fact (the graphs do not overlap: usually one)."""

    graph: str
    source: str  # PAGE ... OTHER above
    summary: str  # one sentence naming the source
    rules: tuple[Rule, ...] = ()
    value: str | None = None  # the chosen value as printed, when a rule chose it
    disagree: bool = False  # the records printed more than one value
    evidence: tuple[Evidence, ...] = ()
    evidence_total: int = 0  # how many there are; ``evidence`` may show fewer (--limit)
    record: ArxivRecord | None = None  # source ARXIV: the record and its snapshot


@dataclass(frozen=True)
class GraphUse:
    """How often an entity appears in one named graph."""

    graph: str
    source: str
    as_subject: int
    as_object: int


@dataclass(frozen=True)
class Answer:
    """``kg why``'s answer: ``kind`` "fact" (``query`` is a triple) or "entity" (an IRI)."""

    kind: str
    query: tuple[str, ...]  # the terms asked about, as N-Triples text
    found: bool
    origins: tuple[Origin, ...] = ()  # facts: one per graph that holds it
    types: tuple[str, ...] = ()  # entities: its rdf:type values
    graphs: tuple[GraphUse, ...] = ()  # entities: the graphs it appears in
    introduced_by: Origin | None = None  # entities: the pages and lines that introduce it
    instead: tuple[str, ...] = ()  # a fact not found: objects the graph has for S P
    notes: tuple[str, ...] = ()
