"""The person pages of ``kg report``: papers, co-author network, topics over time, the
metrics and the captures over time (``history``), and the mark of an ambiguous identity
(pure: values -> HTML)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kg.report.data import Agent, Paper
from kg.report.history import changes_section, metrics_section, profile_captures
from kg.report.html import badge, definition_list, e, page, plural, section, table
from kg.report.pages import (
    Coauthor,
    Context,
    Listing,
    coauthors,
    listing_html,
    owner_evidence,
    paper_items,
    papers_bibtex,
    source_link,
    year_columns,
)
from kg.report.parts import Limits
from kg.report.svg import Node, network_svg, stacked_chart

MAX_SERIES = 7  # topics in a stacked chart before "other"


def person_page(
    ctx: Context,
    agent: Agent,
    papers: Sequence[Paper],
    listing: Listing,
    cited: int,
    listed: Listing,
    limits: Limits,
) -> str:
    """The page of a person: ``papers`` are all theirs, in date order (``listing`` says which
    the page shows), ``listed`` the papers of their profile pages credited to others."""
    depth = 1
    partners = coauthors(papers, agent.iri, ctx.links.labels)
    body = _identity_note(ctx, agent, depth)
    years = [p.year for p in papers if p.year is not None]
    body += definition_list(
        [
            ("Type", "ambiguous creator (kg:AmbiguousCreator)" if agent.ambiguous else "person"),
            ("Papers", e(f"{len(papers):,}")),
            ("With code", e(f"{sum(p.has_code for p in papers):,}") if papers else ""),
            ("Years", e(f"{min(years)}–{max(years)}") if years else ""),
            ("Co-authors", e(f"{len(partners):,}") if papers else ""),
            (
                "Profile page",
                ", ".join(
                    source_link(p.file, depth) for p in profile_captures(agent, ctx.site.pages)
                ),
            ),
            ("Listing page (inferred)", _inferred_pages(ctx, agent, depth)),
        ]
    )
    body += metrics_section(ctx, agent, depth)
    body += changes_section(ctx, agent, depth)
    if papers:
        network = _network(ctx, agent, papers, partners, depth, limits.network)
        body += section("Co-author network", network, "network")
        body += section("Topics over time", _topics_over_time(ctx, papers), "topics")
        body += section(
            f"Papers ({len(papers):,}, newest first)",
            papers_bibtex(ctx, agent.iri, cited, len(papers))
            + listing_html(ctx, listing, depth, agent.iri),
            "papers",
        )
        shown = partners[: limits.coauthors]
        rows = [[ctx.links.to(c.iri, depth), e(c.shared)] for c in shown]
        more = len(partners) - len(shown)
        note = (
            f'<p class="hint">… and {more:,} more (the {len(shown)} co-authors with most '
            "shared papers are shown).</p>\n"
            if more > 0
            else ""
        )
        body += section(
            "Co-authors",
            table(["co-author", "shared papers"], rows, numeric="1") + note,
            "coauthors",
        )
    if listed.total:
        more = listed.total - len(listed.papers)
        body += section(
            f"Also on their profile page ({listed.total:,})",
            '<p class="hint">Papers the profile page lists that the graph does not credit to '
            "this name: the printed author list stopped (et al.) or was not shown before it.</p>\n"
            + paper_items(ctx, listed.papers, depth)
            + (f'<p class="hint">… and {more:,} more.</p>\n' if more > 0 else ""),
            "listed",
        )
    return page(
        agent.name,
        body,
        depth,
        "people.html",
        agent.iri,
        "Ambiguous creator" if agent.ambiguous else "Person",
    )


def _identity_note(ctx: Context, agent: Agent, depth: int) -> str:
    if agent.ambiguous:
        people = "".join(
            f"<li>{ctx.links.to(c, depth, ctx.links.short(c))}</li>" for c in agent.candidates
        )
        return (
            '<div class="note ambiguous" role="note"><p><strong>Ambiguous identity.</strong> '
            f"A page says the name “{e(agent.name)}” may belong to "
            f"{e(plural(len(agent.candidates), 'different person', 'different people'))}. "
            "The papers below are credited to the name, not to one of them "
            "(kg:possibleActualCreator):</p>"
            f'<ul class="candidates">{people}</ul></div>\n'
        )
    if agent.candidate_of:
        names = ", ".join(ctx.links.to(c, depth) for c in agent.candidate_of)
        return (
            '<div class="note ambiguous" role="note"><p><strong>One of several people of this '
            f"name.</strong> This person is a possible actual creator of {names}; the papers "
            "are credited to that ambiguous name, not to this person.</p></div>\n"
        )
    return ""


def _inferred_pages(ctx: Context, agent: Agent, depth: int) -> str:
    """Header-less pages a rule guessed are this person's (kg:inferredOwner): said as a
    guess with its evidence, never as the page's printed owner."""
    items = []
    for iri in agent.inferred_pages:
        page = ctx.site.pages.get(iri)
        if page is None:
            continue
        items.append(
            f"{source_link(page.file, depth)} {badge('inferred owner', 'inferred')} "
            f'<span class="hint">({e(owner_evidence(page))})</span>'
        )
    return "<br>".join(items)


