"""The entity pages of ``kg report`` read from the catalogue one at a time (issue #21): each
paper, person and topic page gets a ``Context`` holding only what it shows and links to,
and is handed to its renderer; the files come out one by one, to be written as they come.

Papers are read in one ordered pass over the catalogue (``kg.report.paper_files``); a
person's page reads their papers (at most a few thousand for the most prolific of 100 k
papers); a topic's page counts over its papers in SQL and reads only the papers it shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.report.bib import Entry
from kg.report.catalogue import Catalogue, Small, date_keys
from kg.report.data import (
    Agent,
    Authorship,
    Paper,
    Site,
)
from kg.report.html import Links
from kg.report.pages import Context, papers_part_page, topic_name
from kg.report.parts import (
    LIST_AUTHORS,
    LONG_LIST,
    PAPER_ROW_BYTES,
    Group,
    Limits,
    Part,
    date_name,
    date_short,
    date_title,
    pager,
    parts_list,
    plan,
    row_weight,
)

File = tuple[str, "str | Iterator[str]"]  # (path from the site root, text or its chunks)
Shard = tuple[str | None, str | None]  # IRIs from the first (included) to the last (not)


def in_shard(shard: Shard, column: str) -> tuple[str, list[str]]:
    """SQL (``AND ...``) keeping the rows whose ``column`` is in the shard, and its values."""
    low, high = shard
    sql, params = "", []
    if low is not None:
        sql, params = f" AND {column} >= ?", [low]
    if high is not None:
        sql, params = sql + f" AND {column} < ?", [*params, high]
    return sql, params


# the columns ``Refs.papers`` reads, of the table ``paper`` as ``p``
LIGHT_COLUMNS = (
    "p.iri, p.title, p.head, p.issued, p.has_code, p.complete, p.authors, p.topics, p.path, p.label"
)


class Refs:
    """What a page links to, gathered as the papers it lists are read: the paths and labels
    of the papers and their authors, and the authors (name, ambiguity). Of a paper with
    more than ``LONG_LIST`` authors only the first ``LIST_AUTHORS`` are read, and ``me``
    (the person whose page it is) wherever they stand."""

    def __init__(self, me: str = "") -> None:
        self.paths: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.agents: dict[str, Agent] = {}
        self.me = me

    def papers(self, rows: Iterable[Sequence[Any]]) -> list[Paper]:
        """Papers as the lists show them, from rows of ``LIGHT_COLUMNS`` (the abstract only
        as far as a label needs), each JSON column read once."""
        found = []
        paths, labels, agents = self.paths, self.labels, self.agents
        for iri, title, head, issued, has_code, complete, authors, topics, path, label in rows:
            paths[iri], labels[iri] = path, label
            written = []
            entries = json.loads(authors)
            more = 0
            if len(entries) > LONG_LIST:
                kept = entries[:LIST_AUTHORS] + [
                    a for a in entries[LIST_AUTHORS:] if a[1] == self.me
                ]
                entries, more = kept, len(entries) - len(kept)
            for ordinal, agent, printed, name, where, ambiguous in entries:
                written.append(Authorship(ordinal, agent, printed))
                if agent not in agents:
                    paths[agent], labels[agent] = where, name
                    agents[agent] = Agent(iri=agent, name=name, ambiguous=bool(ambiguous))
            found.append(
                Paper(
                    iri=iri,
                    title=title,
                    abstract=head,
                    issued=issued,
                    has_code=bool(has_code),
                    complete=bool(complete),
                    authors=tuple(written),
                    topics=tuple(json.loads(topics)),
                    more_authors=more,
                )
            )
        return found

    def add(self, iri: str, path: str, label: str) -> None:
        self.paths[iri], self.labels[iri] = path, label


@dataclass(frozen=True)
class Shared:
    """What every page may refer to (all small), and how much a page shows."""

    small: Small
    prefixes: dict[str, str]
    limits: Limits = field(default_factory=Limits)
    labels: dict[str, str] = field(default_factory=dict)  # topics and concepts
    profiles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # person -> pages
    inferred: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, small: Small, prefixes: dict[str, str], limits: Limits) -> Shared:
        labels = dict(small.concept_labels)
        labels.update({iri: topic_name(t) for iri, t in small.topics.items()})
        profiles: dict[str, list[str]] = {}
        inferred: dict[str, list[str]] = {}
        for page in small.pages.values():
            if page.primary_topic:
                profiles.setdefault(page.primary_topic, []).append(page.iri)
            if page.inferred_owner:
                inferred.setdefault(page.inferred_owner, []).append(page.iri)
        return cls(
            small,
            prefixes,
            limits,
            labels,
            {k: tuple(sorted(v)) for k, v in profiles.items()},
            {k: tuple(sorted(v)) for k, v in inferred.items()},
        )

    def context(
        self,
        paths: dict[str, str],
        labels: dict[str, str],
        agents: dict[str, Agent],
        by_page: dict[str, list[Paper]] | None = None,
        bibtex: dict[str, Entry] | None = None,
    ) -> Context:
        """A page's context: ``paths``, ``labels`` and ``agents`` of what it refers to, over
        the topics and concepts every page may refer to."""
        small = self.small
        site = Site(small.dataset, {}, agents, small.topics, small.pages, small.concept_labels)
        # merged, not chained: a ChainMap lookup costs a Python call; a copy of the few
        # hundred topics, a few microseconds
        links = Links({**small.topic_paths, **paths}, self.prefixes, {**self.labels, **labels})
        return Context(site, links, by_page=by_page or {}, bibtex=bibtex or {})


# -- papers ---------------------------------------------------------------------------------


# -- lists of papers ------------------------------------------------------------------------

ORDER = "p.k1 DESC, p.k2 DESC, p.k3 DESC, p.issued DESC, p.sort_label DESC, p.iri DESC"


class PaperList:
    """The papers matching a condition on ``paper p``, newest first, read part by part."""

    def __init__(self, cat: Catalogue, where: str = "1", params: Sequence[Any] = ()) -> None:
        self.cat, self.where, self.params = cat, where, tuple(params)

    def groups(self) -> list[Group]:
        return [
            Group((k1, k2, k3), n, weight)
            for k1, k2, k3, n, weight in self.cat.rows(
                f"""SELECT p.k1, p.k2, p.k3, COUNT(*), SUM(p.weight) FROM paper p
                WHERE {self.where} GROUP BY p.k1, p.k2, p.k3
                ORDER BY p.k1 DESC, p.k2 DESC, p.k3 DESC""",
                self.params,
            )
        ]

    def rows(self, part: Part) -> list[Any]:
        """The rows (``LIGHT_COLUMNS``) of one part."""
        keys, values = part_condition(part, [f"p.k{i + 1}" for i in range(3)])
        return self.cat.db.execute(
            f"SELECT {LIGHT_COLUMNS} FROM paper p WHERE {self.where} {keys} ORDER BY {ORDER} "
            "LIMIT ? OFFSET ?",
            (*self.params, *values, part.rows, part.offset),
        ).fetchall()

    def part(self, part: Part) -> tuple[list[Paper], Refs]:
        refs = Refs()
        return refs.papers(self.rows(part)), refs


def part_condition(part: Part, columns: Sequence[str]) -> tuple[str, list[str]]:
    """SQL (``AND ...``) selecting the rows of a part by its keys (``columns``: the SQL of
    each level's key), and its parameters."""
    depth = len(part.keys)
    if not depth:
        return "", []
    sql = [f"AND {columns[i]} = ?" for i in range(depth - 1)]
    sql.append(f"AND {columns[depth - 1]} BETWEEN ? AND ?")
    return " ".join(sql), [*part.keys, part.until]


def plan_papers(groups: Sequence[Group], limits: Limits, own: bool = False) -> list[Part]:
    """The parts of a list of papers, newest first; ``own``: the papers of a person or
    topic, on its page when they fit in ``Limits.page_bytes`` (the page shows more)."""
    budget = max(1, limits.part_bytes // PAPER_ROW_BYTES)
    whole = max(1, limits.page_bytes // PAPER_ROW_BYTES) if own else None
    return plan(groups, budget, descending=True, whole=whole)


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    """Papers in the order of the lists (as ``ORDER``): by year, month and day, then by
    date, label and IRI, newest first."""
    return sorted(papers, key=lambda p: (date_keys(p.issued), p.sort_key), reverse=True)


def in_memory_groups(papers: Sequence[Paper]) -> list[Group]:
    """The groups of papers sorted by ``newest_first``."""
    found: dict[tuple[str, ...], list[int]] = {}
    for p in papers:
        counts = found.setdefault(date_keys(p.issued), [0, 0])
        counts[0] += 1
        counts[1] += row_weight(len(p.authors) + p.more_authors)
    return [Group(keys, n, weight) for keys, (n, weight) in found.items()]


def part_of(papers: Sequence[Paper], part: Part) -> list[Paper]:
    """The papers of one part of a list sorted by ``newest_first``."""
    if part.whole:
        return list(papers)
    members = [p for p in papers if part.holds(date_keys(p.issued))]
    return members[part.offset : part.offset + part.rows]


@dataclass(frozen=True)
class Owner:
    """The person or topic whose papers a list holds, and its page."""

    iri: str
    name: str
    path: str  # from the site root
    section: str  # the list it belongs to: people.html, topics.html
    me: str = ""  # a person's IRI: their name is marked in the author lines


def paper_parts(
    shared: Shared,
    owner: Owner,
    parts: list[Part],
    part: Callable[[Part], tuple[list[Paper], Refs]],
) -> tuple[str, Iterator[File]]:
    """The list of parts for ``owner``'s page, and the pages of its parts, beside that page
    (``people/x.html`` -> ``people/x/papers-2024.html``); ``part`` reads one."""
    folder = owner.path.removesuffix(".html")
    stem = folder.rsplit("/", 1)[-1]

    def href(part: Part) -> str:
        return f"papers-{date_name(part)}.html"

    def files() -> Iterator[File]:
        for index, each in enumerate(parts):
            papers, refs = part(each)
            refs.add(owner.iri, owner.path, owner.name)
            ctx = shared.context(refs.paths, refs.labels, refs.agents)
            nav = pager(parts, index, href, date_title)
            every = (
                '<details class="parts"><summary>All parts</summary>\n'
                + parts_list(parts, href, date_short, index)
                + "</details>\n"
            )
            title = date_title(each)
            html = papers_part_page(
                ctx, owner.name, owner.iri, title, papers, nav, every, 2, owner.section, owner.me
            )
            yield f"{folder}/{href(each)}", html

    return parts_list(parts, lambda part: f"{stem}/{href(part)}", date_short), files()
