"""kg report (issue 8): every person, topic and paper has a page; the links resolve, nothing
comes from the network; the HTML is well formed; the pages say what the graph says."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from htmlpage import Page, parse

from kg.graph.layout import as_one_graph
from kg.report.data import Paper, Site
from kg.report.pages import make_context
from kg.report.paper import paper_page

PREFIXES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX schema: <https://schema.org/>
"""


def select(out: Path, sparql: str) -> set[str]:
    store = as_one_graph(ox.Store.read_only(str(out / "store")))
    return {str(row[0].value) for row in store.query(PREFIXES + sparql)}  # type: ignore[union-attr]


# -- coverage --------------------------------------------------------------------------------


def test_every_person_topic_and_paper_has_a_page(built: Path, parsed: dict[Path, Page]) -> None:
    shown = {page.iri: path for path, page in parsed.items() if page.iri}
    people = select(
        built,
        "SELECT ?x WHERE { { ?x a schema:Person } UNION { ?x a kg:AmbiguousCreator } }",
    )
    topics = select(
        built,
        "SELECT ?t WHERE { { ?p dcterms:subject ?t } UNION { ?t a kg:AmbiguousTopic } }",
    )
    papers = select(built, "SELECT ?p WHERE { ?p a schema:ScholarlyArticle }")
    assert people and topics and papers
    for kind, iris, folder in (("people", people, "people"), ("topics", topics, "topics")):
        missing = sorted(iris - set(shown))
        assert not missing, f"{kind} without a page: {missing[:5]}"
        assert all(shown[iri].parent.name == folder for iri in iris)
    assert papers <= set(shown)
    assert all(shown[iri].parent.name == "papers" for iri in papers)


def test_index_links_every_section(site: Path, parsed: dict[Path, Page]) -> None:
    index = parsed[site / "index.html"]
    for target in (
        "people.html",
        "topics.html",
        "papers.html",
        "queries.html",
        "ontology.html",
        "shapes.html",
    ):
        assert target in index.links
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "Validation" in text and "void:classPartition" in text
    store_triples = re.search(r"<dt>Triples</dt><dd>([\d,]+)</dd>", text)
    assert store_triples, "the VoID triple count is on the index"


def test_list_pages_link_every_entity_page(site: Path, parsed: dict[Path, Page]) -> None:
    for listing, folder in (("people", "people"), ("topics", "topics"), ("papers", "papers")):
        linked = {link.split("#")[0] for link in parsed[site / f"{listing}.html"].links}
        pages = {f"{folder}/{p.name}" for p in (site / folder).glob("*.html")}
        assert pages <= linked, sorted(pages - linked)[:5]


# -- links and resources ---------------------------------------------------------------------


def test_every_relative_link_resolves(site: Path, parsed: dict[Path, Page]) -> None:
    broken = []
    for path, page in parsed.items():
        urls = page.links + [url for _, url in page.resources]
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file():
                broken.append(f"{path.relative_to(site)}: {url}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{path.relative_to(site)}: {url} (no such id)")
            assert site.resolve() in target.parents, f"{url} leaves the site"
    assert not broken, broken[:10]


def test_nothing_is_loaded_from_the_network(site: Path, parsed: dict[Path, Page]) -> None:
    for path, page in parsed.items():
        assert page.resources, f"{path} loads no stylesheet or script"
        for tag, url in page.resources:
            assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE), (
                f"{path.relative_to(site)}: <{tag}> loads {url}"
            )
    for asset in (site / "assets").iterdir():
        text = asset.read_text(encoding="utf-8")
        assert not re.search(r"url\(|@import|https?://|fetch\(|XMLHttpRequest", text), asset
    assert sorted(p.name for p in (site / "assets").iterdir()) == ["report.js", "style.css"]


def test_file_names_are_safe(site: Path) -> None:
    for path in site.rglob("*"):
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", path.name), path
    names = [str(p.relative_to(site)).casefold() for p in site.rglob("*")]
    assert len(names) == len(set(names)), "two files differ only in case"


# -- HTML ------------------------------------------------------------------------------------


