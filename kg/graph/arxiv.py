"""Links to arXiv records -> the triples of the arXiv graph (pure; issue #19).

What a linked record says goes into a named graph of its own, never into what the pages
said: the identifiers, the full author list (an authorship for every author, in order,
reconciled with the printed ones), the primary and cross-listed categories, the v1 date,
and the snapshot it came from. The merged description in the entities graph leaves out the
two values the record replaces (MODEL.md, rule ``arxiv-record``): whether the author list
is complete, and the topic read from a printed code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from kg.diagnostics import Diagnostic, warning
from kg.graph.entities import authorship
from kg.graph.identity import Iris, Merged, canonical
from kg.graph.ntriples import Triple
from kg.graph.reference import ARXIV_SCHEME, Reference
from kg.graph.terms import (
    DCTERMS_,
    KG_,
    PROV_,
    SCHEMA_,
    T_BOOL,
    T_DATE,
    VOID_,
    A,
    lit,
    node,
    typed,
)
from kg.link.model import Link, Linking, Wanted
from kg.link.run import link_papers
from kg.progress import Step

ABS = "https://arxiv.org/abs/"
DOI = "https://doi.org/"


def doi_iri(doi: str) -> str:
    """The resolver IRI of a DOI: characters an IRI may not hold are percent-encoded."""
    return DOI + quote(doi.strip(), safe="/:;()._-<>[]")


def snapshot_triples(linking: Linking, iris: Iris) -> list[Triple]:
    """The snapshot a build read, as the node naming the arXiv graph."""
    snapshot = linking.snapshot
    s = node(iris.arxiv_graph)
    out: list[Triple] = [
        (s, A, KG_.MetadataSnapshot),
        (s, A, PROV_.Entity),
        (s, DCTERMS_.identifier, lit(snapshot.name)),
        (s, KG_.sha256, lit(snapshot.sha256)),
        (s, VOID_.inDataset, node(iris.dataset)),
    ]
    if snapshot.newest_update:
        out.append((s, DCTERMS_.modified, typed(snapshot.newest_update, T_DATE)))
    return out


def link_triples(
    link: Link,
    person: Callable[[str], str],
    reference: Reference,
) -> tuple[list[Triple], list[str]]:
    """What one linked record says of its paper; and the categories it names that the
    taxonomy does not know (left out). ``person`` gives a person's IRI for a name."""
    s = node(link.paper)
    out: list[Triple] = [
        (s, SCHEMA_.sameAs, node(ABS + link.arxiv_id)),
        (s, DCTERMS_.identifier, lit(f"arXiv:{link.arxiv_id}")),
        (s, KG_.authorListComplete, typed(bool(link.authors), T_BOOL)),
    ]
    if link.doi:
        out.append((s, SCHEMA_.sameAs, node(doi_iri(link.doi))))
    if link.submitted:
        out.append((s, DCTERMS_.dateSubmitted, typed(link.submitted, T_DATE)))
    unknown = [c for c in link.categories if c not in reference.notations]
    known = [c for c in link.categories if c in reference.notations]
    if known:
        out.append((s, DCTERMS_.subject, node(ARXIV_SCHEME + known[0])))
        out += [(s, KG_.crossListedIn, node(ARXIV_SCHEME + c)) for c in known[1:]]
    for ordinal, author in enumerate(link.authors, 1):
        # the printed authorships are the entities graph's: the same triples, left out of
        # this graph when the two graphs are made disjoint; the name is this graph's own
        out += authorship(link.paper, ordinal, person(author.known_as or author.name))
        out.append((node(f"{link.paper}/authorship/{ordinal}"), KG_.arxivName, lit(author.name)))
    return out, unknown


def unknown_category_warnings(link: Link, unknown: list[str], source: str) -> list[Diagnostic]:
    """A category the shipped taxonomy lacks: named, at the record's line of the snapshot."""
    return [
        warning(source, link.line, f"arXiv {link.arxiv_id}: unknown category {code!r} left out")
        for code in unknown
    ]


def link_merged(merged: Merged, snapshot: Path, step: Step | None = None) -> Linking:
    """The merged papers linked to the records of an arXiv metadata snapshot (kg.link)."""
    return link_papers(wanted_papers(merged), snapshot, known_names(merged), step)


def wanted_papers(merged: Merged) -> list[Wanted]:
    """Our papers as the matcher sees them: what their pages printed, merged."""
    return [
        Wanted(
            iri=paper.iri,
            title=paper.title,
            abstract=paper.abstract,
            authors=paper.authors,
            et_al=paper.et_al,
            date=paper.date,
            date_inferred_year=paper.date_inferred_year,
            creators=paper.creators,
            source=paper.listings[0].source,
            line=paper.listings[0].line,
        )
        for paper in merged.papers.values()
    ]


def known_names(merged: Merged) -> set[str]:
    """Every person name the pages give: a record's author who is one of them is that
    person, not a new one."""
    names = {canonical(n) for paper in merged.papers.values() for n in paper.authors}
    names.update(n for paper in merged.papers.values() for n in paper.creators)
    names.update(canonical(p.name) for p in merged.profiles if p.name)
    return names
