"""Merged entities -> RDF quads as N-Triples text, one named graph per page (pure).

Terms are written straight as N-Triples text (``<iri>``, ``"literal"^^<datatype>``), the
way pyoxigraph prints them: building term objects cost more than everything after it on a
big corpus (PERFORMANCE.md: text ~1 M triples/s, pyoxigraph objects ~190 k/s, rdflib
~48 k/s). Every graph is a set, so repeating a triple is harmless; the output is sorted
once at the end, so it does not depend on the order of the input.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pyoxigraph as ox

from kg.diagnostics import Diagnostic, warning
from kg.graph.identity import Iris, Merged, MergedPaper, canonical, digest
from kg.graph.reference import ARXIV_SCHEME, TAXONOMY_GRAPH, Reference
from kg.graph.statistics import Census, statistics, take_census
from kg.graph.terms import (
    BIDO_,
    DCAT_,
    DCTERMS_,
    FABIO_,
    FOAF_,
    KG_,
    PROV_,
    RDFS_,
    SCHEMA_,
    SKOS_,
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
from kg.read.records import PaperRecord, ProfileRecord


@dataclass(frozen=True)
class PageInfo:
    source: str
    sha256: str


@dataclass(frozen=True)
class Mapped:
    """The graph as text: each quad once as (graph, head), sorted by graph, then subject
    (rdf:type first), then the rest; and the union of the graphs, each triple once, in the
    same order. A head is ``<s> <p> o`` in N-Triples syntax."""

    pairs: list[tuple[str, str]]
    union: list[str]
    diagnostics: tuple[Diagnostic, ...]


Triple = tuple[str, str, str]  # N-Triples text of subject, predicate, object


def _decimal(value: float) -> str:
    return format(value, "f").rstrip("0").rstrip(".") if "." in format(value, "f") else str(value)


class _Mapper:
    def __init__(
        self,
        merged: Merged,
        pages: Sequence[PageInfo],
        iris: Iris,
        reference: Reference,
        capture_date: date,
    ) -> None:
        self.merged, self.pages, self.iris = merged, pages, iris
        self.reference, self.capture_date = reference, capture_date
        self.diagnostics: list[Diagnostic] = []
        # Shared descriptions as heads (N-Triples text), made once: every page graph that
        # mentions an entity holds the same string objects, not copies.
        self.topic_triples: dict[str, list[str]] = {}
        self.person_triples: dict[str, list[str]] = {}
        self.org_triples: dict[str, list[str]] = {}
        self.paper_triples: dict[str, list[str]] = {}
        self.paper_mentions: dict[str, set[str]] = {}

    # -- shared entities (described in every page graph that mentions them) --------------

    def topic(self, code: str, where: tuple[str, int]) -> str:
        """The concept a printed category code stands for; ambiguity is modelled, not guessed."""
        candidates = self.reference.candidates(code)
        if len(candidates) == 1:
            iri = ARXIV_SCHEME + candidates[0]
            self.topic_triples.setdefault(iri, [])
            return iri
        iri = self.iris.site_topic(code)
        if iri not in self.topic_triples:
            scheme = node(self.iris.site_topic(""))
            triples: list[Triple] = [
                (node(iri), A, KG_.AmbiguousTopic),
                (node(iri), A, SKOS_.Concept),
                (node(iri), SKOS_.notation, lit(code)),
                (node(iri), SKOS_.prefLabel, lit(f"arXiv code {code} (ambiguous)")),
                (node(iri), SKOS_.inScheme, scheme),
                (scheme, A, SKOS_.ConceptScheme),
                (scheme, SKOS_.prefLabel, lit("Category codes as the site prints them")),
            ]
            triples += [
                (node(iri), KG_.candidateCategory, node(ARXIV_SCHEME + c)) for c in candidates
            ]
            self.topic_triples[iri] = [head(t) for t in triples]
            if not candidates:
                self.diagnostics.append(
                    warning(where[0], where[1], f"unknown arXiv category code {code!r}")
                )
        return iri

    def person(self, name: str) -> str:
        name = canonical(name)
        iri = self.iris.person(name)
        if iri in self.person_triples:
            return iri
        subject = node(iri)
        if name in self.merged.ambiguous:
            triples: list[Triple] = [
                (subject, A, KG_.AmbiguousCreator),
                (subject, FOAF_.name, lit(name)),
            ]
            for i, candidate in enumerate(self.merged.ambiguous[name], 1):
                other = node(f"{iri}/{i}" if candidate == name else self.iris.person(candidate))
                triples += [
                    (subject, KG_.possibleActualCreator, other),
                    (other, A, SCHEMA_.Person),
                    (other, A, FOAF_.Person),
                    (other, FOAF_.name, lit(candidate)),
                ]
        else:
            triples = [
                (subject, A, SCHEMA_.Person),
                (subject, A, FOAF_.Person),
                (subject, FOAF_.name, lit(name)),
            ]
        self.person_triples[iri] = [head(t) for t in triples]
        return iri

    def organisation(self, code: str, where: tuple[str, int]) -> str:
        iri = self.iris.organisation(code)
        if iri not in self.org_triples:
            subject = node(iri)
            triples: list[Triple] = [
                (subject, A, SCHEMA_.Organization),
                (subject, A, FOAF_.Organization),
                (subject, SKOS_.notation, lit(code.casefold())),
            ]
            name = self.reference.organisations.get(code.casefold())
            if name:
                triples.append((subject, SCHEMA_.name, lit(name)))
            else:
                self.diagnostics.append(
                    warning(
                        where[0],
                        where[1],
                        f"unknown organisation code {code!r}: kept without a readable name",
                    )
                )
            self.org_triples[iri] = [head(t) for t in triples]
        return iri

    # -- papers ---------------------------------------------------------------------------

    def paper(self, paper: MergedPaper) -> list[str]:
        cached = self.paper_triples.get(paper.iri)
        if cached is not None:
            return cached
        first = paper.listings[0]
        where = (first.source, first.line)
        s = node(paper.iri)
        out: list[Triple] = [
            (s, A, SCHEMA_.ScholarlyArticle),
            (s, A, FABIO_.Preprint),
            (s, SCHEMA_.isPartOf, node(self.iris.venue)),
            (s, KG_.authorListComplete, typed(bool(paper.authors) and not paper.et_al, T_BOOL)),
            (s, KG_.shownAuthorCount, typed(len(paper.authors), T_INT)),
            (s, KG_.hasCode, typed(paper.code_flag or bool(paper.repositories), T_BOOL)),
        ]
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
        if paper.category:
            out.append((s, DCTERMS_.subject, node(self.topic(paper.category, where))))
        for ordinal, name in enumerate(paper.authors, 1):
            person = node(self.person(name))
            authorship = node(f"{paper.iri}/authorship/{ordinal}")
            out += [
                (s, KG_.hasAuthorship, authorship),
                (s, DCTERMS_.creator, person),
                (authorship, A, KG_.Authorship),
                (authorship, KG_.authorshipOf, s),
                (authorship, KG_.author, person),
                (authorship, KG_.ordinal, typed(ordinal, T_INT)),
                (authorship, KG_.printedName, lit(name)),
            ]
        for creator in paper.creators:
            out.append((s, DCTERMS_.creator, node(self.person(creator))))
        for code in paper.affiliations:
            out.append((s, KG_.affiliatedOrganization, node(self.organisation(code, where))))
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
        # The people, organisations and topics it names: their descriptions go with it.
        self.paper_mentions[paper.iri] = {o[1:-1] for _, _, o in out if o[0] == "<"}
        heads = self.paper_triples[paper.iri] = [head(t) for t in out]
        return heads

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
        person = node(self.person(profile.name))
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
            (obs, KG_.observedAt, typed(self.capture_date.isoformat(), T_DATE)),
        ]
        for prop, (value, datatype) in present.items():
            text = _decimal(float(value)) if datatype == T_DEC else str(value)  # type: ignore[arg-type]
            out.append((obs, p(prop), typed(text, datatype)))
        if profile.primary_category:
            topic = self.topic(profile.primary_category, (profile.source, profile.line))
            out.append((obs, KG_.primaryCategory, node(topic)))
        return out

    # -- pages ----------------------------------------------------------------------------

    def page_graphs(self) -> dict[str, list[str]]:
        """Page graph IRI -> the heads of its triples (repeats allowed: graphs are sets)."""
        by_source: dict[str, list[tuple[PaperRecord, MergedPaper]]] = defaultdict(list)
        for paper in self.merged.papers.values():
            for record in paper.listings:
                by_source[record.source].append((record, paper))
        profiles = {pr.source: pr for pr in self.merged.profiles}
        graphs: dict[str, list[str]] = {}
        for info in sorted(self.pages, key=lambda i: i.source):
            listed = by_source.get(info.source, [])
            if not listed and info.source not in profiles:
                continue  # nothing was read from this page; its diagnostics say why
            heads = list(map(head, self.page_node(info, listed, profiles.get(info.source))))
            mentioned: set[str] = set()
            for record, paper in listed:
                heads += map(head, self.listing(record, paper.iri))
                heads += self.paper(paper)
                mentioned |= self.paper_mentions[paper.iri]
            if info.source in profiles:
                profile_triples = self.profile(profiles[info.source])
                heads += map(head, profile_triples)
                mentioned.update(_objects(profile_triples))
            if listed:
                heads += map(head, self.venue())
            for iri in mentioned:  # the graph is a set: the order here does not matter
                for table in (self.person_triples, self.org_triples, self.topic_triples):
                    heads += table.get(iri, ())
            graphs[self.iris.page(info.source)] = heads
        return graphs

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
            (page, KG_.capturedOn, typed(self.capture_date.isoformat(), T_DATE)),
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


_TYPE_SEAM = f" {A} "


def line_key(head: str) -> str:
    # rdf:type sorts first inside a subject (NUL < "<"), as people write Turtle by hand.
    return head.replace(_TYPE_SEAM, " \x00 ", 1)


def head(triple: Triple) -> str:
    return f"{triple[0]} {triple[1]} {triple[2]}"


@gc_paused
def map_records(
    merged: Merged, pages: Sequence[PageInfo], iris: Iris, reference: Reference, capture_date: date
) -> Mapped:
    """Build every quad: page graphs, the taxonomy graph, the statistics computed from them
    and the dataset description."""
    mapper = _Mapper(merged, pages, iris, reference, capture_date)
    graphs = {node(iri): set(heads) for iri, heads in mapper.page_graphs().items()}
    taxonomy = {f"{t.subject} {t.predicate} {t.object}" for t in reference.taxonomy}
    graphs[node(TAXONOMY_GRAPH)] = taxonomy
    page_graphs = sorted(g[1:-1] for g in graphs if g != node(TAXONOMY_GRAPH))
    content = set().union(*graphs.values())
    ordered = sorted(content, key=line_key)  # read in order: a third faster than the set
    census = take_census(ordered)
    derived = {head(t) for t in statistics(census.facts, iris)} - content
    graphs[node(iris.statistics_graph)] = derived
    census = census.plus(take_census(sorted(derived, key=line_key)))
    described = {head(t) for t in describe_dataset(census, iris, page_graphs, capture_date)}
    graphs[node(iris.dataset_graph)] = described - content
    union_heads = insert_sorted(ordered, sorted((derived | described) - content, key=line_key))
    del content, ordered, census  # before the pairs are sorted: the build's memory peak
    pairs = sorted_pairs(graphs)
    return Mapped(pairs, union_heads, tuple(sorted(set(mapper.diagnostics))))


def insert_sorted(ordered: list[str], extra: list[str]) -> list[str]:
    """Both lists (each sorted by ``line_key``) as one sorted list, in one copy of the long
    one: the few heads the build derives go in by binary search, so the millions already
    sorted are not keyed and compared again."""
    out: list[str] = []
    start = 0
    for text in extra:
        at = bisect_right(ordered, line_key(text), lo=start, key=line_key)
        out += ordered[start:at]
        out.append(text)
        start = at
    out += ordered[start:]
    return out


def sorted_text(
    graphs: dict[str, set[str]], union: set[str] | None = None
) -> tuple[list[tuple[str, str]], list[str]]:
    """Graph -> heads, as ``Mapped`` holds them: (graph, head) pairs sorted by graph, then
    subject with rdf:type first, then the rest; and the union of the graphs (``union``
    when the caller has it already) in the same order."""
    whole = union if union is not None else set().union(*graphs.values())
    return sorted_pairs(graphs), sorted(whole, key=line_key)


def sorted_pairs(graphs: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(graph, head) pairs sorted by graph, then subject with rdf:type first, then the rest."""
    return [(g, h) for g in sorted(graphs) for h in sorted(graphs[g], key=line_key)]


