"""The topic and paper pages of ``kg report``, and what every entity page shares: where each
page lives, links, paper lists and author lines (pure: values -> HTML)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kg.graph.vocab import PREFIXES
from kg.report.bib import Entry, download_link
from kg.report.data import Paper, Site, SourcePage, Topic
from kg.report.html import (
    Links,
    badge,
    definition_list,
    e,
    page,
    plural,
    section,
    short_hash,
    slug_for,
    table,
    unique_slugs,
)
from kg.report.svg import bar_chart

ARXIV = PREFIXES["arxiv"]
KG = PREFIXES["kg"]
EVIDENCE = {
    KG + "CodeFlagEvidence": "a page printed the Code flag",
    KG + "AbstractUrlEvidence": "a repository URL in the abstract",
}


@dataclass(frozen=True)
class Context:
    """What a page may show and link to: for a whole small site (``make_context``), or for
    one page, holding what that page refers to (``kg.report.views``)."""

    site: Site
    links: Links
    by_agent: Mapping[str, Sequence[Paper]] = field(default_factory=dict)  # in date order
    by_topic: Mapping[str, Sequence[Paper]] = field(default_factory=dict)
    by_page: Mapping[str, Sequence[Paper]] = field(default_factory=dict)  # what a page lists
    bibtex: Mapping[str, Entry] = field(default_factory=dict)  # paper IRI -> its BibTeX entry


@dataclass(frozen=True)
class Listing:
    """What a page shows of a list of papers that may be long: all of them, or the newest
    and links to the parts that hold them all (``kg.report.parts``)."""

    total: int
    papers: Sequence[Paper]  # shown on the page itself
    parts: str = ""  # the list of parts, as HTML; "" when every paper is shown


def topic_name(topic: Topic) -> str:
    return topic.label if topic.ambiguous else f"{topic.label} ({topic.notation})"


def page_paths(site: Site) -> dict[str, str]:
    """IRI -> the page's path from the site root, for every person, topic and paper."""
    people = unique_slugs({iri: slug_for(iri, "/person/") for iri in site.agents})
    papers = unique_slugs({iri: slug_for(iri, "/paper/") for iri in site.papers})
    topics = unique_slugs(
        {
            iri: slug_for(iri, "/arxiv/")
            if iri.startswith(ARXIV)
            else slug_for(iri, "/topic/", "code-")
            for iri in site.topics
        }
    )
    paths = {iri: f"people/{stem}.html" for iri, stem in people.items()}
    paths.update({iri: f"papers/{stem}.html" for iri, stem in papers.items()})
    paths.update({iri: f"topics/{stem}.html" for iri, stem in topics.items()})
    return dict(sorted(paths.items()))


def make_context(
    site: Site, prefixes: dict[str, str], bibtex: Mapping[str, Entry] | None = None
) -> Context:
    labels = dict(site.concept_labels)
    labels.update({iri: topic_name(t) for iri, t in site.topics.items()})
    labels.update({iri: a.name for iri, a in site.agents.items()})
    labels.update({iri: p.label for iri, p in site.papers.items()})
    by_agent: dict[str, list[Paper]] = defaultdict(list)
    by_topic: dict[str, list[Paper]] = defaultdict(list)
    by_page: dict[str, list[Paper]] = defaultdict(list)
    for paper in sorted(site.papers.values(), key=lambda p: p.sort_key):
        for page_iri in dict.fromkeys(x.page for x in paper.listings):
            by_page[page_iri].append(paper)
        for agent in dict.fromkeys(a.agent for a in paper.authors):
            by_agent[agent].append(paper)
        for topic in paper.topics:
            by_topic[topic].append(paper)
    links = Links(page_paths(site), prefixes, labels)
    entries = dict(sorted((bibtex or {}).items()))
    return Context(site, links, dict(by_agent), dict(by_topic), dict(by_page), entries)


def source_anchor(file: str) -> str:
    return f"src-{short_hash(file)}"


def owner_evidence(source: SourcePage) -> str:
    """Why a rule took a header-less page to be someone's (kg:inferredOwnerEvidence)."""
    if source.owner_evidence is None:
        return "no evidence count; the page prints no owner"
    lists = plural(source.owner_evidence, "full author list")
    return f"the only name in all {lists}; the page prints no owner"


