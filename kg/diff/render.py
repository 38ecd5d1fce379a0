"""A ``Diff`` as text, Markdown or JSON (pure): chunks of text, streamed so ``--triples``
never holds the changed quads in memory.

Text and Markdown are for people: IRIs under the build's base are shown without it
(``person/Xingtai_Lv``), arXiv categories as ``arxiv:cs.CL``, and control characters in
titles escaped (kg.render.safe). JSON is for scripts: full IRIs, the schema in ``JSON_KEYS``
and the README, versioned by ``"format": "kg-diff"`` and ``"version"``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kg.diff.model import (
    Diff,
    FieldChange,
    ListedPaper,
    PaperChange,
    PersonChange,
    TripleSection,
)
from kg.graph.reference import TAXONOMY_GRAPH
from kg.render import safe

JSON_FORMAT, JSON_VERSION = "kg-diff", 1
FORMATS = ("text", "md", "json")
# the keys of the JSON document, in order (a test keeps them stable)
JSON_KEYS = (
    "format",
    "version",
    "old",
    "new",
    "changed",
    "totals",
    "people",
    "papers",
    "graphs",
)


Triples = Iterable[TripleSection] | None


def render(diff: Diff, fmt: str, triples: Triples = None) -> Iterator[str]:
    renderers: dict[str, Callable[[Diff, Triples], Iterator[str]]] = {
        "text": text,
        "md": markdown,
        "json": as_json,
    }
    return renderers[fmt](diff, triples)


# -- text and Markdown --------------------------------------------------------------------


def headline(diff: Diff) -> str:
    if not diff.changed:
        return f"kg diff: {diff.old} and {diff.new} hold the same graph"
    return (
        f"kg diff: {diff.old} -> {diff.new}: {_count(len(diff.people), 'person', 'people')}, "
        f"{_count(len(diff.papers), 'paper')} and {_count(len(diff.graphs), 'graph')} changed "
        f"(-{diff.removed:,} +{diff.added:,} triples)"
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


Outline = list[tuple[int, str]]  # (depth, line): what text indents and Markdown nests


@dataclass(frozen=True)
class _Style:
    """How a text or Markdown line shows words, names and values."""

    words: Callable[[str], str]  # text from the data (titles, names): made safe to show
    code: Callable[[str], str]  # IRIs and paths
    arrow: str
    signs: dict[str, str]  # "+", "-", "~" as shown


_TEXT = _Style(safe, safe, "->", {"+": "+", "-": "-", "x": "x", "~": "~"})


class _Shower:
    """People and papers as outlines, with IRIs under the base shown without it."""

    def __init__(self, diff: Diff, style: _Style) -> None:
        self.base, self.style = diff.base, style
        self.pages = dict(diff.page_names)

    def iri(self, iri: str) -> str:
        if self.base and iri.startswith(self.base):
            return iri[len(self.base) :]
        if iri.startswith(TAXONOMY_GRAPH + "/"):
            return "arxiv:" + iri[len(TAXONOMY_GRAPH) + 1 :]
        return iri

    def node(self, iri: str) -> str:
        return self.style.code(self.iri(iri))

    def page(self, page: str) -> str:
        return self.style.code(self.pages.get(page, self.iri(page)))

    def title(self, title: str | None) -> str:
        return f'"{self.style.words(title)}"' if title is not None else "(untitled)"

    def value(self, value: str | None, quoted: bool = False) -> str:
        if value is None:
            return "(none)"
        if quoted:
            return f'"{self.style.words(value)}"'
        shown = self.iri(value)
        return (
            self.style.code(shown) if shown != value or "://" in value else self.style.words(value)
        )

    def person(self, person: PersonChange) -> Outline:
        name = self.style.words(person.name) if person.name else "(no name)"
        lines = [(0, f"{name} {self.node(person.person)}")]
        lines += [(1, f"new page {self.page(p)}") for p in person.pages_added]
        lines += [(1, f"page gone {self.page(p)}") for p in person.pages_removed]
        for sign, papers in [("+", person.added), ("-", person.removed), ("x", person.dropped)]:
            for paper in papers:
                pages = ", ".join(self.page(p) for p in paper.pages)
                where = "not on the latest capture; was on" if sign == "x" else "on"
                shown = f"{self.title(paper.title)} {self.node(paper.paper)} {where} {pages}"
                lines.append((1, f"{self.style.signs[sign]} {shown}"))
        if person.metrics is not None:
            m, arrow = person.metrics, self.style.arrow
            lines.append((1, f"metrics {m.old_date or '(none)'} {arrow} {m.new_date or '(none)'}:"))
            for c in m.changes:
                lines.append((2, f"{c.name}: {self.value(c.old)} {arrow} {self.value(c.new)}"))
        return lines

    def paper(self, paper: PaperChange) -> Outline:
        sign = {"added": "+", "removed": "-"}.get(paper.status, "~")
        shown = f"{self.title(paper.title)} {self.node(paper.paper)}"
        lines = [(0, f"{self.style.signs[sign]} {shown}")]
        for field in paper.fields:
            lines.append((1, f"{field.field}: {self.values(field)}"))
        return lines

    def values(self, field: FieldChange) -> str:
        quoted = field.field in ("title", "abstract", "authors")

        def shown(values: tuple[str, ...]) -> str:
            return ", ".join(self.value(v, quoted) for v in values) or "(none)"

        return f"{shown(field.old)} {self.style.arrow} {shown(field.new)}"


def text(diff: Diff, triples: Triples = None) -> Iterator[str]:
    yield safe(headline(diff)) + "\n"
    show = _Shower(diff, _TEXT)
    for title, outlines in [
        ("People", [show.person(p) for p in diff.people]),
        ("Papers", [show.paper(p) for p in diff.papers]),
    ]:
        if outlines:
            yield f"\n{title}\n"
            yield from (f"{'  ' * (depth + 1)}{line}\n" for o in outlines for depth, line in o)
    if diff.graphs:
        rows = [(show.iri(g.graph), g.removed, g.added) for g in diff.graphs]
        rows.append(("total", diff.removed, diff.added))
        width = max(len(name) for name, _, _ in rows)
        yield f"\nGraphs{' ' * (width - 4)} {'removed':>9} {'added':>8}\n"
        yield from (f"  {name:<{width}} {old:>9,} {new:>8,}\n" for name, old, new in rows)
    if triples is not None and diff.changed:
        yield "\n# Triples removed and added, as N-Quads\n"
        yield from _nquads(triples, "# {kind} {graph}: {count:,}\n", "")


def _nquads(triples: Iterable[TripleSection], header: str, footer: str) -> Iterator[str]:
    for section in triples:
        for kind, count, lines in [
            ("removed from", section.graph.removed, section.removed),
            ("added to", section.graph.added, section.added),
        ]:
            if count:
                yield header.format(kind=kind, graph=f"<{section.graph.graph}>", count=count)
                for line in lines:
                    yield line.decode("utf-8")
                yield footer


def _md(text: str) -> str:
    """Text from the data that Markdown shows as it is."""
    for char in "\\`*_[]<":
        text = text.replace(char, "\\" + char)
    return safe(text)


def _md_code(text: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence}{safe(text)}{fence}" if fence == "`" else f"{fence} {safe(text)} {fence}"


# a list item that starts with "-" or "+" would nest a list: words instead
_MARKDOWN = _Style(
    _md, _md_code, "→", {"+": "added", "-": "removed", "x": "dropped", "~": "changed"}
)


def markdown(diff: Diff, triples: Triples = None) -> Iterator[str]:
    show = _Shower(diff, _MARKDOWN)
    yield f"# kg diff\n\n{_md(headline(diff))}\n"
    if diff.people:
        yield "\n## People\n"
        for person in diff.people:
            (_, heading), *lines = show.person(person)
            yield f"\n### {heading}\n\n"
            yield from (f"{'  ' * (depth - 1)}- {line}\n" for depth, line in lines)
    if diff.papers:
        yield "\n## Papers\n\n"
        yield from (f"{'  ' * d}- {line}\n" for p in diff.papers for d, line in show.paper(p))
    if diff.graphs:
        yield "\n## Graphs\n\n| graph | removed | added |\n|---|---:|---:|\n"
        for g in diff.graphs:
            yield f"| {show.node(g.graph)} | {g.removed:,} | {g.added:,} |\n"
        yield f"| total | {diff.removed:,} | {diff.added:,} |\n"
    if triples is not None and diff.changed:
        yield "\n## Triples\n"
        yield from _nquads(triples, "\n{kind} `{graph}` ({count:,}):\n\n```nquads\n", "```\n")


# -- JSON ---------------------------------------------------------------------------------


def document(diff: Diff) -> dict[str, Any]:
    """The JSON document without its triples, keys in ``JSON_KEYS`` order."""
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "old": diff.old,
        "new": diff.new,
        "changed": diff.changed,
        "totals": {"removed": diff.removed, "added": diff.added},
        "people": [_person_json(p, dict(diff.page_names)) for p in diff.people],
        "papers": [
            {
                "paper": p.paper,
                "title": p.title,
                "status": p.status,
                "fields": [
                    {"field": f.field, "predicate": f.predicate, "old": f.old, "new": f.new}
                    for f in p.fields
                ],
            }
            for p in diff.papers
        ],
        "graphs": [{"graph": g.graph, "removed": g.removed, "added": g.added} for g in diff.graphs],
    }


def _person_json(person: PersonChange, names: dict[str, str]) -> dict[str, Any]:
    def page(iri: str) -> dict[str, str]:
        return {"page": iri, "path": names.get(iri, iri)}

    def listed(papers: tuple[ListedPaper, ...]) -> list[dict[str, Any]]:
        return [
            {"paper": p.paper, "title": p.title, "pages": [page(x) for x in p.pages]}
            for p in papers
        ]

    m = person.metrics
    return {
        "person": person.person,
        "name": person.name,
        "papers_added": listed(person.added),
        "papers_removed": listed(person.removed),
        "papers_dropped": listed(person.dropped),
        "pages_added": [page(x) for x in person.pages_added],
        "pages_removed": [page(x) for x in person.pages_removed],
        "metrics": None
        if m is None
        else {
            "old": {"observation": m.old_observation, "date": m.old_date},
            "new": {"observation": m.new_observation, "date": m.new_date},
            "changes": [{"metric": c.name, "old": c.old, "new": c.new} for c in m.changes],
        },
    }


def as_json(diff: Diff, triples: Triples = None) -> Iterator[str]:
    text = json.dumps(document(diff), indent=2, ensure_ascii=False)
    if triples is None:
        yield text + "\n"
        return
    # the quads go in last, a line at a time: the document up to its closing brace first
    yield text[: text.rindex("}")].rstrip() + ',\n  "triples": ['
    first = True
    for section in triples:
        yield ("\n    " if first else ",\n    ") + f'{{"graph": {json.dumps(section.graph.graph)}'
        first = False
        for key, lines in [("removed", section.removed), ("added", section.added)]:
            yield f', "{key}": ['
            separator = ""
            for line in lines:
                yield separator + json.dumps(line.decode("utf-8").rstrip("\n"), ensure_ascii=False)
                separator = ", "
            yield "]"
        yield "}"
    yield ("\n  " if not first else "") + "]\n}\n"
