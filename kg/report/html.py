"""HTML building blocks for ``kg report``: escaping, file names from IRIs, links, the page frame.

Every value that reaches a page goes through ``e`` (``html.escape`` with quotes); the
helpers here return markup, never take it, except where a parameter is named ``html``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from urllib.parse import unquote

ASSETS = ("style.css", "report.js")
SECTIONS = (
    ("index.html", "Overview"),
    ("people.html", "People"),
    ("topics.html", "Topics"),
    ("papers.html", "Papers"),
    ("queries.html", "Queries"),
    ("ontology.html", "Ontology"),
    ("shapes.html", "Shapes"),
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def e(value: object) -> str:
    """Escape any value for HTML text or a double-quoted attribute (``html.escape`` with
    quotes; text with nothing to escape, most of it, is returned as it is)."""
    text = str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text, quote=True)
    return text


def short_hash(text: str, length: int = 8) -> str:
    """The first ``length`` hex digits of the text's SHA-1: a stable, file-safe suffix."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def slug_for(iri: str, marker: str, prefix: str = "") -> str:
    """A file-name stem from an IRI: the part after the last ``marker`` when it is made of
    safe characters (``Xingyu_Lu``, ``cs.CL``), else a readable ASCII form plus 8 hex digits
    of the IRI's SHA-1 (``Xingyu_Lu-1-3f2a9c10``), so different IRIs get different names."""
    local = _after(iri, marker.lstrip("/")) if marker else ""
    readable = unicodedata.normalize("NFKD", unquote(local or iri.rsplit("/", 1)[-1]))
    readable = _UNSAFE.sub("-", readable.encode("ascii", "ignore").decode("ascii"))
    readable = readable.strip("-.")[:60].strip("-.")
    if local and readable == local:
        return prefix + readable
    return f"{prefix}{readable}-{short_hash(iri)}" if readable else prefix + short_hash(iri)


def _after(iri: str, marker: str) -> str:
    """What follows the last ``marker`` that starts a segment: after ``/``, ``#`` or ``:``,
    so bases like ``https://e.org/kg#`` and ``urn:kg:`` read as ``https://e.org/kg/``."""
    at = iri.rfind(marker)
    while at > 0 and iri[at - 1] not in "/#:":
        at = iri.rfind(marker, 0, at)
    return iri[at + len(marker) :] if at > 0 else ""


def anchor(text: str) -> str:
    """An id for ``prefix:local`` names: ``kg:Authorship`` -> ``kg-Authorship``."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text)


def unique_slugs(wanted: dict[str, str]) -> dict[str, str]:
    """IRI -> stem, with a hash suffix on stems that clash when case is ignored (file systems
    that fold case would otherwise merge two pages)."""
    seen: dict[str, list[str]] = {}
    for iri, stem in wanted.items():
        seen.setdefault(stem.casefold(), []).append(iri)
    result = {}
    for iri, stem in wanted.items():
        clash = len(seen[stem.casefold()]) > 1
        result[iri] = f"{stem}-{short_hash(iri)}" if clash else stem
    return result


def compact(iri: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` for the longest matching namespace, else the IRI itself (for display:
    the local part may hold a ``/``)."""
    for name, namespace in _longest_first(tuple(prefixes.items())):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            if "#" not in iri[len(namespace) :]:
                return f"{name}:{iri[len(namespace) :]}"
    return iri


