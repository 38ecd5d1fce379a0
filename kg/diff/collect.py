"""The merge's events -> what the summary needs, kept as the single pass goes (pure).

Counts per graph; which papers changed (their own lines or their authorships'), whether
they came or went, and the titles the changed lines carry; what each changed page says in
OLD and in NEW; and, for the pages that did not change, only whose they are, so a person's
other pages can be read again if the person turns out to have changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.diff.files import is_arxiv_graph, is_entities_graph
from kg.diff.merge import Changes, PageGraph, SharedGraph
from kg.diff.nquads import parse, value
from kg.diff.pages import PageView, owners_of, page_view
from kg.graph.terms import DCTERMS_, SCHEMA_, A

Sink = Callable[[Changes], None]
_PAPER = re.compile(rb"<([^>]*/paper/[^/>]+)(?:/authorship/[0-9]+)?>")
_PAPER_TYPE = f" {A} {SCHEMA_.ScholarlyArticle} ".encode()
_TITLE = f" {DCTERMS_.title} ".encode()


@dataclass
class PaperMarks:
    """What the changed lines say about one paper: did its type come or go (so the paper
    did), and its title in the lines removed and added."""

    came: bool = False
    went: bool = False
    old_title: str | None = None
    new_title: str | None = None


@dataclass
class Collected:
    counts: dict[str, list[int]] = field(default_factory=dict)  # graph -> [removed, added]
    entities_graph: str = ""  # <base>graph/entities as N-Triples text
    arxiv_graph: str = ""  # <base>graph/arxiv, in builds linked to arXiv (issue #19)
    papers: dict[str, PaperMarks] = field(default_factory=dict)  # paper IRI -> marks
    pages: dict[str, tuple[PageView | None, PageView | None]] = field(default_factory=dict)
    unchanged_pages: dict[str, list[str]] = field(default_factory=dict)  # owner -> pages

    @property
    def base(self) -> str:
        """The build's base IRI, from the name of its entities graph."""
        return self.entities_graph[1 : -len("graph/entities>")] if self.entities_graph else ""


def paper_of(subject: bytes) -> str | None:
    """The paper a subject of the entities graph is about: itself (``<base>paper/{key}``),
    or the paper of an authorship (``<paper>/authorship/{n}``; ontology/MODEL.md)."""
    match = _PAPER.fullmatch(subject)
    return match[1].decode("utf-8") if match else None


def collect(
    events: Iterable[Changes | PageGraph | SharedGraph], sink: Sink | None = None
) -> Collected:
    """One pass over kg.diff.merge.compare's events; ``sink`` also hears every change."""
    found = Collected()
    for event in events:
        graph = event.graph.decode("utf-8")
        if isinstance(event, PageGraph):
            if event.old == event.new:
                for owner in owners_of(event.new):
                    found.unchanged_pages.setdefault(owner, []).append(graph[1:-1])
            else:
                old = page_view(graph, event.old) if event.old else None
                new = page_view(graph, event.new) if event.new else None
                found.pages[graph[1:-1]] = (old, new)
        elif isinstance(event, SharedGraph):
            if is_entities_graph(event.graph):
                found.entities_graph = graph
            elif is_arxiv_graph(event.graph):
                found.arxiv_graph = graph
        else:
            if sink is not None:
                sink(event)
            count = found.counts.setdefault(graph, [0, 0])
            count[0] += len(event.removed)
            count[1] += len(event.added)
            if graph in (found.entities_graph, found.arxiv_graph):  # a paper's description
                _mark_papers(found.papers, event.removed, went=True)
                _mark_papers(found.papers, event.added, went=False)
    return found


def _mark_papers(papers: dict[str, PaperMarks], lines: list[bytes], went: bool) -> None:
    subject = b"\n"  # no line starts with a newline
    marks: PaperMarks | None = None
    typed = titled = b"\n"
    for line in lines:
        if not line.startswith(subject):  # one subject's lines come together: look it up once
            subject = line[: line.find(b" ") + 1]
            paper = paper_of(subject[:-1])
            marks = None if paper is None else papers.setdefault(paper, PaperMarks())
            typed, titled = subject + _PAPER_TYPE[1:], subject + _TITLE[1:]
        if marks is None:
            continue
        if line.startswith(typed):
            marks.went, marks.came = marks.went or went, marks.came or not went
        elif line.startswith(titled):
            title = value(parse(line).object)
            if went:
                marks.old_title = marks.old_title or title
            else:
                marks.new_title = marks.new_title or title
