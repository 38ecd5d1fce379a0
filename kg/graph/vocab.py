"""Namespaces: the closed ``KG`` namespace mirroring ``ontology/kg.ttl``, plus the standard ones.

``KG`` has one annotated attribute per term declared in ``kg.ttl`` (tests/graph/test_ontology.py
fails when the two drift apart) and ``_fail = True``, so a misspelt term raises instead of
minting a new IRI. ``PREFIXES`` is the prefix map every serialisation binds.
"""

# No ``from __future__ import annotations``: DefinedNamespace.as_jsonld_context() reads the
# annotations as classes, not strings.

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

__all__ = [
    "ARXIV",
    "BIDO",
    "DCAT",
    "DCTERMS",
    "FABIO",
    "FOAF",
    "KG",
    "OWL",
    "PREFIXES",
    "PRO",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "VOID",
    "XSD",
]


class KG(DefinedNamespace):
    """The ``kg:`` ontology, https://w3id.org/kg/ns# (see ontology/kg.ttl)."""

    _NS = Namespace("https://w3id.org/kg/ns#")
    _fail = True

    # Classes
    Authorship: URIRef
    AmbiguousCreator: URIRef
    UntitledArticle: URIRef
    AmbiguousTopic: URIRef
    SourcePage: URIRef
    Listing: URIRef
    MetricsObservation: URIRef
    MetadataSnapshot: URIRef
    CodeEvidence: URIRef

    # Individuals of kg:CodeEvidence
    CodeFlagEvidence: URIRef
    AbstractUrlEvidence: URIRef

    # Paper and authorship
    hasAuthorship: URIRef
    authorshipOf: URIRef
    author: URIRef
    ordinal: URIRef
    printedName: URIRef
    arxivName: URIRef
    possibleActualCreator: URIRef
    authorListComplete: URIRef
    shownAuthorCount: URIRef
    issuedYearInferred: URIRef
    affiliatedOrganization: URIRef

    # Code availability
    hasCode: URIRef
    codeEvidence: URIRef
    hasCodeRepository: URIRef
    repositoryOf: URIRef

    # Topics
    candidateCategory: URIRef
    crossListedIn: URIRef

    # Pages
    sha256: URIRef
    capturedOn: URIRef
    captureDateSource: URIRef
    seenAgainOn: URIRef
    pageLayout: URIRef
    inferredOwner: URIRef
    inferredOwnerEvidence: URIRef

    # The graph over time (issue #16)
    firstSeen: URIRef
    lastSeen: URIRef

    # Listings
    onPage: URIRef
    line: URIRef
    listedPaper: URIRef
    recordForm: URIRef
    printedCategory: URIRef
    printedDate: URIRef
    codeFlag: URIRef
    score: URIRef
    printedAuthorCount: URIRef

    # Metrics observations
    observedOn: URIRef
    observedAt: URIRef
    hIndex: URIRef
    paperCount: URIRef
    citationCount: URIRef
    listedPaperCount: URIRef
    noveltyPercent: URIRef
    aiScore: URIRef
    primaryCategory: URIRef

    # Statistics (qb:Observation subclasses, computed by every build)
    TopicYearObservation: URIRef
    PageListingObservation: URIRef
    OrganisationPairObservation: URIRef
    topic: URIRef
    year: URIRef
    page: URIRef
    organisation: URIRef
    numberOfPapers: URIRef
    numberOfPapersWithCode: URIRef
    numberOfYearInferredPapers: URIRef
    numberOfListings: URIRef
    numberOfCompleteAuthorLists: URIRef
    numberOfTruncatedAuthorLists: URIRef
    numberOfEmptyAuthorLists: URIRef
    numberOfOwnerHiddenListings: URIRef
    numberOfSharedPapers: URIRef
    firstSharedPaper: URIRef

    # Statistics for the person, paper and listing questions (kg/graph/tables.py)
    MultiPagePaperObservation: URIRef
    paper: URIRef
    numberOfPages: URIRef
    numberOfDisagreeingFields: URIRef
    coauthor: URIRef
    CodeFlagDisagreement: URIRef
    FlagWithoutRepository: URIRef
    RepositoryWithoutFlag: URIRef
    codeFlagDisagreement: URIRef


SCHEMA = Namespace("https://schema.org/")
FABIO = Namespace("http://purl.org/spar/fabio/")
PRO = Namespace("http://purl.org/spar/pro/")
BIDO = Namespace("http://purl.org/spar/bido/")
ARXIV = Namespace("https://w3id.org/kg/arxiv/")

PREFIXES: dict[str, str] = {
    "arxiv": str(ARXIV),
    "bido": str(BIDO),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "fabio": str(FABIO),
    "foaf": str(FOAF),
    "kg": str(KG),
    "owl": str(OWL),
    "pro": str(PRO),
    "prov": str(PROV),
    "qb": str(QB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "void": str(VOID),
    "xsd": str(XSD),
}
