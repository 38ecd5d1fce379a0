"""The person and topic pages of ``kg report`` read from the catalogue one at a time (issue
#21), with the parts of their lists of papers and their ``.bib`` files.

A person's page reads all their papers (a few thousand for the most prolific of 100 k
papers): the counts, the co-author network and the topics over time come from them. A
topic may hold a third of the graph, so its page counts in SQL and reads only the papers
it shows, part by part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import partial

from kg.report.bib import bib_path
from kg.report.catalogue import Catalogue, P
from kg.report.data import Agent, Paper, Repository
from kg.report.pages import MAX_AUTHORS, TopicStats, topic_name, topic_page
from kg.report.pages import Listing as Shown
from kg.report.parts import Part
from kg.report.person import person_page
from kg.report.views import (
    LIGHT_COLUMNS,
    File,
    Owner,
    PaperList,
    Refs,
    Shard,
    Shared,
    in_memory_groups,
    in_shard,
    newest_first,
    paper_parts,
    part_of,
    plan_papers,
)

# what the list of people shows of each, counted while their pages are written
STATS = "CREATE TABLE agent_stats (agent TEXT PRIMARY KEY, papers INTEGER, coauthors INTEGER)"
Stats = list[tuple[str, int, int]]  # (person, papers, co-authors)
BY_AUTHOR = "authorship WHERE agent = ?"
BY_TOPIC = "paper_topic WHERE topic = ?"


def person_files(
    cat: Catalogue,
    shared: Shared,
    shard: Shard = (None, None),
    stats: Stats | None = None,
) -> Iterator[File]:
    """Each person's page, the parts of their papers and the ``.bib`` of their papers (the
    people whose IRI is in ``shard``, all by default); what the list of people counts of
    each goes to ``stats`` (agent, papers, co-authors), or else to the table
    ``agent_stats``."""
    small, limits = shared.small, shared.limits
    counted: Stats = [] if stats is None else stats
    where, params = in_shard(shard, "iri")
    everyone = cat.rows(
        f"SELECT iri, name, ambiguous, path FROM agent WHERE 1 {where} ORDER BY iri", params
    )
    for iri, name, ambiguous, path in everyone:
        refs = Refs(me=iri)
        papers = newest_first(refs.papers(_papers(cat, BY_AUTHOR, iri)))
        agent = Agent(
            iri=iri,
            name=name,
            ambiguous=bool(ambiguous),
            candidates=small.candidates.get(iri, ()),
            candidate_of=small.candidate_of.get(iri, ()),
            metrics=small.metrics.get(iri, ()),
            profile_pages=shared.profiles.get(iri, ()),
            inferred_pages=shared.inferred.get(iri, ()),
        )
        by_page: dict[str, list[Paper]] = {}
        for page_iri in agent.profile_pages:
            listed_here = refs.papers(_papers(cat, "listing WHERE on_page = ?", page_iri))
            by_page[page_iri] = sorted(listed_here, key=lambda p: p.iri)
        refs.add(iri, path, name)
        refs.agents[iri] = agent
        for other in agent.candidates + agent.candidate_of:
            _refer(cat, other, refs)
        ctx = shared.context(refs.paths, refs.labels, refs.agents, by_page)
        owner = Owner(iri, name, path, "people.html", iri)
        parts = plan_papers(in_memory_groups(papers), limits, own=True)
        part_files: Iterable[File] = ()
        if len(parts) == 1 and parts[0].whole:
            shown = Shown(len(papers), papers)
        else:
            overview, part_files = paper_parts(shared, owner, parts, partial(_slice, papers, refs))
            shown = Shown(len(papers), papers[: limits.inline], overview)
        credited = {p.iri for p in papers}
        others = newest_first(
            {
                p.iri: p for found in by_page.values() for p in found if p.iri not in credited
            }.values()
        )
        listed = Shown(len(others), others[: limits.listed])
        cited = _cited(cat, BY_AUTHOR, iri)
        oldest_first = papers[::-1]
        partners = {a.agent for p in papers if not p.more_authors for a in p.authors} - {iri}
        counted.append((iri, len(papers), len(partners)))
        yield path, person_page(ctx, agent, oldest_first, shown, cited, listed, limits)
        yield from part_files
        if cited:
            yield bib_path(path), _bib(cat, BY_AUTHOR, iri)
    if stats is None:
        save_stats(cat, counted)


def save_stats(cat: Catalogue, stats: Stats, anew: bool = True) -> None:
    """The counts of the list of people, into the table ``agent_stats`` (made anew unless
    not ``anew``)."""
    if anew:
        cat.db.execute("DROP TABLE IF EXISTS agent_stats")
        cat.db.execute(STATS)
    cat.db.executemany("INSERT INTO agent_stats VALUES (?, ?, ?)", stats)


def _papers(cat: Catalogue, papers: str, iri: str) -> list[tuple[object, ...]]:
    """Rows (``LIGHT_COLUMNS``) of the papers SQL ``papers`` selects for ``iri``."""
    return cat.db.execute(
        f"SELECT {LIGHT_COLUMNS} FROM paper p WHERE p.iri IN (SELECT paper FROM {papers})",
        (iri,),
    ).fetchall()


def _slice(papers: list[Paper], refs: Refs, part: Part) -> tuple[list[Paper], Refs]:
    return part_of(papers, part), refs


def _refer(cat: Catalogue, iri: str, refs: Refs) -> None:
    """Add a person the page names (a candidate, an ambiguous name) to what it links to."""
    if iri in refs.paths:
        return
    found = cat.one("SELECT name, ambiguous, path FROM agent WHERE iri = ?", (iri,))
    if found:
        refs.add(iri, found[2], found[0])
        refs.agents[iri] = Agent(iri=iri, name=found[0], ambiguous=bool(found[1]))


def _cited(cat: Catalogue, papers: str, iri: str) -> int:
    """How many of a person's or topic's papers have a BibTeX entry."""
    found = cat.one(f"SELECT COUNT(*) FROM bib WHERE paper IN (SELECT paper FROM {papers})", (iri,))
    return int(found[0])


def _bib(cat: Catalogue, papers: str, iri: str) -> Iterator[str]:
    """The ``.bib`` of a person's or topic's papers (``papers``: SQL selecting the paper
    column), entries in key order, a blank line between: written as it is read."""
    found = cat.db.execute(
        f"SELECT entry FROM bib WHERE paper IN (SELECT paper FROM {papers}) ORDER BY key, paper",
        (iri,),
    )
    for index, (text,) in enumerate(found):
        yield ("\n" if index else "") + text


# -- topics ---------------------------------------------------------------------------------


def topic_files(cat: Catalogue, shared: Shared) -> Iterator[File]:
    """Each topic's page, the parts of its papers and the ``.bib`` of its papers."""
    small, limits = shared.small, shared.limits
    where = "p.iri IN (SELECT paper FROM paper_topic WHERE topic = ?)"
    for iri, topic in small.topics.items():
        path = small.topic_paths[iri]
        count, with_code = cat.one(
            f"SELECT COUNT(*), COALESCE(SUM(p.has_code), 0) FROM paper p WHERE {where}", (iri,)
        )
        years = dict(
            cat.rows(
                f"""SELECT CAST(p.k1 AS INTEGER), COUNT(*) FROM paper p
                WHERE {where} AND p.k1 != '' GROUP BY p.k1""",
                (iri,),
            )
        )
        per_year = (
            [(y, years.get(y, 0)) for y in range(min(years), max(years) + 1)] if years else []
        )
        active = cat.db.execute(
            """SELECT a.agent, COUNT(DISTINCT a.paper) AS n, g.name, g.path, g.ambiguous
            FROM paper_topic t JOIN paper p ON p.iri = t.paper
            JOIN authorship a ON a.paper = t.paper JOIN agent g ON g.iri = a.agent
            WHERE t.topic = ? GROUP BY a.agent ORDER BY n DESC, g.name, a.agent LIMIT ?""",
            (iri, MAX_AUTHORS),
        ).fetchall()
        refs = Refs()
        code = [
            _with_repos(cat, paper)
            for paper in refs.papers(
                cat.db.execute(
                    f"""SELECT {LIGHT_COLUMNS} FROM paper p WHERE {where} AND p.has_code = 1
                    ORDER BY p.issued DESC, p.sort_label DESC, p.iri DESC LIMIT ?""",
                    (iri, limits.code_papers),
                )
            )
        ]
        papers = PaperList(cat, where, (iri,))
        parts = plan_papers(papers.groups(), limits, own=True)
        owner = Owner(iri, topic_name(topic), path, "topics.html")
        part_files: Iterable[File] = ()
        if len(parts) == 1 and parts[0].whole:
            shown = Shown(count, refs.papers(papers.rows(parts[0])))
        else:
            newest = refs.papers(papers.rows(Part((), limits.inline)))
            overview, part_files = paper_parts(shared, owner, parts, papers.part)
            shown = Shown(count, newest, overview)
        refs.add(iri, path, owner.name)
        for agent, _, name, page_path, ambiguous in active:
            refs.add(agent, page_path, name)
            refs.agents[agent] = Agent(iri=agent, name=name, ambiguous=bool(ambiguous))
        ctx = shared.context(refs.paths, refs.labels, refs.agents)
        cited = _cited(cat, BY_TOPIC, iri)
        stats = TopicStats(count, with_code, per_year, [(a[0], a[1]) for a in active], code, cited)
        yield path, topic_page(ctx, topic, stats, shown)
        yield from part_files
        if cited:
            yield bib_path(path), _bib(cat, BY_TOPIC, iri)


def _with_repos(cat: Catalogue, paper: Paper) -> Paper:
    found = cat.rows(
        f"""SELECT DISTINCT r.o, COALESCE(u.o, r.o) FROM fact r
        LEFT JOIN fact u ON u.p = {P["repo_url"]} AND u.s = r.o
        WHERE r.p = {P["repo"]} AND r.s = ?""",
        (paper.iri,),
    )
    return replace(paper, repos=tuple(sorted({Repository(r, u) for r, u in found})))
