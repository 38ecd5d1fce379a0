"""Records -> merged entities with stable IRIs (pure, deterministic).

The same paper seen on several pages becomes one ``MergedPaper``; the merge rules are the
ones ``ontology/MODEL.md`` and the README state. Input order never matters: every choice is
made after sorting by (source, line).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from kg.heap import gc_paused
from kg.read.authors import title_key
from kg.read.model import PaperRecord, ProfileRecord, Record
from kg.read.urls import repository_key

# The merge rules by name (ontology/MODEL.md, "Merge rules"). `kg why` says which rule chose
# a value when pages disagree, so these names are a contract: the same in MODEL.md, in the
# comments of ``_merge_listings`` below and in `kg why`'s text and json. The last three are
# applied where the data they need is: capture dates in kg.graph.mapping, owners in
# kg.graph.owners.
MERGE_RULES: dict[str, str] = {
    "first-titled": "title: the first record, by (page, line), that prints a title",
    "first-abstract": "abstract: the first record, by (page, line), that prints an abstract",
    "printed-year-then-earliest": (
        "date: a printed year beats one inferred from the capture date, then a full date "
        "beats a year alone, then the earliest; ties: the first by (page, line)"
    ),
    "longest-author-list": (
        "authors: the longest printed list, with its `et al.`; ties: the first by (page, line)"
    ),
    "most-frequent-category": (
        "category: the code printed most often; ties: the first printed, by (page, line)"
    ),
    "any-code-evidence": (
        "has code: true when any listing prints `Code` or any abstract URL is a code repository"
    ),
    "union": (
        "affiliations, code repositories and other abstract URLs: every one any listing "
        "prints, once (a repository's URL as first printed)"
    ),
    "profile-owner": (
        "creators: also the person of every profile or abstract-only page that lists the "
        "paper, even where its printed list stops at `et al.` before their name"
    ),
    "seen-first": "first seen: the earliest capture date of the pages that list the paper",
    "seen-last": "last seen: the latest capture date of the pages that list the paper",
    "arxiv-record": (
        "a linked paper's arXiv record wins over the pages for its author list and its "
        "categories; the printed names, category and date stay on the listings as evidence, "
        "dcterms:issued stays the printed date"
    ),
    "inferred-owner": (
        "owner of a header-less listing page: the one name printed in every record of the "
        "page that shows its full author list, at least 3 such records; kept apart from "
        "printed names, with the count as evidence"
    ),
}


def key_hash(key: str, size: int = 12) -> str:
    """The first ``size`` hex digits of the SHA-1 of a stable key: an IRI segment that
    stays the same from build to build and says nothing about the order of the input."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:size]


