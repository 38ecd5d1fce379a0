"""The overview pages of ``kg report``: the index and the lists of people, topics and papers."""

from __future__ import annotations

from collections import Counter

from kg.report.data import SourcePage
from kg.report.html import badge, definition_list, e, page, plural, section, table
from kg.report.pages import (
    Context,
    author_line,
    coauthors,
    owner_evidence,
    source_anchor,
    topic_name,
    year_columns,
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


def index_page(ctx: Context, validation: str, gallery_count: int) -> str:
    site = ctx.site
    data = site.dataset
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
        ("people.html", "People", plural(len(site.agents), "person", "people and names")),
        ("topics.html", "Topics", plural(len(site.topics), "topic")),
        ("papers.html", "Papers", plural(len(site.papers), "paper")),
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
    papers = list(site.papers.values())
    columns = year_columns(papers)
    if columns:
        bars = [(str(y), sum(1 for p in papers if p.year == y)) for y in columns]
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


def people_page(ctx: Context) -> str:
    rows = []
    for agent in sorted(ctx.site.agents.values(), key=lambda a: (a.name.casefold(), a.iri)):
        papers = ctx.by_agent.get(agent.iri, [])
        notes = badge("ambiguous name", "ambiguous") if agent.ambiguous else ""
        if agent.candidate_of:
            notes += badge("candidate person", "candidate")
        latest = agent.metrics[-1] if agent.metrics else None  # oldest first: the last
        h_index = (
            f'<span title="as shown on {e(latest.observed_at)}">{e(latest.h_index)}</span>'
            if latest and latest.h_index
            else ""
        )
        rows.append(
            [
                ctx.links.to(agent.iri, 0),
                e(len(papers)),
                e(len(coauthors(ctx, agent.iri))),
                h_index,
                notes,
            ]
        )
    body = (
        '<p class="hint">Everyone the graph names: people (schema:Person) and names a page says '
        "may belong to several people (kg:AmbiguousCreator).</p>\n"
        + filter_box("people")
        + table(["name", "papers", "co-authors", "h-index", "notes"], rows, "people", "123")
    )
    return page("People", body, 0, "people.html")


def topics_page(ctx: Context) -> str:
    rows = []
    for topic in sorted(ctx.site.topics.values(), key=lambda t: (t.notation.casefold(), t.iri)):
        papers = ctx.by_topic.get(topic.iri, [])
        rows.append(
            [
                ctx.links.to(topic.iri, 0, topic_name(topic)),
                f"<code>{e(topic.notation)}</code>",
                e(len(papers)),
                e(sum(p.has_code for p in papers)),
                badge("ambiguous code", "ambiguous") if topic.ambiguous else "",
            ]
        )
    counts = Counter({t: len(ctx.by_topic.get(t, [])) for t in ctx.site.topics})
    bars = [
        (ctx.site.topics[t].notation, n)
        for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], ctx.site.topics[kv[0]].notation))
        if n
    ]
    body = (
        '<p class="hint">arXiv categories used as paper subjects or primary categories, and the '
        "site's ambiguous codes (kg:AmbiguousTopic) with the categories they may stand for.</p>\n"
        + hbar_chart("papers-per-topic", "Papers per topic", bars)
        + table(["topic", "notation", "papers", "with code", "notes"], rows, "topics", "23")
    )
    return page("Topics", body, 0, "topics.html")


def papers_page(ctx: Context) -> str:
    rows = [
        [
            e(p.issued),
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
        for p in sorted(ctx.site.papers.values(), key=lambda p: p.sort_key, reverse=True)
    ]
    body = filter_box("papers") + table(
        ["date", "title", "authors", "topics", "code"], rows, "papers"
    )
    return page("Papers", body, 0, "papers.html")
