"""The linking report: a text for people (stderr, the output folder) and a stable JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from kg.link.model import Linking


def linking_text(linking: Linking) -> str:
    """What linking found, for people: counts, then each ambiguous and contradicted paper."""
    snapshot = linking.snapshot
    total = len(linking.links) + len(linking.not_found) + len(linking.ambiguous)
    total += len({paper for paper, _, _ in linking.contradicted})
    lines = [
        f"arXiv metadata: {snapshot.name} ({snapshot.records:,} records, newest update "
        f"{snapshot.newest_update or 'unknown'}, sha256 {snapshot.sha256})",
        f"papers: {total:,}",
        f"  linked:       {len(linking.links):,}",
        f"  not found:    {len(linking.not_found):,}",
        f"  ambiguous:    {len(linking.ambiguous):,}",
        f"  contradicted: {len({p for p, _, _ in linking.contradicted}):,}",
    ]
    if linking.ambiguous:
        lines.append("ambiguous (several records fit equally well; not linked):")
        for paper, ids in linking.ambiguous:
            lines.append(f"  {paper}: {', '.join(f'arXiv:{i}' for i in ids)}")
    if linking.contradicted:
        lines.append("contradicted (the title matches, the record disagrees; not linked):")
        for paper, arxiv_id, why in linking.contradicted:
            lines.append(f"  {paper}: arXiv:{arxiv_id}: {why}")
    skipped = [d for d in linking.diagnostics if d.source == snapshot.name]
    if skipped:
        lines.append(f"snapshot lines skipped: {len(skipped):,} told (see the diagnostics)")
    return "\n".join(lines) + "\n"


def linking_json(linking: Linking) -> str:
    """The whole result as JSON, keys and lists in a fixed order: the same linking gives
    the same bytes."""
    document: dict[str, Any] = {
        "format": "kg-linking",
        "version": 1,
        "snapshot": asdict(linking.snapshot),
        "counts": {
            "linked": len(linking.links),
            "not_found": len(linking.not_found),
            "ambiguous": len(linking.ambiguous),
            "contradicted": len({p for p, _, _ in linking.contradicted}),
        },
        "links": [asdict(link) for link in linking.links],
        "not_found": list(linking.not_found),
        "ambiguous": [{"paper": p, "candidates": list(ids)} for p, ids in linking.ambiguous],
        "contradicted": [
            {"paper": p, "arxiv_id": i, "why": why} for p, i, why in linking.contradicted
        ],
        "diagnostics": [
            {"source": d.source, "line": d.line, "severity": d.severity.value, "message": d.message}
            for d in linking.diagnostics
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def linking_summary(linking: Linking) -> str:
    """The report's counts in one line, for stderr."""
    return (
        f"arXiv: {len(linking.links):,} papers linked, {len(linking.not_found):,} not found, "
        f"{len(linking.ambiguous):,} ambiguous, {len(linking.contradicted):,} contradicted; "
        "see linking.txt"
    )
