"""The seeds validated (issue 4): the notes they raise by design, where each result came from,
a corrupted copy caught, sharded validation equal to plain pySHACL, and the report formats."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH
from shapecases import BASE, KGSH, LISTING, PAPER, corrupt, found

from kg.shacl.report import Report, Severity, report_json, report_text, report_turtle
from kg.shacl.run import validate


@pytest.fixture(scope="module")
def seed_report(seed_quads: list[ox.Quad], shapes: rdflib.Graph) -> Report:
    return validate(seed_quads, shapes=shapes)


@pytest.fixture(scope="module")
def corrupted(seed_quads: list[ox.Quad]) -> list[ox.Quad]:
    return corrupt(seed_quads)


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
    corrupted: list[ox.Quad], shapes: rdflib.Graph
) -> None:
    """Forked workers on shards of focus nodes, SPARQL constraints set-at-a-time: the same
    results as plain pySHACL over the whole graph with every SPARQL query per focus node."""
    sharded = validate(corrupted, shapes=shapes, workers=2, inline_below=0)  # shard it all
    whole = validate(corrupted, shapes=shapes, sharded=False)
    assert sharded == whole
    assert sharded.count(Severity.VIOLATION) == 6 and sharded.count(Severity.WARNING) == 5


# -- rendering -------------------------------------------------------------------------------


def test_report_formats(seed_report: Report) -> None:
    document = json.loads(report_json(seed_report))
    assert document["conforms"] is True
    assert document["counts"] == {"info": 8, "violation": 0, "warning": 5}
    assert document["results"][0]["source"] == "002_1a5fe52f65ecc1db.txt"
    turtle = report_turtle(seed_report)
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (None, SH.conforms, rdflib.Literal(True)) in graph
    assert len(set(graph.subjects(rdflib.RDF.type, SH.ValidationResult))) == 13
    assert report_turtle(seed_report) == turtle  # deterministic