def test_pages_are_well_formed_html5(site: Path, parsed: dict[Path, Page]) -> None:
    for path, page in parsed.items():
        where = path.relative_to(site)
        assert page.doctype, f"{where}: no <!DOCTYPE html>"
        assert not page.errors, f"{where}: {page.errors[:3]}"
        assert not page.stack, f"{where}: unclosed {page.stack[:3]}"
        assert page.tags.count("h1") == 1, f"{where}: one <h1>"
        assert page.tags.count("main") == 1 and page.tags.count("title") >= 1
        duplicates = {i for i in page.ids if page.ids.count(i) > 1}
        assert not duplicates, f"{where}: duplicate ids {duplicates}"
        text = path.read_text(encoding="utf-8")
        assert '<html lang="en">' in text and '<meta charset="utf-8">' in text
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in text


def test_pages_parse_without_errors_in_an_html5_parser(site: Path) -> None:
    """Every template (top-level pages, and the first, last and largest page of each kind)
    through a strict HTML5 parser, when one is installed (rdflib's [html] extra)."""
    html5 = pytest.importorskip("html5rdf", reason="html5rdf (rdflib's [html] extra) not installed")
    sample = set(site.glob("*.html"))
    for folder in ("people", "topics", "papers"):
        pages = sorted((site / folder).glob("*.html"))
        sample |= {pages[0], pages[-1], max(pages, key=lambda p: (p.stat().st_size, p.name))}
    for path in sorted(sample):
        parser = html5.HTMLParser(strict=True)
        parser.parse(path.read_bytes())  # raises ParseError on the first error
        assert not parser.errors, (path, parser.errors[:3])


def test_values_are_escaped() -> None:
    nasty = '<script>alert("x")</script> & "quotes" \'too\''
    paper = Paper(iri="https://kg.example.org/paper/0123456789ab", title=nasty, abstract=nasty)
    site = Site(None, {paper.iri: paper}, {}, {}, {})
    html = paper_page(make_context(site, {}), paper)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    checker = Page()
    checker.feed(html)
    assert not checker.errors and not checker.stack


# -- what the pages say ----------------------------------------------------------------------


def test_paper_page_shows_authors_in_order_and_every_listing(built: Path, site: Path) -> None:
    store = as_one_graph(ox.Store.read_only(str(built / "store")))
    rows = store.query(
        PREFIXES
        + """SELECT ?p (COUNT(DISTINCT ?l) AS ?n) WHERE {
          ?p kg:authorListComplete false ; kg:shownAuthorCount 3 . ?l kg:listedPaper ?p }
          GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1"""
    )
    paper, listings = next(iter(rows))  # type: ignore[call-overload]
    page = next(p for p in (site / "papers").glob("*.html") if parse(p).iri == paper.value)
    text = page.read_text(encoding="utf-8")
    names = store.query(
        PREFIXES
        + f"""SELECT ?name WHERE {{ <{paper.value}> kg:hasAuthorship ?a .
          ?a kg:ordinal ?n ; kg:printedName ?name }} ORDER BY ?n"""
    )
    positions = [text.index(f">{row[0].value}<") for row in names]  # type: ignore[index]
    assert positions == sorted(positions) and len(positions) == 3
    assert '<li class="etal">et al.</li>' in text
    evidence = text[text.index('id="evidence"') :]
    assert evidence.count("<tr>") == 1 + int(listings.value)  # the header row + one per listing


def test_ambiguous_creator_is_marked_with_its_candidates(built: Path, site: Path) -> None:
    store = as_one_graph(ox.Store.read_only(str(built / "store")))
    for row in store.query(PREFIXES + "SELECT ?x WHERE { ?x a kg:AmbiguousCreator }"):
        iri = row[0].value  # type: ignore[index]
        page = next(p for p in (site / "people").glob("*.html") if parse(p).iri == iri)
        text = page.read_text(encoding="utf-8")
        assert "Ambiguous identity." in text
        candidates = store.query(
            PREFIXES + f"SELECT ?c WHERE {{ <{iri}> kg:possibleActualCreator ?c }}"
        )
        for candidate in candidates:
            target = next(
                p
                for p in (site / "people").glob("*.html")
                if parse(p).iri == candidate[0].value  # type: ignore[index]
            )
            assert f'href="../people/{target.name}"' in text
            assert "One of several people of this name." in target.read_text(encoding="utf-8")
