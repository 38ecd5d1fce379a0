"""``kg diff`` between a build of one capture of a profile and a build of two captures
(tests/cases/captures): the person's new page, the paper the later capture adds, the one
it leaves out (still on the older capture, so dropped rather than removed), and the
metrics of the latest observation on each side, with their dates (issue #16)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from difftest import records
from kgtest import ROOT, build, run

CAPTURES = ROOT / "tests" / "cases" / "captures"
EARLY, LATE = sorted(p.name for p in CAPTURES.iterdir() if p.is_dir())
NAME = "xingtai-lv.txt"


def titles_on(page: Path) -> set[str]:
    """The titles a capture prints: the line after each record's category and date."""
    lines = page.read_text(encoding="utf-8").split("\n")
    return {lines[start + 1] for start, _ in records(lines)}


def metrics_on(page: Path) -> dict[str, str]:
    lines = page.read_text(encoding="utf-8").split("\n")
    found = {}
    for line in lines[:10]:
        if line.startswith("h-index"):
            found["hIndex"] = line.removeprefix("h-index")
        elif line.endswith("citations"):
            found["citationCount"] = line.removesuffix("citations").replace(",", "")
        elif line.endswith("papers"):
            found["paperCount"] = line.removesuffix("papers")
    return found


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A build of the early capture alone, and one of both captures."""
    work = tmp_path_factory.mktemp("captures-diff")
    shutil.copytree(CAPTURES / EARLY, work / "one" / EARLY)
    shutil.copytree(CAPTURES, work / "two")
    return build(work / "one", work / "old", "-q"), build(work / "two", work / "new", "-q")


def diff_json(old: Path, new: Path) -> dict[str, Any]:
    code, stdout, stderr = run("diff", str(old), str(new), "--format", "json")
    assert code == 0, stderr
    parsed: dict[str, Any] = json.loads(stdout)
    return parsed


@pytest.fixture(scope="module")
def document(builds: tuple[Path, Path]) -> dict[str, Any]:
    return diff_json(*builds)


def test_the_later_capture_is_a_new_page_of_the_person(document: dict[str, Any]) -> None:
    [person] = document["people"]
    assert [p["path"] for p in person["pages_added"]] == [f"{LATE}/{NAME}"]
    assert person["pages_removed"] == []


def test_papers_added_and_dropped_by_the_later_capture(document: dict[str, Any]) -> None:
    early, late = titles_on(CAPTURES / EARLY / NAME), titles_on(CAPTURES / LATE / NAME)
    [person] = document["people"]
    assert {p["title"] for p in person["papers_added"]} == late - early
    assert {p["title"] for p in person["papers_dropped"]} == early - late
    assert person["papers_removed"] == []  # the early capture still lists them
    for paper in person["papers_dropped"]:
        assert [p["path"] for p in paper["pages"]] == [f"{EARLY}/{NAME}"]


def test_metrics_of_the_latest_observations_with_their_dates(document: dict[str, Any]) -> None:
    [person] = document["people"]
    metrics = person["metrics"]
    assert (metrics["old"]["date"], metrics["new"]["date"]) == (EARLY, LATE)
    before, after = metrics_on(CAPTURES / EARLY / NAME), metrics_on(CAPTURES / LATE / NAME)
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    assert changed
    assert {c["metric"]: (c["old"], c["new"]) for c in metrics["changes"]} == changed


def test_the_other_way_round_the_page_and_its_papers_go(builds: tuple[Path, Path]) -> None:
    early, late = titles_on(CAPTURES / EARLY / NAME), titles_on(CAPTURES / LATE / NAME)
    [person] = diff_json(builds[1], builds[0])["people"]
    assert [p["path"] for p in person["pages_removed"]] == [f"{LATE}/{NAME}"]
    assert {p["title"] for p in person["papers_removed"]} == late - early
    assert person["papers_added"] == person["papers_dropped"] == []
    assert (person["metrics"]["old"]["date"], person["metrics"]["new"]["date"]) == (LATE, EARLY)
