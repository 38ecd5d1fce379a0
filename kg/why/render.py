"""An ``Answer`` as text for a person or as json for a program (pure).

The json is a contract (README, "Where a fact comes from"): its keys are always present
for an answer's kind, in this order, and its terms are N-Triples text. The text shows IRIs
as prefixed names and one table of lines per source.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from typing import Any

from kg.render import clip, safe, table
from kg.why.model import ARXIV, PAGE, Answer, ArxivRecord, Evidence, GraphUse, Origin, Place
from kg.why.query import compact

FORMAT_NAMES = ("text", "json")


def render(answer: Answer, fmt: str, prefixes: Mapping[str, str], width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(to_json(answer), indent=2, ensure_ascii=False) + "\n"
    return to_text(answer, prefixes, width)


# -- json ---------------------------------------------------------------------------------


def to_json(answer: Answer) -> dict[str, Any]:
    head: dict[str, Any] = {"kind": answer.kind, "query": list(answer.query), "found": answer.found}
    if answer.kind == "fact":
        body: dict[str, Any] = {
            "origins": [_origin_json(o) for o in answer.origins],
            "instead": list(answer.instead),
        }
    else:
        body = {
            "types": list(answer.types),
            "graphs": [_use_json(u) for u in answer.graphs],
            "introduced_by": _origin_json(answer.introduced_by) if answer.introduced_by else None,
        }
    return {**head, **body, "notes": list(answer.notes)}


def _origin_json(origin: Origin) -> dict[str, Any]:
    return {
        "graph": origin.graph,
        "source": origin.source,
        "summary": origin.summary,
        "rules": [{"name": r.name, "text": r.text} for r in origin.rules],
        "value": origin.value,
        "pages_disagree": origin.disagree,
        "evidence": [_evidence_json(e) for e in origin.evidence],
        "evidence_total": origin.evidence_total,
        "record": _record_json(origin.record) if origin.record else None,
    }


def _record_json(record: ArxivRecord) -> dict[str, Any]:
    return {
        "snapshot": record.snapshot,
        "sha256": record.sha256,
        "updated": record.updated,
        "arxiv_id": record.arxiv_id,
    }


def _evidence_json(evidence: Evidence) -> dict[str, Any]:
    place = evidence.place
    return {
        "status": evidence.status,
        "page": place.page,
        "path": place.source,
        "line": place.line,
        "listing": place.listing,
        "captured_on": place.captured_on,
        "capture_date_source": place.captured_from,
        "printed": evidence.printed,
    }


def _use_json(use: GraphUse) -> dict[str, Any]:
    return {
        "graph": use.graph,
        "source": use.source,
        "as_subject": use.as_subject,
        "as_object": use.as_object,
    }


# -- text ---------------------------------------------------------------------------------


def to_text(answer: Answer, prefixes: Mapping[str, str], width: int | None = None) -> str:
    asked = " ".join(safe(compact(term, prefixes)) for term in answer.query)
    lines = [asked]
    if not answer.found:
        what = "this fact" if answer.kind == "fact" else "this IRI"
        lines.append(f"  not in the graph: no named graph holds {what}")
        if answer.instead:
            shown = ", ".join(safe(compact(o, prefixes)) for o in answer.instead)
            lines.append(f"  the graph has these objects for that subject and predicate: {shown}")
    if answer.types:
        lines.append("  types: " + ", ".join(compact(t, prefixes) for t in answer.types))
    if answer.graphs:
        lines.append("  in graphs: " + _uses_text(answer.graphs, prefixes))
    text = "\n".join(lines) + "\n"
    origins = [*answer.origins, *([answer.introduced_by] if answer.introduced_by else [])]
    for origin in origins:
        text += _origin_text(origin, prefixes, width, answer.kind == "entity")
    text += "".join(f"note: {safe(note)}\n" for note in answer.notes)
    return text


def _uses_text(uses: tuple[GraphUse, ...], prefixes: Mapping[str, str]) -> str:
    pages = [u for u in uses if u.source == PAGE]
    shown = [f"{compact(f'<{u.graph}>', prefixes)} ({u.source})" for u in uses if u.source != PAGE]
    if pages:
        shown.insert(0, f"{len(pages)} page graph{'s' if len(pages) != 1 else ''}")
    return ", ".join(shown)


def _origin_text(
    origin: Origin, prefixes: Mapping[str, str], width: int | None, entity: bool
) -> str:
    graph = compact(f"<{origin.graph}>", prefixes)
    label = "introduced by" if entity else "source"
    lines = [f"  {label}: {origin.source}, in graph {graph}", f"  {safe(origin.summary)}"]
    if origin.record is not None:
        lines += _record_text(origin.record)
    for rule in origin.rules:
        lines.append(f"  rule {rule.name}: {rule.text}")
    if origin.value is not None:
        disagree = ""
        if origin.disagree:  # an arXiv record's value: the pages printed another
            disagree = (
                " (the pages print otherwise)"
                if origin.source == ARXIV
                else " (the pages disagree)"
            )
        lines.append(f"  value: {safe(clip(origin.value, 200))}{disagree}")
    text = "\n".join(lines) + "\n"
    if origin.evidence:
        rows = [
            (e.status, _where(e.place), _captured(e.place), e.printed or "")
            for e in origin.evidence
        ]
        headers = ("status", "page:line", "captured", "printed")
        columns = width or shutil.get_terminal_size((160, 24)).columns
        body = table(headers, rows, columns - 4)  # indented by 4
        text += "".join(f"    {row}\n" for row in body.splitlines())
    hidden = origin.evidence_total - len(origin.evidence)
    if hidden:
        text += f"    ... and {hidden} more (--all lists them)\n"
    return text


def _record_text(record: ArxivRecord) -> list[str]:
    """The record (its id and abstract page) and the snapshot file it was read from."""
    lines = []
    if record.arxiv_id:
        shown = safe(record.arxiv_id)
        lines.append(f"  record: arXiv {shown} <https://arxiv.org/abs/{shown}>")
    name, sha256 = safe(record.snapshot or "(unnamed)"), safe(record.sha256 or "?")
    updated = f", records updated up to {safe(record.updated)}" if record.updated else ""
    lines.append(f"  snapshot: {name} (SHA-256 {sha256}{updated})")
    return lines


def _where(place: Place) -> str:
    name = place.source or place.page
    return f"{name}:{place.line}" if place.line else name


def _captured(place: Place) -> str:
    if place.captured_on is None:
        return ""
    return (
        f"{place.captured_on} ({place.captured_from})" if place.captured_from else place.captured_on
    )
