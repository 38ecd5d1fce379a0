"""What the merge collected -> the changes people ask about (pure apart from ``Lookup``).

**A person** is the ``foaf:primaryTopic`` or ``kg:inferredOwner`` of a page. Their papers in
a build are the papers the listings of all their pages list; a paper is *added* when NEW
lists it on some page of theirs and OLD on none, *removed* the other way round, each shown
with the pages that list it. A paper is *dropped* when their latest profile capture (the
pages with them as primary topic and the latest ``kg:capturedOn``) lists it in OLD and not
in NEW, though an older capture still does: a build that keeps every capture never removes
a paper, but a new capture can leave one out. Their *metrics* are those of their latest
observation by ``kg:observedAt`` (then by IRI); a change is any metric whose value differs
between OLD's latest and NEW's latest, shown with both dates. Only the people of pages that
changed can have changed; their other pages are read again by lookup.

**A paper** (``<base>paper/…`` in the entities graph) is *added* or *removed* when its
``schema:ScholarlyArticle`` type is; otherwise each property whose values differ is a
field change with all its old and all its new values, and ``authors`` is the printed names
in order from its authorships.

The context a summary needs beyond the changed lines (titles, names, the rest of a changed
paper, a person's unchanged pages) comes from ``Lookup``: the lines under some key
prefixes, read from the sorted file by kg.diff.files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kg.diff.collect import Collected
from kg.diff.model import (
    Diff,
    FieldChange,
    GraphCount,
    ListedPaper,
    MetricChange,
    MetricsChange,
    PaperChange,
    PersonChange,
)
from kg.diff.nquads import Quad, local_name, parse, subject_key, value
from kg.diff.pages import Observation, PageView, page_view
from kg.graph.terms import DCTERMS_, FOAF_, KG_, SCHEMA_, A

Lookup = Callable[[Iterable[bytes]], dict[bytes, list[bytes]]]

# Field names for the paper properties people ask about, in the order they are shown;
# any other property is named by its local name and shown after these.
FIELDS = {
    DCTERMS_.title: "title",
    KG_.hasAuthorship: "authors",
    DCTERMS_.issued: "date",
    DCTERMS_.subject: "category",
    KG_.hasCode: "code",
    KG_.hasCodeRepository: "repositories",
    DCTERMS_.creator: "creators",
    DCTERMS_.abstract: "abstract",
    A: "types",
}
_ORDER = {name: index for index, name in enumerate(FIELDS.values())}
_PAPER_TYPE, _TITLE = SCHEMA_.ScholarlyArticle, DCTERMS_.title


@dataclass(frozen=True)
class Sides:
    """The two builds' lookups, and their names for the report."""

    old: Lookup
    new: Lookup
    old_name: str
    new_name: str


def summarise(found: Collected, sides: Sides) -> Diff:
    views = _person_pages(found, sides)
    people = [_person(person, olds, news) for person, (olds, news) in sorted(views.items())]
    changed_people = [p for p in people if p is not None]
    papers = [_paper_status(found, paper) for paper in sorted(found.papers)]
    context = _Context(found, sides)
    context.fetch(changed_people, papers)
    shown_pages = {
        view.iri: view.identifier
        for olds, news in views.values()
        for view in [*olds.values(), *news.values()]
    }
    return Diff(
        sides.old_name,
        sides.new_name,
        tuple(context.person(p) for p in changed_people),
        tuple(sorted((context.paper(p) for p in papers), key=_paper_order)),
        tuple(
            GraphCount(graph[1:-1], removed, added)
            for graph, (removed, added) in sorted(found.counts.items())
            if removed or added
        ),
        tuple(sorted(shown_pages.items())),
        found.base,
    )


# -- people -------------------------------------------------------------------------------

PageViews = dict[str, PageView]


def _person_pages(found: Collected, sides: Sides) -> dict[str, tuple[PageViews, PageViews]]:
    """Each person a changed page is about -> their pages in OLD and in NEW."""
    touched: set[str] = set()
    for old, new in found.pages.values():
        for view in (old, new):
            if view is not None:
                touched.update(view.owners)
                touched.update(o.person for o in view.observations if o.person)
    unchanged = {page for person in touched for page in found.unchanged_pages.get(person, [])}
    # an unchanged page is the same in both files: read it from NEW
    read = sides.new(f"<{page}>".encode() for page in unchanged)
    unchanged_views = {
        page: page_view(f"<{page}>", read[f"<{page}>".encode()]) for page in sorted(unchanged)
    }
    result: dict[str, tuple[PageViews, PageViews]] = {}
    for person in touched:
        olds: PageViews = {}
        news: PageViews = {}
        for page in found.unchanged_pages.get(person, []):
            olds[page] = news[page] = unchanged_views[page]
        for page, (old, new) in found.pages.items():
            if old is not None and _about(old, person):
                olds[page] = old
            if new is not None and _about(new, person):
                news[page] = new
        result[person] = (olds, news)
    return result


