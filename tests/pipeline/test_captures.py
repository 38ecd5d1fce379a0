"""The graph over time (issue #16): pages named by their path, capture dates from folders,
one metrics observation per capture, first and last seen, and the two saved queries.

tests/cases/captures holds two captures of one profile (Xingtai Lv, from seed 001): the
later one shows new metrics (h-index 35 -> 36, 17 -> 18 papers, 1,150 -> 1,212
citations), drops "Sparse Low-rank Adaptation", adds Biqing Qi's "Zero Shot Hypothesis
Proposers" (from seed 004) and prints the survey's category as LG instead of CL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import ROOT, SEEDS, build, run, solution_rows

from kg.graph.layout import as_one_graph
from kg.read.pages import folder_date, read_pages
from kg.sparql.saved import bind, load, run_local

CAPTURES = ROOT / "tests" / "cases" / "captures"
EARLY, LATE = "2026-11-24/xingtai-lv.txt", "2026-12-01/xingtai-lv.txt"
BASE = "https://kg.example.org/"
PREFIXES = """PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX bido: <http://purl.org/spar/bido/>
"""


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(CAPTURES, tmp_path_factory.mktemp("captures") / "out", "-q")


@pytest.fixture(scope="module")
def store(captured: Path) -> ox.Store:
    return ox.Store.read_only(str(captured / "store"))


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return sorted(solution_rows(as_one_graph(store), PREFIXES + query).elements())


def saved(store: ox.Store, name: str, *given: tuple[str, str]) -> list[dict[str, str]]:
    query = load(name)
    results = run_local(as_one_graph(store), query, bind(query, list(given)))
    return [
        {
            v: "" if t is None else str(getattr(t, "value", t))
            for v, t in zip(results.variables, row, strict=True)
        }
        for row in results.rows
    ]


# -- page identity and capture dates ------------------------------------------------------


def test_two_captures_of_one_file_name_are_two_pages_each_with_its_folder_date(
    store: ox.Store,
) -> None:
    assert rows(
        store,
        """SELECT ?id ?on ?from WHERE { ?p a kg:SourcePage ; dcterms:identifier ?id ;
             kg:capturedOn ?on ; kg:captureDateSource ?from }""",
    ) == [
        (EARLY, "2026-11-24", "folder"),
        (LATE, "2026-12-01", "folder"),
    ]
    graphs = {g.value for g in store.named_graphs()}
    assert {f"{BASE}page/{EARLY}", f"{BASE}page/{LATE}"} <= graphs


def test_each_capture_gives_its_own_dated_observation(store: ox.Store) -> None:
    assert rows(
        store,
        """SELECT ?at ?h ?papers ?citations WHERE {
             ?person foaf:name "Xingtai Lv" ; bido:holdsBibliometricDataInTime ?o .
             ?o kg:observedAt ?at ; kg:hIndex ?h ; kg:paperCount ?papers ;
                kg:citationCount ?citations }""",
    ) == [("2026-11-24", "35", "17", "1150"), ("2026-12-01", "36", "18", "1212")]


def test_first_and_last_seen_show_what_appeared_and_what_went(store: ox.Store) -> None:
    seen = dict(
        ((title[:24]), (first, last))
        for title, first, last in rows(
            store,
            "SELECT ?t ?f ?l WHERE { ?p dcterms:title ?t ; kg:firstSeen ?f ; kg:lastSeen ?l }",
        )
    )
    assert seen == {
        "OpenDelta: A Plug-and-pl": ("2026-11-24", "2026-12-01"),
        "A Survey of Reinforcemen": ("2026-11-24", "2026-12-01"),
        "Post-Trained MoE Can Ski": ("2026-11-24", "2026-12-01"),
        "Sparse Low-rank Adaptati": ("2026-11-24", "2026-11-24"),  # gone from the later page
        "Large Language Models ar": ("2026-12-01", "2026-12-01"),  # new on it
    }


def test_each_capture_records_which_papers_it_listed(store: ox.Store) -> None:
    listed = rows(
        store,
        """SELECT ?page ?t WHERE { ?l kg:onPage ?p ; kg:listedPaper ?paper .
             ?p dcterms:identifier ?page . ?paper dcterms:title ?t }""",
    )
    early = {t[:10] for page, t in listed if page == EARLY}
    late = {t[:10] for page, t in listed if page == LATE}
    assert early - late == {"Sparse Low"}
    assert late - early == {"Large Lang"}


def test_the_built_captures_conform(captured: Path) -> None:
    report = (captured / "validation.txt").read_text(encoding="utf-8")
    assert report.startswith("Validation: conforms: 0 violations"), report[:400]


# -- the saved queries ----------------------------------------------------------------------


def test_metric_history_is_oldest_first_one_row_per_capture(store: ox.Store) -> None:
    history = saved(store, "metric-history")
    assert [(r["observed"], r["h_index"], r["citations"], r["page"]) for r in history] == [
        ("2026-11-24", "35", "1150", EARLY),
        ("2026-12-01", "36", "1212", LATE),
    ]


def test_new_papers_since_a_date_and_of_a_person(store: ox.Store) -> None:
    everything = saved(store, "new-papers")  # since the default day: the first capture
    assert [(r["first_seen"], r["title"][:10]) for r in everything] == [
        ("2026-11-24", "A Survey o"),
        ("2026-11-24", "OpenDelta:"),
        ("2026-11-24", "Post-Train"),
        ("2026-11-24", "Sparse Low"),
        ("2026-12-01", "Large Lang"),
    ]
    later = saved(store, "new-papers", ("since", "2026-12-01"))
    assert [(r["first_seen"], r["title"][:24]) for r in later] == [
        ("2026-12-01", "Large Language Models ar")
    ]
    assert saved(store, "new-papers", ("since", "2026-12-02")) == []
    # a person: the new paper is Biqing Qi's (printed author) and Xingtai Lv's (their page lists it)
    assert len(saved(store, "new-papers", ("since", "2026-12-01"), ("person", "Biqing Qi"))) == 1
    assert saved(store, "new-papers", ("since", "2026-12-01"), ("person", "Ning Ding")) == []


def test_the_latest_observation_is_the_one_ranked(store: ox.Store) -> None:
    ranked = saved(store, "top-authors-by-metric")
    assert [(r["name"], r["value"], r["observed"]) for r in ranked] == [
        ("Xingtai Lv", "36", "2026-12-01")
    ]


# -- reading: names, dates, twins and clashes --------------------------------------------------


def test_a_folder_date_is_the_innermost_real_one() -> None:
    assert folder_date("2026-11-24/p.txt")[0].isoformat() == "2026-11-24"  # type: ignore[union-attr]
    assert folder_date("2025-01-01/x/2026-03-02/p.txt")[0].isoformat() == "2026-03-02"  # type: ignore[union-attr]
    assert folder_date("p.txt") == (None, [])
    assert folder_date("2026-11-24.txt") == (None, [])  # a file name is not a folder
    missing, problems = folder_date("2026-02-30/p.txt")
    assert missing is None and "not a real date" in problems[0].message


def test_year_less_dates_take_the_year_of_their_own_page(tmp_path: Path) -> None:
    """ "May 18" captured 2027-01-10 is 2026-05-18; captured 2027-06-01 it is 2027-05-18."""
    text = (CAPTURES / EARLY).read_text(encoding="utf-8")
    for day, end in (("2027-01-10", ""), ("2027-06-01", "\n")):  # same bytes would be read once
        (tmp_path / "caps" / day).mkdir(parents=True)
        (tmp_path / "caps" / day / "p.txt").write_text(text + end, encoding="utf-8")
    out = build(tmp_path / "caps", tmp_path / "out", "-q")
    store = ox.Store.read_only(str(out / "store"))
    assert rows(
        store,
        """SELECT ?page ?date WHERE { ?l kg:printedDate ?date ; kg:onPage ?p .
             ?p dcterms:identifier ?page . FILTER(STRENDS(?date, "-05-18")) }""",
    ) == [("2027-01-10/p.txt", "2026-05-18"), ("2027-06-01/p.txt", "2027-05-18")]


def test_pages_without_a_date_folder_take_the_option(tmp_path: Path) -> None:
    (tmp_path / "pages" / "2026-11-24").mkdir(parents=True)
    shutil.copy(SEEDS / "000_75f573afd22e8082.txt", tmp_path / "pages")
    shutil.copy(CAPTURES / EARLY, tmp_path / "pages" / "2026-11-24")
    out = build(tmp_path / "pages", tmp_path / "out", "-q", "--capture-date", "2026-10-01")
    store = ox.Store.read_only(str(out / "store"))
    assert rows(
        store,
        """SELECT ?id ?on ?from WHERE { ?p dcterms:identifier ?id ; kg:capturedOn ?on ;
             kg:captureDateSource ?from }""",
    ) == [
        ("000_75f573afd22e8082.txt", "2026-10-01", "option"),
        (EARLY, "2026-11-24", "folder"),
    ]


def test_the_same_bytes_twice_are_read_once_with_a_warning(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(SEEDS / "000_75f573afd22e8082.txt", tmp_path / "in" / folder / "p.txt")
    pages = list(read_pages([tmp_path / "in"]))
    assert [p.source for p in pages] == ["a/p.txt"]
    assert pages[0].also_at == (str(tmp_path / "in" / "b" / "p.txt"),)
    code, _, stderr = run("build", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert code == 0, stderr  # nothing was lost: a warning, not a skip
    assert f"a/p.txt:1: warning: {tmp_path / 'in' / 'b' / 'p.txt'} has the same bytes" in stderr


def test_pages_are_named_alike_whatever_the_order_and_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(CAPTURES, tmp_path / "caps")
    by_folder = [p.source for p in read_pages([tmp_path / "caps"])]
    monkeypatch.chdir(tmp_path / "caps")
    one_by_one = [p.source for p in read_pages([Path("2026-12-01"), Path("2026-11-24")])]
    assert by_folder == one_by_one == [EARLY, LATE]  # a date folder named itself keeps its name


def test_two_different_files_with_one_name_are_a_usage_error(tmp_path: Path) -> None:
    for folder, seed in (("a", "000_75f573afd22e8082.txt"), ("b", "003_1e15edc5c0b8441e.txt")):
        (tmp_path / folder).mkdir()
        shutil.copy(SEEDS / seed, tmp_path / folder / "p.txt")
    code, _, stderr = run(
        "build", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "o")
    )
    assert code == 2
    assert str(tmp_path / "a" / "p.txt") in stderr and str(tmp_path / "b" / "p.txt") in stderr
    assert not (tmp_path / "o" / "graph.nq").exists()
    # given as their common folder, they are two pages
    assert [p.source for p in read_pages([tmp_path])] == ["a/p.txt", "b/p.txt"]


# -- the inferred owner of a header-less listing page ------------------------------------------


def test_a_listing_page_gets_an_inferred_owner_only_when_its_full_lists_agree(
    tmp_path: Path,
) -> None:
    out = build(SEEDS, tmp_path / "out", "-q")
    store = ox.Store.read_only(str(out / "store"))
    # seed 003: four records print a full author list, and Wenyu Du is in all four; seed 002
    # prints none in full, and the profile pages name their owner: nothing inferred there
    assert rows(
        store,
        """SELECT ?page ?name ?n WHERE { ?p kg:inferredOwner ?o ; kg:inferredOwnerEvidence ?n ;
             dcterms:identifier ?page . ?o foaf:name ?name }""",
    ) == [("003_1e15edc5c0b8441e.txt", "Wenyu Du", "4")]
    assert rows(store, "SELECT ?p WHERE { ?p kg:inferredOwner ?o ; foaf:primaryTopic ?t }") == []


def test_a_capture_with_the_same_bytes_is_read_once_but_its_date_counts(tmp_path: Path) -> None:
    """An unchanged page captured again: one page (read once, with a warning), which says
    it was seen again on the later date, and its papers were last seen then."""
    for day in ("2026-11-24", "2026-12-08"):
        (tmp_path / "caps" / day).mkdir(parents=True)
        shutil.copy(CAPTURES / EARLY, tmp_path / "caps" / day / "xingtai-lv.txt")
    code, _, stderr = run("build", str(tmp_path / "caps"), "-o", str(tmp_path / "out"), "-q")
    assert code == 0
    assert "2026-12-08/xingtai-lv.txt has the same bytes" in stderr
    store = ox.Store.read_only(str(tmp_path / "out" / "store"))
    assert rows(
        store,
        """SELECT ?id ?on ?again WHERE { ?p dcterms:identifier ?id ; kg:capturedOn ?on ;
             kg:seenAgainOn ?again }""",
    ) == [(EARLY, "2026-11-24", "2026-12-08")]
    seen = rows(store, "SELECT DISTINCT ?f ?l WHERE { ?p kg:firstSeen ?f ; kg:lastSeen ?l }")
    assert seen == [("2026-11-24", "2026-12-08")]
    report = (tmp_path / "out" / "validation.txt").read_text(encoding="utf-8")
    assert report.startswith("Validation: conforms: 0 violations"), report[:400]


def test_an_unchanged_capture_added_later_is_not_nothing_to_do(tmp_path: Path) -> None:
    """The incremental build must see a new copy, though it adds no page of its own."""
    (tmp_path / "caps" / "2026-11-24").mkdir(parents=True)
    shutil.copy(CAPTURES / EARLY, tmp_path / "caps" / EARLY)
    out = build(tmp_path / "caps", tmp_path / "out", "-q")
    (tmp_path / "caps" / "2026-12-08").mkdir()
    shutil.copy(CAPTURES / EARLY, tmp_path / "caps" / "2026-12-08" / "xingtai-lv.txt")
    build(tmp_path / "caps", out, "-q")
    store = ox.Store.read_only(str(out / "store"))
    assert rows(store, "SELECT ?again WHERE { ?p kg:seenAgainOn ?again }") == [("2026-12-08",)]
