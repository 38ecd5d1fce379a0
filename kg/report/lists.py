"""The lists of ``kg report`` read from the catalogue (issue #21): people, topics and papers,
each on one page (``people.html``) when it fits, else an overview there and its parts beside
it (``people-xi.html``, ``papers-2024-05.html``, ``kg.report.parts``), each part with links
to the previous and next and to all of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kg.cite.keys import ascii_word
from kg.report.catalogue import Catalogue
from kg.report.data import Agent
from kg.report.index import (
    PAPERS,
    PEOPLE,
    TOPICS,
    PersonRow,
    Section,
    TopicRow,
    list_page,
    overview_page,
    papers_table,
    part_page,
    people_table,
    topics_chart,
    topics_table,
)
from kg.report.parts import (
    PERSON_ROW_BYTES,
    TOPIC_ROW_BYTES,
    Group,
    Part,
    date_name,
    date_short,
    date_title,
    letters_name,
    letters_title,
    pager,
    parts_list,
    plan,
)
from kg.report.svg import bar_chart
from kg.report.views import File, PaperList, Shared, part_condition, plan_papers


def counts(cat: Catalogue) -> tuple[int, int]:
    """People and papers in the catalogue."""
    people = cat.one("SELECT COUNT(*) FROM agent")[0]
    papers = cat.one("SELECT COUNT(*) FROM paper")[0]
    return int(people), int(papers)


def papers_per_year(cat: Catalogue) -> list[tuple[int, int]]:
    """(year, papers) for every year from the first to the last."""
    years = dict(
        cat.rows("SELECT CAST(k1 AS INTEGER), COUNT(*) FROM paper WHERE k1 != '' GROUP BY k1")
    )
    return [(y, years.get(y, 0)) for y in range(min(years), max(years) + 1)] if years else []


def _pages(
    section: Section,
    parts: list[Part],
    rows_html: Callable[[Part], str],
    name: Callable[[Part], str],
    title: Callable[[Part], str],
    short: Callable[[Part], str],
    extra: str = "",
) -> Iterator[File]:
    """The list's page, and its parts when it has several."""
    if len(parts) == 1 and parts[0].whole:
        yield section.page, list_page(section, rows_html(parts[0]), extra)
        return

    def href(part: Part) -> str:
        return f"{section.stem}-{name(part)}.html"

    total = sum(p.rows for p in parts)
    yield (
        section.page,
        overview_page(section, total, parts_list(parts, href, short, unit=section.unit), extra),
    )
    for index, part in enumerate(parts):
        nav = pager(parts, index, href, title)
        every = parts_list(parts, href, short, index, section.unit)
        yield href(part), part_page(section, title(part), rows_html(part), nav, every)


# -- people ---------------------------------------------------------------------------------

_PREFIXES = "substr(g.fold, 1, 1), substr(g.fold, 1, 2), substr(g.fold, 1, 3)"


