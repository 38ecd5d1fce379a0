"""Citations -> RIS, one record per chunk, written with rispy (the maintained RIS library,
which puts ``TY`` first and ``ER`` last and writes each list tag once per value).

RIS is one ``TAG  - value`` per line, so the line rules are ours to keep before rispy sees
a value: every line break (CR, LF, and the Unicode separators a reader could split on)
becomes a space. Values are not cut to the old 255-character limit: the text would change,
and today's readers (rispy, Zotero, EndNote) take longer lines.

A preprint is a ``JOUR`` in ``T2`` (secondary title, the journal) "arXiv", with ``PB`` and
``DB`` "arXiv" and ``M3`` "Preprint"; the primary category is a ``KW``, every code
repository a ``UR``. RIS has no marker for a cut author list: it ends in the author
``et al.``, as the page printed it.

A paper linked to an arXiv record (issue #19) gets ``AN`` "arXiv:ID" (the accession number
in its database ``DB`` arXiv, which Zotero reads as the item's place in the archive),
``DO`` the DOI when the record has one, and its abstract page as the first ``UR``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from rispy import RisWriter

from kg.cite.model import Citation, remarks

ET_AL = "et al."
_BREAKS = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


class _Writer(RisWriter):  # type: ignore[misc]  # rispy ships no type hints
    """rispy's writer without the ``1.`` it writes before each record: records are
    written one per chunk, and a number is no part of RIS."""

    def set_header(self, count: int) -> str:
        return ""


_WRITER = _Writer()


def one_line(text: str) -> str:
    return _BREAKS.sub(" ", text)


def ris_record(citation: Citation) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type_of_reference": "JOUR",
        "id": citation.key,
        "title": one_line(citation.title),
    }
    authors = [one_line(name) for name in citation.authors]
    if citation.et_al:
        authors.append(ET_AL)
    if authors:
        record["authors"] = authors
    if citation.year is not None:
        record["year"] = str(citation.year)
        if citation.month is not None:
            day = (citation.date or "").split("-")[2:3]
            record["date"] = f"{citation.year:04d}/{citation.month:02d}/{''.join(day)}/"
    record.update(
        {
            "secondary_title": "arXiv",
            "publisher": "arXiv",
            "name_of_database": "arXiv",
            "type_of_work": "Preprint",
        }
    )
    if citation.category:
        record["keywords"] = [one_line(citation.category)]
    if citation.arxiv_id:
        record["accession_number"] = f"arXiv:{one_line(citation.arxiv_id)}"
    if citation.doi:
        record["doi"] = one_line(citation.doi)
    urls = [url for url in (citation.arxiv_url,) if url] + list(citation.repositories)
    if urls:
        record["urls"] = [one_line(url) for url in urls]
    found = remarks(citation)
    if found:
        record["notes"] = [one_line(". ".join(found))]
    return record


def ris_chunks(citations: Iterable[Citation]) -> Iterator[str]:
    """One record per chunk, a blank line between; no citations: an empty file."""
    for index, citation in enumerate(citations):
        text: str = _WRITER.formats([ris_record(citation)])
        yield ("\n" if index else "") + text
