"""Golden graph cases: tests/cases/<name>/*.txt -> expected.ttl, compared by isomorphism.

Regenerate with ``pytest tests/graph/test_graph_cases.py --update-golden`` after a deliberate
change, and read the diff before committing it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.export.files import dumps, prefixes_for, sorted_quads
from kg.export.formats import TRIG, format_named
from kg.graph.identity import Iris, encode_name, merge
from kg.graph.mapping import PageInfo, map_records
from kg.graph.reference import TAXONOMY_GRAPH, load_reference
from kg.pipeline import build_graph
from kg.read.pages import read_pages
from kg.read.records import PaperRecord

CASES = Path(__file__).resolve().parents[1] / "cases"
SETTINGS = Settings(capture_date=date(2026, 11, 24))


def case_quads(folder: Path) -> list[ox.Quad]:
    # a case with an arXiv metadata snapshot links its papers (issue #19)
    snapshot = folder / "metadata.jsonl"
    settings = replace(SETTINGS, arxiv_metadata=snapshot if snapshot.is_file() else None)
    built = build_graph(list(read_pages([folder])), settings)
    # The taxonomy graph is the same for every case; golden files hold only the data.
    return [q for q in built.quads if q.graph_name != ox.NamedNode(TAXONOMY_GRAPH)]


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_case(name: str, request: pytest.FixtureRequest) -> None:
    folder = CASES / name
    actual_text = dumps(case_quads(folder), TRIG, prefixes_for(SETTINGS.base_iri))
    expected_path = folder / "expected.trig"
    if request.config.getoption("--update-golden", default=False):
        expected_path.write_bytes(actual_text)
    # We mint no blank nodes, so isomorphism is plain equality of the quad sets; the diff
    # lists what is missing and what is unexpected, one N-Quads line each.
    actual = {str(q) for q in ox.parse(actual_text, format=ox.RdfFormat.TRIG)}
    expected = {str(q) for q in ox.parse(path=str(expected_path), format=ox.RdfFormat.TRIG)}
    if actual != expected:
        pytest.fail(
            f"{name}: graph differs from {expected_path.name} (--update-golden to accept)\n"
            + "".join(f"- {line}\n" for line in sorted(expected - actual))
            + "".join(f"+ {line}\n" for line in sorted(actual - expected))
        )


def _values(quads: list[ox.Quad], predicate: str) -> set[str]:
    return {q.object.value for q in quads if q.predicate.value == predicate}


def test_untitled_abstract_merges_with_its_titled_twin() -> None:
    quads = case_quads(CASES / "abstract-ambiguous")
    papers = {
        q.subject.value
        for q in quads
        if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        and q.object == ox.NamedNode("https://schema.org/ScholarlyArticle")
    }
    assert len(papers) == 2  # the twin merged; the other abstract stands alone
    titled = {
        q.subject.value for q in quads if q.predicate.value == "http://purl.org/dc/terms/title"
    } & papers
    assert len(titled) == 1
    twin = titled.pop()
    listings = {
        q.subject.value
        for q in quads
        if q.predicate.value == "https://w3id.org/kg/ns#listedPaper" and q.object.value == twin
    }
    assert len(listings) == 2  # one on each page


def test_ambiguous_name_is_not_fused() -> None:
    quads = case_quads(CASES / "abstract-ambiguous")
    candidates = _values(quads, "https://w3id.org/kg/ns#possibleActualCreator")
    assert candidates == {
        "https://kg.example.org/person/Mo_Lu/1",
        "https://kg.example.org/person/Mo_Lu/2",
    }
    # the author "Mo Lu" of the titled twin points at the ambiguous node, not at a guess
    authors = _values(quads, "https://w3id.org/kg/ns#author")
    assert "https://kg.example.org/person/Mo_Lu" in authors


def test_unknown_organisation_is_kept_with_a_warning() -> None:
    built = build_graph(list(read_pages([CASES / "profile-basic"])), SETTINGS)
    orgs = _values(built.quads, "http://www.w3.org/2004/02/skos/core#notation")
    assert {"mit", "unknownlab"} <= orgs
    assert any(
        "unknownlab" in d.message and d.severity.value == "warning" for d in built.diagnostics
    )


def test_code_evidence_records_flag_and_url() -> None:
    quads = case_quads(CASES / "profile-basic")
    repos = _values(quads, "https://schema.org/codeRepository")
    assert repos == {"https://github.com/ada/sparse-routers"}
    evidence = _values(quads, "https://w3id.org/kg/ns#codeEvidence")
    assert evidence == {
        "https://w3id.org/kg/ns#CodeFlagEvidence",
        "https://w3id.org/kg/ns#AbstractUrlEvidence",
    }


NASTY = 'Line one\nline "two" \\ back <tag> #frag 100% 🎉 ü'


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "trig", "jsonld"])
def test_nasty_text_survives_every_format(fmt: str) -> None:
    record = PaperRecord(
        source="we ird#%.txt",
        line=1,
        form="separate",
        title=NASTY,
        authors=('Zoë "Q" O\'Brien', "A_B C<D>"),
        et_al=False,
        affiliations=("x y",),
        date="2024-01-01",
        date_inferred_year=False,
        category="CL",
        has_code=False,
        score=None,
        urls=("https://example.org/a%20b",),
        abstract=NASTY + " abstract",
    )
    iris = Iris("https://kg.example.org/")
    mapped = map_records(
        merge([record], iris),
        [PageInfo(record.source, "0" * 64, date(2026, 11, 24))],
        iris,
        load_reference(),
        date(2026, 11, 24),
    )
    chunks = format_named(fmt).writer(mapped.pairs, mapped.union, prefixes_for(iris.base), {})
    data = "".join(chunks).encode()
    parsed = list(
        ox.parse(
            data,
            format={
                "turtle": ox.RdfFormat.TURTLE,
                "ntriples": ox.RdfFormat.N_TRIPLES,
                "nquads": ox.RdfFormat.N_QUADS,
                "trig": ox.RdfFormat.TRIG,
                "jsonld": ox.RdfFormat.JSON_LD,
            }[fmt],
        )
    )
    literals = {q.object.value for q in parsed if isinstance(q.object, ox.Literal)}
    assert {NASTY, NASTY + " abstract", 'Zoë "Q" O\'Brien', "A_B C<D>", "x y"} <= literals
    iris_seen = {
        t.value for q in parsed for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)
    }
    assert iris.person("A_B C<D>") in iris_seen
    assert iris.page("we ird#%.txt") in iris_seen
    for iri in iris_seen:
        assert not any(c in iri for c in ' <>"{}|\\^`'), iri
    # The mapping writes N-Triples text itself: it must be exactly what pyoxigraph writes.
    if fmt == "nquads":
        assert sorted_quads(parsed) == (list(mapped.pairs), list(mapped.union))


def test_person_iris_are_injective() -> None:
    names = ["A B", "A_B", "A%20B", "Zoë", "Zoe\u0308", "O'Brien"]
    encoded = [encode_name(n) for n in names]
    # NFC makes the two spellings of Zoë one name; everything else stays apart.
    assert len(set(encoded)) == len(names) - 1


def test_mapped_literals_are_written_exactly_as_pyoxigraph_writes_them() -> None:
    from kg.graph.terms import lit, typed

    text = "".join(map(chr, range(0x3000))) + "\u2028\u2029\ufeff\U0001f389\U0010fffd"
    for size in (1, 7):  # every character alone, then in runs
        for start in range(0, len(text), size):
            chunk = text[start : start + size]
            assert lit(chunk) == str(ox.Literal(chunk)), repr(chunk)
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    assert typed(7, integer.value) == str(ox.Literal("7", datatype=integer))
    assert typed(True, "http://www.w3.org/2001/XMLSchema#boolean") == str(
        ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    )


@pytest.mark.parametrize("seed", range(20))
def test_insert_sorted_equals_sorting_both(seed: int) -> None:
    import random

    from kg.graph.ntriples import insert_sorted, line_key
    from kg.graph.terms import A

    rng = random.Random(seed)
    subjects = [f"<x:{rng.choice('abc')}{n}>" for n in range(rng.randint(0, 30))]
    heads = {f"{s} {rng.choice([A, '<x:p>', '<x:q>'])} <x:o{rng.randint(0, 3)}>" for s in subjects}
    extra = set(rng.sample(sorted(heads), k=len(heads) // 3)) if heads else set()
    ordered = sorted(heads - extra, key=line_key)
    merged = insert_sorted(ordered, sorted(extra, key=line_key))
    assert merged == sorted(heads, key=line_key)
