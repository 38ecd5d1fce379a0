"""The values the arXiv link hands on (issue #19): what is asked, what was found."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.diagnostics import Diagnostic


@dataclass(frozen=True)
class Wanted:
    """One of our papers, as the matcher sees it: what its pages printed (merged)."""

    iri: str  # the paper's IRI in our graph
    title: str | None
    abstract: str | None
    authors: tuple[str, ...]  # printed, in order (the first three, or all)
    et_al: bool  # the printed list stops at "et al."
    date: str | None  # YYYY-MM-DD, or YYYY when only the year is known
    date_inferred_year: bool  # the year was not printed: it is the capture's
    creators: tuple[str, ...] = ()  # the owners of profile pages that list it
    source: str = ""  # the first listing's page and line, for diagnostics
    line: int = 0


@dataclass(frozen=True)
class ArxivAuthor:
    """One author of a linked record, in the record's order."""

    name: str  # "Given Family Suffix", the name the graph uses for a new person
    family: str  # as the record gives it
    given: str
    # the name the graph already knows them by: the printed name at the same position
    # (reconciled), or a known person's name that is the same name (accents, order, case);
    # None: a person new to the graph, named ``name``
    known_as: str | None = None


@dataclass(frozen=True)
class Link:
    """A paper matched to one arXiv record beyond doubt."""

    paper: str  # our IRI
    arxiv_id: str  # "2510.12345" or "hep-th/9901001", no version
    doi: str | None  # "10.1000/xyz", as the record gives it
    authors: tuple[ArxivAuthor, ...]  # every author, in order
    categories: tuple[str, ...]  # primary first, then the cross-lists ("cs.CV")
    submitted: str | None  # the v1 date, YYYY-MM-DD
    title: str  # the record's title, whitespace folded
    matched_by: str  # "title" or "abstract"
    line: int  # the record's line in the snapshot
    # a group author the record names before its people ("NVIDIA: A, B" -> "NVIDIA"): an
    # organisation, not a person, so it is not one of ``authors`` (added by kg.link)
    group: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """The metadata file a build read."""

    name: str  # its file name (no folder: the output must not depend on where it lies)
    sha256: str  # of its bytes as stored (compressed, for a .gz)
    newest_update: str | None  # the greatest ``update_date`` in it, YYYY-MM-DD
    records: int  # lines read as records


@dataclass(frozen=True)
class Linking:
    """What linking found, every list sorted by paper IRI."""

    snapshot: Snapshot
    links: tuple[Link, ...]
    not_found: tuple[str, ...] = ()  # paper IRIs
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (paper, candidate ids)
    contradicted: tuple[tuple[str, str, str], ...] = ()  # (paper, arxiv id, why)
    diagnostics: tuple[Diagnostic, ...] = field(default=())
