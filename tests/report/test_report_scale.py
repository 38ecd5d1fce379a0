"""kg report at scale (issue #21): long lists in parts of bounded size with stable names and
links between them, capped co-author pictures, and a report that rewrites only the files
whose bytes change. A generated corpus with small parts forced through ``Limits`` stands in
for a large graph; benchmarks/report.py measures the real sizes."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import SMALL
from htmlpage import Page, html_files, parse
from kgtest import build, run

from kg.report.parts import Group, Part, date_name, date_title, letters_title, plan

BOUND = SMALL.part_bytes + 20_000  # a part's rows, the page and the links to all parts
PART = re.compile(r"(papers|people|topics)-[a-z0-9]+(-[0-9]{2}){0,2}(-[0-9]+)?\.html")


def rel_next(page: Path) -> Path | None:
    found = re.search(r'<a rel="next" href="([^"]+)"', page.read_text(encoding="utf-8"))
    return (page.parent / unquote(found.group(1))).resolve() if found else None


def paper_links(page: Path) -> list[str]:
    """The paper pages a list page links to, by file name, in order."""
    return [
        link.rsplit("/", 1)[-1]
        for link in parse(page).links
        if re.search(r"(^|/)papers/[0-9a-f]+\.html$", link)
    ]


# -- planning -------------------------------------------------------------------------------


def test_plan_packs_groups_oldest_first_and_cuts_what_does_not_fit() -> None:
    groups = [  # newest first, as the list of papers shows them
        Group(("2025", "03", "02"), 2, 2),
        Group(("2025", "03", "01"), 1, 1),
        Group(("2025", "02", "10"), 9, 9),
        Group(("2025", "02", "09"), 2, 2),
        Group(("2025", "02", "01"), 2, 2),
        Group(("2024", "12", "01"), 4, 4),
        Group(("", "", ""), 1, 1),
    ]
    assert plan(groups, 100, descending=True) == [Part((), 21)]
    parts = plan(groups, 5, descending=True)
    assert [(date_name(p), date_title(p), p.rows) for p in parts] == [
        ("2025-03", "March 2025", 3),
        ("2025-02-10-1", "10 February 2025 (1)", 5),
        ("2025-02-10-2", "10 February 2025 (2)", 4),
        ("2025-02-01", "1–9 February 2025", 4),
        ("2024", "2024", 4),
        ("undated", "Undated", 1),
    ]
    # new papers of the newest day change the newest part only
    grown = [Group(("2025", "03", "02"), 3, 3), *groups[1:]]
    assert plan(grown, 5, descending=True)[1:] == parts[1:]
    people = [Group(("a", "ab", "abe"), 2, 2), Group(("a", "al", "ali"), 2, 2)]
    people += [Group(("b", "bo", "bob"), 4, 4), Group(("c", "ca", "cam"), 1, 1)]
    assert [letters_title(p) for p in plan(people, 4)] == ["A", "B", "C"]
    assert [letters_title(p) for p in plan(people, 5)] == ["A", "B–C"]


# -- the lists ------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["papers", "people"])
def test_long_lists_come_in_parts_each_under_the_bound(small_parts: Path, stem: str) -> None:
    parts = sorted(small_parts.glob(f"{stem}-*.html"))
    assert len(parts) >= 3, f"{stem} was not cut into parts"
    for part in parts:
        assert PART.fullmatch(part.name), part.name
        assert part.stat().st_size <= BOUND, (part.name, part.stat().st_size)
    overview = parse(small_parts / f"{stem}.html")
    assert {p.name for p in parts} <= set(overview.links), "the overview links every part"


def test_every_paper_is_in_exactly_one_part(small_parts: Path) -> None:
    shown = Counter(
        name for part in small_parts.glob("papers-*.html") for name in paper_links(part)
    )
    pages = {p.name for p in (small_parts / "papers").glob("*.html")}
    assert set(shown) == pages
    assert max(shown.values()) == 1


def test_next_links_walk_every_part_once_in_order(small_parts: Path) -> None:
    parts = {p.resolve() for p in small_parts.glob("papers-*.html")}
    overview = parse(small_parts / "papers.html")
    first = next(link for link in overview.links if PART.fullmatch(link))
    seen, page = [], (small_parts / first).resolve()
    while page is not None:
        assert page not in seen, "the next links loop"
        seen.append(page)
        text = page.read_text(encoding="utf-8")
        if len(seen) > 1:
            assert f'<a rel="prev" href="{seen[-2].name}"' in text
        page = rel_next(page)
    assert set(seen) == parts
    dates = [re.sub(r"[^0-9]", "", p.name)[:8] for p in seen if "undated" not in p.name]
    assert dates == sorted(dates, reverse=True), "newest first"


def test_the_papers_of_a_prolific_person_come_in_parts(small_parts: Path) -> None:
    """Each of the person's papers is in one part; their page shows the newest and links
    every part; the parts link back to the page and to each other."""
    folders = [p for p in (small_parts / "people").iterdir() if p.is_dir()]
    assert folders, "no person has papers in parts"
    folder = max(folders, key=lambda p: (len(list(p.iterdir())), p.name))
    person = folder.with_suffix(".html")
    text = person.read_text(encoding="utf-8")
    total = int(re.search(r"<dt>Papers</dt><dd>([\d,]+)</dd>", text).group(1).replace(",", ""))
    shown = Counter(name for part in folder.glob("papers-*.html") for name in paper_links(part))
    assert sum(shown.values()) == total and max(shown.values()) == 1
    inline = paper_links_in_section(person, "papers")
    assert len(inline) == SMALL.inline and set(inline) <= set(shown)
    links = set(parse(person).links)
    assert {f"{folder.name}/{p.name}" for p in folder.glob("papers-*.html")} <= links
    for part in folder.glob("papers-*.html"):
        targets = {(part.parent / unquote(link)).resolve() for link in parse(part).links}
        assert person.resolve() in targets, f"{part.name} does not link back to the person"
        assert part.stat().st_size <= BOUND


def paper_links_in_section(page: Path, anchor: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    start = text.index(f'<section id="{anchor}">')
    checker = Page()
    checker.feed(text[start : text.index("</section>", start)])
    return [link.rsplit("/", 1)[-1] for link in checker.links if "/papers/" in link]


def test_links_resolve_and_pages_are_well_formed(small_parts: Path) -> None:
    broken = []
    for path in html_files(small_parts):
        page = parse(path)
        assert not page.errors and not page.stack, (path, page.errors[:3], page.stack[:3])
        assert page.tags.count("h1") == 1, path
        for url in page.links + [url for _, url in page.resources]:
            parts = urlsplit(url)
            if parts.scheme or not parts.path:
                continue
            if not (path.parent / unquote(parts.path)).is_file():
                broken.append(f"{path.relative_to(small_parts)}: {url}")
    assert not broken, broken[:10]


# -- the co-author picture ------------------------------------------------------------------


def test_the_coauthor_picture_and_table_are_capped(small_parts: Path) -> None:
    def coauthors(path: Path) -> int:
        found = re.search(r"<dt>Co-authors</dt><dd>([\d,]+)</dd>", path.read_text("utf-8"))
        return int(found.group(1).replace(",", "")) if found else 0

    person = max((small_parts / "people").glob("*.html"), key=lambda p: (coauthors(p), p.name))
    many = coauthors(person)
    assert many > SMALL.network + 1
    text = person.read_text(encoding="utf-8")
    network = text[text.index('<svg class="network"') : text.index("</svg>")]
    assert network.count('class="node') == SMALL.network + 1  # and the person
    assert f"and {many - SMALL.network:,} more not drawn" in text
    table = text[text.index('<section id="coauthors">') :]
    table = table[: table.index("</section>")]
    assert table.count("<tr>") == SMALL.coauthors + 1  # the header row
    assert f"… and {many - SMALL.coauthors:,} more" in table


# -- rewriting only what changed ------------------------------------------------------------


def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    """Relative path -> (inode, mtime in ns) of every file."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_report_rewrites_only_the_files_that_change(tmp_path: Path) -> None:
    """Issue 21: after a build that changed one page, the report writes the files whose
    bytes differ (new inode) and keeps the others (same inode and time), drops the files it
    no longer makes, and ends equal to a fresh report, byte for byte."""
    pages = tmp_path / "pages"
    shutil.copytree(Path(__file__).resolve().parents[2] / "seeds", pages)
    out = build(pages, tmp_path / "out", "-q")
    code, _, stderr = run("report", "--out", str(out))
    assert code == 0 and "0 removed" in stderr
    folder = out / "report"
    before = files_of(folder)

    code, _, stderr = run("report", "--out", str(out))
    assert code == 0 and "(0 new or changed, 0 removed)" in stderr
    assert files_of(folder) == before

    # a page prints one abstract with another word: an untitled paper known by its abstract
    page = pages / "000_75f573afd22e8082.txt"
    text = page.read_text(encoding="utf-8")
    assert "made remarkable progress" in text
    page.write_text(text.replace("made remarkable progress", "made striking progress", 1), "utf-8")
    build(pages, out, "-q")
    code, _, stderr = run("report", "--out", str(out))
    assert code == 0, stderr
    changed = re.search(r"\((\d+) new or changed, (\d+) removed\)", stderr)
    assert changed
    after = files_of(folder)
    kept = [name for name in after if before.get(name) == after[name]]
    rewritten = [name for name in after if before.get(name) != after[name]]
    assert len(rewritten) == int(changed.group(1))
    assert 0 < len(rewritten) < len(after) / 4, len(rewritten)
    assert len(kept) > len(after) / 2
    assert int(changed.group(2)) == len(set(before) - set(after))

    fresh = tmp_path / "fresh"
    code, _, stderr = run("report", "--out", str(out), "-o", str(fresh), "-q")
    assert code == 0, stderr
    assert contents(folder) == contents(fresh)


