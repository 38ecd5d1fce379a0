"""What ``kg diff`` found: frozen records the summary makes and the renderers read.

IRIs are plain text (no angle brackets); a page is named by its IRI here and shown by its
path (``Diff.page_names``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class GraphCount:
    graph: str
    removed: int
    added: int


@dataclass(frozen=True)
class ListedPaper:
    """A paper that came to or went from a person's pages: the pages that list it (in NEW
    when it came, in OLD when it went)."""

    paper: str
    title: str | None
    pages: tuple[str, ...]


@dataclass(frozen=True)
class MetricChange:
    name: str  # the metric's local name: hIndex, citationCount, ...
    old: str | None  # None: the observation does not have it
    new: str | None


@dataclass(frozen=True)
class MetricsChange:
    """The person's latest observation in OLD against the latest in NEW (by date)."""

    old_observation: str | None
    old_date: str | None
    new_observation: str | None
    new_date: str | None
    changes: tuple[MetricChange, ...]


@dataclass(frozen=True)
class PersonChange:
    person: str
    name: str | None
    added: tuple[ListedPaper, ...]
    removed: tuple[ListedPaper, ...]
    # listed by the person's latest profile capture in OLD, not by the latest in NEW, though
    # an older page still lists them (so not removed): the pages are OLD's latest captures
    dropped: tuple[ListedPaper, ...]
    pages_added: tuple[str, ...]  # pages about the person in NEW only
    pages_removed: tuple[str, ...]
    metrics: MetricsChange | None


@dataclass(frozen=True)
class FieldChange:
    """One property of a paper whose values differ: all its values in OLD and in NEW.
    ``field`` is the name the summary gives it (title, authors, date, category, code,
    repositories, ...)."""

    field: str
    predicate: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class PaperChange:
    paper: str
    title: str | None
    status: str  # "added", "removed" or "changed"
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    people: tuple[PersonChange, ...]
    papers: tuple[PaperChange, ...]
    graphs: tuple[GraphCount, ...]  # only graphs that changed
    page_names: tuple[tuple[str, str], ...]  # page IRI -> its path, for the pages shown
    base: str  # the base IRI of NEW's data, which text and Markdown leave out of IRIs

    @property
    def changed(self) -> bool:
        return bool(self.graphs)

    @property
    def removed(self) -> int:
        return sum(g.removed for g in self.graphs)

    @property
    def added(self) -> int:
        return sum(g.added for g in self.graphs)


@dataclass(frozen=True)
class TripleSection:
    """The changed quads of one graph, as N-Quads lines, for ``--triples``."""

    graph: GraphCount
    removed: Iterable[bytes]
    added: Iterable[bytes]
