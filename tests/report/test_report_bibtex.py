"""kg report (issue 18): each paper page offers its BibTeX (a copy button and a ``.bib`` beside
the page); each person and topic page a ``.bib`` of all the papers it lists."""

from __future__ import annotations

import html
import re
from pathlib import Path

import bibtexparser
import pyoxigraph as ox
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.model import Entry as BibEntry
from htmlpage import Page

from kg.cite.bibtex import bibtex_chunks, protected_title
from kg.cite.model import Citation
from kg.graph.layout import as_one_graph
from kg.report.bib import Entry, bib_files, download_link
from kg.report.data import Paper, Site
from kg.report.pages import make_context
from kg.report.paper import paper_page

PREFIXES = "PREFIX schema: <https://schema.org/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
COPY_BUTTON = '<button type="button" class="copy" data-copy="bibtex-entry" hidden>'


def read_bib(path: Path) -> list[BibEntry]:
    """The entries of a .bib file, LaTeX decoded; the whole file must parse."""
    library = bibtexparser.parse_string(
        path.read_text(encoding="utf-8"),
        append_middleware=[LatexDecodingMiddleware(keep_math_mode=True)],
    )
    assert not library.failed_blocks, (path, library.failed_blocks[:1])
    return list(library.entries)


def section(text: str, anchor: str) -> str:
    start = text.index(f'<section id="{anchor}">')
    return text[start : text.index("</section>", start)]


def links_in(markup: str) -> list[str]:
    checker = Page()
    checker.feed(markup)
    return checker.links


def plain(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def titles(built: Path) -> dict[str, str]:
    """Paper IRI -> its dcterms:title, from the store."""
    store = as_one_graph(ox.Store.read_only(str(built / "store")))
    rows = store.query(
        PREFIXES + "SELECT ?p ?t WHERE { ?p a schema:ScholarlyArticle ; dcterms:title ?t }"
    )
    return {row[0].value: row[1].value for row in rows}  # type: ignore[index]


@pytest.fixture(scope="module")
def keys(site: Path) -> dict[str, str]:
    """Paper page name -> the key in the .bib beside it."""
    found = {}
    for bib in sorted((site / "papers").glob("*.bib")):
        (entry,) = read_bib(bib)
        found[bib.with_suffix(".html").name] = entry.key
    return found


def test_each_titled_paper_page_shows_its_bibtex(
    site: Path, parsed: dict[Path, Page], titles: dict[str, str]
) -> None:
    checked, untitled = 0, 0
    for path in sorted((site / "papers").glob("*.html")):
        page, text = parsed[path], path.read_text(encoding="utf-8")
        bib = path.with_suffix(".bib")
        if page.iri not in titles:  # the exporter skips untitled papers: no block, no file
            assert 'id="bibtex"' not in text and not bib.exists(), path.name
            untitled += 1
            continue
        block = section(text, "bibtex")
        assert COPY_BUTTON in block, "the copy button is hidden until report.js shows it"
        assert links_in(block) == [bib.name]
        (entry,) = read_bib(bib)
        assert plain(entry["title"]) == plain(titles[page.iri]), path.name
        shown = re.search(r'<pre class="bibtex" id="bibtex-entry">(.*?)</pre>', block, re.S)
        assert shown and html.unescape(shown.group(1)).strip() == bib.read_text("utf-8").strip()
        checked += 1
    assert checked == len(titles) and checked > 10
    assert untitled, "the seeds have untitled papers; their pages must show no BibTeX"


@pytest.mark.parametrize("folder", ["people", "topics"])
def test_person_and_topic_pages_offer_a_bib_of_their_papers(
    folder: str,
    site: Path,
    parsed: dict[Path, Page],
    titles: dict[str, str],
    keys: dict[str, str],
) -> None:
    """The .bib holds exactly the titled papers the page's Papers section lists, each once,
    in key order."""
    iris = {p.name: parsed[p].iri for p in (site / "papers").glob("*.html")}
    offered = 0
    for path in sorted((site / folder).glob("*.html")):
        text, bib = path.read_text(encoding="utf-8"), path.with_suffix(".bib")
        listed = set()
        if '<section id="papers">' in text:
            papers = section(text, "papers")
            listed = {
                link.rsplit("/", 1)[-1]
                for link in links_in(papers)
                if link.startswith("../papers/") and link.endswith(".html")
            }
        wanted = sorted(keys[name] for name in listed if iris[name] in titles)
        if not wanted:
            assert not bib.exists() and 'class="bib"' not in text, path.name
            continue
        assert f'href="{bib.name}"' in section(text, "papers")
        found = [entry.key for entry in read_bib(bib)]
        assert found == wanted, path.name
        offered += 1
    assert offered >= 5


NASTY = "A <script>alert(\"x\")</script> & {LoRA} $V^3$ 100% a_b #1 ~ \\ -- ''end''"


def test_a_nasty_title_survives_html_and_bibtex() -> None:
    """Issue 18: a title with markup, LaTeX specials and braces is escaped on the page, and
    the page shows the exporter's entry byte for byte, which parses (pylatexenc decodes
    ``\\textbraceleft{}`` and ``\\textasciicircum{}`` loosely, so the raw field is compared)."""
    paper = Paper(iri="https://kg.example.org/paper/0123456789ab", title=NASTY)
    citation = Citation(
        paper=paper.iri,
        key="x2025a",
        title=NASTY,
        authors=("Ann <B> & Co",),
        et_al=True,
        year=2025,
        month=1,
        date="2025-01-30",
        year_inferred=False,
        category="cs.CL",
    )
    entry = Entry(citation.key, "".join(bibtex_chunks([citation])))
    site = Site(None, {paper.iri: paper}, {}, {}, {})
    page = paper_page(make_context(site, {}, {paper.iri: entry}), paper)
    block = section(page, "bibtex")
    assert "<script>" not in page and "&lt;script&gt;" in block
    assert 'href="0123456789ab.bib" download="x2025a.bib"' in block and COPY_BUTTON in block
    checker = Page()
    checker.feed(page)
    assert not checker.errors and not checker.stack
    shown = re.search(r'<pre class="bibtex" id="bibtex-entry">(.*?)</pre>', block, re.S)
    assert shown
    assert html.unescape(shown.group(1)) == entry.text  # the exporter's bytes, unchanged
    library = bibtexparser.parse_string(html.unescape(shown.group(1)))
    assert not library.failed_blocks
    (parsed,) = library.entries
    assert parsed.key == "x2025a" and parsed["title"] == protected_title(NASTY)
    files = bib_files({paper.iri: entry}, {paper.iri: "papers/0123456789ab.html"}, {})
    assert files == {"papers/0123456789ab.bib": entry.text}
    assert download_link(0, "people/x.html", 3) == ""