def people_files(cat: Catalogue, shared: Shared) -> Iterator[File]:
    if cat.one("SELECT 1 FROM sqlite_master WHERE name = 'agent_stats'") is None:
        _count_people(cat)  # person_files counts them as it goes; this, for a list alone
    groups = [
        Group((k1, k2, k3), n, n)
        for k1, k2, k3, n in cat.rows(
            f"SELECT {_PREFIXES}, COUNT(*) FROM agent g GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
    ]
    parts = plan(groups, max(1, shared.limits.part_bytes // PERSON_ROW_BYTES))
    small = shared.small

    def rows_html(part: Part) -> str:
        keys, values = part_condition(part, [f"substr(g.fold, 1, {i})" for i in (1, 2, 3)])
        found = cat.db.execute(
            f"""SELECT g.iri, g.name, g.path, g.ambiguous, COALESCE(s.papers, 0),
              COALESCE(s.coauthors, 0) FROM agent g LEFT JOIN agent_stats s ON s.agent = g.iri
            WHERE 1 {keys} ORDER BY g.fold, g.sort_name, g.iri LIMIT ? OFFSET ?""",
            (*values, part.rows, part.offset),
        ).fetchall()
        paths = {r[0]: r[2] for r in found}
        labels = {r[0]: r[1] for r in found}
        agents = {r[0]: Agent(iri=r[0], name=r[1], ambiguous=bool(r[3])) for r in found}
        rows = []
        for iri, _, _, ambiguous, papers, coauthors in found:
            metrics = small.metrics.get(iri, ())
            latest = metrics[-1] if metrics else None  # oldest first: the last
            rows.append(
                PersonRow(
                    iri,
                    papers,
                    coauthors,
                    latest.h_index if latest else None,
                    latest.observed_at if latest else "",
                    bool(ambiguous),
                    bool(small.candidate_of.get(iri)),
                )
            )
        return people_table(shared.context(paths, labels, agents), rows)

    yield from _pages(PEOPLE, parts, rows_html, letters_name, letters_title, letters_title)


def _count_people(cat: Catalogue) -> None:
    db = cat.db
    db.execute(
        """CREATE TEMP TABLE wrote AS SELECT DISTINCT a.paper AS paper, a.agent AS agent
        FROM authorship a JOIN paper p ON p.iri = a.paper WHERE a.agent IS NOT NULL"""
    )
    db.execute("CREATE INDEX wrote_paper ON wrote (paper, agent)")
    db.execute(
        """CREATE TABLE agent_stats AS SELECT a.agent AS agent,
          COUNT(DISTINCT a.paper) AS papers, COUNT(DISTINCT b.agent) AS coauthors
        FROM wrote a LEFT JOIN wrote b ON b.paper = a.paper AND b.agent != a.agent
        GROUP BY a.agent"""
    )
    db.execute("CREATE INDEX agent_stats_agent ON agent_stats (agent)")
    db.execute("DROP TABLE wrote")


# -- topics ---------------------------------------------------------------------------------


def topics_files(cat: Catalogue, shared: Shared) -> Iterator[File]:
    found = {
        topic: (n, code)
        for topic, n, code in cat.rows(
            """SELECT t.topic, COUNT(*), SUM(p.has_code) FROM paper_topic t
            JOIN paper p ON p.iri = t.paper GROUP BY t.topic"""
        )
    }
    rows = sorted(
        (TopicRow(topic, *found.get(iri, (0, 0))) for iri, topic in shared.small.topics.items()),
        key=lambda r: (ascii_word(r.topic.notation), r.topic.notation.casefold(), r.topic.iri),
    )
    keyed = [(_letters(ascii_word(r.topic.notation)), r) for r in rows]
    groups: dict[tuple[str, ...], int] = {}
    for keys, _ in keyed:
        groups[keys] = groups.get(keys, 0) + 1
    parts = plan(
        [Group(k, n, n) for k, n in groups.items()],
        max(1, shared.limits.part_bytes // TOPIC_ROW_BYTES),
    )
    ctx = shared.context({}, {}, {})

    def rows_html(part: Part) -> str:
        members = [r for keys, r in keyed if part.holds(keys)]
        return topics_table(ctx, members[part.offset : part.offset + part.rows])

    yield from _pages(
        TOPICS, parts, rows_html, letters_name, letters_title, letters_title, topics_chart(rows)
    )


def _letters(fold: str) -> tuple[str, str, str]:
    return fold[:1], fold[:2], fold[:3]


# -- papers ---------------------------------------------------------------------------------


def papers_files(cat: Catalogue, shared: Shared) -> Iterator[File]:
    papers = PaperList(cat)
    parts = plan_papers(papers.groups(), shared.limits)
    per_year = papers_per_year(cat)
    chart = bar_chart("papers-per-year", "Papers per year", [(str(y), n) for y, n in per_year])

    def rows_html(part: Part) -> str:
        found, refs = papers.part(part)
        return papers_table(shared.context(refs.paths, refs.labels, refs.agents), found)

    yield from _pages(PAPERS, parts, rows_html, date_name, date_title, date_short, chart)
