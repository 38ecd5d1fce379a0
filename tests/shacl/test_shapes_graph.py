"""The shapes graph itself (issue 4): valid SHACL, documented, every shape with a case folder,
and the base graph of the cases raising only its notes."""

from __future__ import annotations

import re

import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH
from shapecases import BASE, BASE_TTL, CASES_LIST, KGSH, SHACL_SHACL, as_quads, parse

from kg.shacl.plan import load_shapes, targeted_shapes
from kg.shacl.run import validate


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return load_shapes()


def test_shapes_are_valid_shacl(shapes: rdflib.Graph) -> None:
    """shapes/ conforms to the W3C SHACL-for-SHACL shapes graph (a local copy)."""
    shsh = rdflib.Graph().parse(SHACL_SHACL, format="turtle")
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
    targeted = {str(s) for s in targeted_shapes(shapes)}
    covered = {KGSH + case.shape for case in CASES_LIST}
    assert targeted == covered, (sorted(targeted - covered), sorted(covered - targeted))


def test_the_base_case_raises_only_its_notes(shapes: rdflib.Graph) -> None:
    report = validate(as_quads(parse(BASE_TTL)), shapes=shapes)
    assert report.conforms
    assert {(r.severity.value, r.shape.removeprefix(KGSH), r.focus) for r in report.results} == {
        ("warning", "AmbiguousTopic-ambiguous", BASE + "topic/CO"),
        ("info", "AmbiguousCreator-note", BASE + "person/Bo_Wu"),
        ("info", "Paper-noAuthorsNote", BASE + "paper/a0123456789ab"),
    }