def test_unchanged_files_keep_their_inode_through_a_link(tmp_path: Path) -> None:
    """The unchanged file of the new report is the old file itself, under a second name
    while the new folder is staged: no byte of it is written again."""
    from kg.report.site import publish_folder

    folder = tmp_path / "report"
    publish_folder({"index.html": b"same", "a.html": b"old", "gone.html": b"x"}, folder)
    inodes = {p.name: p.stat().st_ino for p in folder.iterdir()}
    publish_folder({"index.html": b"same", "a.html": b"new", "b.html": b"b"}, folder)
    assert (folder / "index.html").stat().st_ino == inodes["index.html"]
    assert (folder / "a.html").stat().st_ino != inodes["a.html"]
    assert sorted(p.name for p in folder.iterdir()) == ["a.html", "b.html", "index.html"]
    assert os.stat(folder / "index.html").st_nlink == 1  # the old folder is gone


def test_progress_shows_each_stage_unless_quiet(generated_out: Path, tmp_path: Path) -> None:
    """Issue 21: as the build does, a line per stage when it starts and one with its counts
    and time when it ends (a bar instead on a terminal, kg.cli.progress); -q: nothing."""
    code, stdout, stderr = run("report", "--out", str(generated_out), "-o", str(tmp_path / "a"))
    assert code == 0, stderr
    for line in (
        r"kg: reading the store",
        r"kg: read [\d,]+ people, [\d,]+ papers from graph.nq in [\d.]+ s",
        r"kg: writing [\d,]+ paper pages",
        r"kg: wrote [\d,]+ person pages in [\d.]+ s",
        r"kg: wrote [\d,]+ topic pages in [\d.]+ s",
        r"kg: running \d+ saved queries",
        r"kg: wrote \d+ files to .*\(\d+ new or changed, 0 removed\)",
    ):
        assert re.search(line, stderr), (line, stderr)
    code, stdout, stderr = run(
        "report", "--out", str(generated_out), "-o", str(tmp_path / "b"), "-q"
    )
    assert code == 0 and stderr == "" and stdout.strip().endswith("index.html")
