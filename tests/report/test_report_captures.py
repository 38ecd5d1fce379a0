"""kg report over time (issue 16): with two captures of one profile (tests/cases/captures),
the person page charts each metric over the captures, shows the latest metrics with their
date, and lists the papers that appeared and disappeared; the index shows each capture as a
row of its own. With one capture (the seeds) there is no chart and no changes section.

Every expectation is read from the fixture's page files, not written down here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from htmlpage import Element, elements, html_files, inside, parse
from kgtest import ROOT

from kg.report.data import Agent, Paper, SourcePage
from kg.report.history import capture_changes, profile_captures
from kg.report.svg import Point, line_chart

CAPTURES = ROOT / "tests" / "cases" / "captures"
MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
# the line above a title: [score]CATEGORY Mon D[, YYYY][Code], e.g. "11.2CLNov 10, 2023Code"
RECORD_HEAD = re.compile(rf"[\d.]*[A-Za-z-]*?{MONTH} \d{{1,2}}(?:, \d{{4}})?(?:Code)?")
FIGURES = {  # the figures both captures print, as the report's chart ids name them
    "h-index": r"h-index([\d,]+)",
    "papers": r"([\d,]+)papers",
    "citations": r"([\d,]+)citations",
}


@dataclass(frozen=True)
class Capture:
    """What one capture of the profile prints, read straight from its file."""

    date: str  # its folder's name
    path: str  # relative to the fixture folder, as the report names the page
    name: str  # the profile header's first line
    figures: dict[str, int]
    titles: frozenset[str]


def read_capture(file: Path) -> Capture:
    lines = file.read_text(encoding="utf-8").splitlines()
    figures = {}
    for key, pattern in FIGURES.items():
        found = [m for line in lines if (m := re.fullmatch(pattern, line))]
        assert len(found) == 1, (file, key)
        figures[key] = int(found[0][1].replace(",", ""))
    titles = frozenset(
        next(line for line in lines[i + 1 :] if line.strip())
        for i, line in enumerate(lines)
        if RECORD_HEAD.fullmatch(line)
    )
    claimed = [int(m[1]) for line in lines if (m := re.fullmatch(r"(\d+) Papers", line))]
    assert claimed == [len(titles)], f"{file}: the record pattern missed a record"
    return Capture(
        file.parent.name, file.relative_to(CAPTURES).as_posix(), lines[0], figures, titles
    )


@pytest.fixture(scope="module")
def captures() -> list[Capture]:
    found = sorted((read_capture(f) for f in CAPTURES.glob("*/*.txt")), key=lambda c: c.date)
    assert len(found) == 2 and len({c.name for c in found}) == 1, "two captures of one profile"
    return found


@pytest.fixture(scope="module")
def person(captured_site: Path, captures: list[Capture]) -> list[Element]:
    """The elements of the captured person's page."""
    for path in sorted((captured_site / "people").glob("*.html")):
        found = elements(path)
        if [e.text for e in found if e.tag == "h1"] == [captures[0].name]:
            return found
    raise AssertionError(f"no page for {captures[0].name}")


def _dl(found: list[Element], **where: str) -> dict[str, str]:
    """The first definition list under ``where``: term -> description text."""
    lists = inside(found, "dl", **where)
    assert lists, where
    first = found.index(lists[0])
    terms = [e for e in found if first in e.parents and e.tag in ("dt", "dd")]
    return {dt.text: dd.text for dt, dd in zip(terms[::2], terms[1::2], strict=True)}


def _rows(found: list[Element], **where: str) -> list[list[str]]:
    """The text of each body row's cells, of the tables under ``where``."""
    rows = []
    for row in inside(found, "tr", **where):
        at = found.index(row)
        cells = [e.text for e in found if e.tag == "td" and e.parents and e.parents[-1] == at]
        if cells:  # the header row has th, not td
            rows.append(cells)
    return rows


# -- the person page ---------------------------------------------------------------------------


def test_each_metric_is_charted_over_the_captures_oldest_first(
    person: list[Element], captures: list[Capture]
) -> None:
    for key in FIGURES:
        ident = f"metric-{key}"
        points = [
            (c.attrs["data-label"], int(c.attrs["data-value"]))
            for c in inside(person, "circle", id=ident)
        ]
        assert points == [(c.date, c.figures[key]) for c in captures], key
        written = [t.text for t in inside(person, "text", id=ident) if "value" in t.classes]
        assert written == [f"{c.figures[key]:,}" for c in captures], key
        assert len(inside(person, "polyline", id=ident)) == 1
        (svg,) = inside(person, "svg", id=ident)
        by_id = {e.attrs["id"]: e for e in person if "id" in e.attrs}
        title, desc = by_id[svg.attrs["aria-labelledby"]], by_id[svg.attrs["aria-describedby"]]
        assert svg.attrs["role"] == "img" and (title.tag, desc.tag) == ("title", "desc")
        assert all(c.date in title.text and c.date in desc.text for c in captures)
        assert ident in {f.attrs.get("id") for f in inside(person, "figure", id="metrics")}


def test_the_table_beside_the_charts_holds_every_observation(
    person: list[Element], captures: list[Capture]
) -> None:
    cells = _rows(person, id="metrics")
    assert [(row[0], row[1]) for row in cells] == [(c.date, c.path) for c in captures]
    for row, capture in zip(cells, captures, strict=True):
        assert {f"{v:,}" for v in capture.figures.values()} <= set(row)