def _about(view: PageView, person: str) -> bool:
    return person in view.owners or any(o.person == person for o in view.observations)


def _person(person: str, olds: PageViews, news: PageViews) -> PersonChange | None:
    old_papers, new_papers = _listed(olds, person), _listed(news, person)
    added = tuple(
        ListedPaper(paper, None, tuple(sorted(new_papers[paper])))
        for paper in sorted(new_papers.keys() - old_papers.keys())
    )
    removed = tuple(
        ListedPaper(paper, None, tuple(sorted(old_papers[paper])))
        for paper in sorted(old_papers.keys() - new_papers.keys())
    )
    old_latest, new_latest = _latest_profile(olds, person), _latest_profile(news, person)
    dropped = tuple(
        ListedPaper(paper, None, tuple(sorted(old_latest[paper])))
        for paper in sorted(old_latest.keys() - new_latest.keys())
        if paper in new_papers
    )
    pages_added = tuple(sorted(p for p in news.keys() - olds.keys() if person in news[p].owners))
    pages_removed = tuple(sorted(p for p in olds.keys() - news.keys() if person in olds[p].owners))
    metrics = _metrics(_latest(olds, person), _latest(news, person))
    if not (added or removed or dropped or pages_added or pages_removed or metrics):
        return None
    return PersonChange(person, None, added, removed, dropped, pages_added, pages_removed, metrics)


def _listed(views: PageViews, person: str) -> dict[str, set[str]]:
    """Paper -> the person's pages that list it."""
    listed: dict[str, set[str]] = defaultdict(set)
    for page, view in views.items():
        if person in view.owners:
            for paper in view.papers:
                listed[paper].add(page)
    return listed


def _latest_profile(views: PageViews, person: str) -> dict[str, set[str]]:
    """Paper -> the pages of the person's latest profile capture that list it (all their
    profile pages of the latest capture date)."""
    profiles = {page: v for page, v in views.items() if person in v.profile_of}
    latest = max((v.captured for v in profiles.values()), default=None)
    return _listed({p: v for p, v in profiles.items() if v.captured == latest}, person)


def _latest(views: PageViews, person: str) -> Observation | None:
    observations = [o for v in views.values() for o in v.observations if o.person == person]
    return max(observations, key=lambda o: (o.date, o.iri), default=None)


def _metrics(old: Observation | None, new: Observation | None) -> MetricsChange | None:
    old_values, new_values = dict(old.values if old else ()), dict(new.values if new else ())
    changes = tuple(
        MetricChange(name, old_values.get(name), new_values.get(name))
        for name in sorted(old_values.keys() | new_values.keys())
        if old_values.get(name) != new_values.get(name)
    )
    if not changes:
        return None
    return MetricsChange(
        old.iri if old else None,
        old.date if old else None,
        new.iri if new else None,
        new.date if new else None,
        changes,
    )


# -- papers -------------------------------------------------------------------------------


def _paper_order(paper: PaperChange) -> tuple[int, str, str]:
    """Papers added, then removed, then changed; each by title."""
    return (("added", "removed", "changed").index(paper.status), paper.title or "", paper.paper)


def _paper_status(found: Collected, paper: str) -> PaperChange:
    marks = found.papers[paper]
    if marks.came and not marks.went:
        return PaperChange(paper, marks.new_title, "added", ())
    if marks.went and not marks.came:
        return PaperChange(paper, marks.old_title, "removed", ())
    return PaperChange(paper, None, "changed", ())


def _title(quads: Iterable[Quad], subject: str) -> str | None:
    titles = [value(q.object) for q in quads if q.subject == subject and q.predicate == _TITLE]
    return titles[0] if titles else None


def _fields(old: list[Quad], new: list[Quad], paper: str) -> tuple[FieldChange, ...]:
    """The properties of the paper whose values differ, with all old and new values; its
    authorships are compared as the list of printed names in order."""
    subject = f"<{paper}>"
    old_values, new_values = _values(old, subject), _values(new, subject)
    old_values[KG_.hasAuthorship], new_values[KG_.hasAuthorship] = _authors(old), _authors(new)
    changes = [
        FieldChange(
            FIELDS.get(predicate, local_name(predicate)),
            predicate[1:-1],
            tuple(old_values.get(predicate, [])),
            tuple(new_values.get(predicate, [])),
        )
        for predicate in old_values.keys() | new_values.keys()
        if old_values.get(predicate, []) != new_values.get(predicate, [])
    ]
    return tuple(sorted(changes, key=lambda c: (_ORDER.get(c.field, len(_ORDER)), c.field)))


