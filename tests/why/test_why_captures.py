"""``kg why`` on the two-capture case (tests/cases/captures, issue #16): a paper whose
printed category changed between the captures, and when it was first and last seen."""

from __future__ import annotations

from collections import Counter

import pytest
from whytest import Built

KG = "https://w3id.org/kg/ns#"


def listings_by_paper(built: Built, predicate: str) -> dict[str, list[tuple[str, str]]]:
    """paper -> [(listing, the value it printed for ``predicate``)], from graph.nq."""
    printed = {q.split(" ", 1)[0]: q.split('"')[1] for q in built.quads(f"<{KG}{predicate}>")}
    papers: dict[str, list[tuple[str, str]]] = {}
    for quad in built.quads(f"<{KG}listedPaper>"):
        listing, _, paper = quad.split(" ")[:3]
        if listing in printed:
            papers.setdefault(paper, []).append((listing, printed[listing]))
    return {paper: sorted(seen) for paper, seen in papers.items()}


def test_a_category_that_changed_between_captures(two_captures: Built) -> None:
    changed = {
        paper: seen
        for paper, seen in listings_by_paper(two_captures, "printedCategory").items()
        if len({category for _, category in seen}) > 1
    }
    if not changed:
        pytest.skip("the case has no paper whose category changed")
    paper, seen = min(changed.items())
    counts = Counter(category for _, category in seen)
    top = max(counts.values())
    # the captures' page paths sort by their date folders, as the merge reads them
    chosen = next(category for _, category in seen if counts[category] == top)
    (subject,) = [
        q.split(" ")[2] for q in two_captures.quads(f"{paper} <http://purl.org/dc/terms/subject>")
    ]
    code, answer = two_captures.why_json(f"{paper} dcterms:subject {subject}")
    assert code == 0
    (origin,) = answer["origins"]
    assert [r["name"] for r in origin["rules"]] == ["most-frequent-category"]
    assert origin["value"] == chosen and origin["pages_disagree"] is True
    assert [f"<{e['listing']}>" for e in origin["evidence"]] == [listing for listing, _ in seen]
    assert [e["printed"] for e in origin["evidence"]] == [category for _, category in seen]
    dates = [e["captured_on"] for e in origin["evidence"]]
    assert len(set(dates)) == len(dates), "one listing per capture, each with its own date"
    for predicate, rule, value in (
        ("kg:firstSeen", "seen-first", min(dates)),
        ("kg:lastSeen", "seen-last", max(dates)),
    ):
        code, answer = two_captures.why_json(f'{paper} {predicate} "{value}"^^xsd:date')
        assert code == 0, predicate
        assert answer["origins"][0]["rules"][0]["name"] == rule
