"""SHACL shapes and `kg validate` (issue 4).

Every shape has a case: a small graph that conforms to it and one that violates it, and the
test asserts the exact sh:sourceShape and focus node reported. The cases are copies of
tests/cases_shapes/base.ttl, each under its own base IRI with one thing broken, validated
together (two validations for all cases keep the suite fast).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from kgtest import run
from rdflib.namespace import SH

import kg.shacl.run as validation
from kg.config import Settings
from kg.pipeline import build_from_paths
from kg.shacl.run import Report, Severity, load_shapes, report_json, report_text, validate

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases_shapes"
BASE_TTL = (CASES / "base.ttl").read_text(encoding="utf-8")
PREFIXES = "".join(line + "\n" for line in BASE_TTL.splitlines() if line.startswith("@prefix"))
BASE = "https://kg.example.org/"
KGSH = "https://w3id.org/kg/shapes#"

P = "paper:0123456789ab"
U = "paper:a0123456789ab"
A1 = "<https://kg.example.org/paper/0123456789ab/authorship/1>"
A2 = "<https://kg.example.org/paper/0123456789ab/authorship/2>"
L1 = "<https://kg.example.org/page/p1.txt/L10>"
L2 = "<https://kg.example.org/page/p2.txt/L5>"
M = "<https://kg.example.org/page/p1.txt/metrics>"
R = "<https://kg.example.org/repo/github.com/ann/tool>"
D = "data:dataset"
PART = "<https://kg.example.org/dataset/class/0123456789>"
GHOST = "<https://kg.example.org/person/Ghost>"
TY_TABLE = "<https://kg.example.org/statistics/topic-year>"
TY = "<https://kg.example.org/statistics/topic-year/0123456789-2025>"
PAGE_OBS = "<https://kg.example.org/statistics/page-listings/0123456789>"
ORG_PAIR = "<https://kg.example.org/statistics/organisation-pairs/0123456789>"
SHA = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"


@dataclass(frozen=True)
class Case:
    shape: str  # local name in kgsh:
    focus: str  # prefixed name or <IRI> of the base graph; "_:" for any blank node
    remove: str = ""  # triples (Turtle) deleted from the base to break it
    add: str = ""  # triples (Turtle) added to the base to break it
    severity: str = "violation"
    good_remove: str = ""  # for notes that the base raises by design: how to silence them
    good_add: str = ""
    variant: str = ""

    @property
    def id(self) -> str:
        return self.shape + (f"[{self.variant}]" if self.variant else "")


def c(shape: str, focus: str, remove: str = "", add: str = "", **kw: str) -> Case:
    return Case(shape, focus, remove, add, **kw)


W, I = {"severity": "warning"}, {"severity": "info"}  # noqa: E741

CASES_TABLE = [
    # -- papers ----------------------------------------------------------------------------
    c(
        "PaperShape",
        "<https://kg.example.org/paper/XYZ>",
        add="<https://kg.example.org/paper/XYZ> a schema:ScholarlyArticle .",
    ),
    c("Paper-type", P, f"{P} a fabio:Preprint ."),
    c("Paper-type", P, add=f"{P} a schema:Book .", variant="closed list"),
    c("Paper-title", P, add=f'{P} dcterms:title "Another title" .'),
    c("Paper-abstract", P, add=f'{P} dcterms:abstract "" .'),
    c("Paper-issued", P, add=f'{P} dcterms:issued "2025-03-02"^^xsd:date .'),
    c("UntitledArticle-title", U, add=f'{U} dcterms:title "A title after all" .'),
    c("PaperUntitledShape", U, f"{U} a kg:UntitledArticle ."),
    c(
        "Paper-issued",
        P,
        f'{P} dcterms:issued "2025-03-01"^^xsd:date .',
        f'{P} dcterms:issued "1 March 2025"^^xsd:date .',
        variant="pattern",
    ),
    c(
        "Paper-issuedPresent",
        U,
        f'{U} dcterms:issued "2024"^^xsd:gYear . {U} kg:issuedYearInferred false .',
        **W,
    ),
    c(
        "Paper-issuedYearInferred",
        P,
        f"{P} kg:issuedYearInferred false .",
        f'{P} kg:issuedYearInferred "no" .',
    ),
    c(
        "Paper-yearInferredNote",
        P,
        f"{P} kg:issuedYearInferred false .",
        f"{P} kg:issuedYearInferred true .",
        **I,
    ),
    c("Paper-subject", P, add=f"{P} dcterms:subject arxiv:math.CO ."),
    c(
        "Paper-subject",
        P,
        add=f"{P} dcterms:subject <https://kg.example.org/topic/XX> .",
        variant="dangling",
    ),
    c("Paper-isPartOf", P, f"{P} schema:isPartOf venue:arxiv ."),
    c("Paper-authorListComplete", P, f"{P} kg:authorListComplete true ."),
    c(
        "Paper-shownAuthorCount",
        P,
        f"{P} kg:shownAuthorCount 2 .",
        f'{P} kg:shownAuthorCount "2" .',
    ),
    c(
        "Paper-noAuthorsNote",
        U,
        **I,
        good_add=f"{U} kg:hasAuthorship <{BASE}paper/a0123456789ab/authorship/1> .",
    ),
    c("Paper-hasAuthorship", P, add=f"{P} kg:hasAuthorship <https://kg.example.org/nothing> ."),
    c("Paper-creator", P, add=f'{P} dcterms:creator "Ann Lee" .'),
    c("Paper-affiliatedOrganization", P, add=f"{P} kg:affiliatedOrganization org:ghost ."),
    c("Paper-hasCode", P, f"{P} kg:hasCode true ."),
    c("Paper-codeEvidence", P, add=f"{P} kg:codeEvidence kg:Rumour ."),
    c(
        "Paper-hasCodeRepository",
        P,
        add=f"{P} kg:hasCodeRepository <https://kg.example.org/repo/github.com/x/y> .",
    ),
    c("Paper-seeAlso", P, add=f"{P} rdfs:seeAlso <mailto:ann@example.org> ."),
    c("Paper-listedOn", U, f"{L2} kg:listedPaper {U} ."),
    c("PaperTextShape", P, f'{P} dcterms:title "A titled paper" .'),
    c(
        "PaperTextShape",
        U,
        f'{U} dcterms:abstract "An abstract without a title." .',
        variant="untitled",
    ),
    c(
        "PaperIssuedTypeShape",
        P,
        f'{P} dcterms:issued "2025-03-01"^^xsd:date .',
        f'{P} dcterms:issued "2025-03-01" .',
    ),
    c(
        "PaperIssuedTypeShape",
        P,
        f'{P} dcterms:issued "2025-03-01"^^xsd:date .',
        f'{P} dcterms:issued "2025-13-45"^^xsd:date .',
        variant="invalid date",
    ),
    c("PaperCodeShape", P, f"{P} kg:hasCode true .", f"{P} kg:hasCode false ."),
    c(
        "PaperCodeShape",
        U,
        f"{U} kg:hasCode false .",
        f"{U} kg:hasCode true .",
        variant="no evidence",
    ),
    c("PaperCreatorShape", P, add=f"{P} dcterms:creator {GHOST} ."),
    c("AuthorOrdinalsShape", P, f"{A2} kg:ordinal 2 .", f"{A2} kg:ordinal 1 .", variant="repeat"),
    c("AuthorOrdinalsShape", P, f"{A2} kg:ordinal 2 .", f"{A2} kg:ordinal 3 .", variant="gap"),
    c(
        "AuthorOrdinalsShape",
        P,
        f"{A1} kg:ordinal 1 . {A2} kg:ordinal 2 .",
        f"{A1} kg:ordinal 2 . {A2} kg:ordinal 3 .",
        variant="from 2",
    ),
    c("AuthorCountShape", P, f"{P} kg:shownAuthorCount 2 .", f"{P} kg:shownAuthorCount 3 ."),
    c(
        "AuthorCountShape",
        P,
        f"{P} kg:shownAuthorCount 2 . {P} kg:authorListComplete true .",
        f"{P} kg:shownAuthorCount 1 . {P} kg:authorListComplete false .",
        variant="truncated",
    ),
    c(
        "AuthorListShape",
        U,
        f"{U} kg:authorListComplete false .",
        f"{U} kg:authorListComplete true .",
    ),
    c(
        "IssuedBeforeCaptureShape",
        P,
        f'{P} dcterms:issued "2025-03-01"^^xsd:date .',
        f'{P} dcterms:issued "2026-12-01"^^xsd:date .',
        **W,
    ),
    c(
        "IssuedBeforeCaptureShape",
        U,
        f'{U} dcterms:issued "2024"^^xsd:gYear .',
        f'{U} dcterms:issued "2027"^^xsd:gYear .',
        variant="year",
        **W,
    ),
    # -- authorships -----------------------------------------------------------------------
    c(
        "AuthorshipShape",
        "<https://kg.example.org/authorship/1>",
        add="<https://kg.example.org/authorship/1> a kg:Authorship .",
    ),
    c("Authorship-authorshipOf", A1, f"{A1} kg:authorshipOf {P} ."),
    c("Authorship-inverse", A1, add=f"{U} kg:hasAuthorship {A1} ."),
    c("Authorship-author", A1, f"{A1} kg:author person:Ann_Lee ."),
    c("Authorship-ordinal", A1, f"{A1} kg:ordinal 1 .", f'{A1} kg:ordinal "1" .'),
    c("Authorship-ordinal", A1, f"{A1} kg:ordinal 1 .", f"{A1} kg:ordinal 0 .", variant="zero"),
    c("Authorship-printedName", A1, f'{A1} kg:printedName "Ann Lee" .'),
    c("AuthorAgentShape", A1, f"{A1} kg:author person:Ann_Lee .", f"{A1} kg:author {GHOST} ."),
    # -- people and organisations -------------------------------------------------------------
    c(
        "PersonShape",
        "<https://kg.example.org/people/x>",
        add='<https://kg.example.org/people/x> a schema:Person , foaf:Person ; foaf:name "X" .',
    ),
    c("Person-type", "person:Ann_Lee", add="person:Ann_Lee a kg:AmbiguousCreator ."),
    c("Person-name", "person:Ann_Lee", 'person:Ann_Lee foaf:name "Ann Lee" .'),
    c(
        "Person-metrics",
        "person:Ann_Lee",
        add="person:Ann_Lee bido:holdsBibliometricDataInTime <https://kg.example.org/nothing> .",
    ),
    c(
        "AmbiguousCreatorShape",
        "<https://kg.example.org/who/X>",
        add='<https://kg.example.org/who/X> a kg:AmbiguousCreator ; foaf:name "X" .',
    ),
    c("AmbiguousCreator-type", "person:Bo_Wu", add="person:Bo_Wu a schema:Person ."),
    c("AmbiguousCreator-name", "person:Bo_Wu", 'person:Bo_Wu foaf:name "Bo Wu" .'),
    c(
        "AmbiguousCreator-candidates",
        "person:Bo_Wu",
        "person:Bo_Wu kg:possibleActualCreator <https://kg.example.org/person/Bo_Wu/2> .",
    ),
    c(
        "AmbiguousCreator-note",
        "person:Bo_Wu",
        **I,
        good_remove=f"person:Bo_Wu kg:possibleActualCreator <{BASE}person/Bo_Wu/2> .",
    ),
    c(
        "OrganizationShape",
        "<https://kg.example.org/orgs/x>",
        add="<https://kg.example.org/orgs/x> a schema:Organization , foaf:Organization ;"
        ' skos:notation "x" .',
    ),
    c("Organization-type", "org:pku", "org:pku a foaf:Organization ."),
    c(
        "Organization-notation",
        "org:pku",
        'org:pku skos:notation "pku" .',
        'org:pku skos:notation "PKU" .',
    ),
    c("Organization-name", "org:pku", add='org:pku schema:name "PKU" .'),
    c("Organization-namePresent", "org:pku", 'org:pku schema:name "Peking University" .', **W),
    # -- venue and repositories ------------------------------------------------------------------
    c(
        "VenueShape",
        "<https://kg.example.org/series/x>",
        add='<https://kg.example.org/series/x> a schema:CreativeWorkSeries ; schema:name "X" ;'
        " schema:url <https://x.org/> .",
    ),
    c("Venue-name", "venue:arxiv", 'venue:arxiv schema:name "arXiv" .'),
    c(
        "Venue-url",
        "venue:arxiv",
        "venue:arxiv schema:url <https://arxiv.org/> .",
        'venue:arxiv schema:url "arxiv.org" .',
    ),
    c(
        "SoftwareSourceCodeShape",
        "<https://kg.example.org/repo/example.org/x>",
        add="<https://kg.example.org/repo/example.org/x> a schema:SoftwareSourceCode .",
    ),
    c(
        "SoftwareSourceCode-codeRepository",
        R,
        f'{R} schema:codeRepository "https://github.com/ann/tool"^^xsd:anyURI .',
        f'{R} schema:codeRepository "https://example.org/ann/tool"^^xsd:anyURI .',
    ),
    c("SoftwareSourceCode-repositoryOf", R, f"{R} kg:repositoryOf {P} ."),
    c("SoftwareSourceCode-inverse", R, add=f"{R} kg:repositoryOf {U} ."),
    # -- topics ----------------------------------------------------------------------------------
    c("TopicShape", "topic:CO", "topic:CO a kg:AmbiguousTopic ."),
    c(
        "Topic-notation",
        "topic:CO",
        'topic:CO skos:notation "CO" .',
        'topic:CO skos:notation "C O" .',
    ),
    c("Topic-prefLabel", "topic:CO", 'topic:CO skos:prefLabel "arXiv code CO (ambiguous)" .'),
    c("Topic-inScheme", "topic:CO", "topic:CO skos:inScheme topic: ."),
    c("Topic-broader", "topic:CO", add="topic:CO skos:broader <https://kg.example.org/nothing> ."),
    c(
        "Topic-topConceptOf",
        "topic:CO",
        add="topic:CO skos:topConceptOf <https://kg.example.org/nothing> .",
    ),
    c(
        "TopicNotationShape",
        "topic:CO",
        'topic:CO skos:notation "CO" .',
        'topic:CO skos:notation "CX" .',
    ),
    c(
        "AmbiguousTopicShape",
        "<https://kg.example.org/code/XX>",
        add="<https://kg.example.org/code/XX> a kg:AmbiguousTopic , skos:Concept ;"
        ' skos:notation "XX" .',
    ),
    c("AmbiguousTopic-type", "topic:CO", "topic:CO a skos:Concept ."),
    c(
        "AmbiguousTopic-candidates",
        "topic:CO",
        add="topic:CO kg:candidateCategory <https://kg.example.org/nothing> .",
    ),
    c(
        "AmbiguousTopic-ambiguous",
        "topic:CO",
        **W,
        good_remove="topic:CO kg:candidateCategory arxiv:stat.CO .",
    ),
    c(
        "AmbiguousTopic-unknown",
        "topic:CO",
        "topic:CO kg:candidateCategory arxiv:math.CO , arxiv:stat.CO .",
        **W,
    ),
    c("ConceptSchemeShape", "_:", add='[] a skos:ConceptScheme ; skos:prefLabel "blank" .'),
    c(
        "ConceptScheme-prefLabel",
        "topic:",
        'topic: skos:prefLabel "Category codes as the site prints them" .',
    ),
    c(
        "ConceptScheme-hasTopConcept",
        "topic:",
        add="topic: skos:hasTopConcept <https://kg.example.org/nothing> .",
    ),
    # -- pages, listings, metrics ----------------------------------------------------------------
    c(
        "SourcePageShape",
        "<https://kg.example.org/pages/x.txt>",
        add="<https://kg.example.org/pages/x.txt> a kg:SourcePage .",
    ),
    c("SourcePage-type", "page:p1.txt", "page:p1.txt a prov:Entity ."),
    c("SourcePage-identifier", "page:p1.txt", 'page:p1.txt dcterms:identifier "p1.txt" .'),
    c(
        "SourcePage-sha256",
        "page:p1.txt",
        f'page:p1.txt kg:sha256 "{SHA}" .',
        f'page:p1.txt kg:sha256 "{SHA.upper()}" .',
    ),
    c(
        "SourcePage-capturedOn",
        "page:p1.txt",
        'page:p1.txt kg:capturedOn "2026-11-24"^^xsd:date .',
        'page:p1.txt kg:capturedOn "24 Nov 2026" .',
    ),
    c(
        "SourcePage-layout",
        "page:p1.txt",
        'page:p1.txt kg:pageLayout "profile" .',
        'page:p1.txt kg:pageLayout "blog" .',
    ),
    c(
        "SourcePage-primaryTopic",
        "page:p1.txt",
        add="page:p1.txt foaf:primaryTopic <https://kg.example.org/person/Bo_Wu/1> .",
    ),
    c("SourcePage-inDataset", "page:p1.txt", "page:p1.txt void:inDataset data:dataset ."),
    c(
        "PageSubjectShape",
        "page:p1.txt",
        "page:p1.txt foaf:primaryTopic person:Ann_Lee .",
        f"page:p1.txt foaf:primaryTopic {GHOST} .",
    ),
    c(
        "ListingShape",
        "<https://kg.example.org/listing/1>",
        add="<https://kg.example.org/listing/1> a kg:Listing .",
    ),
    c("Listing-onPage", L1, f"{L1} kg:onPage page:p1.txt ."),
    c(
        "Listing-derivedFrom",
        L1,
        f"{L1} prov:wasDerivedFrom page:p1.txt .",
        f"{L1} prov:wasDerivedFrom page:p2.txt .",
    ),
    c("Listing-line", L1, f"{L1} kg:line 10 .", f'{L1} kg:line "10" .'),
    c(
        "Listing-listedPaper",
        L1,
        f"{L1} kg:listedPaper {P} .",
        f"{L1} kg:listedPaper paper:ffffffffffff .",
    ),
    c(
        "Listing-recordForm",
        L1,
        f'{L1} kg:recordForm "separate" .',
        f'{L1} kg:recordForm "inline" .',
    ),
    c("Listing-codeFlag", L1, f"{L1} kg:codeFlag true ."),
    c(
        "Listing-printedAuthorCount",
        L1,
        f"{L1} kg:printedAuthorCount 2 .",
        f"{L1} kg:printedAuthorCount -1 .",
    ),
    c(
        "Listing-printedCategory",
        L1,
        f'{L1} kg:printedCategory "CL" .',
        f'{L1} kg:printedCategory "C L" .',
    ),
    c(
        "Listing-printedDate",
        L1,
        f'{L1} kg:printedDate "2025-03-01" .',
        f'{L1} kg:printedDate "Mar 1" .',
    ),
    c("Listing-score", L1, f"{L1} kg:score 54.1 .", f'{L1} kg:score "high" .'),
    c(
        "MetricsObservationShape",
        "<https://kg.example.org/metrics/x>",
        add="<https://kg.example.org/metrics/x> a kg:MetricsObservation .",
    ),
    c("MetricsObservation-holder", M, f"person:Ann_Lee bido:holdsBibliometricDataInTime {M} ."),
    c("MetricsObservation-observedOn", M, f"{M} kg:observedOn page:p1.txt ."),
    c(
        "MetricsObservation-observedAt",
        M,
        f'{M} kg:observedAt "2026-11-24"^^xsd:date .',
        f'{M} kg:observedAt "2026-11-24" .',
    ),
    c("MetricsObservation-hIndex", M, f"{M} kg:hIndex 1 .", f"{M} kg:hIndex -1 ."),
    c("MetricsObservation-hIndexPapers", M, f"{M} kg:hIndex 1 .", f"{M} kg:hIndex 6 .", **W),
    c("MetricsObservation-paperCount", M, add=f"{M} kg:paperCount 6 ."),
    c(
        "MetricsObservation-citationCount",
        M,
        f"{M} kg:citationCount 10 .",
        f'{M} kg:citationCount "ten" .',
    ),
    c(
        "MetricsObservation-listedPaperCount",
        M,
        f"{M} kg:listedPaperCount 1 .",
        f"{M} kg:listedPaperCount 1.5 .",
    ),
    c(
        "MetricsObservation-noveltyPercent",
        M,
        f'{M} kg:noveltyPercent "44"^^xsd:decimal .',
        f'{M} kg:noveltyPercent "140"^^xsd:decimal .',
    ),
    c(
        "MetricsObservation-aiScore",
        M,
        f'{M} kg:aiScore "60"^^xsd:decimal .',
        f"{M} kg:aiScore 60 .",
    ),
    c(
        "MetricsObservation-primaryCategory",
        M,
        f"{M} kg:primaryCategory arxiv:cs.CL .",
        f"{M} kg:primaryCategory <https://kg.example.org/nothing> .",
    ),
    c(
        "MetricsHolderShape",
        M,
        f"person:Ann_Lee bido:holdsBibliometricDataInTime {M} .",
        f"{GHOST} bido:holdsBibliometricDataInTime {M} .",
    ),
    c(
        "ObservedAtCaptureShape",
        M,
        f'{M} kg:observedAt "2026-11-24"^^xsd:date .',
        f'{M} kg:observedAt "2026-11-23"^^xsd:date .',
    ),
    c("HIndexListedShape", M, f"{M} kg:hIndex 1 .", f"{M} kg:hIndex 3 .", **W),
    c("ListedCountShape", M, f"{M} kg:listedPaperCount 1 .", f"{M} kg:listedPaperCount 2 .", **I),
    # -- the statistics ------------------------------------------------------------
    c(
        "StatisticsTableShape",
        "<https://kg.example.org/tables/x>",
        add='<https://kg.example.org/tables/x> a qb:DataSet ; dcterms:title "x" .',
    ),
    c("StatisticsTable-title", TY_TABLE, f'{TY_TABLE} dcterms:title "Papers per topic and year" .'),
    c("Observation-dataSet", TY, f"{TY} qb:dataSet {TY_TABLE} ."),
    c(
        "Observation-dataSet",
        TY,
        add=f"{TY} qb:dataSet <https://kg.example.org/statistics/other> .",
        variant="not a table",
    ),
    c(
        "TopicYearObservationShape",
        "<https://kg.example.org/statistics/topic-year/cs.CL-2025>",
        add="<https://kg.example.org/statistics/topic-year/cs.CL-2025> a kg:TopicYearObservation .",
    ),
    c("TopicYear-type", TY, f"{TY} a qb:Observation ."),
    c("TopicYear-topic", TY, f"{TY} kg:topic arxiv:cs.CL .", f"{TY} kg:topic {PAGE_OBS} ."),
    c("TopicYear-year", TY, f"{TY} kg:year 2025 .", f'{TY} kg:year "2025"^^xsd:gYear .'),
    c("TopicYear-papers", TY, f"{TY} kg:numberOfPapers 1 .", f"{TY} kg:numberOfPapers 0 ."),
    c("TopicYear-papersWithCode", TY, f"{TY} kg:numberOfPapersWithCode 1 ."),
    c(
        "TopicYear-yearInferredPapers",
        TY,
        f"{TY} kg:numberOfYearInferredPapers 0 .",
        f"{TY} kg:numberOfYearInferredPapers -1 .",
    ),
    c(
        "PageListingObservationShape",
        "<https://kg.example.org/statistics/page-listings/p1>",
        add="<https://kg.example.org/statistics/page-listings/p1> a kg:PageListingObservation .",
    ),
    c("PageListing-type", PAGE_OBS, f"{PAGE_OBS} a qb:Observation ."),
    c(
        "PageListing-page",
        PAGE_OBS,
        f"{PAGE_OBS} kg:page page:p1.txt .",
        f"{PAGE_OBS} kg:page {P} .",
    ),
    c("PageListing-listings", PAGE_OBS, f"{PAGE_OBS} kg:numberOfListings 1 ."),
    c("PageListing-complete", PAGE_OBS, add=f"{PAGE_OBS} kg:numberOfCompleteAuthorLists 2 ."),
    c("PageListing-truncated", PAGE_OBS, f"{PAGE_OBS} kg:numberOfTruncatedAuthorLists 0 ."),
    c(
        "PageListing-empty",
        PAGE_OBS,
        f"{PAGE_OBS} kg:numberOfEmptyAuthorLists 0 .",
        f'{PAGE_OBS} kg:numberOfEmptyAuthorLists "0" .',
    ),
    c("PageListing-ownerHidden", PAGE_OBS, f"{PAGE_OBS} kg:numberOfOwnerHiddenListings 0 ."),
    c(
        "OrganisationPairObservationShape",
        "<https://kg.example.org/statistics/organisation-pairs/pku-thu>",
        add="<https://kg.example.org/statistics/organisation-pairs/pku-thu>"
        " a kg:OrganisationPairObservation .",
    ),
    c("OrganisationPair-type", ORG_PAIR, f"{ORG_PAIR} a qb:Observation ."),
    c("OrganisationPair-organisation", ORG_PAIR, f"{ORG_PAIR} kg:organisation org:thu ."),
    c(
        "OrganisationPair-sharedPapers",
        ORG_PAIR,
        f"{ORG_PAIR} kg:numberOfSharedPapers 1 .",
        f"{ORG_PAIR} kg:numberOfSharedPapers 1.5 .",
    ),
    c("OrganisationPair-firstSharedPaper", ORG_PAIR, add=f"{ORG_PAIR} kg:firstSharedPaper {U} ."),
    # -- the dataset description -------------------------------------------------------------------
    c(
        "DatasetShape",
        "<https://kg.example.org/datasets/x>",
        add="<https://kg.example.org/datasets/x> a void:Dataset .",
    ),
    c("Dataset-type", D, f"{D} a dcat:Dataset ."),
    c("Dataset-title", D, f'{D} dcterms:title "Scholarly knowledge graph built by kg" .'),
    c("Dataset-description", D, add=f'{D} dcterms:description "Another." .'),
    c("Dataset-created", D, f'{D} dcterms:created "2026-11-24"^^xsd:date .'),
    c("Dataset-triples", D, f"{D} void:triples 160 .", f"{D} void:triples -1 ."),
    c("Dataset-entities", D, f"{D} void:entities 30 ."),
    c(
        "Dataset-distinctSubjects",
        D,
        f"{D} void:distinctSubjects 30 .",
        f'{D} void:distinctSubjects "30" .',
    ),
    c("Dataset-properties", D, add=f"{D} void:properties 51 ."),
    c("Dataset-classes", D, f"{D} void:classes 15 .", f'{D} void:classes "15" .'),
    c("Dataset-classPartition", D, f"{PART} void:entities 2 ."),
    c("Dataset-subset", D, add=f"{D} void:subset <https://kg.example.org/page/none.txt> ."),
    c("Dataset-vocabulary", D, add=f'{D} void:vocabulary "kg" .'),
]


# -- helpers ------------------------------------------------------------------------------


def parse(turtle: str, n: int | None = None) -> set[ox.Triple]:
    """Turtle (with the base graph's prefixes), under case n's base IRI if n is given."""
    text = PREFIXES + turtle
    text = rebase(text, n) if n is not None else text
    return {q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}


def rebase(text: str, n: int) -> str:
    return text.replace(BASE, f"{BASE}c{n}/")


def expand(name: str, n: int) -> str:
    """A prefixed name or <IRI> of the base graph, as the IRI case n gives it."""
    if name.startswith("<"):
        return rebase(name[1:-1], n)
    prefix, local = name.split(":", 1)
    namespace = re.search(rf"@prefix {re.escape(prefix)}:\s+<([^>]*)>", PREFIXES)
    assert namespace, name
    return rebase(namespace.group(1) + local, n)


def case_graph(case: Case, n: int, good: bool) -> set[ox.Triple]:
    remove, add = (case.good_remove, case.good_add) if good else (case.remove, case.add)
    triples = parse(BASE_TTL, n)
    gone = parse(remove, n)
    assert gone <= triples, f"{case.id}: removes triples the base does not have"
    return (triples - gone) | parse(add, n)


def found(report: Report, shape: str, focus: str) -> list[validation.Result]:
    iri = KGSH + shape
    return [
        r
        for r in report.results
        if r.shape == iri and (r.focus == focus or (focus == "_:" and r.focus.startswith("_:")))
    ]


def as_quads(triples: Iterable[ox.Triple]) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object) for t in triples]


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def case_reports(shapes: rdflib.Graph) -> tuple[Report, Report]:
    """All good graphs validated together, and all broken ones."""
    good: set[ox.Triple] = set()
    bad: set[ox.Triple] = set()
    for n, case in enumerate(CASES_TABLE):
        good |= case_graph(case, n, good=True)
        bad |= case_graph(case, n, good=False)
    return validate(as_quads(good), shapes=shapes), validate(as_quads(bad), shapes=shapes)


@pytest.fixture(scope="module")
def seed_quads(seeds_dir: Path) -> list[ox.Quad]:
    return build_from_paths([seeds_dir], Settings()).quads


@pytest.fixture(scope="module")
def seed_report(seed_quads: list[ox.Quad], shapes: rdflib.Graph) -> Report:
    return validate(seed_quads, shapes=shapes)


# -- the shapes graph itself -------------------------------------------------------------------


def test_shapes_are_valid_shacl(shapes: rdflib.Graph) -> None:
    """shapes/ conforms to the W3C SHACL-for-SHACL shapes graph (a local copy)."""
    shsh = rdflib.Graph().parse(CASES / "shacl-shacl.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shsh, inference="none")
    assert conforms, text


def test_nested_selects_return_this(shapes: rdflib.Graph) -> None:
    """SHACL requires every subquery of a SPARQL constraint to return $this (so pre-binding it
    means the same everywhere); pySHACL checks only the first subquery."""
    for select in map(str, shapes.objects(None, SH.select)):
        for projection in re.findall(r"\{\s*SELECT\s+(.*?)\s+WHERE\b", select, re.I | re.S):
            assert "$this" in projection.split(), (projection, select)


def test_every_shape_is_documented(shapes: rdflib.Graph) -> None:
    """Every shape says what it checks (sh:message, on it or its SPARQL constraint) and has
    a sh:name or rdfs:comment; nested helper shapes carry an rdfs:comment."""
    named = {s for s in shapes.subjects() if isinstance(s, rdflib.URIRef) and s.startswith(KGSH)}
    shape_types = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint}
    checked = [s for s in named if set(shapes.objects(s, rdflib.RDF.type)) & shape_types]
    assert len(checked) > 100
    for shape in checked:
        messages = list(shapes.objects(shape, SH.message))
        messages += [
            m for c in shapes.objects(shape, SH.sparql) for m in shapes.objects(c, SH.message)
        ]
        assert messages, f"{shape} has no sh:message"
        described = (shape, SH.name, None) in shapes or (shape, rdflib.RDFS.comment, None) in shapes
        assert described, f"{shape} has neither sh:name nor rdfs:comment"
    for helper in shapes.subjects(rdflib.RDF.type, SH.NodeShape):
        if isinstance(helper, rdflib.BNode):
            assert (helper, rdflib.RDFS.comment, None) in shapes


def test_every_shape_has_a_case(shapes: rdflib.Graph) -> None:
    targeted = {str(s) for s in validation._targeted_shapes(shapes)}
    covered = {KGSH + case.shape for case in CASES_TABLE}
    assert targeted == covered, (sorted(targeted - covered), sorted(covered - targeted))


def test_the_base_case_raises_only_its_notes(shapes: rdflib.Graph) -> None:
    report = validate(as_quads(parse(BASE_TTL)), shapes=shapes)
    assert report.conforms
    assert {(r.severity.value, r.shape.removeprefix(KGSH), r.focus) for r in report.results} == {
        ("warning", "AmbiguousTopic-ambiguous", BASE + "topic/CO"),
        ("info", "AmbiguousCreator-note", BASE + "person/Bo_Wu"),
        ("info", "Paper-noAuthorsNote", BASE + "paper/a0123456789ab"),
    }


# -- every shape and SPARQL constraint: a graph that conforms, one that does not --------------


@pytest.mark.parametrize("n", range(len(CASES_TABLE)), ids=[c.id for c in CASES_TABLE])
def test_shape_case(n: int, case_reports: tuple[Report, Report]) -> None:
    case = CASES_TABLE[n]
    good, bad = case_reports
    focus = "_:" if case.focus == "_:" else expand(case.focus, n)
    assert not found(good, case.shape, focus), "the conforming graph was reported"
    results = found(bad, case.shape, focus)
    assert results, f"kgsh:{case.shape} did not report {focus}"
    assert {r.severity.value for r in results} == {case.severity}
    assert all(r.message and "{?" not in r.message for r in results)


# -- the seeds ---------------------------------------------------------------------------------

SEED_NOTES = {
    ("warning", "AmbiguousTopic-ambiguous", "topic/CV"),
    ("warning", "AmbiguousTopic-ambiguous", "topic/SI"),
    ("warning", "AmbiguousTopic-ambiguous", "topic/ST"),
    ("warning", "HIndexListedShape", "page/001_6a2e0b437ba59670.txt/metrics"),
    ("warning", "MetricsObservation-hIndexPapers", "page/001_6a2e0b437ba59670.txt/metrics"),
    ("info", "AmbiguousCreator-note", "person/Xingyu_Lu"),
    ("info", "Paper-yearInferredNote", "paper/223aa7fecf30"),
    ("info", "Paper-yearInferredNote", "paper/a5fd24b938f1"),
    ("info", "Paper-noAuthorsNote", "paper/a54c8bed713ae"),
    ("info", "Paper-noAuthorsNote", "paper/aad7546feb8d5"),
    ("info", "Paper-noAuthorsNote", "paper/ac7f4c854ac7e"),
    ("info", "Paper-noAuthorsNote", "paper/ad3378e6b5587"),
    ("info", "Paper-noAuthorsNote", "paper/adbe6471cc507"),
}


def test_seeds_conform_with_these_notes(seed_report: Report) -> None:
    """Zero violations; the warnings and infos are real (and listed in the README)."""
    assert seed_report.conforms
    assert seed_report.count(Severity.VIOLATION) == 0
    got = {
        (r.severity.value, r.shape.removeprefix(KGSH), r.focus.removeprefix(BASE))
        for r in seed_report.results
    }
    assert got == SEED_NOTES
    h_index = found(
        seed_report, "HIndexListedShape", BASE + "page/001_6a2e0b437ba59670.txt/metrics"
    )
    assert h_index[0].message.startswith("h-index 35 exceeds the 17 papers listed on the page")


def test_results_name_their_source_page_and_line(seed_report: Report) -> None:
    by_focus = {r.focus.removeprefix(BASE): r for r in seed_report.results}
    assert (by_focus["topic/CV"].source, by_focus["topic/CV"].line) == (
        "002_1a5fe52f65ecc1db.txt",
        31,
    )
    assert by_focus["paper/223aa7fecf30"].source == "001_6a2e0b437ba59670.txt"
    assert by_focus["paper/223aa7fecf30"].line == 33
    metrics = by_focus["page/001_6a2e0b437ba59670.txt/metrics"]
    assert (metrics.source, metrics.line) == ("001_6a2e0b437ba59670.txt", None)
    text = report_text(seed_report)
    assert "[002_1a5fe52f65ecc1db.txt:31]" in text
    assert "0 violations, 5 warnings, 8 infos" in text


PAPER = BASE + "paper/0e02fe5046c5"
LISTING = BASE + "page/002_1a5fe52f65ecc1db.txt/L10"
KG = "https://w3id.org/kg/ns#"


def corrupt(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The seed graph with a missing title, a repeated ordinal, a wrong datatype and a
    dangling link (each change made in every page graph that holds the triple)."""
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    edits = {
        (PAPER, "http://purl.org/dc/terms/title"): None,
        (PAPER + "/authorship/3", KG + "ordinal"): ox.Literal("2", datatype=integer),
        (LISTING, KG + "line"): ox.Literal("10"),
        (LISTING, KG + "listedPaper"): ox.NamedNode(BASE + "paper/ffffffffffff"),
    }
    out = []
    for q in quads:
        key = (q.subject.value, q.predicate.value)  # type: ignore[union-attr]
        if key not in edits:
            out.append(q)
        elif edits[key] is not None:
            out.append(ox.Quad(q.subject, q.predicate, edits[key], q.graph_name))  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def corrupted(seed_quads: list[ox.Quad]) -> list[ox.Quad]:
    return corrupt(seed_quads)


def test_a_corrupted_seed_graph_is_caught(corrupted: list[ox.Quad], shapes: rdflib.Graph) -> None:
    report = validate(corrupted, shapes=shapes)
    assert not report.conforms
    violations = {
        (r.shape.removeprefix(KGSH), r.focus): r
        for r in report.results
        if r.severity is Severity.VIOLATION
    }
    title = violations[("PaperTextShape", PAPER)]
    assert title.message.startswith("The paper has no dcterms:title")
    assert title.path == "http://purl.org/dc/terms/title"
    ordinals = violations[("AuthorOrdinalsShape", PAPER)]
    assert ordinals.message.startswith("Author ordinals must be 1..3 without gaps or repeats")
    line = violations[("Listing-line", LISTING)]
    assert line.message == "A listing has exactly one kg:line, an xsd:integer >= 1."
    assert line.value == '"10"'
    dangling = violations[("Listing-listedPaper", LISTING)]
    assert dangling.value == f"<{BASE}paper/ffffffffffff>"
    assert "described schema:ScholarlyArticle" in dangling.message
    assert (dangling.source, dangling.line) == ("002_1a5fe52f65ecc1db.txt", 10)
    untyped = violations[("PaperUntitledShape", PAPER)]  # no title, yet not kg:UntitledArticle
    assert untyped.message.startswith("The paper has no dcterms:title but is not typed")
    assert len(violations) == 5, sorted(violations)  # Listing-line twice: datatype and minimum
    assert report.count(Severity.VIOLATION) == 6


def test_sharded_validation_equals_whole_graph_validation(
    corrupted: list[ox.Quad], shapes: rdflib.Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked workers on shards of focus nodes, SPARQL constraints set-at-a-time: the same
    results as plain pySHACL over the whole graph with every SPARQL query per focus node."""
    monkeypatch.setattr(validation, "INLINE_BELOW", 0)  # shard even this small graph
    sharded = validate(corrupted, shapes=shapes, workers=2)
    whole = validate(corrupted, shapes=shapes, sharded=False)
    assert sharded == whole
    assert sharded.count(Severity.VIOLATION) == 6 and sharded.count(Severity.WARNING) == 5


# -- rendering -------------------------------------------------------------------------------


def test_report_formats(seed_report: Report) -> None:
    document = json.loads(report_json(seed_report))
    assert document["conforms"] is True
    assert document["counts"] == {"info": 8, "violation": 0, "warning": 5}
    assert document["results"][0]["source"] == "002_1a5fe52f65ecc1db.txt"
    turtle = validation.report_turtle(seed_report)
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (None, SH.conforms, rdflib.Literal(True)) in graph
    assert len(set(graph.subjects(rdflib.RDF.type, SH.ValidationResult))) == 13
    assert validation.report_turtle(seed_report) == turtle  # deterministic


# -- the command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("out")
    code, _, stderr = run("build", str(seeds_dir), "-o", str(out))
    assert code == 0, stderr
    return out


def test_build_writes_the_validation_report(built: Path) -> None:
    text = (built / "validation.txt").read_text(encoding="utf-8")
    assert text.startswith("Validation: conforms: 0 violations, 5 warnings, 8 infos")
    graph = rdflib.Graph().parse(built / "validation.ttl", format="turtle")
    assert (None, SH.conforms, rdflib.Literal(True)) in graph


def test_validate_the_built_store(built: Path) -> None:
    code, stdout, stderr = run("validate", "--out", str(built))
    assert code == 0
    assert "WARNING kgsh:AmbiguousTopic-ambiguous (ambiguity): 3 results" in stdout
    assert "[002_1a5fe52f65ecc1db.txt:31] topic:CV" in stdout
    summary = r"conforms: 0 violations, 5 warnings, 8 infos \(\d+ triples, 146 shapes\)"
    assert re.fullmatch(f"kg: validation: {summary}\n", stderr), stderr


def test_validate_files(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(BASE_TTL, encoding="utf-8")
    code, stdout, stderr = run("validate", str(good), "--format", "json")
    assert code == 0, stderr
    assert json.loads(stdout)["counts"] == {"info": 2, "violation": 0, "warning": 1}
    assert run("validate", str(good), "--fail-on", "info")[0] == 1
    assert run("validate", str(good), "--fail-on", "warning")[0] == 1
    assert run("validate", str(good), "--fail-on", "never")[0] == 0
    bad = tmp_path / "bad.nt"
    triples = parse(BASE_TTL) - parse(f'{P} dcterms:title "A titled paper" .')
    bad.write_bytes(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"")
    report_file = tmp_path / "report.ttl"
    code, stdout, stderr = run("validate", str(bad), "--format", "turtle", "-o", str(report_file))
    assert code == 1 and stdout == ""
    assert "2 violations" in stderr  # no title; and so not kg:UntitledArticle either
    graph = rdflib.Graph().parse(report_file, format="turtle")
    assert (None, SH.sourceShape, rdflib.URIRef(KGSH + "PaperTextShape")) in graph
    assert (None, SH.sourceShape, rdflib.URIRef(KGSH + "PaperUntitledShape")) in graph


def test_validate_exit_codes(tmp_path: Path) -> None:
    unknown = tmp_path / "graph.xml"
    unknown.write_text("<rdf/>", encoding="utf-8")
    code, _, stderr = run("validate", str(unknown))
    assert code == 2 and "unknown RDF file extension" in stderr
    code, _, stderr = run("validate", str(tmp_path / "missing.ttl"))
    assert code == 3 and "cannot read" in stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    assert run("validate", str(broken))[0] == 3
    code, _, stderr = run("validate", "--out", str(tmp_path / "nothing"))
    assert code == 3 and "kg build" in stderr
    code, _, stderr = run("validate", str(broken), "--shapes", str(tmp_path / "noshapes"))
    assert code == 3
    assert run("validate", "--fail-on", "sometimes")[0] == 2