def source_link(file: str, depth: int) -> str:
    """A link to a source page's row on the index, showing its path."""
    return f'<a href="{"../" * depth}index.html#{source_anchor(file)}">{e(file)}</a>'


# -- shared pieces ---------------------------------------------------------------------------


def author_line(ctx: Context, paper: Paper, depth: int, me: str = "") -> str:
    """The authors in order, linked; ``et al.`` when the printed list was cut short."""
    names = []
    for a in paper.authors:
        agent = ctx.site.agents.get(a.agent)
        mark = " (ambiguous)" if agent and agent.ambiguous else ""
        link = ctx.links.to(a.agent, depth, (a.printed or ctx.links.labels.get(a.agent, "")) + mark)
        names.append(f"<strong>{link}</strong>" if a.agent == me else link)
    text = ", ".join(names)
    if paper.more_authors:  # a long list: its paper's page has them all
        more = f"and {paper.more_authors:,} more author{'s' * (paper.more_authors != 1)}"
        text += f", {ctx.links.to(paper.iri, depth, more, cls='etal')}"
    if not paper.complete:
        text += (" " if not names else ", ") + '<span class="etal">et al.</span>'
    return text or '<span class="empty">no authors shown</span>'


def paper_items(ctx: Context, papers: Sequence[Paper], depth: int, me: str = "") -> str:
    """Papers as a list, newest first: date, linked title, authors, topics, code."""
    if not papers:
        return '<p class="empty">No papers.</p>\n'
    items = []
    for p in sorted(papers, key=lambda p: p.sort_key, reverse=True):
        topics = " ".join(ctx.links.to(t, depth, cls="tag") for t in p.topics)
        code = badge("code", "code") if p.has_code else ""
        items.append(
            f'<li><span class="date">{e(p.issued or "undated")}</span> '
            f"{ctx.links.to(p.iri, depth, cls='title')}<br>"
            f'<span class="authors">{author_line(ctx, p, depth, me)}</span> {topics} {code}</li>'
        )
    return '<ol class="papers" reversed>\n' + "\n".join(items) + "\n</ol>\n"


def papers_bibtex(ctx: Context, iri: str, cited_papers: int, papers: int) -> str:
    """A link to the ``.bib`` file of the papers a person or topic page lists (``cited_papers``
    of its ``papers`` have an entry)."""
    return download_link(cited_papers, ctx.links.paths.get(iri, ""), papers)


def listing_html(ctx: Context, listing: Listing, depth: int, me: str = "") -> str:
    """The papers a page shows; when the list has parts, the newest and the parts."""
    if not listing.parts:
        return paper_items(ctx, listing.papers, depth, me)
    return (
        f'<p class="hint">The {len(listing.papers)} newest of '
        f"{e(plural(listing.total, 'paper'))}; every paper is in one of the parts below, "
        "by date of issue.</p>\n"
        + paper_items(ctx, listing.papers, depth, me)
        + "<h3>All papers, by date</h3>\n"
        + listing.parts
    )


def year_columns(papers: Sequence[Paper]) -> list[int]:
    years = [p.year for p in papers if p.year is not None]
    return list(range(min(years), max(years) + 1)) if years else []


@dataclass(frozen=True)
class Coauthor:
    iri: str
    shared: int  # papers written together


def coauthors(papers: Iterable[Paper], iri: str, labels: Mapping[str, str]) -> list[Coauthor]:
    """The co-authors of ``iri`` on ``papers``, most shared papers first, then by name."""
    counts: Counter[str] = Counter()
    for paper in papers:
        if not paper.more_authors:  # a long list makes no co-authors (kg:coauthor neither)
            counts.update({a.agent for a in paper.authors} - {iri})
    found = [Coauthor(other, shared) for other, shared in counts.items()]
    return sorted(found, key=lambda c: (-c.shared, labels.get(c.iri, ""), c.iri))


# -- topic -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicStats:
    """What a topic page counts over all its papers (``kg.report.views`` reads them)."""

    papers: int = 0
    with_code: int = 0
    per_year: Sequence[tuple[int, int]] = ()  # (year, papers), every year first to last
    authors: Sequence[tuple[str, int]] = ()  # the most active: (person IRI, papers)
    code: Sequence[Paper] = ()  # the newest papers with code, with their repositories
    cited: int = 0  # papers with a BibTeX entry