def test_the_metrics_are_the_latest_with_their_date(
    person: list[Element], captures: list[Capture]
) -> None:
    latest, before = captures[-1], captures[-2]
    (as_of,) = [e for e in inside(person, "p", id="metrics") if "as-of" in e.classes]
    earlier = len(captures) - 1
    assert as_of.text.startswith(f"As shown on {latest.date} by {latest.path}")
    assert f"{earlier} earlier capture{'s' if earlier != 1 else ''}" in as_of.text
    shown = _dl(person, id="metrics")
    for key, value in latest.figures.items():
        change = value - before.figures[key]
        assert shown[key].startswith(f"{value:,}"), key
        if change:
            sign = "+" if change > 0 else "−"
            assert f"({sign}{abs(change):,} since {before.date})" in shown[key], key


def test_changes_list_the_papers_that_appeared_and_disappeared(
    captured_site: Path, person: list[Element], captures: list[Capture]
) -> None:
    before, after = captures
    appeared, disappeared = after.titles - before.titles, before.titles - after.titles
    assert appeared and disappeared, "the fixture adds one paper and drops one"
    (heading,) = inside(person, "h3", id="changes")
    assert heading.text.startswith(f"{after.date} · {after.path}")
    for cls, titles in (("appeared", appeared), ("disappeared", disappeared)):
        links = inside(person, "a", cls=cls)
        assert {a.text for a in links} == titles, cls
        for link in links:  # each links to that paper's own page
            target = captured_site / "people" / urlsplit(link.attrs["href"]).path
            assert [e.text for e in elements(target) if e.tag == "h1"] == [link.text]


def test_the_index_shows_each_capture_as_its_own_row(
    captured_site: Path, captures: list[Capture]
) -> None:
    found = elements(captured_site / "index.html")
    rows = _rows(found, id="sources")
    assert [(row[0], row[2], row[3]) for row in rows] == [
        (c.path, c.date, "folder name") for c in captures
    ]
    ids = {e.attrs["id"] for e in inside(found, "span", id="sources") if "id" in e.attrs}
    assert len(ids) == len(captures)


def test_the_captures_report_is_well_formed(captured_site: Path) -> None:
    for path in html_files(captured_site):
        page = parse(path)
        assert page.doctype and not page.errors and not page.stack, (path, page.errors[:3])
        duplicates = {i for i in page.ids if page.ids.count(i) > 1}
        assert not duplicates, (path, duplicates)
    html5 = pytest.importorskip("html5rdf", reason="html5rdf (rdflib's [html] extra) not installed")
    for path in sorted((captured_site / "people").glob("*.html")):
        parser = html5.HTMLParser(strict=True)
        parser.parse(path.read_bytes())
        assert not parser.errors, (path, parser.errors[:3])


# -- one capture: the seeds ----------------------------------------------------------------------


def test_one_observation_gives_no_chart_and_no_changes(site: Path) -> None:
    observed = 0
    for path in sorted((site / "people").glob("*.html")):
        found = elements(path)
        ids = {e.attrs.get("id") for e in found}
        assert "changes" not in ids, path
        assert not [e for e in found if e.tag == "svg" and "line-chart" in e.classes], path
        as_of = [e for e in inside(found, "p", id="metrics") if "as-of" in e.classes]
        if as_of:
            observed += 1
            assert as_of[0].text.endswith("; no earlier capture."), path
    assert observed, "the seeds' profile pages give some person metrics"


# -- the pure parts --------------------------------------------------------------------------


def _page(name: str, captured: str) -> SourcePage:
    return SourcePage(f"https://kg.example.org/page/{name}", name, "profile", captured)


def test_captures_go_by_date_then_path_and_compare_with_the_one_before() -> None:
    a, b, c = (Paper(f"https://kg.example.org/paper/{x}", title=x) for x in "abc")
    late = _page("2026-12-01/p.txt", "2026-12-01")
    tie = _page("z/p.txt", "2026-11-24")  # same date: goes by path, after a/p.txt
    first = _page("a/p.txt", "2026-11-24")
    pages = {p.iri: p for p in (late, tie, first)}
    agent = Agent("https://kg.example.org/person/P", "P", profile_pages=tuple(sorted(pages)))
    ordered = profile_captures(agent, pages)
    assert ordered == [first, tie, late]
    by_page = {first.iri: [a, b], tie.iri: [a, b], late.iri: [b, c]}
    changes = capture_changes(ordered, by_page)
    assert [(x.previous, x.page) for x in changes] == [(first, tie), (tie, late)]
    assert (changes[0].appeared, changes[0].disappeared) == ((), ())
    assert (changes[1].appeared, changes[1].disappeared) == ((c,), (a,))
    assert capture_changes(ordered[:1], by_page) == []


def test_a_line_chart_breaks_where_a_value_is_missing() -> None:
    points = [
        Point("d1", 1.0, "1"),
        Point("d2", None),
        Point("d3", 3.0, "3"),
        Point("d4", 2.0, "2"),
    ]
    html = line_chart("chart", "a title", points)
    assert html.count("<circle") == 3 and html.count("<polyline") == 1  # d3-d4 only
    assert "d2: not shown" in html
    assert 'class="empty"' in line_chart("chart", "t", [Point("d1", None)])
