"""kg report's search (issue 21): the index in Python (tokens, shards, ranking, bytes), the
same tokens in search.js, and headless Chromium answering ``search.html?q=...`` from
``file://`` with the network cut off."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox
import pytest
import test_report_browser
from htmlpage import Page, elements
from test_report_browser import Visit, browse

from kg.graph.layout import as_one_graph
from kg.report.search_index import (
    MAX_KEY,
    SHARD_BYTES,
    Doc,
    index_files,
    normalise,
    plan_shards,
    shard_file,
    shard_key,
    tokens,
)
from kg.resources import REPORT_ASSETS_DIR

chromium = test_report_browser.chromium  # the fixture that finds the browser, or skips

TRICKY = [
    "Müller-Lüdenscheidt's ﬁne GRAPH2Graph",
    "Straße ẞ İstanbul Ångström ΣΊΣΥΦΟΣ",
    "naïve café, résumé; co-op & R&D 3D² x_y",
    "中文 標題 日本語のタイトル 한국어",
    "  \u2028 tabs\tand\nnewlines ",
]


# -- tokens, shards, ranking ------------------------------------------------------------------


def test_tokens_fold_case_and_accents_and_split_on_everything_else() -> None:
    assert tokens("Müller-Lüdenscheidt's ﬁne GRAPH2Graph, Straße") == [
        "muller",
        "ludenscheidt",
        "s",
        "fine",
        "graph2graph",
        "strasse",
    ]
    assert tokens("cs.CL") == ["cs", "cl"]
    assert tokens("<img src=x onerror=alert(1)>") == ["img", "src", "x", "onerror", "alert", "1"]
    assert tokens("  --- ") == []
    assert normalise("Ångström") == "angstrom"


def test_search_js_makes_the_same_tokens(tmp_path: Path) -> None:
    """The page must split a query as the index split the titles."""
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        pytest.skip("node is not installed: search.js's tokens are checked in the browser only")
    script = tmp_path / "tokens.js"
    script.write_text(
        "global.window = {};\n"
        f"require({json.dumps(str(REPORT_ASSETS_DIR / 'search.js'))});\n"
        f"const texts = {json.dumps(TRICKY)};\n"
        "process.stdout.write(JSON.stringify(texts.map(window.kgSearch.tokens)));\n",
        encoding="utf-8",
    )
    done = subprocess.run([node, str(script)], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [tokens(t) for t in TRICKY]


def test_shard_files_have_safe_names() -> None:
    assert shard_file("gra") == "t-gra.js"
    assert shard_file("con") == "t-con.js"  # never a name Windows reserves
    assert shard_file("中文") == "u-e4b8ade69687.js"
    for key in ("gra", "con", "中文", "ab", "σ"):
        assert re.fullmatch(r"[a-z]-[a-z0-9]+\.js", shard_file(key))


def test_big_shards_are_split_and_every_token_finds_its_shard() -> None:
    words = [f"gra{c}{d}" for c in "abcdefgh" for d in "xyz"] + ["gr", "gra", "graph", "go", "a"]
    sizes = dict.fromkeys(words, 100)
    sizes["graphs"] = 5000  # one token bigger than the limit: a shard of its own, at most
    plan = plan_shards(sizes, limit=1000)
    assert sorted(t for members in plan.values() for t in members) == sorted(sizes)
    keys = set(plan)
    for key, members in plan.items():
        for token in members:
            assert shard_key(token, keys) == key, token
        assert sum(sizes[t] for t in members) <= 1000 or len(key) == MAX_KEY or len(members) == 1
    assert {"a", "go", "gr", "gra", "grab", "graph", "graphs"} <= keys and "grap" not in keys
    assert plan["gr"] == ["gr"] and plan["go"] == ["go"]


def _doc(kind: str, href: str, label: str, words: str, rank: int, date: str = "") -> Doc:
    return Doc(kind, href, label, date, "", tuple(words.split()), (rank, href))


def _docs() -> list[Doc]:
    return [
        _doc("paper", "papers/old.html", "Graph Networks", "graph networks", -2019, "2019"),
        _doc("paper", "papers/new.html", "Graph Networks", "graph networks", -2024, "2024"),
        _doc("paper", "papers/long.html", "A Graph of Graphs", "a graph of graphs", -2025, "2025"),
        _doc("person", "people/Ann_Graph.html", "Ann Graph", "ann graph", -1),
        _doc("person", "people/Bo_Graph.html", "Bo Graph", "bo graph", -9),
        _doc("topic", "topics/cs.GR.html", "Graphics (cs.GR)", "cs gr graphics", 0),
    ]


def _read(files: dict[str, bytes]) -> tuple[dict, dict[str, list[int]], list[list[str]]]:
    """The manifest, token -> ids, and the documents in id order, from the index files."""
    calls = {
        name: re.fullmatch(r"kgSearch\.(\w+)\((.*)\);\n", data.decode("utf-8"), re.S)
        for name, data in files.items()
    }
    assert all(calls.values()), [n for n, c in calls.items() if not c]
    manifest = json.loads(calls.pop("search/manifest.js").group(2))  # type: ignore[union-attr]
    postings: dict[str, list[int]] = {}
    chunks: dict[int, list[list[str]]] = {}
    for name, call in calls.items():
        assert call
        key, _, body = call.group(2).partition(",")
        if call.group(1) == "add":
            assert name == f"search/{shard_file(json.loads(key))}"
            for token, deltas in json.loads(body).items():
                ids = [sum(deltas[: i + 1]) for i in range(len(deltas))]
                postings[token] = ids
        else:
            assert call.group(1) == "docs" and name == f"search/d-{key}.js"
            chunks[int(key)] = json.loads(body)
    docs = [doc for _, rows in sorted(chunks.items()) for doc in rows]
    return manifest, postings, docs


def test_ids_rank_topics_people_papers_then_fewer_words_then_most_papers_or_newest() -> None:
    docs = _docs()
    files = dict(index_files(docs))
    manifest, postings, shown = _read(files)
    assert [d[0] for d in shown] == [
        "topics/cs.GR.html",
        "people/Bo_Graph.html",  # 9 papers before 1
        "people/Ann_Graph.html",
        "papers/new.html",  # two words, newest first
        "papers/old.html",
        "papers/long.html",  # four words
    ]
    assert manifest["kinds"] == [["topic", 0, 1], ["person", 1, 3], ["paper", 3, 6]]
    assert manifest["docs"] == 6 and manifest["shards"] == sorted(manifest["shards"])
    assert postings["graph"] == [1, 2, 3, 4, 5] and postings["graphs"] == [5]
    assert shown[5] == ["papers/long.html", "A Graph of Graphs", "2025", ""]
    random.Random(7).shuffle(docs)
    assert dict(index_files(docs)) == files, "the same documents give the same bytes"


def test_a_big_index_keeps_shards_small() -> None:
    rng = random.Random(3)
    vocabulary = [
        "".join(rng.choice("abcdefgh") for _ in range(rng.randint(3, 9))) for _ in range(3000)
    ]
    docs = [
        _doc("paper", f"papers/{n}.html", f"Paper {n}", " ".join(rng.sample(vocabulary, 8)), 0)
        for n in range(5000)
    ]
    files = dict(index_files(docs))
    manifest, postings, shown = _read(files)
    assert len(shown) == 5000 and len(postings) == len({w for d in docs for w in d.words})
    for key in manifest["shards"]:
        size = len(files[f"search/{shard_file(key)}"])
        assert size <= SHARD_BYTES + 100 or len(key) == MAX_KEY, (key, size)
    assert max(len(files[f"search/d-{n}.js"]) for n in range(len(docs) // 64)) < 10_000


# -- the site -----------------------------------------------------------------------------------


def test_every_page_has_a_search_box_that_leads_to_the_search_page(
    site: Path, parsed: dict[Path, Page]
) -> None:
    assert (site / "search.html").is_file() and (site / "search" / "manifest.js").is_file()
    for path in parsed:
        forms = [x for x in elements(path) if x.tag == "form" and x.attrs.get("role") == "search"]
        assert forms, f"{path.relative_to(site)}: no search box"
        target = (path.parent / unquote(urlsplit(forms[0].attrs["action"]).path)).resolve()
        assert target == (site / "search.html").resolve()
        assert forms[0].attrs.get("method", "get").lower() == "get"
        assert 'name="q"' in path.read_text(encoding="utf-8")


def test_search_script_loads_nothing_from_the_network_and_writes_no_markup(site: Path) -> None:
    script = (site / "search" / "search.js").read_text(encoding="utf-8")
    assert script == (REPORT_ASSETS_DIR / "search.js").read_text(encoding="utf-8")
    assert not re.search(
        r"https?://|fetch\(|XMLHttpRequest|innerHTML|outerHTML|insertAdjacentHTML|document\.write",
        script,
    )


# -- headless Chromium --------------------------------------------------------------------------


def ask(binary: str, site: Path, tmp_path: Path, query: str) -> tuple[Visit, str, list[str], int]:
    """Open search.html?q=QUERY from disk: (the visit, the status line, the result links,
    the count the page reports)."""
    profile = tmp_path / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    url = (site / "search.html").as_uri() + "?q=" + quote(query, safe="")
    visit = browse(binary, profile, url, "--dump-dom", "--virtual-time-budget=10000")
    results = re.search(
        r'<ol class="papers" id="search-results"([^>]*)>(.*?)</ol>', visit.dom, re.S
    )
    assert results, visit.dom[-2000:]
    assert 'data-state="done"' in results.group(1), "search.js did not finish"
    count = re.search(r'data-count="(\d+)"', results.group(1))
    status = re.search(r'<p id="search-status"[^>]*>(.*?)</p>', visit.dom, re.S)
    assert count and status
    links = re.findall(r'<a class="title" href="([^"]+)"', results.group(2))
    return visit, unescape(status.group(1)), links, int(count.group(1))


def _store(built: Path) -> ox.Store:
    return as_one_graph(ox.Store.read_only(str(built / "store")))  # type: ignore[return-value]


def _page_of(parsed: dict[Path, Page], site: Path) -> dict[str, str]:
    return {page.iri: str(path.relative_to(site)) for path, page in parsed.items() if page.iri}


def test_a_title_word_lists_its_paper(
    chromium: str,
    built: Path,
    site: Path,
    parsed: dict[Path, Page],
    tmp_path: Path,
) -> None:
    """A word found in one title only lists that paper; its first letters do too (the last
    word of a query may be the start of a word, as one types)."""
    titles = {
        str(row[0].value): str(row[1].value)  # type: ignore[index]
        for row in _store(built).query(
            "SELECT ?p ?t WHERE { ?p <http://purl.org/dc/terms/title> ?t }"
        )
    }
    seen: dict[str, set[str]] = {}
    for paper, title in titles.items():
        for word in tokens(title):
            seen.setdefault(word, set()).add(paper)
    word = min((w for w, found in seen.items() if len(found) == 1 and len(w) >= 7 and w.isalpha()))
    (paper,) = seen[word]
    page = _page_of(parsed, site)[paper]
    visit, status, links, count = ask(chromium, site, tmp_path, word.upper())
    assert not visit.console, visit.console
    assert links == [page] and count == 1 and status.startswith("1 result for")
    _, _, links, count = ask(chromium, site, tmp_path, word[:5])
    assert page in links and count >= 1


def test_a_name_lists_the_person(
    chromium: str,
    built: Path,
    site: Path,
    parsed: dict[Path, Page],
    tmp_path: Path,
) -> None:
    """A person's full name lists them, first among results (people rank before papers)."""
    named = {
        str(row[0].value): str(row[1].value)  # type: ignore[index]
        for row in _store(built).query(
            "SELECT ?x ?n WHERE { ?x a <https://schema.org/Person> ; "
            "<http://xmlns.com/foaf/0.1/name> ?n }"
        )
    }
    pages = _page_of(parsed, site)
    person, name = min((x, n) for x, n in named.items() if len(tokens(n)) >= 2 and x in pages)
    visit, status, links, count = ask(chromium, site, tmp_path, name)
    assert not visit.console, visit.console
    assert pages[person] in links and count >= 1
    assert links[0].startswith("people/"), links


def test_a_word_that_matches_nothing_says_so(
    chromium: str,
    site: Path,
    tmp_path: Path,
) -> None:
    visit, status, links, count = ask(chromium, site, tmp_path, "graph qzxqzvw")
    assert not visit.console, visit.console
    assert links == [] and count == 0
    assert status == "Nothing matched “graph qzxqzvw”."


@pytest.mark.parametrize(
    "query",
    ["<img src=x onerror=alert(1)>", "\"'><script>alert(1)</script>", 'graph" onmouseover="x'],
)
def test_a_hostile_query_is_shown_as_text(
    chromium: str,
    site: Path,
    tmp_path: Path,
    query: str,
) -> None:
    visit, status, _, _ = ask(chromium, site, tmp_path, query)
    assert not visit.console, visit.console
    assert query.strip() in status  # the words, as they were typed...
    assert "<img" not in visit.dom and "<script>alert" not in visit.dom  # ...never as markup
    assert not re.search(r"<[^>]*\son(error|mouseover)=", visit.dom)