MAX_AUTHORS = 15  # "most active authors" of a topic


def topic_page(ctx: Context, topic: Topic, stats: TopicStats, listing: Listing) -> str:
    depth = 1
    body = ""
    if topic.ambiguous:
        if topic.candidates:
            choices = "".join(f"<li>{ctx.links.to(c, depth)}</li>" for c in topic.candidates)
            body += (
                '<div class="note ambiguous" role="note"><p><strong>Ambiguous code.</strong> '
                f"The site printed “{e(topic.notation)}”, which matches "
                f"{e(plural(len(topic.candidates), 'arXiv category', 'arXiv categories'))}; "
                "the papers below may belong to any of them (kg:candidateCategory):</p>"
                f'<ul class="candidates">{choices}</ul></div>\n'
            )
        else:
            body += (
                '<div class="note ambiguous" role="note"><p><strong>Unknown code.</strong> '
                f"“{e(topic.notation)}” matches no arXiv category.</p></div>\n"
            )
    if topic.candidate_for:
        codes = ", ".join(ctx.links.to(c, depth) for c in topic.candidate_for)
        body += (
            f'<div class="note" role="note"><p>Papers printed with the ambiguous code {codes} '
            "may also belong here.</p></div>\n"
        )
    body += definition_list(
        [
            ("Notation", f"<code>{e(topic.notation)}</code>"),
            ("Label", e(topic.label)),
            ("Broader", ctx.links.to(topic.broader, depth) if topic.broader else ""),
            ("Scheme", ctx.links.iri(topic.scheme) if topic.scheme else ""),
            ("Papers", e(f"{stats.papers:,}")),
            ("With code", e(f"{stats.with_code:,}")),
        ]
    )
    if stats.papers:
        bars = [(str(y), n) for y, n in stats.per_year]
        body += section(
            "Papers per year",
            bar_chart("papers-per-year", f"Papers per year in {topic.notation}", bars),
            "per-year",
        )
        rows = [[ctx.links.to(iri, depth), e(n)] for iri, n in stats.authors]
        body += section(
            "Most active authors", table(["author", "papers"], rows, numeric="1"), "authors"
        )
        items = "".join(
            f"<li>{ctx.links.to(p.iri, depth)}"
            + "".join(f'<br><a class="repo" href="{e(r.url)}">{e(r.url)}</a>' for r in p.repos)
            + "</li>\n"
            for p in sorted(stats.code, key=lambda p: p.sort_key, reverse=True)
        )
        more = stats.with_code - len(stats.code)
        note = (
            f'<p class="hint">… and {more:,} more with code, marked <em>code</em> in the '
            "list of papers.</p>\n"
            if more > 0
            else ""
        )
        body += section(
            f"Papers with code ({stats.with_code:,})",
            (
                f'<ul class="code-papers">\n{items}</ul>\n'
                if items
                else '<p class="empty">None.</p>\n'
            )
            + note,
            "code",
        )
        body += section(
            f"Papers ({stats.papers:,}, newest first)",
            papers_bibtex(ctx, topic.iri, stats.cited, stats.papers)
            + listing_html(ctx, listing, depth),
            "papers",
        )
    kind = "Ambiguous topic" if topic.ambiguous else "Topic"
    return page(topic_name(topic), body, depth, "topics.html", topic.iri, kind)


def papers_part_page(
    ctx: Context,
    title: str,
    owner: str,
    part_title: str,
    papers: Sequence[Paper],
    nav: str,
    every: str,
    depth: int,
    current: str,
    me: str = "",
) -> str:
    """One part of the papers of a person or topic (``owner``: the IRI of its page), with
    the links to the next and previous parts (``nav``) and to all of them (``every``)."""
    back = ctx.links.to(owner, depth)
    body = (
        f'<p class="subtitle">Papers of {back}, newest first: {e(part_title)} '
        f"({e(plural(len(papers), 'paper'))}).</p>\n"
        + nav
        + every
        + paper_items(ctx, papers, depth, me)
        + nav
    )
    return page(f"{title}: {part_title}", body, depth, current, kind="Papers")


# -- paper -----------------------------------------------------------------------------------
