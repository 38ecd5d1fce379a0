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


def test_a_consortium_paper_stays_readable(tmp_path: Path) -> None:
    """A paper whose record lists 150 authors: its page lists them all; every other page
    shows its first ten (and the page's person) then "and N more"; it makes no co-authors,
    in the report as in the build's kg:coauthor table."""
    title = "A Very Large Collaboration Reports Its Results"
    given = ("Ann", "Ben", "Cai", "Dana", "Eva")
    people = [(f"Zeta{chr(97 + n // 26)}{chr(97 + n % 26)}", given[n % 5]) for n in range(150)]
    late_family, late_given = people[119]  # the 120th author
    pages = tmp_path / "pages"
    pages.mkdir()
    shown = ", ".join(f"{given} {family}" for family, given in people[:3])
    (pages / "p.txt").write_text(
        f"CLMar 5, 2025\n{title}{shown} et al.\nWe report results of a very large "
        "collaboration, with many authors, in some detail.\n",
        encoding="utf-8",
    )
    record = {
        "id": "2503.01234",
        "authors": ", ".join(f"{g} {f}" for f, g in people),
        "title": title,
        "categories": "cs.CL",
        "abstract": "Another abstract.",
        "versions": [{"version": "v1", "created": "Wed, 5 Mar 2025 10:00:00 GMT"}],
        "update_date": "2025-03-05",
        "authors_parsed": [[f, g, ""] for f, g in people],
    }
    snapshot = tmp_path / "snap.jsonl"
    snapshot.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = build(pages, tmp_path / "out", "-q", "--arxiv-metadata", str(snapshot))
    assert "<https://w3id.org/kg/ns#coauthor>" not in (out / "graph.nt").read_text("utf-8")
    code, _, stderr = run("report", "--out", str(out), "-q")
    assert code == 0, stderr
    site = out / "report"
    paper = json.loads((out / "linking.json").read_text("utf-8"))["links"][0]["paper"]
    assert page_of(out, paper).count('<li value="') == 150
    late = (site / "people" / f"{late_given}_{late_family}.html").read_text("utf-8")
    assert "and 139 more authors" in late  # ten first, this person, 139 others
    assert f"{late_given} {late_family}</a></strong>" in late
    eleventh = " ".join(people[10][::-1])
    assert eleventh not in late  # the eleventh is not shown, nor counted as a co-author
