"""The arXiv link end to end (issue #19): `kg build --arxiv-metadata FILE` on the seeds.

tests/cases/arxiv/metadata.jsonl holds records written for seed papers (full author lists
that extend the printed ones, categories, v1 dates) and near misses: the same title with
other authors, a title one word off, two records that fit one paper equally well, a record
whose date contradicts the page, and lines that are not records. The expectations below
were checked by hand against that file and the seed pages.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import ROOT, SEEDS, build, run, solution_rows

from kg.graph.layout import as_one_graph

SNAPSHOT = ROOT / "tests" / "cases" / "arxiv" / "metadata.jsonl"
BASE = "https://kg.example.org/"
ARXIV_GRAPH = f"<{BASE}graph/arxiv>"
ENTITIES_GRAPH = f"<{BASE}graph/entities>"
PREFIXES = """PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <https://schema.org/>
"""
SPARSE = "Sparse Low-rank Adaptation of Pre-trained Language Models"  # seed 001, et al.
LINES = SNAPSHOT.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("linked") / "out"
    return build(SEEDS, out, "-q", "--arxiv-metadata", str(SNAPSHOT))


@pytest.fixture(scope="module")
def store(linked: Path) -> ox.Store:
    return ox.Store.read_only(str(linked / "store"))


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return sorted(solution_rows(as_one_graph(store), PREFIXES + query).elements())


def paper_titled(store: ox.Store, title: str) -> str:
    found = rows(store, f'SELECT ?p WHERE {{ ?p dcterms:title "{title}" }}')
    assert len(found) == 1, found
    return found[0][0]


def test_a_truncated_list_becomes_the_records_full_list(store: ox.Store) -> None:
    paper = paper_titled(store, SPARSE)
    authors = rows(
        store,
        f"""SELECT ?n ?name ?printed ?arxiv WHERE {{
            <{paper}> kg:hasAuthorship ?a .
            ?a kg:ordinal ?n ; kg:author ?who ; kg:arxivName ?arxiv .
            ?who foaf:name ?name . OPTIONAL {{ ?a kg:printedName ?printed }} }}""",
    )
    record = next(json.loads(line) for line in LINES if SPARSE in line)
    expected = [f"{given} {family}" for family, given, _ in record["authors_parsed"]]
    assert [name for _, name, _, _ in sorted(authors, key=lambda r: int(r[0]))] == expected
    assert [int(n) for n, *_ in authors] == sorted(range(1, len(expected) + 1), key=str)
    printed = [name for _, name, shown, _ in authors if shown]
    assert printed and len(printed) < len(expected)  # the page stopped at "et al."
    assert rows(store, f"SELECT ?v WHERE {{ <{paper}> kg:authorListComplete ?v }}") == [("true",)]
    creators = rows(store, f"SELECT ?c WHERE {{ <{paper}> dcterms:creator ?c }}")
    assert len(creators) == len(expected)


def test_identifiers_categories_and_v1_date(store: ox.Store) -> None:
    paper = paper_titled(store, SPARSE)
    record = next(json.loads(line) for line in LINES if SPARSE in line)
    same = rows(store, f"SELECT ?s WHERE {{ <{paper}> schema:sameAs ?s }}")
    assert (f"https://arxiv.org/abs/{record['id']}",) in same
    assert rows(store, f"SELECT ?i WHERE {{ <{paper}> dcterms:identifier ?i }}") == [
        (f"arXiv:{record['id']}",)
    ]
    primary, *cross = record["categories"].split()
    subject = rows(store, f"SELECT ?s WHERE {{ <{paper}> dcterms:subject ?s }}")
    assert subject == [(f"https://w3id.org/kg/arxiv/{primary}",)]
    listed = rows(store, f"SELECT ?c WHERE {{ <{paper}> kg:crossListedIn ?c }}")
    assert listed == sorted((f"https://w3id.org/kg/arxiv/{c}",) for c in cross)
    submitted = rows(store, f"SELECT ?d WHERE {{ <{paper}> dcterms:dateSubmitted ?d }}")
    assert len(submitted) == 1 and submitted[0][0].startswith("2023-11-")
    # the printed date and category stay on the listings, as evidence
    printed = rows(
        store,
        f"SELECT ?c WHERE {{ ?l kg:listedPaper <{paper}> ; kg:printedCategory ?c }}",
    )
    assert printed


def test_every_fact_of_a_record_is_in_the_arxiv_graph_only(linked: Path) -> None:
    by_graph: dict[str, set[str]] = {}
    for line in (linked / "graph.nq").read_text(encoding="utf-8").splitlines():
        head, graph = line[:-2].rsplit(" ", 1)
        by_graph.setdefault(graph, set()).add(head)
    arxiv = by_graph[ARXIV_GRAPH]
    assert any("<https://schema.org/sameAs> <https://arxiv.org/abs/" in t for t in arxiv)
    for graph, heads in by_graph.items():
        if graph != ARXIV_GRAPH:
            assert not heads & arxiv, graph  # the named graphs stay disjoint
    for head in by_graph[ENTITIES_GRAPH]:
        assert "<https://schema.org/sameAs>" not in head
        assert "<https://w3id.org/kg/ns#arxivName>" not in head


def test_the_snapshot_is_described(store: ox.Store) -> None:
    found = rows(
        store,
        """SELECT ?name ?sha ?modified WHERE {
            ?s a kg:MetadataSnapshot ; dcterms:identifier ?name ; kg:sha256 ?sha ;
               dcterms:modified ?modified }""",
    )
    import hashlib

    sha = hashlib.sha256(SNAPSHOT.read_bytes()).hexdigest()
    assert found == [("metadata.jsonl", sha, found[0][2])]
    newest = max(
        record["update_date"]
        for line in LINES
        for record in [_record(line)]
        if record and isinstance(record.get("update_date"), str)
    )
    assert found[0][2] == newest


def _record(line: str) -> dict[str, object] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def test_no_guess_ambiguous_and_contradicted_are_not_linked(linked: Path, store: ox.Store) -> None:
    report = json.loads((linked / "linking.json").read_text(encoding="utf-8"))
    assert report["format"] == "kg-linking"
    unlinked = [a["paper"] for a in report["ambiguous"]] + [
        c["paper"] for c in report["contradicted"]
    ]
    assert report["ambiguous"] and report["contradicted"]
    for paper in unlinked:
        assert not rows(store, f"SELECT ?s WHERE {{ <{paper}> schema:sameAs ?s }}"), paper
        # the page's own values stand
        complete = rows(store, f"SELECT ?v WHERE {{ <{paper}> kg:authorListComplete ?v }}")
        assert len(complete) == 1
    linked_papers = rows(store, "SELECT DISTINCT ?p WHERE { ?p schema:sameAs ?s }")
    assert len(linked_papers) == len(report["links"])
    text = (linked / "linking.txt").read_text(encoding="utf-8")
    for ambiguous in report["ambiguous"]:
        for arxiv_id in ambiguous["candidates"]:
            assert arxiv_id in text
    diagnostics = (linked / "diagnostics.txt").read_text(encoding="utf-8")
    assert "metadata.jsonl:" in diagnostics  # the lines that are not records are named


def test_stats_count_linked_papers(linked: Path, store: ox.Store) -> None:
    code, _, stderr = run("stats", "--out", str(linked))
    assert code == 0
    linked_papers = rows(store, "SELECT DISTINCT ?p WHERE { ?p schema:sameAs ?s }")
    assert f"papers linked to arXiv  {len(linked_papers)}" in stderr + _stdout(linked)


def _stdout(linked: Path) -> str:
    return run("stats", "--out", str(linked))[1]


def test_the_linked_graph_conforms(linked: Path) -> None:
    text = (linked / "validation.txt").read_text(encoding="utf-8")
    assert "0 violations" in text or "Conforms: True" in text, text[:2000]


def test_same_input_same_bytes_and_gz_gives_the_same_links(linked: Path, tmp_path: Path) -> None:
    again = build(SEEDS, tmp_path / "again", "-q", "--arxiv-metadata", str(SNAPSHOT))
    for name in ("graph.nq", "graph.ttl", "linking.txt", "linking.json"):
        assert (again / name).read_bytes() == (linked / name).read_bytes(), name
    packed = tmp_path / "metadata.jsonl.gz"
    packed.write_bytes(gzip.compress(SNAPSHOT.read_bytes(), mtime=0))
    from_gz = build(SEEDS, tmp_path / "gz", "-q", "--arxiv-metadata", str(packed))
    links = json.loads((linked / "linking.json").read_text())["links"]
    assert json.loads((from_gz / "linking.json").read_text())["links"] == links


def test_without_the_option_there_is_no_arxiv_graph(tmp_path: Path) -> None:
    plain = build(SEEDS, tmp_path / "plain", "-q")
    assert ARXIV_GRAPH not in (plain / "graph.nq").read_text(encoding="utf-8")
    assert not (plain / "linking.txt").exists()


def test_a_missing_snapshot_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = run(
        "build", str(SEEDS), "-o", str(tmp_path / "o"), "--arxiv-metadata", str(tmp_path / "x")
    )
    assert code == 2
    assert "no such file" in stderr
    assert not (tmp_path / "o").exists()


def test_the_setting_comes_from_env_and_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: Path
) -> None:
    shutil.copy(SNAPSHOT, tmp_path / "snap.jsonl")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.kg]\narxiv-metadata = "snap.jsonl"\n')
    from_file = build(SEEDS, tmp_path / "a", "-q")
    monkeypatch.setenv("KG_ARXIV_METADATA", str(SNAPSHOT))
    (tmp_path / "pyproject.toml").unlink()
    from_env = build(SEEDS, tmp_path / "b", "-q")
    links = json.loads((linked / "linking.json").read_text())["links"]
    for out in (from_file, from_env):
        assert json.loads((out / "linking.json").read_text())["links"] == links


def test_a_new_or_changed_snapshot_rebuilds(tmp_path: Path) -> None:
    snapshot = tmp_path / "snap.jsonl"
    shutil.copy(SNAPSHOT, snapshot)
    out = build(SEEDS, tmp_path / "o", "-q")
    assert not (out / "linking.txt").exists()
    build(SEEDS, out, "-q", "--arxiv-metadata", str(snapshot))
    assert (out / "linking.txt").exists()
    code, _, stderr = run("build", str(SEEDS), "-o", str(out), "--arxiv-metadata", str(snapshot))
    assert code == 0 and "nothing to do" in stderr
    # a record removed: the file is another one, the build runs again and links one fewer
    lines = snapshot.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if SPARSE not in line]
    snapshot.write_text("".join(kept), encoding="utf-8")
    os.utime(snapshot, ns=(1, 1))
    before = json.loads((out / "linking.json").read_text())["links"]
    build(SEEDS, out, "-q", "--arxiv-metadata", str(snapshot))
    after = json.loads((out / "linking.json").read_text())["links"]
    assert len(after) == len(before) - 1
    build(SEEDS, out, "-q")  # and without the option, the link and its report are gone
    assert not (out / "linking.txt").exists()
    assert ARXIV_GRAPH not in (out / "graph.nq").read_text(encoding="utf-8")


REAL = ROOT.parent / "shared" / "arxiv" / "metadata.jsonl"  # never copied into the project


def test_real_records_link_end_to_end(tmp_path: Path) -> None:
    """A page printing seven real arXiv papers as the site does (the first three authors,
    then et al.; the 3,303-author one among them), built against the 477 real records: all
    seven link, their full lists come in, and the graph conforms."""
    if not REAL.is_file():
        pytest.skip(f"{REAL} is absent (it lives next to the project, not in it)")
    from email.utils import parsedate_to_datetime

    records = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    biggest = max(records, key=lambda r: len(r["authors_parsed"]))
    chosen = [biggest, *[r for r in records if r is not biggest][:6]]
    lines = []
    for record in chosen:
        day = parsedate_to_datetime(record["versions"][0]["created"])
        names = [f"{given} {family}".strip() for family, given, _ in record["authors_parsed"]]
        shown = ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
        code = record["categories"].split()[0].split(".")[-1]
        lines += [
            f"{code}{day:%b} {day.day}, {day.year}",
            " ".join(record["title"].split()) + shown,
            " ".join(record["abstract"].split()),
        ]
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "real.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = build(pages, tmp_path / "out", "-q", "--arxiv-metadata", str(REAL))
    report = json.loads((out / "linking.json").read_text(encoding="utf-8"))
    assert {k["arxiv_id"] for k in report["links"]} == {r["id"] for r in chosen}
    store = ox.Store.read_only(str(out / "store"))
    sizes = rows(
        store,
        "SELECT ?p (COUNT(?a) AS ?n) WHERE { ?p kg:hasAuthorship ?a } GROUP BY ?p",
    )
    assert sorted(int(n) for _, n in sizes) == sorted(len(r["authors_parsed"]) for r in chosen)
    assert "0 violations" in (out / "validation.txt").read_text(encoding="utf-8")
