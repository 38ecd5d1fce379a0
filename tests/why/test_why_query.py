"""The terms ``kg why`` reads: N-Triples, prefixed names and Turtle shorthands (pure)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import UsageError
from kg.export.files import prefixes_for
from kg.why.query import Query, compact, parse_query, tokens

BASE = "https://kg.example.org/"
PREFIXES = prefixes_for(BASE)
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_one_iri_is_an_entity() -> None:
    assert parse_query(["paper:abc"], PREFIXES) == Query(ox.NamedNode(f"{BASE}paper/abc"))
    assert parse_query([f"<{BASE}paper/abc>"], PREFIXES) == parse_query(
        [f"{BASE}paper/abc"], PREFIXES
    )


def test_a_prefixed_local_part_is_taken_as_it_is() -> None:
    """Page and listing IRIs hold '/' and '.', which Turtle's local names do not allow."""
    query = parse_query(["page:2026-11-24/p.txt/L19"], PREFIXES)
    assert query.subject.value == f"{BASE}page/2026-11-24/p.txt/L19"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("3", ox.Literal("3", datatype=ox.NamedNode(f"{XSD}integer"))),
        ("23.3", ox.Literal("23.3", datatype=ox.NamedNode(f"{XSD}decimal"))),
        ("true", ox.Literal("true", datatype=ox.NamedNode(f"{XSD}boolean"))),
        ('"2024"^^xsd:gYear', ox.Literal("2024", datatype=ox.NamedNode(f"{XSD}gYear"))),
        ('"a \\"quoted\\" title"', ox.Literal('a "quoted" title')),
        ('"Computation"@en', ox.Literal("Computation", language="en")),
        ("arxiv:cs.CL", ox.NamedNode("https://w3id.org/kg/arxiv/cs.CL")),
    ],
)
def test_objects(written: str, expected: ox.NamedNode | ox.Literal) -> None:
    query = parse_query([f"paper:x kg:p {written}"], PREFIXES)
    assert query.object == expected


def test_a_as_rdf_type_and_a_final_dot() -> None:
    query = parse_query(["paper:x a schema:ScholarlyArticle ."], PREFIXES)
    assert query.predicate == ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert tokens("paper:x a schema:ScholarlyArticle.") == [
        "paper:x",
        "a",
        "schema:ScholarlyArticle",
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        ["nope:x"],
        ["paper:x kg:p"],
        ["paper:x", "kg:p"],
        ['"a literal"'],
        ['"literal" kg:p paper:x'],
        ["paper:x kg:p bare words"],
        ["_:b kg:p paper:x"],
        ["<no spaces allowed> kg:p paper:x"],
        ['paper:x kg:p "unterminated'],
    ],
)
def test_malformed(arguments: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_query(arguments, PREFIXES)


def test_compact_shows_prefixed_names() -> None:
    assert compact(ox.NamedNode(f"{BASE}paper/abc"), PREFIXES) == "paper:abc"
    assert compact(ox.NamedNode("https://elsewhere.org/x"), PREFIXES) == "<https://elsewhere.org/x>"
    typed = ox.Literal("3", datatype=ox.NamedNode(f"{XSD}integer"))
    assert compact(typed, PREFIXES) == '"3"^^xsd:integer'