def describe_dataset(
    census: Census, iris: Iris, page_graphs: Sequence[str], capture_date: date
) -> list[Triple]:
    """VoID/DCAT description with counts taken from the (union) triples themselves."""
    classes = census.classes
    entities = census.subjects  # every subject we mint is an IRI: no blank nodes
    d = node(iris.dataset)
    out: list[Triple] = [
        (d, A, VOID_.Dataset),
        (d, A, DCAT_.Dataset),
        (d, DCTERMS_.title, lit("Scholarly knowledge graph built by kg")),
        (
            d,
            DCTERMS_.description,
            lit(
                "Papers, people, topics, organisations and code repositories read from scraped "
                "arXiv author pages; one named graph per source page."
            ),
        ),
        (d, DCTERMS_.created, typed(capture_date.isoformat(), T_DATE)),
        (d, VOID_.triples, typed(census.triples, T_INT)),
        (d, VOID_.entities, typed(entities, T_INT)),
        (d, VOID_.distinctSubjects, typed(census.subjects, T_INT)),
        (d, VOID_.properties, typed(len(census.properties), T_INT)),
        (d, VOID_.classes, typed(len(classes), T_INT)),
        (d, VOID_.vocabulary, node(str(KG))),
    ]
    for cls in sorted(classes):
        part = node(f"{iris.dataset}/class/{_short(cls)}")
        out += [
            (d, VOID_.classPartition, part),
            (part, VOID_["class"], node(cls)),
            (part, VOID_.entities, typed(classes[cls], T_INT)),
        ]
    for graph in page_graphs:
        out.append((d, VOID_.subset, node(graph)))
    return out


def _short(iri: str) -> str:
    return digest(iri, 10)
