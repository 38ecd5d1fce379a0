"""`kg queries` and `kg query` on the command line (issue 5): parameters typed and bound
safely, read-only by default, parser errors with line and column, and the output formats
parsed back."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import run
from querytest import NASTY, XSD

from kg.errors import UsageError
from kg.sparql.saved import (
    bind,
    from_text,
    library,
)
from kg.sparql.text import with_values

LIBRARY = library()
NAMES = [q.name for q in LIBRARY]


# -- kg queries / kg query on the command line --------------------------------------------


def test_kg_queries_lists_name_title_question_and_parameters() -> None:
    code, stdout, _ = run("queries")
    assert code == 0
    for query in LIBRARY:
        assert f"{query.name}  {query.title}" in stdout
        assert query.question in stdout
    assert '-p person string = "Kaiyan Zhang"' in stdout
    code, stdout, _ = run("queries", "--format", "json")
    listed = {q["name"]: q for q in json.loads(stdout)}
    assert set(listed) == set(NAMES)
    assert listed["collaboration-candidates"]["parameters"][1] == {
        "name": "k",
        "type": "integer",
        "default": "2",
        "doc": "how many co-authors the two must share, at least",
    }


def test_kg_query_runs_a_saved_query_with_no_parameters(seed_out: Path) -> None:
    code, stdout, stderr = run("query", "coauthors", "--out", str(seed_out))
    assert code == 0, stderr
    table = list(csv.reader(io.StringIO(stdout)))  # piped: CSV
    assert table[0] == ["coauthor", "papers", "ambiguous", "person"]
    assert table[1] == ["Biqing Qi", "12", "false", "Kaiyan Zhang"]
    assert "16 results" in stderr


def test_kg_query_runs_a_file_and_an_ad_hoc_query(seed_out: Path, tmp_path: Path) -> None:
    path = tmp_path / "count.rq"
    path.write_text(
        "# Count\n# Parameters:\n#   t iri = <https://schema.org/ScholarlyArticle>  a class\n"
        "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t\n"
    )
    code, stdout, _ = run("query", str(path), "--out", str(seed_out), "--format", "tsv")
    assert code == 0
    assert stdout.splitlines()[1] == "<https://schema.org/ScholarlyArticle>\t66"
    code, stdout, _ = run(
        "query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://schema.org/Person> }",
        "--out", str(seed_out),
    )  # fmt: skip
    assert (code, stdout.split()) == (0, ["n", "92"])


def test_the_table_hides_parameter_columns_and_says_their_values(seed_out: Path) -> None:
    args = ("query", "topic-profile", "-p", "person", "Wenyu Du", "--out", str(seed_out))
    code, stdout, stderr = run(*args, "--format", "table")
    assert code == 0
    assert stdout.splitlines()[0].split() == [
        "topic", "papers", "with_code", "first_year", "last_year"
    ]  # fmt: skip
    assert 'person = "Wenyu Du"' in stderr
    # f-Divergence, Cut Your Losses, Learning from Peers (Code), Learning from Failures (Code),
    # Thinker (Code), Finite State Automata (Code), Stacking, Fine-Tuning Mechanisms,
    # Linguistic Dependencies, Syntactic Distance: 10 in CL, 4 with code, 2020 to 2026.
    assert stdout.splitlines()[2].split() == ["cs.CL", "10", "4", "2020", "2026"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-p", "nobody", "x"), "unknown parameter 'nobody' for coauthors (it takes: person)"),
        (("-p", "person", "a", "-p", "person", "b"), "parameter 'person' is given twice"),
        (("-e", "SELECT * {}"), "not both"),
    ],
)
def test_parameter_mistakes_are_usage_errors(
    seed_out: Path, args: tuple[str, ...], message: str
) -> None:
    code, stdout, stderr = run("query", "coauthors", *args, "--out", str(seed_out))
    assert code == 2 and stdout == ""
    assert message in stderr


def test_values_are_typed_from_the_header(seed_out: Path) -> None:
    code, _, stderr = run(
        "query", "collaboration-candidates", "-p", "k", "two", "--out", str(seed_out)
    )
    assert code == 2 and "parameter k is an integer, got 'two'" in stderr
    code, _, stderr = run(
        "query", "top-authors-by-metric", "-p", "metric", "nope", "--out", str(seed_out)
    )
    assert code == 2 and "parameter metric is an iri" in stderr
    header = "# T\n# Parameters:\n#   day date required  a day\nSELECT ?day WHERE {}\n"
    code, _, stderr = run("query", "-e", header, "--out", str(seed_out))
    assert code == 2 and "missing parameter 'day' (date)" in stderr and "-p day VALUE" in stderr
    code, _, stderr = run("query", "-e", header, "-p", "day", "2024-13-01", "--out", str(seed_out))
    assert code == 2 and "parameter day is a date" in stderr
    code, stdout, _ = run(
        "query", "-e", header, "-p", "day", "2024-12-01", "--format", "tsv", "--out", str(seed_out)
    )
    assert (
        code == 0
        and stdout.splitlines()[1] == '"2024-12-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    )


def test_an_unknown_query_name_lists_the_known_ones() -> None:
    code, _, stderr = run("query", "coauthor")
    assert code == 2 and "no saved query 'coauthor'" in stderr and "coauthors" in stderr
    code, _, stderr = run("query", "missing.rq")
    assert code == 2 and "no query file missing.rq" in stderr


# -- safety: binding, read-only, errors ---------------------------------------------------


def count_triples(store_dir: Path) -> int:
    store = ox.Store.read_only(str(store_dir))
    return len(store)


def test_an_injection_attempt_is_just_a_string_that_matches_nothing(seed_out: Path) -> None:
    before = count_triples(seed_out / "store")
    for value in NASTY:
        code, stdout, stderr = run(
            "query", "coauthors", "-p", "person", value, "--out", str(seed_out), "--format", "json"
        )
        assert code == 0, stderr
        assert json.loads(stdout)["results"]["bindings"] == []
    assert count_triples(seed_out / "store") == before


@pytest.mark.parametrize("value", NASTY)
def test_a_values_block_holds_any_string_as_one_literal(value: str) -> None:
    # What goes to a remote endpoint: the value comes back unchanged, nothing else runs.
    query = from_text(
        '# T\n# Parameters:\n#   v string = ""\nSELECT ?v ?n WHERE { BIND (1 AS ?n) }\n'
    )
    text = with_values(query.text, bind(query, [("v", value)]))
    assert text.count("\n") == query.text.count("\n"), "the block keeps the line numbers"
    result = ox.Store().query(text)
    assert isinstance(result, ox.QuerySolutions)
    rows = list(result)
    assert len(rows) == 1 and rows[0]["v"] == ox.Literal(value)
    assert rows[0]["n"] == ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))


def test_values_go_into_the_top_level_where_group() -> None:
    bindings = {"x": ox.Literal("a")}
    cases = {
        "SELECT ?x (EXISTS { ?s ?p ?o } AS ?e) { ?s ?p ?o }": '{ VALUES (?x) { ("a") } ?s',
        'PREFIX : <http://e/#x> SELECT ?x WHERE { ?s :p "{" }': "WHERE { VALUES",
        "# {\nCONSTRUCT { ?s ?p ?x } WHERE { { ?s ?p ?o } }": "WHERE { VALUES",
        "SELECT ?x WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }": "WHERE { VALUES",
        "ASK { ?x ?p ?o }": "ASK { VALUES",
    }
    for text, expected in cases.items():
        assert expected in with_values(text, bindings), text
    with pytest.raises(UsageError, match="short form"):
        with_values("CONSTRUCT WHERE { ?s ?p ?x }", bindings)


def test_an_update_is_refused_unless_allowed(seed_out: Path, tmp_path: Path) -> None:
    before = count_triples(seed_out / "store")
    for update in ("DROP ALL", "PREFIX : <http://e/> INSERT DATA { :a :b :c }", "CLEAR DEFAULT"):
        code, _, stderr = run("query", "-e", update, "--out", str(seed_out))
        assert code == 2 and "--allow-update" in stderr
    assert count_triples(seed_out / "store") == before
    copy = tmp_path / "out"
    shutil.copytree(seed_out / "store", copy / "store")
    insert = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"
    code, _, stderr = run("query", "-e", insert, "--allow-update", "--out", str(copy))
    assert code == 0 and "update done" in stderr
    code, stdout, _ = run("query", "-e", "ASK { <http://e/a> ?p ?o }", "--out", str(copy))
    assert (code, stdout.strip()) == (0, "true")


def test_a_malformed_query_gives_line_and_column(seed_out: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run("query", "-e", "SELECT ?x WHERE { ?x ?y }", "--out", str(seed_out))
    assert code == 2 and stdout == ""
    assert re.search(r"error at 1:\d+", stderr), stderr
    broken = tmp_path / "broken.rq"
    broken.write_text("# Broken\n\nPREFIX : <http://e/>\nSELECT ?x\nWHERE {\n  ?x nope:p ?y .\n}\n")
    code, _, stderr = run("query", str(broken), "--out", str(seed_out))
    assert code == 2
    assert f"{broken}: error at 6:12: " in stderr  # line 6 of the file: "nope:" is unknown
    code, _, stderr = run(
        "query", "-e", "SELECT ?x WHERE { ?x unknown:p ?y }", "--out", str(seed_out)
    )
    assert code == 2 and re.search(r"1:\d+", stderr)


def test_no_store_is_an_io_failure(tmp_path: Path) -> None:
    code, _, stderr = run("query", "coauthors", "--out", str(tmp_path / "nothing"))
    assert code == 3 and "kg build" in stderr


# -- output formats -----------------------------------------------------------------------


def test_every_output_format_parses_back(seed_out: Path, tmp_path: Path) -> None:
    base = ("query", "organisation-pairs", "--out", str(seed_out))
    outputs = {fmt: run(*base, "--format", fmt)[1] for fmt in ("csv", "tsv", "json", "xml", "md")}
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert [(r["organisation_1"], r["papers"]) for r in rows] == [
        ("Peking University", "3"),
        ("Stanford University", "1"),
    ]
    for fmt, kind in (
        ("tsv", ox.QueryResultsFormat.TSV),
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
    ):
        parsed = ox.parse_query_results(outputs[fmt], kind)
        assert isinstance(parsed, ox.QuerySolutions)
        got = [(s["organisation_1"], s["papers"]) for s in parsed]
        integer = ox.NamedNode(XSD + "integer")
        assert got == [
            (ox.Literal("Peking University"), ox.Literal("3", datatype=integer)),
            (ox.Literal("Stanford University"), ox.Literal("1", datatype=integer)),
        ], fmt
    document = json.loads(outputs["json"])
    assert document["head"]["vars"] == ["organisation_1", "organisation_2", "papers", "first_title"]
    root = ET.fromstring(outputs["xml"])
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
    md = outputs["md"].splitlines()
    assert md[0] == "| organisation_1 | organisation_2 | papers | first_title |"
    assert md[1] == "|---|---|---|---|" and len(md) == 4
    target = tmp_path / "pairs.json"
    code, stdout, _ = run(*base, "-o", str(target))  # the format from the extension
    assert code == 0 and stdout == ""
    assert json.loads(target.read_text()) == document


def test_ask_and_construct_results(seed_out: Path) -> None:
    code, stdout, _ = run("query", "-e", "ASK { ?s a <https://w3id.org/kg/ns#AmbiguousCreator> }",
                          "--out", str(seed_out), "--format", "json")  # fmt: skip
    assert code == 0 and json.loads(stdout) == {"head": {}, "boolean": True}
    construct = (
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
        'CONSTRUCT { ?p foaf:name ?n } WHERE { ?p foaf:name ?n FILTER (?n = "Wenyu Du") }'
    )
    code, stdout, _ = run("query", "-e", construct, "--out", str(seed_out))
    assert code == 0
    triples = list(ox.parse(stdout.encode(), ox.RdfFormat.N_TRIPLES))
    assert [t.object for t in triples] == [ox.Literal("Wenyu Du")]
    code, _, stderr = run("query", "-e", construct, "--out", str(seed_out), "--format", "csv")
    assert code == 2 and "graph" in stderr
