"""``kg why`` on what an arXiv record says (issue #19): the snapshot file, its SHA-256 and
newest update, the record's id and the rule ``arxiv-record``; where the record replaced what
the pages printed, every listing with what it printed.

The case is tests/cite/arxivcase.py: its ``LINKING`` is what the matcher would have found,
and the expected values are worked out from it and from what its pages print.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from whytest import Built, load_arxivcase

from kg.graph.identity import MERGE_RULES

case = load_arxivcase()
LINK = case.DENSE_LINK
PAPER = f"<{LINK.paper}>"
ZOE = "<https://kg.example.org/person/Zo%C3%AB_%C3%85ngstr%C3%B6m>"
ARXIV_GRAPH = "https://kg.example.org/graph/arxiv"
RECORD = {
    "snapshot": case.SNAPSHOT.name,
    "sha256": case.SNAPSHOT.sha256,
    "updated": case.SNAPSHOT.newest_update,
    "arxiv_id": LINK.arxiv_id,
}
# what each listing of the paper printed for its author list, in (page, line) order
PRINTED_AUTHORS = ["Ada Quill, Ben Ortiz et al.", "Ada Quill et al."]
RECORD_AUTHORS = ", ".join(author.name for author in LINK.authors)


def only_origin(built: Built, fact: str) -> dict[str, Any]:
    code, answer = built.why_json(fact)
    assert code == 0, answer
    (origin,) = answer["origins"]
    assert origin["graph"] == ARXIV_GRAPH and origin["source"] == "arxiv"
    assert origin["rules"] == [{"name": "arxiv-record", "text": MERGE_RULES["arxiv-record"]}]
    return origin


def places(origin: dict[str, Any]) -> list[tuple[str, int]]:
    return [(e["path"], e["line"]) for e in origin["evidence"]]


def test_an_author_behind_et_al_comes_from_the_record(linked: Built) -> None:
    origin = only_origin(linked, f"{PAPER} dcterms:creator {ZOE}")
    assert origin["record"] == RECORD
    assert LINK.arxiv_id in origin["summary"] and case.SNAPSHOT.name in origin["summary"]
    assert origin["value"] == RECORD_AUTHORS
    assert places(origin) == [(path, line) for path, line, _ in case.DENSE_PRINTED]
    assert [e["printed"] for e in origin["evidence"]] == PRINTED_AUTHORS
    assert [e["status"] for e in origin["evidence"]] == ["differs", "differs"]
    assert origin["pages_disagree"] is True


def test_a_known_person_behind_et_al_too_but_a_printed_author_stays_merged(linked: Built) -> None:
    hal = "<https://kg.example.org/person/Hal_Jones>"
    assert only_origin(linked, f"{PAPER} dcterms:creator {hal}")["record"] == RECORD
    _, answer = linked.why_json(f"{PAPER} dcterms:creator person:Ada_Quill")
    (origin,) = answer["origins"]
    assert origin["source"] == "merged" and origin["record"] is None
    assert [r["name"] for r in origin["rules"]] == ["longest-author-list"]


def test_the_records_category_wins_and_the_printed_codes_are_the_evidence(linked: Built) -> None:
    primary = LINK.categories[0]
    origin = only_origin(linked, f"{PAPER} dcterms:subject arxiv:{primary}")
    assert origin["value"] == primary
    printed = [code for _, _, code in case.DENSE_PRINTED]
    assert [e["printed"] for e in origin["evidence"]] == printed
    assert [e["status"] for e in origin["evidence"]] == [
        "agrees" if primary.endswith("." + code) else "differs" for code in printed
    ]
    # the pages' own choice (most printed, ties: first printed) is not in the graph
    code, answer = linked.why_json(f"{PAPER} dcterms:subject arxiv:cs.{printed[0]}")
    assert code == 1 and answer["instead"] == [f"<https://w3id.org/kg/arxiv/{primary}>"]


def test_a_complete_author_list_is_the_records_word(linked: Built) -> None:
    origin = only_origin(linked, f"{PAPER} kg:authorListComplete true")
    assert origin["value"] == RECORD_AUTHORS
    assert [e["printed"] for e in origin["evidence"]] == PRINTED_AUTHORS
    code, _ = linked.why_json(f"{PAPER} kg:authorListComplete false")
    assert code == 1  # the merged "false" gave way


@pytest.mark.parametrize(
    "fact",
    [
        f"schema:sameAs <https://arxiv.org/abs/{LINK.arxiv_id}>",
        f"schema:sameAs <https://doi.org/{LINK.doi}>",
        f'dcterms:identifier "arXiv:{LINK.arxiv_id}"',
        f'dcterms:dateSubmitted "{LINK.submitted}"^^xsd:date',
        f"kg:crossListedIn arxiv:{LINK.categories[1]}",
    ],
)
def test_identifiers_and_dates_no_page_printed(linked: Built, fact: str) -> None:
    origin = only_origin(linked, f"{PAPER} {fact}")
    assert origin["record"] == RECORD
    assert "no page printed it" in origin["summary"]
    assert origin["value"] is None and origin["pages_disagree"] is False
    assert [e["status"] for e in origin["evidence"]] == ["mentions", "mentions"]
    assert {e["printed"] for e in origin["evidence"]} == {case.DENSE}


def test_the_snapshot_describes_itself(linked: Built) -> None:
    origin = only_origin(linked, f'<{ARXIV_GRAPH}> kg:sha256 "{case.SNAPSHOT.sha256}"')
    assert origin["record"] == {**RECORD, "arxiv_id": None}
    assert origin["evidence"] == []


def test_the_text_names_the_record_the_file_and_the_rule(linked: Built) -> None:
    code, stdout, stderr = linked.why(f"{PAPER} dcterms:creator {ZOE}")
    assert code == 0 and stderr == ""
    lines = stdout.splitlines()
    assert "  source: arxiv, in graph <https://kg.example.org/graph/arxiv>" in lines
    assert f"  record: arXiv {LINK.arxiv_id} <https://arxiv.org/abs/{LINK.arxiv_id}>" in lines
    snapshot = case.SNAPSHOT
    assert (
        f"  snapshot: {snapshot.name} (SHA-256 {snapshot.sha256}, "
        f"records updated up to {snapshot.newest_update})"
    ) in lines
    assert f"  value: {RECORD_AUTHORS} (the pages print otherwise)" in lines
    assert any(line.startswith("  rule arxiv-record: ") for line in lines)


def test_a_person_only_a_record_names_is_introduced_by_it(linked: Built) -> None:
    code, answer = linked.why_json(ZOE)
    assert code == 0
    introduced = answer["introduced_by"]
    assert introduced["source"] == "arxiv" and introduced["record"] == RECORD
    assert "no page printed the name" in introduced["summary"]
    assert {e["printed"] for e in introduced["evidence"]} == {case.DENSE}


def test_without_the_parse_cache_the_store_still_tells(linked: Built, tmp_path: Path) -> None:
    """The store keeps each listing's printed category and author count, not the names."""
    out = tmp_path / "out"
    shutil.copytree(linked.out, out, ignore=shutil.ignore_patterns("parse-cache.pickle"))
    bare = Built(linked.pages, out, [])
    primary = LINK.categories[0]
    category = only_origin(bare, f"{PAPER} dcterms:subject arxiv:{primary}")
    assert [e["printed"] for e in category["evidence"]] == [c for *_, c in case.DENSE_PRINTED]
    authors = only_origin(bare, f"{PAPER} kg:authorListComplete true")
    assert [e["status"] for e in authors["evidence"]] == ["unknown", "unknown"]
    assert [e["printed"] for e in authors["evidence"]] == ["2 names", "1 names"]
