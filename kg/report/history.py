"""A person over time, for the person pages of ``kg report``: "the" metrics (the latest
observation, with its date), the metrics over the captures as small line charts, and the
papers that appeared on or disappeared from each capture of the person's profile (issue 16).

Pure: values -> values -> HTML. A capture is a page whose ``foaf:primaryTopic`` is the
person; captures go by ``kg:capturedOn``, then by path, as the observations do
(``from_store`` sorts them so), so the two always agree on which one is the latest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg.report.data import Agent, Metrics, Paper, SourcePage
from kg.report.html import definition_list, e, plural, section, table
from kg.report.pages import Context, source_link
from kg.report.svg import Point, line_chart


@dataclass(frozen=True)
class Measure:
    """One figure a profile page prints, and where an observation keeps it."""

    label: str
    ident: str  # for the chart's element id
    read: Callable[[Metrics], str | None]
    unit: str = ""


MEASURES = (
    Measure("h-index", "h-index", lambda m: m.h_index),
    Measure("papers", "papers", lambda m: m.paper_count),
    Measure("citations", "citations", lambda m: m.citation_count),
    Measure("listed papers", "listed", lambda m: m.listed_paper_count),
    Measure("novelty", "novelty", lambda m: m.novelty, "%"),
    Measure("AI score", "ai-score", lambda m: m.ai_score),
)


def number(text: str | None) -> Decimal | None:
    """The store's lexical value as a number (xsd:integer or xsd:decimal), None if not one."""
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def shown(text: str | None, unit: str = "") -> str:
    """A figure as the site prints it (1,212; 44%); text that is no number stays as it is."""
    value = number(text)
    if value is None:
        return text or ""
    return f"{value:,}{unit}"


# -- captures and what changed between them ---------------------------------------------------


@dataclass(frozen=True)
class CaptureChange:
    """What one capture of a profile lists that the capture before it did not, and back."""

    page: SourcePage
    previous: SourcePage
    appeared: tuple[Paper, ...]
    disappeared: tuple[Paper, ...]


def profile_captures(agent: Agent, pages: Mapping[str, SourcePage]) -> list[SourcePage]:
    """The person's profile pages, oldest capture first (ties by path)."""
    found = [pages[iri] for iri in agent.profile_pages if iri in pages]
    return sorted(found, key=lambda p: (p.captured, p.file, p.iri))


def capture_changes(
    captures: Sequence[SourcePage], by_page: Mapping[str, Sequence[Paper]]
) -> list[CaptureChange]:
    """For each capture after the first: the papers it lists and the one before did not
    (appeared), and those the one before listed and it does not (disappeared)."""
    changes = []
    for previous, current in zip(captures, captures[1:], strict=False):
        before = {p.iri: p for p in by_page.get(previous.iri, [])}
        after = {p.iri: p for p in by_page.get(current.iri, [])}
        changes.append(
            CaptureChange(
                current,
                previous,
                _by_title(p for iri, p in after.items() if iri not in before),
                _by_title(p for iri, p in before.items() if iri not in after),
            )
        )
    return changes


def _by_title(papers: Iterable[Paper]) -> tuple[Paper, ...]:
    return tuple(sorted(papers, key=lambda p: (p.label.casefold(), p.iri)))


# -- rendering --------------------------------------------------------------------------------


def metrics_section(ctx: Context, agent: Agent, depth: int) -> str:
    """The latest metrics and their date, the charts when there are several observations,
    and every observation as a table (also what the charts show, for those who cannot see
    them)."""
    observations = agent.metrics
    if not observations:
        return ""
    latest = observations[-1]
    earlier = len(observations) - 1
    since = (
        f"; {plural(earlier, 'earlier capture')}, the first on {e(observations[0].observed_at)}"
        if earlier
        else "; no earlier capture"
    )
    page = f" by {source_link(latest.file, depth)}" if latest.file else ""
    html = (
        f'<p class="as-of">As shown on <time datetime="{e(latest.observed_at)}">'
        f"{e(latest.observed_at)}</time>{page}{since}.</p>\n"
    )
    previous = observations[-2] if earlier else None
    html += definition_list(
        [(m.label, _latest_value(m, latest, previous)) for m in MEASURES]
        + [
            (
                "primary category",
                ctx.links.to(latest.primary_category, depth) if latest.primary_category else "",
            )
        ]
    )
    if earlier:
        html += "<h3>Over time</h3>\n" + _charts(agent)
    html += f"<h3>Every observation ({len(observations)})</h3>\n" + _observations_table(
        ctx, observations, depth
    )
    return section("Metrics", html, "metrics")


