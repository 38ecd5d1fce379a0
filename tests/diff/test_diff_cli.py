"""``kg diff OLD NEW`` end to end (issue #16): the seeds against a changed copy (see
difftest.py), in every format, checked against the change itself and against the set
difference of the two graph.nq files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from difftest import Builds, lines_by_graph, set_difference
from kgtest import run

from kg.diff.render import JSON_FORMAT, JSON_KEYS, JSON_VERSION
from kg.graph.identity import Iris, encode_name

BASE = "https://kg.example.org/"
IRIS = Iris(BASE)


def diff(builds: Builds, *options: str) -> tuple[int, str, str]:
    return run("diff", str(builds.old), str(builds.new), *options)


def person_entry(document: dict[str, Any], name: str) -> dict[str, Any]:
    [entry] = [p for p in document["people"] if p["name"] == name]
    return entry


def titles(papers: list[dict[str, Any]]) -> list[str]:
    return [p["title"] for p in papers]


def captured_on(build: Path, page: str) -> str:
    [line] = [x for x in lines_by_graph(build)[IRIS.page(page)] if "#capturedOn>" in x]
    return re.findall(r'"([0-9-]+)"', line)[0]


# -- exit codes ---------------------------------------------------------------------------


def test_two_identical_builds_are_the_same(builds: Builds) -> None:
    code, stdout, stderr = run("diff", str(builds.old), str(builds.old), "--exit-code")
    assert (code, stderr) == (0, "")
    assert "hold the same graph" in stdout
    code, stdout, _ = run("diff", str(builds.old), str(builds.old), "--format", "json")
    document = json.loads(stdout)
    assert (code, document["changed"], document["graphs"], document["people"]) == (
        0,
        False,
        [],
        [],
    )


def test_exit_code_1_only_when_asked_and_changed(builds: Builds) -> None:
    assert diff(builds)[0] == 0
    assert diff(builds, "--exit-code")[0] == 1


def test_a_folder_that_is_not_a_build_is_a_usage_error(builds: Builds, tmp_path: Path) -> None:
    (tmp_path / "graph.ttl").write_text("")
    code, stdout, stderr = run("diff", str(tmp_path), str(builds.new))
    assert (code, stdout) == (2, "")
    assert f"{tmp_path} holds no graph.nq" in stderr and "kg build" in stderr
    code, _, stderr = run("diff", str(builds.old), str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in stderr


def test_an_unsorted_graph_file_is_a_usage_error(builds: Builds, tmp_path: Path) -> None:
    lines = (builds.old / "graph.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "graph.nq").write_text("".join(reversed(lines)), encoding="utf-8")
    code, _, stderr = run("diff", str(builds.old), str(tmp_path))
    assert code == 2
    assert "is not in kg's order" in stderr


# -- people -------------------------------------------------------------------------------


def test_json_people_papers_added_and_removed_with_titles_and_pages(
    builds: Builds, document: dict[str, Any]
) -> None:
    change = builds.change
    person = person_entry(document, change.person)
    assert person["person"] == IRIS.person(change.person)
    assert titles(person["papers_added"]) == [change.added_title]
    assert titles(person["papers_removed"]) == [change.removed_title]
    for paper in person["papers_added"] + person["papers_removed"]:
        assert paper["paper"].startswith(BASE + "paper/")
        assert paper["pages"] == [{"page": IRIS.page(change.page), "path": change.page}]
    assert [p["name"] for p in document["people"]] == [change.person]


def test_json_metrics_old_to_new_with_dates(builds: Builds, document: dict[str, Any]) -> None:
    change = builds.change
    metrics = person_entry(document, change.person)["metrics"]
    shown = {c["metric"]: (c["old"], c["new"]) for c in metrics["changes"]}
    assert shown == change.metrics
    assert metrics["old"]["date"] == captured_on(builds.old, change.page)
    assert metrics["new"]["date"] == captured_on(builds.new, change.page)
    assert metrics["new"]["observation"] == IRIS.page(change.page) + "/metrics"


def test_text_shows_people_papers_and_metrics(builds: Builds) -> None:
    change = builds.change
    code, stdout, stderr = diff(builds)
    assert (code, stderr) == (0, "")
    assert f"{change.person} person/{encode_name(change.person)}" in stdout
    assert f'+ "{change.added_title}" paper/' in stdout
    assert f'- "{change.removed_title}" paper/' in stdout
    assert f"on {change.page}" in stdout
    for metric, (old, new) in change.metrics.items():
        assert f"{metric}: {old} -> {new}" in stdout


# -- papers -------------------------------------------------------------------------------


def test_json_papers_title_change_removal_and_new_creator(
    builds: Builds, document: dict[str, Any]
) -> None:
    change = builds.change
    papers = {p["title"]: p for p in document["papers"]}
    retitled = papers[change.new_title]
    assert retitled["status"] == "changed"
    assert retitled["fields"] == [
        {
            "field": "title",
            "predicate": "http://purl.org/dc/terms/title",
            "old": [change.old_title],
            "new": [change.new_title],
        }
    ]
    assert papers[change.removed_title]["status"] == "removed"
    # the copied listing makes the profile's person a creator of the paper (MODEL.md)
    [creators] = [f for f in papers[change.added_title]["fields"] if f["field"] == "creators"]
    assert set(creators["new"]) - set(creators["old"]) == {IRIS.person(change.person)}


# -- graphs and triples -------------------------------------------------------------------


def test_graph_counts_are_the_set_difference(builds: Builds, document: dict[str, Any]) -> None:
    expected = {g: (len(r), len(a)) for g, (r, a) in set_difference(builds.old, builds.new).items()}
    shown = {g["graph"]: (g["removed"], g["added"]) for g in document["graphs"]}
    assert shown == expected
    assert document["totals"] == {
        "removed": sum(r for r, _ in expected.values()),
        "added": sum(a for _, a in expected.values()),
    }


def quads(lines: list[str]) -> set[ox.Quad]:
    text = "".join(f"{line}\n" for line in lines).encode("utf-8")
    return set(ox.parse(text, format=ox.RdfFormat.N_QUADS))


def expected_quads(builds: Builds) -> tuple[set[ox.Quad], set[ox.Quad]]:
    found = set_difference(builds.old, builds.new).values()
    return quads([x for r, _ in found for x in r]), quads([x for _, a in found for x in a])


def test_text_triples_parse_as_n_quads_and_are_the_set_difference(builds: Builds) -> None:
    code, stdout, _ = diff(builds, "--triples")
    assert code == 0
    section = stdout[stdout.index("# Triples removed and added") :]
    ox.parse(section.encode("utf-8"), format=ox.RdfFormat.N_QUADS)  # the comments included
    kept: dict[str, list[str]] = {"removed": [], "added": []}
    kind = ""
    for line in section.splitlines():
        if line.startswith("# "):
            kind = line.split()[1]
        elif line:
            kept[kind].append(line)
    assert (quads(kept["removed"]), quads(kept["added"])) == expected_quads(builds)


def test_json_triples_are_the_set_difference(builds: Builds) -> None:
    code, stdout, _ = diff(builds, "--format", "json", "--triples")
    document = json.loads(stdout)
    assert code == 0 and list(document) == [*JSON_KEYS, "triples"]
    removed = [x for g in document["triples"] for x in g["removed"]]
    added = [x for g in document["triples"] for x in g["added"]]
    assert (quads(removed), quads(added)) == expected_quads(builds)
    by_graph = {g["graph"]: (len(g["removed"]), len(g["added"])) for g in document["triples"]}
    assert by_graph == {g["graph"]: (g["removed"], g["added"]) for g in document["graphs"]}


def test_markdown_shows_the_same_and_its_triples_parse(builds: Builds) -> None:
    change = builds.change
    code, stdout, _ = diff(builds, "--format", "md", "--triples")
    assert code == 0 and stdout.startswith("# kg diff\n")
    assert f"### {change.person} `person/{encode_name(change.person)}`" in stdout
    assert f'- added "{change.added_title}"' in stdout
    assert f'- removed "{change.removed_title}"' in stdout
    for metric, (old, new) in change.metrics.items():
        assert f"  - {metric}: {old} → {new}" in stdout
    blocks = re.findall(
        r"\n(removed from|added to) `<[^>]*>` \([0-9,]+\):\n\n```nquads\n(.*?)```", stdout, re.S
    )
    removed = [x for kind, block in blocks if kind == "removed from" for x in block.splitlines()]
    added = [x for kind, block in blocks if kind == "added to" for x in block.splitlines()]
    assert (quads(removed), quads(added)) == expected_quads(builds)


# -- the JSON format is a contract --------------------------------------------------------

PERSON_KEYS = [
    "person",
    "name",
    "papers_added",
    "papers_removed",
    "papers_dropped",
    "pages_added",
    "pages_removed",
    "metrics",
]


def test_json_keys_are_stable(document: dict[str, Any]) -> None:
    assert list(document) == list(JSON_KEYS)
    assert (
        (document["format"], document["version"])
        == (JSON_FORMAT, JSON_VERSION)
        == (
            "kg-diff",
            1,
        )
    )
    assert [list(p) for p in document["people"]] == [PERSON_KEYS] * len(document["people"])
    metrics = [p["metrics"] for p in document["people"] if p["metrics"]]
    assert metrics and all(list(m) == ["old", "new", "changes"] for m in metrics)
    assert all(list(m["old"]) == ["observation", "date"] for m in metrics)
    listed = [x for p in document["people"] for x in p["papers_added"] + p["papers_removed"]]
    assert listed and all(list(x) == ["paper", "title", "pages"] for x in listed)
    assert document["papers"]
    assert all(list(p) == ["paper", "title", "status", "fields"] for p in document["papers"])
    fields = [f for p in document["papers"] for f in p["fields"]]
    assert fields and all(list(f) == ["field", "predicate", "old", "new"] for f in fields)
    assert all(list(g) == ["graph", "removed", "added"] for g in document["graphs"])


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_output_file_is_what_stdout_shows(builds: Builds, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"diff.{fmt}"
    code, stdout, _ = diff(builds, "--format", fmt, "-o", str(target))
    assert (code, stdout) == (0, "")
    assert target.read_text(encoding="utf-8") == diff(builds, "--format", fmt)[1]
