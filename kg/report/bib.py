"""BibTeX in ``kg report`` (issue 18): each paper page shows its entry, with a copy button
and a ``.bib`` download beside the page; each person and topic page offers a ``.bib`` of
all its papers.

The entries are made once per report (``kg.report.citations``, as ``kg.cite`` makes them)
and keyed by paper IRI; the rest is pure: which papers a page offers, the ``.bib`` files
(entries in key order, as the exporter writes them) and the markup. Papers the exporter
skips (untitled, abstract-only) have no entry, so their pages show no BibTeX block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.report.html import e, plural

if TYPE_CHECKING:
    from kg.report.data import Paper


@dataclass(frozen=True)
class Entry:
    """One paper's citation key and its BibTeX entry, as the exporter writes it."""

    key: str
    text: str


def cited(entries: Mapping[str, Entry], papers: Iterable[Paper]) -> list[Entry]:
    """The entries of these papers (each once), in key order: what a ``.bib`` file holds."""
    found = {p.iri: entries[p.iri] for p in papers if p.iri in entries}
    return sorted(found.values(), key=lambda x: x.key)


def bib_text(entries: Sequence[Entry]) -> str:
    """A ``.bib`` file of these entries, in the order given, a blank line between (as
    ``kg.cite.bibtex.bibtex_chunks`` joins them)."""
    return "\n".join(x.text for x in entries)


def bib_path(page_path: str) -> str:
    """The ``.bib`` file beside a page: ``papers/x.html`` -> ``papers/x.bib``."""
    return page_path.removesuffix(".html") + ".bib"


def _file_name(page_path: str) -> str:
    return bib_path(page_path).rsplit("/", 1)[-1]


def entry_block(text: str, page_path: str, key: str) -> str:
    """A paper's BibTeX ``text`` in a ``<pre>``, a copy button (shown by report.js; hidden
    without scripts) and a link to its ``.bib`` file beside the page, saved as ``KEY.bib``."""
    name, saved = _file_name(page_path), f"{key}.bib" if key else _file_name(page_path)
    return (
        f'<pre class="bibtex" id="bibtex-entry">{e(text.strip())}\n</pre>\n'
        '<p class="bibtex-actions">'
        '<button type="button" class="copy" data-copy="bibtex-entry" hidden>Copy BibTeX</button> '
        f'<a class="bib" href="{e(name)}" download="{e(saved)}" type="application/x-bibtex">'
        f"Download {e(saved)}</a> "
        '<span class="copy-status" role="status" aria-live="polite"></span></p>\n'
    )


def download_link(entries: int, page_path: str, shown: int) -> str:
    """A paragraph linking the page's ``.bib`` file (empty when no paper has an entry);
    says how many (``entries``) of the ``shown`` papers it cites."""
    if not entries:
        return ""
    name = _file_name(page_path)
    left_out = shown - entries
    note = (
        f' <span class="hint">({e(plural(left_out, "untitled paper"))} without a BibTeX '
        "entry left out)</span>"
        if left_out > 0
        else ""
    )
    return (
        f'<p class="bibtex-actions"><a class="bib" href="{e(name)}" download="{e(name)}" '
        f'type="application/x-bibtex">BibTeX of {e(plural(entries, "paper"))} '
        f"({e(name)})</a>{note}</p>\n"
    )


def bib_files(
    entries: Mapping[str, Entry],
    paths: Mapping[str, str],
    groups: Mapping[str, Sequence[Paper]],
) -> dict[str, str]:
    """Relative path -> text of every ``.bib`` file: one per cited paper, one per person or
    topic (``groups``: IRI -> the papers its page lists) with at least one cited paper."""
    files = {bib_path(paths[iri]): entry.text for iri, entry in entries.items() if iri in paths}
    for iri, papers in groups.items():
        found = cited(entries, papers)
        if found and iri in paths:
            files[bib_path(paths[iri])] = bib_text(found)
    return dict(sorted(files.items()))
