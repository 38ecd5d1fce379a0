"""What ``kg report`` shows, as plain values: frozen dataclasses that
``kg.report.from_store`` fills from the embedded store, already sorted, so the pages rendered
from a ``Site`` do not depend on the order the store answers in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ARXIV_ABS = "https://arxiv.org/abs/"


@dataclass(frozen=True)
class Listing:
    """One record of a paper on one page: what that page said."""

    iri: str
    paper: str
    page: str
    file: str
    line: int
    form: str = ""
    category: str = ""
    date: str = ""
    code_flag: bool | None = None
    score: str | None = None
    author_count: int | None = None
    captured: str = ""


@dataclass(frozen=True, order=True)
class Authorship:
    ordinal: int
    agent: str
    printed: str
    arxiv_name: str = ""  # the linked arXiv record's name at this position (issue #19)


@dataclass(frozen=True, order=True)
class Repository:
    """A paper's code repository (kg:hasCodeRepository) and its URL."""

    iri: str
    url: str


@dataclass(frozen=True, order=True)
class Organisation:
    """An organisation a paper is affiliated with, and its name (or code, or IRI)."""

    iri: str
    name: str


@dataclass(frozen=True)
class Paper:
    iri: str
    title: str = ""
    abstract: str = ""
    issued: str = ""  # xsd:date or xsd:gYear text
    year_inferred: bool = False
    complete: bool = True
    shown: int | None = None
    has_code: bool = False
    evidence: tuple[str, ...] = ()
    authors: tuple[Authorship, ...] = ()
    topics: tuple[str, ...] = ()
    repos: tuple[Repository, ...] = ()
    orgs: tuple[Organisation, ...] = ()
    urls: tuple[str, ...] = ()
    listings: tuple[Listing, ...] = ()
    first_seen: str = ""  # kg:firstSeen: the earliest capture date of a page listing it
    last_seen: str = ""  # kg:lastSeen
    # authors left out of ``authors`` by a list (kg.report.parts.LONG_LIST): a long list
    # keeps its first ones and the person whose page lists it
    more_authors: int = 0
    # from the paper's arXiv record, when it is linked to one (issue #19)
    same_as: tuple[str, ...] = ()  # arxiv.org/abs and doi.org IRIs
    submitted: str = ""  # dcterms:dateSubmitted: the v1 date
    cross: tuple[str, ...] = ()  # kg:crossListedIn

    @property
    def arxiv_id(self) -> str:
        """The id of the linked arXiv record ("2311.11696"), or ""."""
        return next((i[len(ARXIV_ABS) :] for i in self.same_as if i.startswith(ARXIV_ABS)), "")

    @property
    def doi_iri(self) -> str:
        return next((i for i in self.same_as if i.startswith("https://doi.org/")), "")

    @property
    def year(self) -> int | None:
        return int(self.issued[:4]) if self.issued[:4].isdigit() else None

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        words = self.abstract.split()
        return "(untitled) " + " ".join(words[:12]) + (" …" if len(words) > 12 else "")

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.issued, self.label.casefold(), self.iri)


@dataclass(frozen=True)
class Metrics:
    """A kg:MetricsObservation: what one profile page showed on one day."""

    iri: str
    page: str
    file: str
    observed_at: str
    h_index: str | None = None
    paper_count: str | None = None
    citation_count: str | None = None
    listed_paper_count: str | None = None
    novelty: str | None = None
    ai_score: str | None = None
    primary_category: str | None = None


@dataclass(frozen=True)
class Agent:
    """A schema:Person or a kg:AmbiguousCreator."""

    iri: str
    name: str
    ambiguous: bool = False
    candidates: tuple[str, ...] = ()  # kg:possibleActualCreator
    candidate_of: tuple[str, ...] = ()  # the ambiguous creators listing this person
    metrics: tuple[Metrics, ...] = ()  # oldest first: the last is "the" metrics
    profile_pages: tuple[str, ...] = ()  # pages whose foaf:primaryTopic this is
    inferred_pages: tuple[str, ...] = ()  # header-less pages whose kg:inferredOwner this is


@dataclass(frozen=True)
class Topic:
    iri: str
    notation: str
    label: str
    ambiguous: bool = False
    candidates: tuple[str, ...] = ()  # kg:candidateCategory
    candidate_for: tuple[str, ...] = ()  # ambiguous site codes that may mean this
    broader: str | None = None
    scheme: str | None = None


@dataclass(frozen=True)
class SourcePage:
    iri: str
    file: str
    layout: str = ""
    captured: str = ""
    sha256: str = ""
    primary_topic: str | None = None
    date_source: str = ""  # kg:captureDateSource: "folder" or "option"
    inferred_owner: str | None = None  # never the printed owner: a rule's guess
    owner_evidence: int | None = None  # kg:inferredOwnerEvidence: full author lists seen


@dataclass(frozen=True)
class VoidCount:
    """One of the dataset's VoID statistics: ``void:triples`` -> ("triples", 1234)."""

    name: str  # the VoID property's local name
    value: int


@dataclass(frozen=True)
class ClassPartition:
    """A ``void:classPartition``: the entities of one class."""

    cls: str  # the class IRI
    entities: int


@dataclass(frozen=True)
class Dataset:
    iri: str
    graph: str
    title: str = ""
    description: str = ""
    created: str = ""
    counts: tuple[VoidCount, ...] = ()
    partitions: tuple[ClassPartition, ...] = ()


@dataclass(frozen=True)
class Site:
    """Everything the pages show, keyed by IRI, each mapping sorted by key."""

    dataset: Dataset | None
    papers: dict[str, Paper]
    agents: dict[str, Agent]
    topics: dict[str, Topic]
    pages: dict[str, SourcePage]
    concept_labels: dict[str, str] = field(default_factory=dict)  # any skos:Concept
