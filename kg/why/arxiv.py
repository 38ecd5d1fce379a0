"""A fact of the arXiv graph -> the metadata record behind it (issue #19).

``kg build --arxiv-metadata FILE`` puts what a linked paper's arXiv record says into the
graph ``<base>graph/arxiv``, which is also the node describing FILE (its name, SHA-256 and
newest update date). A fact there names that file and the record (the paper's arxiv.org
``schema:sameAs``) under the rule ``arxiv-record``. Where the record replaces what the pages
printed (the author list and its completeness, the category), every listing of the paper is
shown with what it printed, and whether the record agrees with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.graph.arxiv import ABS
from kg.graph.vocab import DCTERMS, KG, SCHEMA, SKOS
from kg.why import rules
from kg.why.lookup import Node, graph_of, named, text_of
from kg.why.model import (
    AGREES,
    ARXIV,
    DIFFERS,
    SILENT,
    UNKNOWN,
    ArxivRecord,
    Evidence,
    Origin,
    Place,
    many,
)

if TYPE_CHECKING:
    from kg.why.explain import Explainer


PREFIX = "arXiv:"  # of a linked paper's dcterms:identifier
RULE = "arxiv-record"
# paper properties whose merged value the record replaces: what the pages printed is shown
AUTHOR_LIST = frozenset({str(KG.authorListComplete), str(KG.hasAuthorship), str(DCTERMS.creator)})
CATEGORY = str(DCTERMS.subject)


def record(ex: Explainer, paper: str | None) -> ArxivRecord:
    """The snapshot node's description, and the id of ``paper``'s record."""
    lookup = ex.lookup
    snapshot = ox.NamedNode(lookup.iris.arxiv_graph)
    arxiv_id = None
    if paper is not None:
        same = [text_of(o) for o in lookup.objects(ox.NamedNode(paper), named(SCHEMA.sameAs))]
        ids = [s[len(ABS) :] for s in same if s.startswith(ABS)]
        if not ids:  # the sameAs is the rule; its dcterms:identifier says the same
            found = lookup.objects(ox.NamedNode(paper), named(DCTERMS.identifier))
            ids = [v[len(PREFIX) :] for v in map(text_of, found) if v.startswith(PREFIX)]
        arxiv_id = ids[0] if ids else None
    return ArxivRecord(
        snapshot=lookup.value(snapshot, named(DCTERMS.identifier)),
        sha256=lookup.value(snapshot, named(KG.sha256)),
        updated=lookup.value(snapshot, named(DCTERMS.modified)),
        arxiv_id=arxiv_id,
    )


def source_text(found: ArxivRecord) -> str:
    """``the arXiv record 2403.01234 of the metadata snapshot FILE``."""
    what = f"the arXiv record {found.arxiv_id}" if found.arxiv_id else "an arXiv record"
    return f"{what} of the metadata snapshot {found.snapshot or '(unnamed)'}"


def fact(ex: Explainer, graph: str, quad: ox.Quad) -> Origin:
    """A fact of the arXiv graph: about the snapshot, a linked paper, one of its
    authorships, or a person only a record names."""
    subject = quad.subject
    if text_of(subject) == ex.lookup.iris.arxiv_graph:
        summary = (
            "the arXiv metadata snapshot the build read (kg build --arxiv-metadata): its "
            "file name, SHA-256 and newest update date; no page printed it"
        )
        return ex.origin(graph, ARXIV, summary, by=[rules.rule(RULE)], record=record(ex, None))
    authorship_of = ex.lookup.value(subject, named(KG.authorshipOf))
    if authorship_of is not None:
        return paper_fact(ex, graph, authorship_of, str(KG.hasAuthorship))
    if ex.lookup.has_type(subject, SCHEMA.ScholarlyArticle):
        return paper_fact(ex, graph, text_of(subject), quad.predicate.value)
    return named_by(ex, graph, subject)


def paper_fact(ex: Explainer, graph: str, paper: str, predicate: str) -> Origin:
    """What a linked paper's record says; where it replaces a merged value, what every
    listing printed beside the record's value."""
    found = record(ex, paper)
    places = ex.lookup.listings_of(paper)
    where = f"{many(len(places), 'listing')} on {many(len({p.page for p in places}), 'page')}"
    value: str | None
    if predicate in AUTHOR_LIST:
        names = record_authors(ex, paper)
        value = rules.authors_text(names, False)
        evidence = [author_evidence(ex, place, len(names)) for place in places]
    elif predicate == CATEGORY:
        topic = ex.lookup.value(ox.NamedNode(paper), named(DCTERMS.subject))
        notation = ex.lookup.value(ox.NamedNode(topic), named(SKOS.notation)) if topic else None
        value = notation or topic
        evidence = [category_evidence(ex, place, notation) for place in places]
    else:  # an identifier, the v1 date, a cross-list: no page prints one
        summary = f"from {source_text(found)}, linked to the paper of {where}; no page printed it"
        return ex.origin(graph, ARXIV, summary, ex.listed(places), [rules.rule(RULE)], record=found)
    summary = f"from {source_text(found)}, which wins over what the paper's {where} printed"
    disagree = any(e.status == DIFFERS for e in evidence)
    return ex.origin(
        graph, ARXIV, summary, evidence, [rules.rule(RULE)], value, disagree, record=found
    )