def _values(quads: Iterable[Quad], subject: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for quad in quads:
        if quad.subject == subject and quad.predicate != KG_.hasAuthorship:
            values[quad.predicate].append(value(quad.object))
    return values


def _authors(quads: Iterable[Quad]) -> list[str]:
    """The names of the paper's authorships, by ``kg:ordinal``: as printed, else as the
    linked arXiv record gives it."""
    ordinals: dict[str, int] = {}
    names: dict[str, str] = {}
    for quad in quads:
        if quad.predicate == KG_.ordinal:
            ordinals[quad.subject] = int(value(quad.object))
        elif quad.predicate == KG_.printedName:
            names[quad.subject] = value(quad.object)
        elif quad.predicate == KG_.arxivName:  # an author no page printed (issue #19)
            names.setdefault(quad.subject, value(quad.object))
    return [names.get(a, "") for a in sorted(ordinals, key=lambda a: (ordinals[a], a))]


# -- context ------------------------------------------------------------------------------


class _Context:
    """The lines a summary reads beyond the changed ones, fetched in one sorted batch of
    lookups per file: titles, names, and the whole of every changed paper."""

    def __init__(self, found: Collected, sides: Sides) -> None:
        self.found, self.sides = found, sides
        self.old: Mapping[bytes, list[bytes]] = {}
        self.new: Mapping[bytes, list[bytes]] = {}

    def _key(self, subject_prefix: str) -> bytes:
        return subject_key(self.found.entities_graph.encode(), subject_prefix)

    def _title_key(self, paper: str) -> bytes:
        return self._key(f"<{paper}> {DCTERMS_.title} ")

    def _name_key(self, person: str) -> bytes:
        return self._key(f"<{person}> {FOAF_.name} ")

    def _paper_keys(self, paper: str) -> list[bytes]:
        """A paper's lines: the entities graph's, and the arXiv graph's (issue #19), which
        the entities graph leaves what a linked record says to."""
        keys = [self._key(f"<{paper}> "), self._key(f"<{paper}/authorship/")]
        arxiv = f"<{self.found.base}graph/arxiv>".encode()
        return keys + [
            subject_key(arxiv, f"<{paper}> "),
            subject_key(arxiv, f"<{paper}/authorship/"),
        ]

    def _known_title(self, paper: str, which: str) -> str | None:
        """The title the changed lines carry for the paper in one build, if they do."""
        marks = self.found.papers.get(paper)
        if marks is None:
            return None
        return marks.new_title if which == "new" else marks.old_title

    def _untitled(self, papers: tuple[ListedPaper, ...], which: str) -> list[str]:
        return [p.paper for p in papers if self._known_title(p.paper, which) is None]

    def fetch(self, people: list[PersonChange], papers: list[PaperChange]) -> None:
        if not self.found.entities_graph:
            return
        old: set[bytes] = set()
        new: set[bytes] = set()
        for person in people:
            old.add(self._name_key(person.person))
            new.add(self._name_key(person.person))
            old.update(self._title_key(p) for p in self._untitled(person.removed, "old"))
            new.update(
                self._title_key(p) for p in self._untitled(person.added + person.dropped, "new")
            )
        for paper in papers:
            if paper.status == "changed":
                old.update(self._paper_keys(paper.paper))
                new.update(self._paper_keys(paper.paper))
        self.old, self.new = self.sides.old(old), self.sides.new(new)

    def _first_value(self, key: bytes, *sides: Mapping[bytes, list[bytes]]) -> str | None:
        for side in sides:
            for line in side.get(key, []):
                return value(parse(line).object)
        return None

    def person(self, change: PersonChange) -> PersonChange:
        def titled(
            papers: tuple[ListedPaper, ...], side: Mapping[bytes, list[bytes]]
        ) -> tuple[ListedPaper, ...]:
            which = "new" if side is self.new else "old"
            return tuple(
                ListedPaper(
                    p.paper,
                    self._known_title(p.paper, which)
                    or self._first_value(self._title_key(p.paper), side),
                    p.pages,
                )
                for p in papers
            )

        return PersonChange(
            change.person,
            self._first_value(self._name_key(change.person), self.new, self.old),
            titled(change.added, self.new),
            titled(change.removed, self.old),
            titled(change.dropped, self.new),
            change.pages_added,
            change.pages_removed,
            change.metrics,
        )

    def paper(self, change: PaperChange) -> PaperChange:
        if change.status != "changed":
            return change
        old = [parse(line) for key in self._paper_keys(change.paper) for line in self.old[key]]
        new = [parse(line) for key in self._paper_keys(change.paper) for line in self.new[key]]
        subject = f"<{change.paper}>"
        title = _title(new, subject) or _title(old, subject)
        return PaperChange(change.paper, title, "changed", _fields(old, new, change.paper))
