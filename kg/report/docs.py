"""The reference pages of ``kg report``: the ontology documentation, generated from
ontology/kg.ttl with rdflib (classes, properties, individuals, domains and ranges,
alignments), and the SHACL shapes with their messages.

Pure renderers: site.py parses the files and hands them over as ``TurtleFile``s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.report.html import Links, anchor, definition_list, e, page, plural, section, table

DCTERMS = "http://purl.org/dc/terms/"
VANN = "http://purl.org/vocab/vann/"


@dataclass(frozen=True)
class TurtleFile:
    """A Turtle file shipped with kg, parsed: its path as shown (``shapes/paper.ttl``)."""

    path: str
    graph: Graph


# -- ontology --------------------------------------------------------------------------------


def _paragraphs(text: str) -> str:
    blocks = [" ".join(b.split()) for b in text.split("\n\n") if b.strip()]
    return "".join(f"<p>{e(b)}</p>" for b in blocks)


class _Terms:
    """Renders RDF terms of one graph: our own terms link to their anchor on the page,
    standard ones show as prefixed names linking to their IRI."""

    def __init__(self, graph: Graph, links: Links, local: dict[str, str]) -> None:
        self.graph, self.links, self.local = graph, links, local

    def __call__(self, node: object) -> str:
        g = self.graph
        if isinstance(node, URIRef):
            iri = str(node)
            short = self.links.short(iri)
            if iri in self.local:
                return (
                    f'<a href="{e(self.local[iri])}" title="{e(iri)}"><code>{e(short)}</code></a>'
                )
            if iri.startswith(("http://", "https://")):
                return (
                    f'<a class="ext" href="{e(iri)}" title="{e(iri)}"><code>{e(short)}</code></a>'
                )
            return f"<code>{e(short)}</code>"
        if isinstance(node, Literal):
            text = str(node)
            if "\n" in text or len(text) > 120:
                return f"<pre>{e(text.strip())}</pre>"
            suffix = f"@{node.language}" if node.language else ""
            return f"<code>{e(text)}</code>{e(suffix)}"
        if isinstance(node, BNode):
            if (node, RDF.first, None) in g or node == RDF.nil:
                items = " ".join(self(x) for x in Collection(g, node))
                return f"( {items} )"
            restriction = self._restriction(node)
            if restriction:
                return restriction
            parts = [
                f"{self(p)} {self(o)}"
                for p, o in sorted(
                    g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))
                )
                if p != RDF.type
            ]
            return "[ " + " ; ".join(parts) + " ]"
        return e(node)

    def _restriction(self, node: BNode) -> str:
        g = self.graph
        prop = g.value(node, OWL.onProperty)
        if prop is None:
            return ""
        for key, word in (
            (OWL.hasValue, "value"),
            (OWL.someValuesFrom, "some"),
            (OWL.allValuesFrom, "only"),
        ):
            value = g.value(node, key)
            if value is not None:
                return f"{self(prop)} <em>{word}</em> {self(value)}"
        return ""


def _values(g: Graph, subject: object, prop: object) -> list[object]:
    return sorted(g.objects(subject, prop), key=lambda o: (isinstance(o, BNode), str(o)))  # type: ignore[arg-type]


def _text(g: Graph, subject: object, prop: URIRef) -> str:
    values = sorted(str(v) for v in g.objects(subject, prop))  # type: ignore[arg-type]
    return values[0] if values else ""


def ontology_page(g: Graph, links: Links, source: str) -> str:
    ontologies = sorted(s for s in g.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))
    declared = [_text(g, o, URIRef(VANN + "preferredNamespaceUri")) for o in ontologies]
    own = next((d for d in declared if d), links.prefixes.get("kg", ""))
    kinds = [
        ("Classes", "class", [OWL.Class, RDFS.Class]),
        ("Object properties", "prop", [OWL.ObjectProperty]),
        ("Datatype properties", "prop", [OWL.DatatypeProperty]),
        ("Annotation properties", "prop", [OWL.AnnotationProperty]),
        ("Individuals", "ind", [OWL.NamedIndividual]),
    ]
    groups: list[tuple[str, list[URIRef]]] = []
    local: dict[str, str] = {}
    placed: set[URIRef] = set()
    for title, _, types in kinds:
        terms = sorted(
            {
                s
                for t in types
                for s in g.subjects(RDF.type, t)
                if isinstance(s, URIRef) and s not in placed and str(s).startswith(own)
            },
            key=lambda s: links.short(str(s)).casefold(),
        )
        placed.update(terms)
        groups.append((title, terms))
        for term in terms:
            local[str(term)] = "#" + anchor(links.short(str(term)))
    render = _Terms(g, links, local)
    body = ""
    for onto in ontologies:
        body += _paragraphs(_text(g, onto, URIRef(DCTERMS + "description")))
        body += definition_list(
            [
                ("Ontology IRI", f"<code>{e(onto)}</code>"),
                ("Title", e(_text(g, onto, URIRef(DCTERMS + "title")))),
                ("Version", e(_text(g, onto, OWL.versionInfo))),
                (
                    "Version IRI",
                    render(g.value(onto, OWL.versionIRI)) if g.value(onto, OWL.versionIRI) else "",
                ),
                (
                    "Licence",
                    render(g.value(onto, URIRef(DCTERMS + "license")))
                    if g.value(onto, URIRef(DCTERMS + "license"))
                    else "",
                ),
                ("Preferred prefix", e(_text(g, onto, URIRef(VANN + "preferredNamespacePrefix")))),
                ("Namespace", e(_text(g, onto, URIRef(VANN + "preferredNamespaceUri")))),
                ("Comment", e(_text(g, onto, RDFS.comment))),
                ("Source", f"<code>{e(source)}</code>"),
            ]
        )
    toc = "".join(
        f'<li><a href="#{anchor(title)}">{e(title)}</a> ({len(terms)}): '
        + ", ".join(render(t) for t in terms)
        + "</li>\n"
        for title, terms in groups
        if terms
    )
    body += f'<ul class="toc">\n{toc}</ul>\n'
    body += section(
        "Alignments", _alignments(g, render, own, [t for _, ts in groups for t in ts]), "alignments"
    )
    body += section("Terms of other vocabularies", _external(g, render, own), "external")
    for title, terms in groups:
        if terms:
            body += section(
                title, "".join(_term_card(g, render, t, links) for t in terms), anchor(title)
            )
    return page(
        "Ontology",
        body,
        0,
        "ontology.html",
        str(ontologies[0]) if ontologies else None,
        "Documentation",
    )


ALIGNMENTS = [
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.inverseOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.seeAlso,
]


def _alignments(g: Graph, render: _Terms, own: str, terms: list[URIRef]) -> str:
    rows = [
        [render(t), render(p), render(o)]
        for t in terms
        for p in ALIGNMENTS
        for o in _values(g, t, p)
        if not (isinstance(o, URIRef) and own and str(o).startswith(own))
    ]
    return (
        '<p class="hint">How each term relates to the standard vocabularies: sub-class and '
        "sub-property links hold for all our data; rdfs:seeAlso marks a close term whose "
        "entailments would not.</p>\n" + table(["term", "relation", "standard term"], rows)
    )


def _external(g: Graph, render: _Terms, own: str) -> str:
    """Standard terms the ontology declares (so that it is an OWL 2 DL document)."""
    types = [
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.NamedIndividual,
    ]
    terms = sorted(
        {
            s
            for t in types
            for s in g.subjects(RDF.type, t)
            if isinstance(s, URIRef) and not str(s).startswith(own)
        },
        key=str,
    )
    rows = [[render(t), ", ".join(render(x) for x in _values(g, t, RDF.type))] for t in terms]
    return (
        '<p class="hint">Terms of the standard vocabularies that the ontology declares so that '
        "the alignments above are well-typed; their meaning is the one their own vocabulary "
        "gives.</p>\n" + table(["term", "declared as"], rows)
    )


FIELDS = [
    ("Type", RDF.type),
    ("Sub-class of", RDFS.subClassOf),
    ("Equivalent to", OWL.equivalentClass),
    ("One of", OWL.oneOf),
    ("Domain", RDFS.domain),
    ("Range", RDFS.range),
    ("Sub-property of", RDFS.subPropertyOf),
    ("Inverse of", OWL.inverseOf),
    ("Different from", OWL.differentFrom),
    ("See also", RDFS.seeAlso),
    ("Defined by", RDFS.isDefinedBy),
]


def _term_card(g: Graph, render: _Terms, term: URIRef, links: Links) -> str:
    label = _text(g, term, RDFS.label) or links.short(str(term))
    facts = [(name, ", ".join(render(v) for v in _values(g, term, prop))) for name, prop in FIELDS]
    used_as = [
        ("Domain of", ", ".join(render(s) for s in sorted(g.subjects(RDFS.domain, term), key=str))),
        ("Range of", ", ".join(render(s) for s in sorted(g.subjects(RDFS.range, term), key=str))),
    ]
    return (
        f'<article class="term" id="{e(anchor(links.short(str(term))))}">\n'
        f'<h3><code>{e(links.short(str(term)))}</code> <span class="label">{e(label)}</span></h3>\n'
        f'<p class="this-iri"><code>{e(term)}</code></p>\n'
        + _paragraphs(_text(g, term, RDFS.comment))
        + definition_list(facts + used_as)
        + "</article>\n"
    )


# -- shapes ----------------------------------------------------------------------------------

SHAPE_KINDS = {
    SH.NodeShape: "node shape",
    SH.PropertyShape: "property shape",
    SH.SPARQLConstraint: "SPARQL constraint",
}
SHAPE_META = {SH.message, SH.name, SH.description, SH.severity, RDFS.label, RDFS.comment, RDF.type}
TARGETS = [SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf]


def shapes_page(files: Sequence[TurtleFile], links: Links) -> str:
    body = (
        '<p class="hint">The SHACL shapes in <code>shapes/</code> that <code>kg validate</code> '
        "checks the graph against, with the message each one reports.</p>\n"
    )
    if not files:
        body += '<p class="empty">No shapes found.</p>\n'
    toc = ""
    sections = ""
    for file in files:
        name, g = file.path, file.graph
        shapes = sorted(
            {s for kind in SHAPE_KINDS for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef)}
            | {s for s in g.subjects(SH.message, None) if isinstance(s, URIRef)},
            key=lambda s: _shape_order(g, s, links),
        )
        local = {str(s): "#" + anchor(links.short(str(s))) for s in shapes}
        render = _Terms(g, links, local)
        cards = "".join(_shape_card(g, render, s, links) for s in shapes)
        count = plural(len(shapes), "shape")
        toc += f'<li><a href="#{anchor(name)}"><code>{e(name)}</code></a> ({count})</li>\n'
        sections += section(
            name, cards or '<p class="empty">No shapes in this file.</p>\n', anchor(name)
        )
    if toc:
        body += f'<ul class="toc">\n{toc}</ul>\n'
    return page("SHACL shapes", body + sections, 0, "shapes.html", kind="Documentation")


def _shape_order(g: Graph, shape: URIRef, links: Links) -> tuple[str, int, str]:
    """A node shape first, then the property shapes and SPARQL constraints that belong to it
    (rdfs:isDefinedBy, sh:property, sh:sparql)."""
    owners = [g.value(shape, RDFS.isDefinedBy)]
    owners += [x for p in (SH.property, SH.sparql) for x in sorted(g.subjects(p, shape), key=str)]
    owner = next(
        (o for o in owners if isinstance(o, URIRef) and (o, RDF.type, SH.NodeShape) in g), shape
    )
    own = links.short(str(owner)).casefold()
    return (own, 0 if owner == shape else 1, links.short(str(shape)).casefold())


def _shape_card(g: Graph, render: _Terms, shape: URIRef, links: Links) -> str:
    kind = next((name for k, name in SHAPE_KINDS.items() if (shape, RDF.type, k) in g), "shape")
    label = _text(g, shape, SH.name) or _text(g, shape, RDFS.label)
    facts = [
        (links.short(str(p)), ", ".join(render(v) for v in _values(g, shape, p))) for p in TARGETS
    ]
    facts.append(
        ("path", render(g.value(shape, SH.path)) if g.value(shape, SH.path) is not None else "")
    )
    others = sorted(
        {
            p
            for p in g.predicates(shape, None)
            if p not in SHAPE_META and p not in TARGETS and p != SH.path
        },
        key=str,
    )
    facts += [
        (links.short(str(p)), ", ".join(render(v) for v in _values(g, shape, p))) for p in others
    ]
    severity = g.value(shape, SH.severity)
    facts.append(
        ("severity", render(severity) if severity is not None else "sh:Violation (default)")
    )
    nested = [
        b for p in (SH.property, SH.sparql) for b in g.objects(shape, p) if isinstance(b, BNode)
    ]
    texts = sorted({str(m) for node in [shape, *nested] for m in g.objects(node, SH.message)})
    messages = "".join(f'<p class="message">{e(m)}</p>' for m in texts)
    return (
        f'<article class="term shape" id="{e(anchor(links.short(str(shape))))}">\n'
        f'<h3><code>{e(links.short(str(shape)))}</code> <span class="label">{e(label)}</span> '
        f'<span class="kind">{e(kind)}</span></h3>\n'
        + (messages or '<p class="empty">No sh:message.</p>')
        + "\n"
        + _paragraphs(_text(g, shape, RDFS.comment) or _text(g, shape, SH.description))
        + definition_list(facts)
        + "</article>\n"
    )
