"""The build's statistics (kg/statistics.py) equal the same counts made with SPARQL over the
data graphs, on the seeds and on a generated corpus with every layout, truncation,
organisations and year-less dates; and the saved queries that read them answer as the
queries over the data did (their seed answers are pinned in tests/test_queries.py)."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from kgtest import solution_rows

from kg.graph.identity import Iris
from kg.graph.statistics import statistics, string_value, take_census

PREFIXES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def rows(store: ox.Store, query: str) -> Counter[tuple[str, ...]]:
    return solution_rows(store, PREFIXES + query)


# Each pair: the count over the data (as the saved queries made it before issue 5's
# statistics), and the same columns read from the observations.
TOPIC_YEAR = (
    """SELECT ?concept ?year (COUNT(?paper) AS ?papers) (COUNT(?code) AS ?with_code)
              (COUNT(?inferred) AS ?year_inferred)
       WHERE { ?paper dcterms:subject ?concept ; dcterms:issued ?issued .
               ?concept skos:notation ?notation .
               OPTIONAL { ?paper kg:hasCode true BIND (1 AS ?code) }
               OPTIONAL { ?paper kg:issuedYearInferred true BIND (1 AS ?inferred) }
               BIND (YEAR(?issued) AS ?year) }
       GROUP BY ?concept ?year""",
    """SELECT ?concept ?year ?papers ?with_code ?year_inferred
       WHERE { ?o a kg:TopicYearObservation , qb:Observation ; kg:topic ?concept ; kg:year ?year ;
               kg:numberOfPapers ?papers ; kg:numberOfPapersWithCode ?with_code ;
               kg:numberOfYearInferredPapers ?year_inferred }""",
)
PAGE_LISTINGS = (
    """SELECT ?source (COUNT(?listing) AS ?listings) (COUNT(?complete) AS ?whole)
              (COUNT(?listing) - COUNT(?complete) - COUNT(?empty) AS ?truncated)
              (COUNT(?empty) AS ?none) (COUNT(?hidden) AS ?hidden_owner)
       WHERE { ?listing kg:onPage ?source ; kg:listedPaper ?paper .
               ?source dcterms:identifier ?id .
               OPTIONAL { ?paper kg:authorListComplete true BIND (1 AS ?complete) }
               OPTIONAL { ?paper kg:shownAuthorCount 0 BIND (1 AS ?empty) }
               OPTIONAL { ?source foaf:primaryTopic ?person
                          FILTER NOT EXISTS { ?a kg:authorshipOf ?paper ; kg:author ?person } }
               BIND (IF(BOUND(?person), 1, ?unbound) AS ?hidden) }
       GROUP BY ?source""",
    """SELECT ?source ?listings ?whole ?truncated ?none ?hidden_owner
       WHERE { ?o a kg:PageListingObservation , qb:Observation ; kg:page ?source ;
               kg:numberOfListings ?listings ; kg:numberOfCompleteAuthorLists ?whole ;
               kg:numberOfTruncatedAuthorLists ?truncated ; kg:numberOfEmptyAuthorLists ?none ;
               kg:numberOfOwnerHiddenListings ?hidden_owner }""",
)
ORGANISATION_PAIRS = (
    """SELECT ?org1 ?org2 (COUNT(DISTINCT ?paper) AS ?papers) (MIN(?title) AS ?first)
       WHERE { ?paper kg:affiliatedOrganization ?org1 , ?org2 .
               ?org1 skos:notation ?n1 . ?org2 skos:notation ?n2 .
               FILTER (STR(?org1) < STR(?org2))
               OPTIONAL { ?paper dcterms:title ?title } }
       GROUP BY ?org1 ?org2""",
    """SELECT ?org1 ?org2 ?papers ?first
       WHERE { ?o a kg:OrganisationPairObservation , qb:Observation ;
               kg:organisation ?org1 , ?org2 ; kg:numberOfSharedPapers ?papers .
               FILTER (STR(?org1) < STR(?org2))
               OPTIONAL { ?o kg:firstSharedPaper/dcterms:title ?first } }""",
)
TABLES = {"topic-year": TOPIC_YEAR, "page-listings": PAGE_LISTINGS, "pairs": ORGANISATION_PAIRS}


@pytest.mark.parametrize("table", TABLES)
def test_observations_equal_the_count_over_the_data(
    table: str, graph: tuple[ox.Store, ox.Store]
) -> None:
    data, stats = graph
    over_data, observed = TABLES[table]
    expected = rows(data, over_data)
    assert expected, "the fixture exercises nothing"
    assert rows(stats, observed) == expected


def test_every_observation_is_in_its_table(graph: tuple[ox.Store, ox.Store]) -> None:
    _, stats = graph
    tables = rows(stats, "SELECT ?t ?title WHERE { ?t a qb:DataSet ; dcterms:title ?title }")
    assert len(tables) == 4  # and multi-page-papers, of kg/graph/tables.py (test_tables.py)
    per_table = rows(stats, "SELECT ?t WHERE { ?o a qb:Observation ; qb:dataSet ?t }")
    assert {t for (t,) in per_table} == {t for t, _ in tables}


def test_statistics_do_not_depend_on_the_order_of_the_triples() -> None:
    heads = [
        "<x:p1> <http://purl.org/dc/terms/subject> <x:c>",
        '<x:p1> <http://purl.org/dc/terms/issued> "2024-05-01"^^<http://www.w3.org/2001/XMLSchema#date>',
        "<x:p2> <http://purl.org/dc/terms/subject> <x:c>",
        '<x:p2> <http://purl.org/dc/terms/issued> "2024"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        '<x:c> <http://www.w3.org/2004/02/skos/core#notation> "c"',
        "<x:p1> <https://w3id.org/kg/ns#affiliatedOrganization> <x:b>",
        "<x:p1> <https://w3id.org/kg/ns#affiliatedOrganization> <x:a>",
        '<x:a> <http://www.w3.org/2004/02/skos/core#notation> "a"',
        '<x:b> <http://www.w3.org/2004/02/skos/core#notation> "b"',
    ]
    iris = Iris("https://kg.example.org/")
    forwards = sorted(statistics(take_census(heads).facts, iris))
    assert forwards == sorted(statistics(take_census(heads[::-1]).facts, iris))
    papers = [o for s, p, o in forwards if p.endswith("#numberOfPapers>")]
    assert papers == ['"2"^^<http://www.w3.org/2001/XMLSchema#integer>']  # date and gYear: 2024


@pytest.mark.parametrize(
    ("literal", "value"),
    [('"plain"', "plain"), ('"a\\"b\\\\c"', 'a"b\\c'), ('"tab\\there\\u0001"', "tab\there\x01")],
)
def test_string_value_reads_escapes(literal: str, value: str) -> None:
    assert string_value(literal) == value