def canonical(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def encode_name(name: str) -> str:
    """DBpedia-like and injective: spaces become ``_``, a literal ``_`` becomes ``%5F``."""
    return quote(canonical(name), safe="").replace("_", "%5F").replace("%20", "_")


def abstract_key(abstract: str) -> str:
    return canonical(abstract).casefold()


@dataclass(frozen=True)
class Iris:
    """Every IRI the graph mints, from one base."""

    base: str

    def paper(self, key: str) -> str:
        return f"{self.base}paper/{key}"

    def person(self, name: str) -> str:
        return f"{self.base}person/{encode_name(name)}"

    def organisation(self, code: str) -> str:
        return f"{self.base}org/{quote(code.casefold(), safe='')}"

    def repository(self, host: str, path: str) -> str:
        return f"{self.base}repo/{host}/{quote(path.casefold(), safe='/')}"

    def page(self, source: str) -> str:
        """A page by its path under the folder it was found in: ``/`` stays a separator
        (``page/2026-11-24/p.txt``), everything else an IRI may not hold is encoded."""
        return f"{self.base}page/{quote(source, safe='/')}"

    def listing(self, source: str, line: int) -> str:
        return f"{self.page(source)}/L{line}"

    def site_topic(self, code: str) -> str:
        return f"{self.base}topic/{quote(code, safe='')}"

    @property
    def venue(self) -> str:
        return f"{self.base}venue/arxiv"

    @property
    def dataset(self) -> str:
        return f"{self.base}dataset"

    @property
    def dataset_graph(self) -> str:
        return f"{self.base}graph/dataset"

    @property
    def entities_graph(self) -> str:
        """The merged description of every paper, person, organisation, repository and
        topic the pages mention: each triple once, beside the page graphs (issue #17)."""
        return f"{self.base}graph/entities"

    @property
    def arxiv_graph(self) -> str:
        """What a build took from an arXiv metadata snapshot (issue #19); the IRI also names
        the snapshot itself."""
        return f"{self.base}graph/arxiv"

    @property
    def statistics_graph(self) -> str:
        return f"{self.base}graph/statistics"

    @property
    def union_graph(self) -> str:
        """The deduplicated union as a named graph on a server (``kg load``), which
        ``kg query --endpoint`` asks as its default graph (issue 20)."""
        return f"{self.base}graph/union"

    def statistics(self, table: str, key: str = "") -> str:
        """A statistics table (qb:DataSet), or one observation in it when key is given."""
        return f"{self.base}statistics/{table}" + (f"/{key}" if key else "")


@dataclass
class MergedPaper:
    iri: str
    listings: list[PaperRecord] = field(default_factory=list)
    title: str | None = None
    abstract: str | None = None
    date: str | None = None
    date_inferred_year: bool = False
    authors: tuple[str, ...] = ()
    et_al: bool = False
    affiliations: tuple[str, ...] = ()
    category: str | None = None
    code_flag: bool = False
    repositories: tuple[tuple[str, str, str], ...] = ()  # (host, owner/name, printed URL)
    other_urls: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()  # the people whose profile pages list this paper


@dataclass(frozen=True)
class Merged:
    papers: dict[str, MergedPaper]
    profiles: tuple[ProfileRecord, ...]
    # name -> names of the people it may stand for (each a separate person)
    ambiguous: dict[str, tuple[str, ...]]


def paper_iris(records: Sequence[PaperRecord], iris: Iris) -> dict[tuple[str, int], str]:
    """(source, line) -> paper IRI: titles decide; an untitled abstract joins a titled twin."""
    titled_by_abstract: dict[str, str] = {}
    for record in sorted(records, key=_where):
        if record.title is not None and record.abstract:
            titled_by_abstract.setdefault(abstract_key(record.abstract), title_key(record.title))
    minted: dict[tuple[str, int], str] = {}
    for record in records:
        if record.title is not None:
            key = key_hash(title_key(record.title))
        elif record.abstract and abstract_key(record.abstract) in titled_by_abstract:
            key = key_hash(titled_by_abstract[abstract_key(record.abstract)])
        else:
            key = "a" + key_hash(abstract_key(record.abstract or f"{record.source}:{record.line}"))
        minted[_where(record)] = iris.paper(key)
    return minted


def _where(record: Record) -> tuple[str, int]:
    return (record.source, record.line)


@gc_paused
def merge(records: Iterable[Record], iris: Iris) -> Merged:
    all_records = sorted(records, key=_where)
    papers = [r for r in all_records if isinstance(r, PaperRecord)]
    profiles = tuple(r for r in all_records if isinstance(r, ProfileRecord))
    subjects = {p.source: p for p in profiles}
    minted = paper_iris(papers, iris)
    merged: dict[str, MergedPaper] = {}
    for record in papers:
        iri = minted[_where(record)]
        merged.setdefault(iri, MergedPaper(iri)).listings.append(record)
    for paper in merged.values():
        _merge_listings(paper, subjects)
    return Merged(dict(sorted(merged.items())), profiles, _ambiguous_names(profiles))


def _merge_listings(paper: MergedPaper, subjects: dict[str, ProfileRecord]) -> None:
    listings = paper.listings  # already in (source, line) order
    # first-titled, first-abstract
    paper.title = next((r.title for r in listings if r.title), None)
    paper.abstract = next((r.abstract for r in listings if r.abstract), None)
    dated = [r for r in listings if r.date]
    if dated:
        # printed-year-then-earliest: a printed year beats an inferred one; then the
        # earliest date.
        best = min(dated, key=lambda r: (r.date_inferred_year, -len(r.date or ""), r.date))
        paper.date, paper.date_inferred_year = best.date, best.date_inferred_year
    # longest-author-list
    longest = max(listings, key=lambda r: (len(r.authors), -listings.index(r)))
    paper.authors, paper.et_al = longest.authors, longest.et_al
    paper.affiliations = tuple(sorted({a for r in listings for a in r.affiliations}))  # union
    # most-frequent-category
    counts = Counter(r.category for r in listings if r.category)
    if counts:
        top = max(counts.values())
        paper.category = next(r.category for r in listings if counts[r.category or ""] == top)
    paper.code_flag = any(r.has_code for r in listings)  # any-code-evidence, with the URLs
    # union: repositories (as first printed) and other URLs
    repositories: dict[tuple[str, str], str] = {}
    others: dict[str, None] = {}
    for record in listings:
        for url in record.urls:
            key = repository_key(url)
            if key is None:
                others.setdefault(url, None)
            else:
                host, path = key
                repositories.setdefault((host, path.casefold()), f"https://{host}/{path}")
    paper.repositories = tuple((h, p, url) for (h, p), url in sorted(repositories.items()))
    paper.other_urls = tuple(sorted(others))
    # profile-owner: a profile (or abstract-only) page lists its person's papers, so that
    # person is a creator even where the printed list stops at "et al." before them.
    creators = {canonical(subjects[r.source].name or "") for r in listings if r.source in subjects}
    paper.creators = tuple(sorted(c for c in creators if c))


def _ambiguous_names(profiles: Sequence[ProfileRecord]) -> dict[str, tuple[str, ...]]:
    """A page that says its papers may belong to several people makes its name ambiguous."""
    candidates: dict[str, list[str]] = defaultdict(list)
    for profile in profiles:
        if profile.name and profile.may_belong_to and len(profile.may_belong_to) > 1:
            name = canonical(profile.name)
            if len(profile.may_belong_to) > len(candidates[name]):
                candidates[name] = [canonical(n) for n in profile.may_belong_to]
    return {name: tuple(names) for name, names in sorted(candidates.items())}