def _network(
    ctx: Context,
    agent: Agent,
    papers: Sequence[Paper],
    partners: list[Coauthor],
    depth: int,
    most: int,
) -> str:
    """The person and their ``most`` closest co-authors; the others are counted."""
    shown = partners[:most]
    shared = {c.iri: c.shared for c in shown}
    keys = [agent.iri, *shared]
    index = {iri: i for i, iri in enumerate(keys)}
    nodes = [
        Node(
            key=iri,
            label=ctx.links.labels.get(iri, iri),
            href=ctx.links.href(iri, depth) if iri != agent.iri else None,
            weight=len(papers) if iri == agent.iri else shared[iri],
            center=iri == agent.iri,
            ambiguous=bool(ctx.site.agents.get(iri) and ctx.site.agents[iri].ambiguous),
        )
        for iri in keys
    ]
    weights: Counter[tuple[int, int]] = Counter()
    for paper in papers:
        members = sorted({index[a.agent] for a in paper.authors if a.agent in index})
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                weights[(a, b)] += 1
    edges = [(a, b, w) for (a, b), w in sorted(weights.items())]
    note = ""
    if len(partners) > len(shown):
        more = len(partners) - len(shown)
        note = (
            f'<p class="hint">The {len(shown)} co-authors with most shared papers, '
            f"and {more:,} more not drawn (see the co-authors below).</p>\n"
        )
    title = (
        f"{agent.name} and {plural(len(shown), 'co-author')}; lines join people who share papers"
    )
    legend = (
        '<p class="hint">Circle size: shared papers. Line width: papers the two share. '
        "Dashed: an ambiguous name. Hover or focus a name to highlight its links.</p>\n"
    )
    return network_svg("coauthor-network", title, nodes, edges) + legend + note


def _topics_over_time(ctx: Context, papers: Sequence[Paper]) -> str:
    columns = year_columns(papers)
    totals: Counter[str] = Counter(t for p in papers for t in p.topics)
    ranked = sorted(totals, key=lambda t: (-totals[t], ctx.links.labels.get(t, t)))
    named, rest = ranked[:MAX_SERIES], set(ranked[MAX_SERIES:])
    by_year: Counter[tuple[int | None, str]] = Counter(
        (p.year, t) for p in papers for t in set(p.topics)
    )
    series = []
    for topic in named:
        counts = [by_year[(y, topic)] for y in columns]
        series.append(
            (ctx.site.topics[topic].notation if topic in ctx.site.topics else topic, counts)
        )
    if rest:
        other: Counter[int | None] = Counter(p.year for p in papers if rest & set(p.topics))
        series.append(("other", [other[y] for y in columns]))
    html = stacked_chart(
        "topics-over-time", "Papers per year by topic", [str(y) for y in columns], series
    )
    per_year: dict[int | None, Counter[str]] = {}
    for p in papers:
        per_year.setdefault(p.year, Counter()).update(p.topics)
    rows = [
        [
            e(y),
            ", ".join(
                f"{ctx.links.to(t, 1, cls='tag')} × {n}"
                for t, n in sorted(per_year[y].items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        ]
        for y in reversed(columns)
        if y in per_year
    ]
    return html + table(["year", "topics (papers)"], rows)