def _latest_value(measure: Measure, latest: Metrics, previous: Metrics | None) -> str:
    """The latest figure, and how it moved since the observation before (when it did)."""
    text = measure.read(latest)
    if text is None:
        return ""
    html = e(shown(text, measure.unit))
    if previous is None:
        return html
    now, before = number(text), number(measure.read(previous))
    if now is not None and before is not None and now != before:
        html += (
            f' <span class="delta">({"+" if now > before else "−"}{shown(str(abs(now - before)))}'
            f" since {e(previous.observed_at)})</span>"
        )
    return html


def _charts(agent: Agent) -> str:
    """One small line chart per figure any observation shows, oldest capture on the left."""
    figures = []
    for measure in MEASURES:
        texts = [(m.observed_at, measure.read(m)) for m in agent.metrics]
        points = [Point(at, _float(number(t)), shown(t, measure.unit)) for at, t in texts]
        if all(p.value is None for p in points):
            continue
        span = f"{agent.metrics[0].observed_at} to {agent.metrics[-1].observed_at}"
        title = f"{measure.label} of {agent.name} over {len(points)} captures, {span}"
        figures.append(line_chart(f"metric-{measure.ident}", title, points, measure.label))
    return (
        '<div class="small-multiples">\n'
        + "".join(figures)
        + "</div>\n"
        + '<p class="hint">One point per capture of the profile page, evenly spaced, oldest '
        "first; each chart's scale runs from its lowest to its highest value.</p>\n"
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _observations_table(ctx: Context, observations: Sequence[Metrics], depth: int) -> str:
    rows = [
        [
            f'<span class="nowrap">{e(m.observed_at)}</span>',
            source_link(m.file, depth) if m.file else "",
            *(e(shown(measure.read(m), measure.unit)) for measure in MEASURES),
            ctx.links.to(m.primary_category, depth) if m.primary_category else "",
        ]
        for m in observations
    ]
    headers = ["observed", "page", *(m.label for m in MEASURES), "primary category"]
    return table(headers, rows, numeric="234567") + (
        '<p class="hint">Figures as the profile page showed them on the capture date '
        "(kg:MetricsObservation), not eternal facts about the person.</p>\n"
    )


def changes_section(ctx: Context, agent: Agent, depth: int) -> str:
    """Papers that appeared or disappeared, per capture after the first; nothing for one."""
    captures = profile_captures(agent, ctx.site.pages)
    changes = capture_changes(captures, ctx.by_page)
    if not changes:
        return ""
    html = (
        '<p class="hint">For each capture of the profile page after the first: the papers it '
        "lists that the capture before did not (appeared) and those the capture before listed "
        "that it does not (disappeared).</p>\n"
    )
    for change in changes:
        counts = (
            f"{len(ctx.by_page.get(change.previous.iri, []))} → "
            f"{plural(len(ctx.by_page.get(change.page.iri, [])), 'paper')} listed"
        )
        html += (
            f"<h3>{e(change.page.captured)} · {source_link(change.page.file, depth)}</h3>\n"
            f'<p class="against">Against {e(change.previous.captured)} · '
            f"{source_link(change.previous.file, depth)}: {e(counts)}.</p>\n"
        )
        if not change.appeared and not change.disappeared:
            html += '<p class="empty">The same papers as the capture before.</p>\n'
        for word, papers in (("Appeared", change.appeared), ("Disappeared", change.disappeared)):
            if papers:
                items = "".join(f"<li>{ctx.links.to(p.iri, depth)}</li>\n" for p in papers)
                html += (
                    f"<h4>{word} ({len(papers)})</h4>\n"
                    f'<ul class="changed {word.lower()}">\n{items}</ul>\n'
                )
    return section("Changes between captures", html, "changes")
