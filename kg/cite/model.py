"""The values the citation stage passes on: a ``Citation`` per paper, the ``Selection``
that says which papers, and ``Cited`` (the citations and the notes for the user)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Citation:
    """One titled paper as a citation, with what the graph says about it (no more)."""

    paper: str  # the paper's IRI
    key: str  # the citation key, unique over the whole graph (kg.cite.keys)
    title: str
    authors: tuple[str, ...]  # names as printed, in printed order
    et_al: bool  # the printed list stops at "et al."
    year: int | None
    month: int | None
    date: str | None  # dcterms:issued as ISO text: "2025-01-30", or "2025" for a bare year
    year_inferred: bool  # the year came from the capture date (kg:issuedYearInferred)
    category: str | None  # the topic's notation: "cs.CL", or a printed code ("CV")
    repositories: tuple[str, ...] = ()  # code repository URLs, sorted
    pages: tuple[str, ...] = ()  # the source pages listing the paper (file names), sorted
    # from the arXiv record the paper is linked to (kg build --arxiv-metadata, issue #19)
    arxiv_id: str | None = None  # "2403.01234" or "hep-th/9901001", no version
    doi: str | None = None  # "10.1000/xyz"

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def url(self) -> str | None:
        """The one URL a format has room for: the arXiv abstract page of a linked paper,
        else its first code repository."""
        return self.arxiv_url or (self.repositories[0] if self.repositories else None)


@dataclass(frozen=True)
class Selection:
    """Which papers to cite; every criterion given must hold (none given: every paper).

    ``person`` is a name as printed (foaf:name; the paper's dcterms:creator), ``topic`` a
    category notation (``cs.CL``), its code alone (``CL``), an archive (``cs``) or a
    printed site code (``CV``), case ignored; ``since`` keeps papers dated that day or
    later (a bare year counts when the year is ``since``'s or later); ``papers`` the IRIs a
    saved query returned; ``paper`` one IRI."""

    person: str | None = None
    topic: str | None = None
    since: date | None = None
    papers: frozenset[str] | None = None
    paper: str | None = None

    @property
    def everything(self) -> bool:
        return self == Selection()


@dataclass(frozen=True)
class Cited:
    """The selected citations sorted by key, and one line per thing the user should know."""

    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()


def remarks(citation: Citation) -> list[str]:
    """The remarks every format carries in its note field."""
    found = []
    if citation.year_inferred:
        found.append("Year inferred from the capture date of the source page")
    if citation.repositories and citation.repositories != (citation.url,):
        found.append("Code: " + " ".join(citation.repositories))
    return found
