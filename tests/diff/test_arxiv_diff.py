"""`kg diff` of a build and the same build linked to arXiv (issue #19): a linked paper's
description is the entities graph's and the arXiv graph's together, so the diff shows what
the record changed (the full author list, complete, the exact category, identifiers), not
values that merely moved from one graph to the other."""

from __future__ import annotations

import json

import pytest
from kgtest import ROOT, SEEDS, build, run

SNAPSHOT = ROOT / "tests" / "cases" / "arxiv" / "metadata.jsonl"
SPARSE = "Sparse Low-rank Adaptation of Pre-trained Language Models"


@pytest.fixture(scope="module")
def diffed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    folder = tmp_path_factory.mktemp("arxiv-diff")
    plain = build(SEEDS, folder / "plain", "-q")
    linked = build(SEEDS, folder / "linked", "-q", "--arxiv-metadata", str(SNAPSHOT))
    code, stdout, stderr = run("diff", str(plain), str(linked), "--format", "json")
    assert code == 0, stderr
    return json.loads(stdout), json.loads((linked / "linking.json").read_text("utf-8"))


def test_every_linked_paper_is_changed_and_nothing_else(diffed: tuple[dict, dict]) -> None:
    document, linking = diffed
    changed = {p["paper"] for p in document["papers"]}
    assert changed == {k["paper"] for k in linking["links"]}
    assert not document["people"]  # no page changed


def test_a_linked_paper_shows_what_its_record_says(diffed: tuple[dict, dict]) -> None:
    document, linking = diffed
    link = next(k for k in linking["links"] if k["title"] == SPARSE)
    paper = next(p for p in document["papers"] if p["paper"] == link["paper"])
    fields = {f["field"]: f for f in paper["fields"]}
    names = [a["known_as"] or a["name"] for a in link["authors"]]
    assert fields["authors"]["new"] == names and fields["authors"]["old"] == names[:3]
    assert fields["authorListComplete"]["old"] == ["false"]
    assert fields["authorListComplete"]["new"] == ["true"]
    assert fields["sameAs"]["new"] == [f"https://arxiv.org/abs/{link['arxiv_id']}"]
    # the category did not change (CL, cs.CL): it moved graphs, which is no change
    assert "category" not in fields


def test_the_arxiv_graph_is_a_shared_graph_not_a_page(diffed: tuple[dict, dict]) -> None:
    document, _ = diffed
    graphs = {g["graph"]: g for g in document["graphs"]}
    arxiv = graphs["https://kg.example.org/graph/arxiv"]
    assert arxiv["removed"] == 0 and arxiv["added"] > 0