def record_authors(ex: Explainer, paper: str) -> tuple[str, ...]:
    """The record's authors in its order (kg:arxivName of the paper's authorships)."""
    ordered: list[tuple[int, str]] = []
    for authorship in ex.lookup.subjects(named(KG.authorshipOf), ox.NamedNode(paper)):
        name = ex.lookup.value(authorship, named(KG.arxivName))
        ordinal = ex.lookup.value(authorship, named(KG.ordinal))
        if name is not None and ordinal is not None:
            ordered.append((int(ordinal), name))
    return tuple(name for _, name in sorted(ordered))


def author_evidence(ex: Explainer, place: Place, count: int) -> Evidence:
    """A listing's author list beside the record's ``count`` authors: the same list when
    it printed as many names without "et al." (the record reconciles the names)."""
    printed = ex.record(place)
    if printed is None:
        return Evidence(place, ex.store_printed(place, rules.AUTHORS), UNKNOWN)
    text = rules.authors_text(printed.authors, printed.et_al)
    if not printed.authors:
        return Evidence(place, text, SILENT)
    same = not printed.et_al and len(printed.authors) == count
    return Evidence(place, text, AGREES if same else DIFFERS)


def category_evidence(ex: Explainer, place: Place, notation: str | None) -> Evidence:
    """A listing's printed category code beside the record's primary category (the store
    keeps the code on the listing, so this needs no parse cache)."""
    printed = ex.record(place)
    code = printed.category if printed is not None else ex.store_printed(place, rules.CATEGORY)
    if code is None:
        return Evidence(place, None, UNKNOWN if printed is None else SILENT)
    same = notation is not None and notation in (code, f"{notation.split('.')[0]}.{code}")
    return Evidence(place, code, AGREES if same else DIFFERS)


def named_by(ex: Explainer, graph: str, subject: Node) -> Origin:
    """A person the pages never print (behind "et al."): named by the records of the
    papers it is a creator of in this graph."""
    quads = ex.lookup.quads(None, named(DCTERMS.creator), subject)
    papers = sorted({text_of(q.subject) for q in quads if graph_of(q) == graph})
    found = [record(ex, paper) for paper in papers] or [record(ex, None)]
    ids = [r.arxiv_id for r in found if r.arxiv_id]
    records = f"the arXiv record{'s' if len(ids) > 1 else ''} {', '.join(ids)}" if ids else ""
    summary = (
        f"named by {records or 'an arXiv record'} of the metadata snapshot "
        f"{found[0].snapshot or '(unnamed)'}; no page printed the name (the pages print "
        "et al. in its place)"
    )
    places: Sequence[Place] = [p for paper in papers for p in ex.lookup.listings_of(paper)]
    return ex.origin(graph, ARXIV, summary, ex.listed(places), [rules.rule(RULE)], record=found[0])
