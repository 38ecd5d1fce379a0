"""One snapshot record, reduced to what matching and a link need (pure).

``arxiv_record(obj, line)`` checks a parsed JSON line and keeps the fields a link uses; a
line that is not a record says why (a ``str``), so the reader can warn and go on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any

from kg.link.normalise import abstract_key, display_name, fold_spaces, title_key

_VERSION = re.compile(r"v\d+$")
_DOI_URL = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", re.IGNORECASE)
# "NVIDIA: Hassan Abu Alhaija, ...": a group before the colon, its people after
_GROUP = re.compile(r"^\s*([^,:]+?)\s*:\s")


@dataclass(frozen=True)
class ArxivRecord:
    """A candidate record, as much of it as a link needs."""

    line: int
    arxiv_id: str  # no version suffix
    title: str  # whitespace folded
    title_key: str
    abstract_key: str
    doi: str | None
    categories: tuple[str, ...]  # primary first, no repeats
    authors: tuple[tuple[str, str, str], ...]  # (family, given, suffix), people only
    group: str | None  # a group author ("NVIDIA"), not a person
    submitted: date | None  # v1's submission date (UTC)
    versions: tuple[date, ...]  # every version's that reads, v1 first


def arxiv_record(obj: Any, line: int, with_abstract: bool = False) -> ArxivRecord | str:
    """The record of a parsed line, or why it is none (a wrong or missing field)."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    for key in ("id", "title"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            return f"no {key!r} string"
    authors = _authors(obj.get("authors_parsed"))
    if authors is None:
        return "'authors_parsed' is not a list of [family, given, suffix] lists"
    versions = _versions(obj.get("versions"))
    if versions is None:
        return "'versions' is not a list of {'created': date} objects"
    categories, doi, abstract = obj.get("categories"), obj.get("doi"), obj.get("abstract")
    if not isinstance(categories, str | None) or not isinstance(doi, str | None):
        return "'categories' or 'doi' is not a string"
    if not isinstance(abstract, str | None):
        return "'abstract' is not a string"
    group = _group(obj.get("authors"), authors)
    return ArxivRecord(
        line=line,
        arxiv_id=_VERSION.sub("", obj["id"].strip()),
        title=fold_spaces(obj["title"]),
        title_key=title_key(obj["title"]),
        abstract_key=abstract_key(abstract) if with_abstract and abstract else "",
        doi=_doi(doi),
        categories=tuple(dict.fromkeys((categories or "").split())),
        authors=authors[1:] if group else authors,
        group=group,
        submitted=versions[0] if versions else None,
        versions=tuple(d for d in versions if d is not None),
    )


def _authors(value: Any) -> tuple[tuple[str, str, str], ...] | None:
    if not isinstance(value, list):
        return None
    authors = []
    for entry in value:
        if not isinstance(entry, list) or not entry or not all(isinstance(p, str) for p in entry):
            return None
        family, given, suffix = (list(entry[:3]) + ["", ""])[:3]
        authors.append((display_name(family), display_name(given), display_name(suffix)))
    return tuple(authors)


def _versions(value: Any) -> list[date | None] | None:
    """Each version's date, in order; None for a date that does not read (undated)."""
    if not isinstance(value, list):
        return None
    dates: list[date | None] = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("created"), str):
            return None
        dates.append(_created(entry["created"]))
    return dates


def _created(text: str) -> date | None:
    """``Tue, 21 Oct 2025 17:59:01 GMT`` -> 2025-10-21 (RFC 2822, as UTC)."""
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _doi(value: str | None) -> str | None:
    doi = _DOI_URL.sub("", value.strip()) if value else ""
    return doi or None


def _group(authors: Any, parsed: tuple[tuple[str, str, str], ...]) -> str | None:
    """The group author arXiv writes as ``NVIDIA: A, B`` and parses as ``[NVIDIA, "", ""]``
    first: a collaboration, not a person (a one-word person, ``Neha``, has no colon)."""
    if not isinstance(authors, str) or not parsed:
        return None
    match = _GROUP.match(authors)
    first = parsed[0]
    if match and not first[1] and fold_spaces(match.group(1)) == first[0]:
        return first[0]
    return None
