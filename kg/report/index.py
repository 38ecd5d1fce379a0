"""The overview pages of ``kg report``: the index and the lists of people, topics and papers,
on one page each or, when long, in parts (``kg.report.parts``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg.report.data import Paper, SourcePage, Topic
from kg.report.html import badge, definition_list, e, page, plural, section, table
from kg.report.pages import (
    Context,
    author_line,
    owner_evidence,
    source_anchor,
    topic_name,
)
from kg.report.svg import bar_chart, hbar_chart

DATE_SOURCES = {"folder": "folder name", "option": "option or default"}  # kg:captureDateSource
VOID_LABELS = {
    "triples": "Triples",
    "entities": "Entities",
    "distinctSubjects": "Distinct subjects",
    "properties": "Properties",
    "classes": "Classes",
}


def filter_box(target: str) -> str:
    """A search field that report.js wires to hide table rows (hidden until the script runs)."""
    return (
        f'<p class="filter" hidden><label>Filter <input type="search" data-filter="{e(target)}" '
        'autocomplete="off"></label></p>\n'
    )


def index_page(
    ctx: Context,
    validation: str,
    gallery_count: int,
    counts: tuple[int, int, int],
    per_year: Sequence[tuple[int, int]],
) -> str:
    """The front page: ``counts`` of people, topics and papers, papers ``per_year``."""
    site = ctx.site
    data = site.dataset
    people, topics, papers = counts
    body = ""
    if data:
        body += f'<p class="lead">{e(data.description)}</p>\n' if data.description else ""
        body += definition_list(
            [("Described in graph", ctx.links.iri(data.graph)), ("Created", e(data.created))]
            + [(VOID_LABELS.get(c.name, c.name), e(f"{c.value:,}")) for c in data.counts]
        )
    else:
        body += (
            '<p class="empty">The store has no VoID description '
            "(graph &lt;base&gt;graph/dataset).</p>\n"
        )
    cards = [
        ("people.html", "People", plural(people, "person", "people and names")),
        ("topics.html", "Topics", plural(topics, "topic")),
        ("papers.html", "Papers", plural(papers, "paper")),
        ("queries.html", "Query gallery", plural(gallery_count, "saved query", "saved queries")),
        ("ontology.html", "Ontology", "classes, properties, alignments"),
        ("shapes.html", "Shapes", "SHACL shapes and their messages"),
    ]
    body += (
        '<ul class="cards">\n'
        + "".join(
            f'<li><a href="{e(href)}"><strong>{e(title)}</strong><span>{e(text)}</span></a></li>\n'
            for href, title, text in cards
        )
        + "</ul>\n"
    )
    body += section("Validation", validation, "validation")
    if data and data.partitions:
        bars = [(ctx.links.short(p.cls), p.entities) for p in data.partitions]
        chart = hbar_chart("class-partitions", "Entities per class (void:classPartition)", bars)
        rows = [[_class_link(ctx, p.cls), e(f"{p.entities:,}")] for p in data.partitions]
        listing = table(["class", "entities"], rows, numeric="1")
        body += section(
            "Classes",
            chart + f"<details><summary>As a table</summary>\n{listing}</details>\n",
            "classes",
        )
    if per_year:
        bars = [(str(y), n) for y, n in per_year]
        body += section(
            "Papers per year", bar_chart("papers-per-year", "Papers per year", bars), "per-year"
        )
    rows = [
        [
            f'<span id="{source_anchor(p.file)}">{e(p.file)}</span>',
            e(p.layout),
            f'<span class="nowrap">{e(p.captured)}</span>',
            e(DATE_SOURCES.get(p.date_source, p.date_source)),
            _about(ctx, p),
            f'<code class="hash">{e(p.sha256[:12])}</code>' if p.sha256 else "",
            ctx.links.iri(p.iri),
        ]
        for p in sorted(site.pages.values(), key=lambda p: (p.file, p.iri))
    ]
    body += section(
        "Source pages",
        '<p class="hint">Each page file, named by its path, is also a named graph; paper pages '
        "cite them by line. The same file name in two dated folders is two captures, two rows."
        "</p>\n"
        + table(["path", "layout", "captured", "date from", "about", "sha-256", "graph"], rows),
        "sources",
    )
    title = data.title if data and data.title else "Knowledge graph report"
    return page(title, body, 0, "index.html", data.iri if data else None, "Dataset")


def _about(ctx: Context, source: SourcePage) -> str:
    """Whose page it is: the person its header names, or, for a header-less page, the
    owner a rule inferred, marked as such with its evidence."""
    if source.primary_topic:
        return ctx.links.to(source.primary_topic, 0)
    if source.inferred_owner:
        return (
            f"{ctx.links.to(source.inferred_owner, 0)} {badge('inferred owner', 'inferred')} "
            f'<span class="hint">({e(owner_evidence(source))})</span>'
        )
    return ""


def _class_link(ctx: Context, iri: str) -> str:
    """Our own classes link to their entry in the ontology documentation."""
    short = ctx.links.short(iri)
    if short.startswith("kg:"):
        anchor = short.replace(":", "-")
        return f'<a href="ontology.html#{e(anchor)}" title="{e(iri)}"><code>{e(short)}</code></a>'
    return ctx.links.iri(iri)


@dataclass(frozen=True)
class PersonRow:
    """A row of the list of people."""

    iri: str
    papers: int
    coauthors: int
    h_index: str | None = None
    observed: str = ""  # when the h-index was shown
    ambiguous: bool = False
    candidate: bool = False  # a possible actual creator of an ambiguous name


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    papers: int
    with_code: int


@dataclass(frozen=True)
class Section:
    """One list (people, topics, papers) of the site: where its pages go and what it says."""

    title: str
    stem: str  # people -> people.html, people-xi.html
    intro: str  # HTML
    unit: tuple[str, str]  # what its rows are: ("person", "people")
    filter: str  # the table's class, which the filter box targets

    @property
    def page(self) -> str:
        return f"{self.stem}.html"


PEOPLE = Section(
    "People",
    "people",
    '<p class="hint">Everyone the graph names: people (schema:Person) and names a page says '
    "may belong to several people (kg:AmbiguousCreator).</p>\n",
    ("person", "people"),
    "people",
)
TOPICS = Section(
    "Topics",
    "topics",
    '<p class="hint">arXiv categories used as paper subjects or primary categories, and the '
    "site's ambiguous codes (kg:AmbiguousTopic) with the categories they may stand for.</p>\n",
    ("topic", "topics"),
    "topics",
)
PAPERS = Section("Papers", "papers", "", ("paper", "papers"), "papers")


def people_table(ctx: Context, rows: Sequence[PersonRow]) -> str:
    cells = []
    for row in rows:
        notes = badge("ambiguous name", "ambiguous") if row.ambiguous else ""
        if row.candidate:
            notes += badge("candidate person", "candidate")
        h_index = (
            f'<span title="as shown on {e(row.observed)}">{e(row.h_index)}</span>'
            if row.h_index
            else ""
        )
        cells.append([ctx.links.to(row.iri, 0), e(row.papers), e(row.coauthors), h_index, notes])
    return table(["name", "papers", "co-authors", "h-index", "notes"], cells, "people", "123")


def topics_table(ctx: Context, rows: Sequence[TopicRow]) -> str:
    cells = [
        [
            ctx.links.to(row.topic.iri, 0, topic_name(row.topic)),
            f"<code>{e(row.topic.notation)}</code>",
            e(row.papers),
            e(row.with_code),
            badge("ambiguous code", "ambiguous") if row.topic.ambiguous else "",
        ]
        for row in rows
    ]
    return table(["topic", "notation", "papers", "with code", "notes"], cells, "topics", "23")


def topics_chart(rows: Sequence[TopicRow]) -> str:
    bars = [
        (row.topic.notation, row.papers)
        for row in sorted(rows, key=lambda r: (-r.papers, r.topic.notation))
        if row.papers
    ]
    return hbar_chart("papers-per-topic", "Papers per topic", bars)


def papers_table(ctx: Context, papers: Sequence[Paper]) -> str:
    rows = [
        [
            f'<span class="nowrap">{e(p.issued)}</span>',
            ctx.links.to(p.iri, 0),
            author_line(ctx, p, 0),
            " ".join(
                ctx.links.to(
                    t, 0, ctx.site.topics[t].notation if t in ctx.site.topics else None, "tag"
                )
                for t in p.topics
            ),
            badge("code", "code") if p.has_code else "",
        ]
        for p in sorted(papers, key=lambda p: p.sort_key, reverse=True)
    ]
    return table(["date", "title", "authors", "topics", "code"], rows, "papers")


def list_page(section_: Section, rows_html: str, extra: str = "") -> str:
    """A list that fits on one page: all its rows, with the filter box."""
    body = section_.intro + extra + filter_box(section_.filter) + rows_html
    return page(section_.title, body, 0, section_.page)


def overview_page(section_: Section, total: int, parts_html: str, extra: str = "") -> str:
    """A list in parts: what it holds and the list of its parts."""
    body = (
        section_.intro
        + extra
        + f'<p class="lead">{e(f"{total:,}")} {e(section_.unit[0 if total == 1 else 1])}, '
        "in parts of at most about a megabyte each:</p>\n" + parts_html
    )
    return page(section_.title, body, 0, section_.page)


def part_page(section_: Section, title: str, rows_html: str, nav: str, parts_html: str) -> str:
    """One part of a list: links to the others, a filter over its rows, the rows."""
    body = (
        nav + f'<details class="parts"><summary>All parts of the list of '
        f"{e(section_.title.lower())}</summary>\n{parts_html}</details>\n"
        + filter_box(section_.filter)
        + rows_html
        + nav
    )
    return page(f"{section_.title}: {title}", body, 0, section_.page)
