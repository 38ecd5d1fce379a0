"""kg report (issue 8): the static site of the graph — coverage, links, offline assets,
well-formed HTML, determinism, atomic replacement, and a real headless browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from kgtest import run

from kg.report.data import Paper, Site
from kg.report.html import slug_for, unique_slugs
from kg.report.pages import make_context, paper_page
from kg.report.site import publish_folder, read_validation, summarise_validation
from kg.report.svg import layout

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PREFIXES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kg: <https://w3id.org/kg/ns#>
PREFIX schema: <https://schema.org/>
"""
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
SVG_SELF_CLOSING = {"line", "rect", "circle", "path", "polyline", "polygon", "ellipse", "use"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    code, _, stderr = run("build", str(SEEDS), "-o", str(out))
    assert code in (0, 1), stderr  # 1: some finding; the store is written either way
    return out


@pytest.fixture(scope="module")
def site(built: Path) -> Path:
    code, stdout, stderr = run("report", "--out", str(built))
    assert code == 0, stderr
    folder = built / "report"
    assert stdout.strip() == str(folder / "index.html")
    assert "people" in stderr and "papers" in stderr
    return folder


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def select(out: Path, sparql: str) -> set[str]:
    store = ox.Store.read_only(str(out / "store"))
    return {str(row[0].value) for row in store.query(PREFIXES + sparql)}  # type: ignore[union-attr]


class Page(HTMLParser):
    """Collects what the tests look at: links, resources, ids, the page's IRI, tag balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []  # a/@href
        self.resources: list[tuple[str, str]] = []  # (tag, url) loaded by the page
        self.ids: list[str] = []
        self.iri: str | None = None
        self.stack: list[tuple[str, int]] = []
        self.errors: list[str] = []
        self.doctype = False
        self.tags: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            self.ids.append(found["id"])
        if tag == "main" and "data-iri" in found:
            self.iri = found["data-iri"]
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        if tag in ("script", "img", "iframe", "source", "embed", "audio", "video", "image"):
            for key in ("src", "href", "xlink:href", "srcset"):
                if key in found:
                    self.resources.append((tag, found[key]))
        if tag == "link" and "href" in found:
            self.resources.append((tag, found["href"]))
        if tag == "object" and "data" in found:
            self.resources.append((tag, found["data"]))
        if "style" in found and "url(" in found["style"]:
            self.resources.append((tag, found["style"]))
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            if tag not in SVG_SELF_CLOSING:
                self.errors.append(f"line {self.getpos()[0]}: <{tag}/> is not a void element")
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            self.errors.append(f"line {self.getpos()[0]}: end tag for void element </{tag}>")
            return
        if not self.stack or self.stack[-1][0] != tag:
            top = self.stack[-1] if self.stack else None
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> closes {top}")
            return
        self.stack.pop()


def parse(path: Path) -> Page:
    parser = Page()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def parsed(site: Path) -> dict[Path, Page]:
    return {path: parse(path) for path in html_files(site)}


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
    store = ox.Store.read_only(str(built / "store"))
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
    store = ox.Store.read_only(str(built / "store"))
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


def test_gallery_has_every_saved_query(site: Path) -> None:
    text = (site / "queries.html").read_text(encoding="utf-8")
    for query in sorted((ROOT / "queries").glob("*.rq")):
        assert f'id="q-{query.stem}"' in text, query.stem
    assert "Not run:" not in text


def test_gallery_runs_queries_without_kg_queries(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without kg.sparql.saved the gallery reads the .rq headers itself and runs each query
    as is."""
    import kg.report.site as report
    from kg.report.gallery import gallery_page
    from kg.report.html import Links
    from kg.store.embedded import open_store

    folder = tmp_path / "queries"
    folder.mkdir()
    texts = {
        "a-select": "# Some papers\n#\n# Question: Which papers are there?\n"
        "SELECT ?p WHERE { ?p a <https://schema.org/ScholarlyArticle> } LIMIT 3\n",
        "b-ask": "# Anything?\nASK { ?s ?p ?o }\n",
        "c-construct": "# Types\nCONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2\n",
        "d-broken": "# Broken <b>\nSELECT WHERE {\n",
    }
    for name, text in texts.items():
        (folder / f"{name}.rq").write_text(text, encoding="utf-8")
    monkeypatch.setattr(report, "QUERIES_DIR", folder)
    monkeypatch.setitem(
        sys.modules, "kg.sparql.saved", None
    )  # import kg.sparql.saved -> ImportError
    with open_store(built / "store") as store:
        runs = report.run_gallery(store)
    assert [r.name for r in runs] == list(texts)
    select, ask, construct, broken = runs
    assert (select.title, select.question, len(select.rows)) == (
        "Some papers",
        "Which papers are there?",
        3,
    )
    assert ask.boolean is True
    assert construct.variables == ("subject", "predicate", "object") and len(construct.rows) == 2
    assert broken.error and broken.title == "Broken <b>"
    html = gallery_page(Links({}, {}, {}), runs, "test")
    assert "Not run:" in html and "Broken &lt;b&gt;" in html and "Answer: <strong>yes" in html
    checker = Page()
    checker.feed(html)
    assert not checker.errors and not checker.stack


def test_gallery_does_not_run_a_query_that_needs_a_value(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = pytest.importorskip("kg.sparql.saved")
    import kg.report.site as report
    from kg.store.embedded import open_store

    text = (
        "# Papers of a person\n#\n# Question: What did this person write?\n#\n"
        "# Parameters:\n#   person  string  required  the name\n\n"
        "SELECT ?person ?p WHERE { ?x <http://xmlns.com/foaf/0.1/name> ?person . "
        "?p <http://purl.org/dc/terms/creator> ?x }\n"
    )
    monkeypatch.setattr(queries, "library", lambda: [queries.from_text(text, "needs-one")])
    with open_store(built / "store") as store:
        (run,) = report.run_gallery(store)
    assert run.needs == ("person",) and not run.rows and not run.error


def test_ontology_and_shapes_are_documented(site: Path) -> None:
    import rdflib

    ontology = (site / "ontology.html").read_text(encoding="utf-8")
    graph = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    for term in set(graph.subjects(rdflib.RDFS.label, None)):
        if str(term).startswith("https://w3id.org/kg/ns#"):
            local = str(term).rsplit("#", 1)[1]
            assert f'id="kg-{local}"' in ontology, local
    shapes = (site / "shapes.html").read_text(encoding="utf-8")
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        for message in rdflib.Graph().parse(path).objects(None, rdflib.SH.message):
            assert f'<p class="message">{escape_text(str(message))}</p>' in shapes, message


def escape_text(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def test_validation_summary(tmp_path: Path) -> None:
    assert read_validation(tmp_path).source == ""
    (tmp_path / "validation.txt").write_text("all good\n", encoding="utf-8")
    assert read_validation(tmp_path).text == "all good\n"
    report = """@prefix sh: <http://www.w3.org/ns/shacl#> .
    [] a sh:ValidationReport ; sh:conforms false ; sh:result [
        a sh:ValidationResult ; sh:resultSeverity sh:Violation ;
        sh:focusNode <https://kg.example.org/paper/0123456789ab> ;
        sh:sourceShape <https://w3id.org/kg/shapes#Paper-title> ;
        sh:resultMessage "A paper has at most one dcterms:title." ] ."""
    (tmp_path / "validation.ttl").write_text(report, encoding="utf-8")
    summary = read_validation(tmp_path)
    assert summary.source == "validation.ttl" and summary.conforms is False
    assert summary.by_severity == (("Violation", 1),)
    assert summary.findings[0].message == "A paper has at most one dcterms:title."
    triples = [q.triple for q in ox.parse(report.encode(), format=ox.RdfFormat.TURTLE)]
    assert summarise_validation(triples, "x") == summary.__class__(
        **{**summary.__dict__, "source": "x"}
    )


def test_index_shows_the_validation_report(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built / "store", out / "store")
    (out / "validation.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "[] a sh:ValidationReport ; sh:conforms true .\n",
        encoding="utf-8",
    )
    code, _, stderr = run("report", "--out", str(out))
    assert code == 0, stderr
    assert "The graph conforms to the shapes." in (out / "report" / "index.html").read_text()


# -- file names, layout, determinism, atomicity ----------------------------------------------


def test_slugs() -> None:
    assert slug_for("https://kg.example.org/person/Xingyu_Lu", "/person/") == "Xingyu_Lu"
    assert slug_for("https://w3id.org/kg/arxiv/cs.CL", "/arxiv/") == "cs.CL"
    assert slug_for("https://kg.example.org/topic/CV", "/topic/", "code-") == "code-CV"
    other = slug_for("https://kg.example.org/person/Xingyu_Lu/1", "/person/")
    assert re.fullmatch(r"Xingyu_Lu-1-[0-9a-f]{8}", other)
    accented = slug_for("https://kg.example.org/person/Jos%C3%A9_Mar%C3%ADa", "/person/")
    assert re.fullmatch(r"Jose_Maria-[0-9a-f]{8}", accented)
    assert re.fullmatch(
        r"[0-9a-f]{8}", slug_for("https://kg.example.org/person/%E7%8E%8B", "/person/")
    )
    clash = unique_slugs(
        {"https://x/person/Ab": "Ab", "https://x/person/aB": "aB", "https://x/c": "c"}
    )
    assert clash["https://x/c"] == "c"
    assert clash["https://x/person/Ab"].casefold() != clash["https://x/person/aB"].casefold()


def test_network_layout_is_deterministic_and_bounded() -> None:
    edges = ((0, 1, 2), (0, 2, 1), (0, 3, 1), (1, 2, 1))
    first = layout(4, edges)
    layout.cache_clear()
    assert layout(4, edges) == first
    assert first[0] == (0.0, 0.0)
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in first)
    assert len({(round(x, 3), round(y, 3)) for x, y in first}) == 4


def test_same_store_gives_the_same_bytes(built: Path, tmp_path: Path) -> None:
    """Two runs side by side, with different hash seeds, write byte-identical sites. (Side by
    side, not against the fixture's site: queries/ and shapes/ may be edited meanwhile.)"""
    runs = {}
    for seed in ("1", "4321"):
        folder = tmp_path / f"seed-{seed}"
        command = [sys.executable, "-m", "kg", "report", "--out", str(built), "-o", str(folder)]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs[folder] = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    for process in runs.values():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    first, second = (
        {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        for folder in runs
    )
    assert sorted(first) == sorted(second) and len(first) > 100
    different = [name for name in first if first[name] != second[name]]
    assert not different, different[:5]


def test_an_interrupted_write_leaves_the_old_report(tmp_path: Path) -> None:
    folder = tmp_path / "report"
    publish_folder({"index.html": b"old", "people/a.html": b"a"}, folder)

    def crash() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish_folder({"index.html": b"new"}, folder, before_swap=crash)
    assert (folder / "index.html").read_bytes() == b"old"
    assert (folder / "people" / "a.html").read_bytes() == b"a"
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".report.kg-lock")
    assert left == ["report"]  # no staging left
    publish_folder({"index.html": b"new"}, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]


def test_refuses_to_replace_a_folder_that_is_not_a_report(built: Path, tmp_path: Path) -> None:
    code, _, stderr = run("report", "--out", str(built), "-o", str(built))
    assert code == 2 and "holds the graph itself" in stderr
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _, stderr = run("report", "--out", str(built), "-o", str(other))
    assert code == 2 and "not an earlier kg report" in stderr
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    code, _, stderr = run("report", "--out", str(tmp_path / "nothing"))
    assert code == 3 and "run `kg build` first" in stderr


# -- a real browser --------------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CONSOLE = re.compile(r":CONSOLE[:(]|Uncaught|Failed to load resource|Refused to", re.IGNORECASE)


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in (os.environ.get("KG_CHROMIUM", ""), *BROWSERS):
        found = shutil.which(name) if name else None
        if found:
            return found
    pytest.skip(
        "headless Chromium is not installed (Debian: apt-get install chromium; or set "
        "KG_CHROMIUM to the browser binary): the browser test of kg report is skipped"
    )


def browse(binary: str, profile: Path, url: str, *action: str) -> tuple[str, list[str]]:
    """Run headless Chromium once on ``url`` with the network cut off; (stdout, console)."""
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--proxy-server=http://127.0.0.1:9",  # nothing listens there: any fetch fails...
        "--host-resolver-rules=MAP * ~NOTFOUND",  # ...and no name resolves
        "--enable-logging=stderr",
        "--v=0",
        *action,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    console = [line for line in done.stderr.splitlines() if CONSOLE.search(line)]
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, console


def rendered(dom: str, cls: str) -> tuple[int, int]:
    match = re.search(rf'<svg class="{cls}"[^>]*data-rendered="(\d+)x(\d+)"', dom)
    assert match, f"no rendered svg.{cls} (report.js did not run?)"
    return int(match.group(1)), int(match.group(2))


@pytest.fixture(scope="module")
def busiest_person(site: Path, parsed: dict[Path, Page]) -> Path:
    """The person page with the largest co-author network."""
    pages = sorted((site / "people").glob("*.html"))
    return max(pages, key=lambda p: (p.read_text(encoding="utf-8").count('class="node'), p.name))


def test_browser_renders_the_site_offline(
    chromium: str, site: Path, busiest_person: Path, tmp_path: Path
) -> None:
    """Headless Chromium opens the pages from disk with the network cut off: the scripts
    run without a console message, the network and the charts are drawn, and screenshots
    come out (set KG_REPORT_SCREENSHOTS=DIR to keep them)."""
    started = time.monotonic()
    # The check must see console errors and blocked loads: a probe page that has both.
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html><head><title>probe</title><script src="https://example.org/x.js">'
        '</script></head><body><script>console.error("probe error")</script></body></html>',
        encoding="utf-8",
    )
    shots = Path(os.environ.get("KG_REPORT_SCREENSHOTS", "") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    sizes = {
        "report-person.png": (busiest_person, (1280, 2200)),
        "report-person-phone.png": (busiest_person, (390, 1800)),
        "report-index.png": (site / "index.html", (1280, 1800)),
    }
    results = {"probe": browse(chromium, tmp_path / "profile", probe.as_uri(), "--dump-dom")}
    # One browser at a time (each start is CPU-bound; in parallel they only queue), each one
    # dumping the DOM after the scripts ran and taking a screenshot.
    for name, (page, (w, h)) in sizes.items():
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)
        results[name] = browse(
            chromium,
            tmp_path / "profile",
            page.as_uri(),
            "--dump-dom",
            f"--screenshot={shots / name}",
            f"--window-size={w},{h}",
        )
    results["person"], results["index"] = results["report-person.png"], results["report-index.png"]

    assert results["probe"][1], "console messages are not captured; the browser test is blind"

    dom, console = results["person"]
    assert not console, console
    assert '<html lang="en" data-js="ready">' in dom
    start = dom.index('<svg class="network"')
    network = dom[start : dom.index("</svg>", start)]
    assert network.count("<circle") >= 3 and network.count('class="edge"') >= 2
    width, height = rendered(dom, "network")
    assert width > 300 and height > 150
    chart_width, chart_height = rendered(dom, "bar-chart")  # topics over time
    assert chart_width > 300 and chart_height > 100

    dom, console = results["index"]
    assert not console, console
    assert 'data-js="ready"' in dom and dom.count('class="bar"') > 3
    assert rendered(dom, "bar-chart")[0] > 300

    for name, (_, size) in sizes.items():
        assert not results[name][1], results[name][1]
        data = (shots / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == size
        assert len(data) > 20_000, f"{name} looks blank"
    print(f"browser test: {time.monotonic() - started:.1f} s")


@pytest.mark.parametrize("base", ["https://kg.example.org/", "https://e.org/kg#", "urn:kg:"])
def test_page_names_read_the_same_under_every_base_form(base: str) -> None:
    """Issue #14: bases ending in '#' or ':' are supported; their pages keep readable names."""
    from kg.report.html import slug_for

    assert slug_for(f"{base}person/Xingyu_Lu", "/person/") == "Xingyu_Lu"
    assert slug_for(f"{base}topic/CL", "/topic/", "code-") == "code-CL"
    assert slug_for(f"{base}xperson/Ann", "/person/").startswith("Ann-")  # not a segment
