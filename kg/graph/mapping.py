"""Merged entities -> RDF quads as N-Triples text in named graphs that do not overlap (pure):
one per page (what that page says), one of the merged entities, and the derived graphs.

Terms are written straight as N-Triples text (``<iri>``, ``"literal"^^<datatype>``), the
way pyoxigraph prints them: building term objects cost more than everything after it on a
big corpus (PERFORMANCE.md: text ~1 M triples/s, pyoxigraph objects ~190 k/s, rdflib
~48 k/s). Every graph is a set, so repeating a triple is harmless; the output is sorted
once at the end, so it does not depend on the order of the input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.diagnostics import Diagnostic, warning
from kg.graph.arxiv import link_triples, snapshot_triples, unknown_category_warnings
from kg.graph.assemble import FIRST, LAST, Collector, Derived, GraphText, Readable, assemble
from kg.graph.entities import SharedEntities, Where, authorship
from kg.graph.identity import Iris, Merged, MergedPaper
from kg.graph.ntriples import Triple, head
from kg.graph.owners import inferred_owner
from kg.graph.reference import TAXONOMY_GRAPH, Reference
from kg.graph.terms import (
    BIDO_,
    DCTERMS_,
    FABIO_,
    FOAF_,
    KG_,
    PROV_,
    RDFS_,
    SCHEMA_,
    T_BOOL,
    T_DATE,
    T_DEC,
    T_INT,
    T_URI,
    T_YEAR,
    VOID_,
    A,
    lit,
    node,
    p,
    typed,
)
from kg.graph.vocab import KG
from kg.heap import gc_paused
from kg.link.model import Link, Linking
from kg.read.model import PaperRecord, ProfileRecord


@dataclass(frozen=True)
class PageInfo:
    source: str
    sha256: str
    captured: date  # the page's own capture date (issue #16)
    captured_from: str = "option"  # "folder": a YYYY-MM-DD folder on its path; or "option"
    # the dates of date folders holding the same bytes again (read once: kg.read.pages)
    seen_again: tuple[date, ...] = ()


@dataclass(frozen=True)
class Mapped:
    """The graph as text: each quad once as (graph, head), sorted by graph, then subject
    (rdf:type first), then the rest; and the union of the graphs, each triple once, in the
    same order. A head is ``<s> <p> o`` in N-Triples syntax. Both can be read many times;
    on a big graph they are read from files, which ``text`` removes when let go."""

    pairs: Readable[tuple[str, str]]
    union: Readable[str]
    diagnostics: tuple[Diagnostic, ...]
    text: GraphText | None = None


def _decimal(value: float) -> str:
    return format(value, "f").rstrip("0").rstrip(".") if "." in format(value, "f") else str(value)


class _Mapper:
    def __init__(
        self,
        merged: Merged,
        pages: Sequence[PageInfo],
        iris: Iris,
        reference: Reference,
        linking: Linking | None = None,
    ) -> None:
        self.merged, self.pages, self.iris = merged, pages, iris
        self.linking = linking
        # paper IRI -> its arXiv record: the record's values replace two merged ones
        self.linked: dict[str, Link] = {k.paper: k for k in linking.links} if linking else {}
        self.reference = reference
        self.captured = {info.source: info.captured.isoformat() for info in pages}
        self.shown_on = {  # every date the site showed the page: its capture, and again
            info.source: [d.isoformat() for d in (info.captured, *info.seen_again)]
            for info in pages
        }
        self.diagnostics: list[Diagnostic] = []
        self.entities = SharedEntities(merged.ambiguous, iris, reference)

    # -- papers ---------------------------------------------------------------------------

    def paper(self, paper: MergedPaper) -> list[Triple]:
        first = paper.listings[0]
        where = Where(first.source, first.line)
        s = node(paper.iri)
        linked = paper.iri in self.linked  # rule arxiv-record: its graph says these two
        out: list[Triple] = [
            (s, A, SCHEMA_.ScholarlyArticle),
            (s, A, FABIO_.Preprint),
            (s, SCHEMA_.isPartOf, node(self.iris.venue)),
            (s, KG_.shownAuthorCount, typed(len(paper.authors), T_INT)),
            (s, KG_.hasCode, typed(paper.code_flag or bool(paper.repositories), T_BOOL)),
        ]
        if not linked:
            complete = bool(paper.authors) and not paper.et_al
            out.append((s, KG_.authorListComplete, typed(complete, T_BOOL)))
        if paper.title:
            out.append((s, DCTERMS_.title, lit(paper.title)))
        else:
            out.append((s, A, KG_.UntitledArticle))
        if paper.abstract:
            out.append((s, DCTERMS_.abstract, lit(paper.abstract)))
        if paper.date:
            out.append(
                (
                    s,
                    DCTERMS_.issued,
                    typed(paper.date, T_DATE if len(paper.date) == 10 else T_YEAR),
                )
            )
            out.append((s, KG_.issuedYearInferred, typed(paper.date_inferred_year, T_BOOL)))
        if paper.category and not linked:
            out.append((s, DCTERMS_.subject, node(self.entities.topic(paper.category, where))))
        for ordinal, name in enumerate(paper.authors, 1):
            out += authorship(paper.iri, ordinal, self.entities.person(name))
            out.append((node(f"{paper.iri}/authorship/{ordinal}"), KG_.printedName, lit(name)))
        for creator in paper.creators:
            out.append((s, DCTERMS_.creator, node(self.entities.person(creator))))
        for code in paper.affiliations:
            out.append(
                (s, KG_.affiliatedOrganization, node(self.entities.organisation(code, where)))
            )
        seen = sorted({day for r in paper.listings for day in self.shown_on[r.source]})
        if seen:  # the capture dates of the pages that list it: when it appeared, and left
            out.append((s, KG_.firstSeen, typed(seen[0], T_DATE)))
            out.append((s, KG_.lastSeen, typed(seen[-1], T_DATE)))
        if paper.code_flag:
            out.append((s, KG_.codeEvidence, KG_.CodeFlagEvidence))
        if paper.repositories:
            out.append((s, KG_.codeEvidence, KG_.AbstractUrlEvidence))
        for host, path, url in paper.repositories:
            repo = node(self.iris.repository(host, path))
            out += [
                (s, KG_.hasCodeRepository, repo),
                (repo, A, SCHEMA_.SoftwareSourceCode),
                (repo, SCHEMA_.codeRepository, typed(url, T_URI)),
                (repo, KG_.repositoryOf, s),
            ]
        for url in paper.other_urls:
            iri = _external(url)
            if iri is None:
                self.diagnostics.append(warning(*where, f"URL {url!r} cannot be an IRI: left out"))
            else:
                out.append((s, RDFS_.seeAlso, iri))
        return out

    def listing(self, record: PaperRecord, paper_iri: str) -> list[Triple]:
        s = node(self.iris.listing(record.source, record.line))
        page = node(self.iris.page(record.source))
        out: list[Triple] = [
            (s, A, KG_.Listing),
            (s, KG_.onPage, page),
            (s, PROV_.wasDerivedFrom, page),
            (s, KG_.line, typed(record.line, T_INT)),
            (s, KG_.listedPaper, node(paper_iri)),
            (s, KG_.recordForm, lit(record.form)),
            (s, KG_.codeFlag, typed(record.has_code, T_BOOL)),
            (s, KG_.printedAuthorCount, typed(len(record.authors), T_INT)),
        ]
        if record.category:
            out.append((s, KG_.printedCategory, lit(record.category)))
        if record.date:
            out.append((s, KG_.printedDate, lit(record.date)))
        if record.score is not None:
            out.append((s, KG_.score, typed(_decimal(record.score), T_DEC)))
        return out

    def profile(self, profile: ProfileRecord) -> list[Triple]:
        page = node(self.iris.page(profile.source))
        out: list[Triple] = []
        if not profile.name:
            return out
        person = node(self.entities.person(profile.name))
        out.append((page, FOAF_.primaryTopic, person))
        metrics = {
            KG.hIndex: (profile.h_index, T_INT),
            KG.paperCount: (profile.paper_count, T_INT),
            KG.citationCount: (profile.citations, T_INT),
            KG.listedPaperCount: (profile.listed_papers, T_INT),
            KG.noveltyPercent: (profile.novelty_pct, T_DEC),
            KG.aiScore: (profile.ai_score, T_DEC),
        }
        present = {k: v for k, v in metrics.items() if v[0] is not None}
        if not present and not profile.primary_category:
            return out
        obs = node(f"{self.iris.page(profile.source)}/metrics")
        out += [
            (person, BIDO_.holdsBibliometricDataInTime, obs),
            (obs, A, KG_.MetricsObservation),
            (obs, KG_.observedOn, page),
            (obs, KG_.observedAt, typed(self.captured[profile.source], T_DATE)),
        ]
        for prop, (value, datatype) in present.items():
            text = _decimal(float(value)) if datatype == T_DEC else str(value)  # type: ignore[arg-type]
            out.append((obs, p(prop), typed(text, datatype)))
        if profile.primary_category:
            topic = self.entities.topic(
                profile.primary_category, Where(profile.source, profile.line)
            )
            out.append((obs, KG_.primaryCategory, node(topic)))
        return out

    def owner(self, info: PageInfo, records: Sequence[PaperRecord]) -> list[Triple]:
        """A header-less page's inferred owner (kg.graph.owners), kept apart from a printed
        profile name: its own property, with the evidence count."""
        owner = inferred_owner(records)
        if owner is None:
            return []
        page = node(self.iris.page(info.source))
        return [
            (page, KG_.inferredOwner, node(self.entities.person(owner.name))),
            (page, KG_.inferredOwnerEvidence, typed(owner.evidence, T_INT)),
        ]

    # -- pages ----------------------------------------------------------------------------

    def graphs(self, collected: Collector) -> list[str]:
        """Each page graph's heads (what that page itself says: its node, listings,
        metrics) and the heads of the merged entities the pages mention, for the entities
        graph, into ``collected``; returns the page graphs that hold anything."""
        by_source: dict[str, list[tuple[PaperRecord, MergedPaper]]] = defaultdict(list)
        for paper in self.merged.papers.values():
            for record in paper.listings:
                by_source[record.source].append((record, paper))
        profiles = {pr.source: pr for pr in self.merged.profiles}
        entities_graph = node(self.iris.entities_graph)
        mapped: set[str] = set()  # the papers described so far
        mentioned: set[str] = set()
        page_graphs: list[str] = []
        for info in sorted(self.pages, key=lambda i: i.source):
            listed = by_source.get(info.source, [])
            if not listed and info.source not in profiles:
                continue  # nothing was read from this page; its diagnostics say why
            triples = self.page_node(info, listed, profiles.get(info.source))
            for record, paper in listed:
                triples += self.listing(record, paper.iri)
                if paper.iri not in mapped:
                    mapped.add(paper.iri)
                    described = self.paper(paper)
                    collected.add(entities_graph, map(head, described))
                    # the people, organisations and topics it names: described with it
                    mentioned.update(o[1:-1] for _, _, o in described if o[0] == "<")
            if info.source in profiles:
                about = self.profile(profiles[info.source])
            else:
                about = self.owner(info, [record for record, _ in listed])
            triples += about
            mentioned.update(_objects(about))
            graph = self.iris.page(info.source)
            collected.add(node(graph), map(head, triples))
            page_graphs.append(graph)
        if mapped:  # some paper is part of the one venue
            collected.add(entities_graph, map(head, self.venue()))
        for iri in mentioned:  # the graph is a set: the order here does not matter
            collected.add(entities_graph, self.entities.description(iri))
        return sorted(page_graphs)

    def arxiv(self) -> list[str]:
        """The heads of the arXiv graph: the snapshot, what each linked record says, and
        the people only a record names (the others are described in the entities graph;
        what both graphs would say is left to the entities graph by ``map_records``)."""
        if self.linking is None:
            return []
        out = snapshot_triples(self.linking, self.iris)
        people: set[str] = set()
        for link in self.linking.links:
            said, unknown = link_triples(link, self.entities.person, self.reference)
            out += said
            people.update(o[1:-1] for _, pred, o in said if pred == KG_.author)
            self.diagnostics += unknown_category_warnings(link, unknown, self.linking.snapshot.name)
        heads = [head(t) for t in out]
        for iri in people:
            heads += self.entities.description(iri)
        return heads

    def page_node(
        self,
        info: PageInfo,
        listed: Sequence[tuple[PaperRecord, MergedPaper]],
        profile: ProfileRecord | None,
    ) -> list[Triple]:
        page = node(self.iris.page(info.source))
        if any(r.form == "abstract" for r, _ in listed):
            layout = "abstract"
        elif profile is not None:
            layout = "profile"
        else:
            layout = "listing"
        return [
            (page, A, KG_.SourcePage),
            (page, A, PROV_.Entity),
            (page, DCTERMS_.identifier, lit(info.source)),
            (page, KG_.sha256, lit(info.sha256)),
            (page, KG_.capturedOn, typed(info.captured.isoformat(), T_DATE)),
            (page, KG_.captureDateSource, lit(info.captured_from)),
            *((page, KG_.seenAgainOn, typed(d.isoformat(), T_DATE)) for d in info.seen_again),
            (page, KG_.pageLayout, lit(layout)),
            (page, VOID_.inDataset, node(self.iris.dataset)),
        ]

    def venue(self) -> list[Triple]:
        v = node(self.iris.venue)
        return [
            (v, A, SCHEMA_.CreativeWorkSeries),
            (v, SCHEMA_.name, lit("arXiv")),
            (v, SCHEMA_.url, node("https://arxiv.org/")),
        ]


def _objects(triples: Iterable[Triple]) -> Iterator[str]:
    for s, _, o in triples:
        yield s[1:-1]
        if o[0] == "<":
            yield o[1:-1]


@lru_cache(maxsize=1 << 16)
def _external(url: str) -> str | None:
    """An IRI for a URL printed in an abstract, or None when it cannot be one."""
    # Characters an IRI may not contain are percent-encoded; the rest stays as printed.
    iri = "".join(c if c not in ' <>"{}|\\^`' else f"%{ord(c):02X}" for c in url)
    try:
        ox.NamedNode(iri)  # the parser checks what we did not mint ourselves
    except ValueError:
        return None
    return node(iri)


@gc_paused
def map_records(
    merged: Merged,
    pages: Sequence[PageInfo],
    iris: Iris,
    reference: Reference,
    capture_date: date,
    linking: Linking | None = None,
    spill: Path | None = None,
) -> Mapped:
    """Build every quad: page graphs, the taxonomy graph, the arXiv graph of ``linking``,
    the statistics computed from them and the dataset description. What does not fit in
    memory is sorted in files under ``spill`` (the system's temporary folder when None)."""
    mapper = _Mapper(merged, pages, iris, reference, linking)
    collected = Collector(spill)
    # The named graphs do not overlap (MODEL.md): what the taxonomy graph says stays out of
    # the entities graph, and what either says stays out of the arXiv graph (the ranks).
    taxonomy = (f"{t.subject} {t.predicate} {t.object}" for t in reference.taxonomy)
    collected.add(node(TAXONOMY_GRAPH), taxonomy, FIRST)
    page_graphs = mapper.graphs(collected)
    if linking is not None:
        collected.add(node(iris.arxiv_graph), mapper.arxiv(), LAST)
    latest = max((info.captured for info in pages), default=capture_date)
    text = assemble(collected, Derived(iris, page_graphs, latest))
    diagnostics = set(mapper.diagnostics) | set(mapper.entities.diagnostics)
    return Mapped(text.pairs, text.union, tuple(sorted(diagnostics)), text)
