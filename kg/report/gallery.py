"""The query gallery and the validation summary of ``kg report`` (pure renderers: site.py
runs the queries and reads the validation report)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg.report.html import Links, anchor, e, page, plural, section, table

MAX_ROWS = 50  # rows of a query result shown in the gallery


# -- query gallery ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    iri: str | None = None


@dataclass(frozen=True)
class QueryRun:
    """A saved query and what it gave on this graph."""

    name: str
    text: str
    title: str = ""
    question: str = ""
    description: str = ""
    parameters: tuple[tuple[str, str], ...] = ()  # (name, value used)
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Cell | None, ...], ...] = ()
    boolean: bool | None = None
    error: str = ""
    needs: tuple[str, ...] = ()  # required parameters: the query was not run
    total: int | None = None  # the rows the query gave, when ``rows`` holds only the first


def _cell(links: Links, cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.iri is None:
        return e(cell.text)
    if links.href(cell.iri, 0):
        return links.to(cell.iri, 0)
    return links.iri(cell.iri)


def gallery_page(links: Links, runs: Sequence[QueryRun], source: str) -> str:
    toc = "".join(
        f'<li><a href="#q-{e(r.name)}"><code>{e(r.name)}</code></a> {e(r.title)}</li>\n'
        for r in runs
    )
    body = (
        f'<p class="hint">Every saved query in <code>queries/</code>, run on this graph '
        f"({e(source)}). Run one yourself with <code>kg query NAME</code>.</p>\n"
    )
    body += f'<ol class="toc">\n{toc}</ol>\n' if toc else '<p class="empty">No saved queries.</p>\n'
    for run in runs:
        html = f'<p class="question">{e(run.question)}</p>\n' if run.question else ""
        html += f"<p>{e(run.description)}</p>\n" if run.description else ""
        if run.parameters:
            used = ", ".join(f"<code>{e(k)}</code> = {e(v)}" for k, v in run.parameters)
            html += f'<p class="hint">Run with the default parameters: {used}.</p>\n'
        html += _result(links, run)
        html += (
            f"<details><summary>SPARQL (<code>queries/{e(run.name)}.rq</code>)</summary>\n"
            f'<pre class="sparql"><code>{e(run.text)}</code></pre></details>\n'
        )
        heading = f"{run.name}: {run.title}" if run.title else run.name
        body += section(heading, html, f"q-{run.name}")
    return page("Query gallery", body, 0, "queries.html")


def _result(links: Links, run: QueryRun) -> str:
    if run.needs:
        given = " ".join(f"-p {name} VALUE" for name in run.needs)
        return (
            f'<p class="hint">Takes a value with no default, so it is not run here: '
            f"<code>kg query {e(run.name)} {e(given)}</code></p>\n"
        )
    if run.error:
        return f'<p class="error">Not run: {e(run.error)}</p>\n'
    if run.boolean is not None:
        return f'<p class="result">Answer: <strong>{"yes" if run.boolean else "no"}</strong></p>\n'
    bound = {name for name, _ in run.parameters}
    keep = [i for i, v in enumerate(run.variables) if v not in bound] or list(
        range(len(run.variables))
    )
    rows = [[_cell(links, row[i]) for i in keep] for row in run.rows[:MAX_ROWS]]
    total = len(run.rows) if run.total is None else run.total
    more = total - len(rows)
    html = f'<p class="hint">{e(plural(total, "result"))}</p>\n'
    html += table([run.variables[i] for i in keep], rows, "result")
    if more > 0:
        html += (
            f'<p class="hint">… and {e(plural(more, "more row"))} (kg query {e(run.name)}).</p>\n'
        )
    return html


# -- validation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    severity: str
    shape: str
    message: str
    count: int
    examples: tuple[str, ...]  # focus nodes


@dataclass(frozen=True)
class Validation:
    """What ``kg validate`` left in the output folder, if anything."""

    source: str = ""  # the file read; empty when validation has not been run
    conforms: bool | None = None
    results: int = 0
    by_severity: tuple[tuple[str, int], ...] = ()
    findings: tuple[Finding, ...] = ()
    text: str = ""  # validation.txt, when there is no Turtle report


def validation_html(links: Links, v: Validation) -> str:
    if not v.source:
        return (
            '<p class="empty">Validation has not been run: no <code>validation.ttl</code> or '
            "<code>validation.txt</code> next to the store. Run <code>kg validate</code> "
            "(or <code>kg build</code>), then <code>kg report</code> again.</p>\n"
        )
    if v.conforms is None and v.text:
        lines = v.text.splitlines()
        shown = "\n".join(lines[:40]) + ("\n…" if len(lines) > 40 else "")
        return f"<p>From <code>{e(v.source)}</code>:</p>\n<pre>{e(shown)}</pre>\n"
    verdict = (
        '<p class="verdict ok">The graph conforms to the shapes.</p>'
        if v.conforms
        else '<p class="verdict bad">The graph does not conform to the shapes.</p>'
    )
    counts = ", ".join(f"{e(plural(n, s.lower()))}" for s, n in v.by_severity)
    html = f"{verdict}\n<p>From <code>{e(v.source)}</code>: {e(plural(v.results, 'result'))}"
    html += f" ({counts}).</p>\n" if counts else ".</p>\n"
    rows = [
        [
            e(f.severity),
            _shape_link(links, f.shape) if f.shape else "",
            e(f.message),
            e(f.count),
            ", ".join(links.to(x, 0) if links.href(x, 0) else links.iri(x) for x in f.examples),
        ]
        for f in v.findings
    ]
    if rows:
        html += table(["severity", "shape", "message", "results", "for example"], rows, numeric="3")
    return html


def _shape_link(links: Links, shape: str) -> str:
    short = links.short(shape)
    return f'<a href="shapes.html#{e(anchor(short))}" title="{e(shape)}">{e(short)}</a>'
