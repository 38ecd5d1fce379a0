"""The report of a build linked to arXiv (issue #19): each linked paper's page links its
arXiv record and its DOI, shows its v1 date and cross-lists, and says which authors the
record added (those no page printed, behind "et al.")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kgtest import ROOT, SEEDS, build, run

SNAPSHOT = ROOT / "tests" / "cases" / "arxiv" / "metadata.jsonl"


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = build(
        SEEDS, tmp_path_factory.mktemp("arxiv") / "out", "-q", "--arxiv-metadata", str(SNAPSHOT)
    )
    code, _, stderr = run("report", "--out", str(out), "-q")
    assert code == 0, stderr
    return out


def page_of(out: Path, paper: str) -> str:
    return (out / "report" / "papers" / f"{paper.rsplit('/', 1)[-1]}.html").read_text("utf-8")


def test_a_linked_paper_links_its_record_and_marks_the_authors_it_added(linked: Path) -> None:
    report = json.loads((linked / "linking.json").read_text(encoding="utf-8"))
    assert report["links"]
    for link in report["links"]:
        html = page_of(linked, link["paper"])
        assert f'href="https://arxiv.org/abs/{link["arxiv_id"]}"' in html
        if link["doi"]:
            assert f"https://doi.org/{link['doi']}" in html
        if link["submitted"]:
            assert f"<dt>Submitted (v1)</dt><dd>{link['submitted']}</dd>" in html
        assert html.count('<li value="') == len(link["authors"])
        for category in link["categories"][1:]:
            assert f"/arxiv/{category}" in html  # a cross-list, shown as a topic tag
    # the one whose printed list stopped at "et al.": the record's other authors are marked
    added = [link for link in report["links"] if "Sparse Low-rank" in link["title"]]
    html = page_of(linked, added[0]["paper"])
    assert "Authors, in the arXiv record&#x27;s order" in html
    assert html.count('<span class="badge arxiv">from arXiv</span>') == 4
    assert "of whom the pages printed 3" in html


def test_an_unlinked_paper_shows_no_record(linked: Path) -> None:
    report = json.loads((linked / "linking.json").read_text(encoding="utf-8"))
    for paper in [*report["not_found"][:5], *(a["paper"] for a in report["ambiguous"])]:
        html = page_of(linked, paper)
        assert "arxiv.org/abs/" not in html
        assert "from arXiv" not in html