@lru_cache(maxsize=16)
def _longest_first(prefixes: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The prefixes, longest namespace first (then the greater name, as ``max`` chose)."""
    return tuple(sorted(prefixes, key=lambda kv: (len(kv[1]), kv[0]), reverse=True))


@dataclass(frozen=True)
class Links:
    """Where each thing's page is (a path from the site root) and how IRIs are shortened."""

    paths: Mapping[str, str]
    prefixes: dict[str, str]
    labels: Mapping[str, str]

    def href(self, iri: str, depth: int) -> str | None:
        path = self.paths.get(iri)
        return None if path is None else "../" * depth + path

    def to(self, iri: str, depth: int, text: str | None = None, cls: str = "") -> str:
        """A link to the thing's page, or its name as plain text when it has no page."""
        label = text if text is not None else self.labels.get(iri) or self.short(iri)
        href = self.href(iri, depth)
        attrs = f' class="{e(cls)}"' if cls else ""
        if href is None:
            return f'<span{attrs} title="{e(iri)}">{e(label)}</span>'
        return f'<a{attrs} href="{e(href)}" title="{e(iri)}">{e(label)}</a>'

    def short(self, iri: str) -> str:
        return compact(iri, self.prefixes)

    def iri(self, iri: str) -> str:
        """An IRI shown as code, shortened, with the full IRI on hover."""
        return f'<code class="iri" title="{e(iri)}">{e(self.short(iri))}</code>'


def root(depth: int, path: str) -> str:
    return "../" * depth + path


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "", numeric: str = ""
) -> str:
    """A table whose cells are markup already; ``numeric`` lists the right-aligned columns
    by letter index (``"23"``: the third and fourth)."""
    head = "".join(
        f'<th scope="col"{" class=num" if str(i) in numeric else ""}>{e(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if str(i) in numeric else ''}>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>\n"
        for row in rows
    )
    if not body:
        return '<p class="empty">None.</p>\n'
    klass = f' class="{e(cls)}"' if cls else ""
    return (
        f'<div class="scroll"><table{klass}>\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}</tbody>\n</table></div>\n"
    )


def definition_list(items: Iterable[tuple[str, str]]) -> str:
    """A ``<dl>`` of (term text, markup) pairs; pairs with empty markup are left out."""
    body = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>\n" for k, v in items if v)
    return f'<dl class="facts">\n{body}</dl>\n' if body else ""


def section(title: str, html: str, anchor: str = "") -> str:
    ident = f' id="{e(anchor)}"' if anchor else ""
    return f"<section{ident}>\n<h2>{e(title)}</h2>\n{html}</section>\n"


def page(
    title: str,
    html: str,
    depth: int,
    current: str = "",
    iri: str | None = None,
    kind: str = "",
    subtitle: str = "",
) -> str:
    """A complete HTML5 document: navigation, a heading, the IRI it shows, the body."""
    nav = "".join(
        f'<li><a href="{e(root(depth, href))}"'
        + (' aria-current="page"' if href == current else "")
        + f">{e(label)}</a></li>"
        for href, label in SECTIONS
    )
    about = f' data-iri="{e(iri)}"' if iri else ""
    heading = f'<p class="kind">{e(kind)}</p>\n' if kind else ""
    heading += f"<h1>{e(title)}</h1>\n"
    if subtitle:
        heading += f'<p class="subtitle">{subtitle}</p>\n'
    if iri:
        heading += f'<p class="this-iri">IRI <code>{e(iri)}</code></p>\n'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="kg report">\n'
        f"<title>{e(title)} · kg report</title>\n"
        f'<link rel="stylesheet" href="{e(root(depth, "assets/style.css"))}">\n'
        f'<script defer src="{e(root(depth, "assets/report.js"))}"></script>\n'
        "</head>\n<body>\n"
        f'<header class="site"><a class="brand" href="{e(root(depth, "index.html"))}">kg</a>'
        f'<nav aria-label="Sections"><ul>{nav}</ul></nav>'
        f'<form class="search" role="search" action="{e(root(depth, "search.html"))}">'
        '<input type="search" name="q" placeholder="Search" '
        'aria-label="Search papers, people and topics"></form></header>\n'
        f"<main{about}>\n{heading}{html}</main>\n"
        '<footer class="site"><p>Generated by <code>kg report</code> from the embedded '
        "store; every page is static and works offline.</p></footer>\n"
        "</body>\n</html>\n"
    )


def badge(text: str, cls: str) -> str:
    return f'<span class="badge {e(cls)}">{e(text)}</span>'


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"
