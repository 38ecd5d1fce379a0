"""kg report (issue 8): the query gallery, the ontology and shapes pages, and the
validation summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
from htmlpage import Page
from kgtest import run

from kg.report.gallery import gallery_page
from kg.report.html import Links
from kg.report.site import read_validation, run_gallery, summarise_validation
from kg.store.embedded import open_store

ROOT = Path(__file__).resolve().parents[2]


def test_gallery_has_every_saved_query(site: Path) -> None:
    text = (site / "queries.html").read_text(encoding="utf-8")
    for query in sorted((ROOT / "queries").glob("*.rq")):
        assert f'id="q-{query.stem}"' in text, query.stem
    assert "Not run:" not in text


def test_gallery_runs_every_kind_of_query(built: Path, tmp_path: Path) -> None:
    """SELECT rows, an ASK answer, CONSTRUCT triples and a query that fails, each with the
    title and question of its header; the page escapes what the queries say."""
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
    with open_store(built / "store") as store:
        runs = run_gallery(store, folder)
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


def test_gallery_does_not_run_a_query_that_needs_a_value(built: Path, tmp_path: Path) -> None:
    text = (
        "# Papers of a person\n#\n# Question: What did this person write?\n#\n"
        "# Parameters:\n#   person  string  required  the name\n\n"
        "SELECT ?person ?p WHERE { ?x <http://xmlns.com/foaf/0.1/name> ?person . "
        "?p <http://purl.org/dc/terms/creator> ?x }\n"
    )
    (tmp_path / "needs-one.rq").write_text(text, encoding="utf-8")
    with open_store(built / "store") as store:
        (run,) = run_gallery(store, tmp_path)
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
