"""``kg why 'S P O'``: where a fact comes from (issue #16).

The expected values are worked out from what the fixture's pages print (conftest.LISTINGS),
never copied from the output.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from kgtest import run
from whytest import LISTINGS, PAPER, TITLE, Built, Listing

from kg.graph.identity import MERGE_RULES
from kg.graph.reference import load_reference

ARXIV = "https://w3id.org/kg/arxiv/"


def most_frequent_category(listings: tuple[Listing, ...]) -> str:
    """The rule, worked by hand: the most printed code; ties: the first printed."""
    counts = Counter(listing.category for listing in listings)
    top = max(counts.values())
    return next(listing.category for listing in listings if counts[listing.category] == top)


def topic(code: str) -> str:
    (notation,) = load_reference().candidates(code)
    return f"<{ARXIV}{notation}>"


def places(origin: dict[str, Any]) -> list[tuple[str, int]]:
    return [(e["path"], e["line"]) for e in origin["evidence"]]


def record_places(built: Built) -> list[tuple[str, int]]:
    return [(r["source"], r["line"]) for r in built.records]


def test_a_merged_category_names_its_rule_and_every_page_that_disagrees(captures: Built) -> None:
    chosen = most_frequent_category(LISTINGS)
    code, answer = captures.why_json(f"<{PAPER}> dcterms:subject {topic(chosen)}")
    assert code == 0
    (origin,) = answer["origins"]
    assert origin["source"] == "merged"
    assert [r["name"] for r in origin["rules"]] == ["most-frequent-category"]
    assert origin["rules"][0]["text"] == MERGE_RULES["most-frequent-category"]
    assert origin["value"] == chosen
    assert origin["pages_disagree"] is (len({x.category for x in LISTINGS}) > 1)
    assert places(origin) == record_places(captures)
    assert [e["printed"] for e in origin["evidence"]] == [x.category for x in LISTINGS]
    first = next(i for i, x in enumerate(LISTINGS) if x.category == chosen)
    expected = [
        "chosen" if i == first else "agrees" if x.category == chosen else "differs"
        for i, x in enumerate(LISTINGS)
    ]
    assert [e["status"] for e in origin["evidence"]] == expected


def test_the_date_the_code_flag_and_the_author_list_each_name_their_rule(captures: Built) -> None:
    earliest = min(x.iso_date for x in LISTINGS)
    longest = max(LISTINGS, key=lambda x: len(x.authors))
    any_code = any(x.code for x in LISTINGS)
    asked = {
        "printed-year-then-earliest": (
            f'dcterms:issued "{earliest}"^^xsd:date',
            earliest,
            [x.iso_date for x in LISTINGS],
        ),
        "any-code-evidence": (
            f"kg:hasCode {str(any_code).lower()}",
            str(any_code).lower(),
            ["Code" if x.code else "no Code" for x in LISTINGS],
        ),
        "longest-author-list": (
            f"kg:shownAuthorCount {len(longest.authors)}",
            ", ".join(longest.authors),
            [", ".join(x.authors) + (" et al." if x.et_al else "") for x in LISTINGS],
        ),
    }
    for rule, (fact, value, printed) in asked.items():
        code, answer = captures.why_json(f"paper:{PAPER.rsplit('/', 1)[1]} {fact}")
        assert code == 0, fact
        (origin,) = answer["origins"]
        assert [r["name"] for r in origin["rules"]] == [rule]
        assert origin["value"] == value
        assert origin["pages_disagree"] is True
        assert [e["printed"] for e in origin["evidence"]] == printed
        assert [e["status"] for e in origin["evidence"]].count("chosen") == 1


def test_the_text_answer_shows_the_rule_the_lines_and_the_disagreement(captures: Built) -> None:
    chosen = most_frequent_category(LISTINGS)
    code, stdout, stderr = captures.why(f"<{PAPER}> dcterms:subject {topic(chosen)}")
    assert code == 0 and stderr == ""
    assert f"rule most-frequent-category: {MERGE_RULES['most-frequent-category']}" in stdout
    assert f"value: {chosen} (the pages disagree)" in stdout
    rows = [line.split() for line in stdout.splitlines() if line.startswith("    ")][2:]
    for (source, line), listing, row in zip(record_places(captures), LISTINGS, rows, strict=True):
        assert row[1] == f"{source}:{line}"
        assert row[-1] == listing.category
        assert row[0] == ("differs" if listing.category != chosen else row[0])


def test_a_union_member_is_printed_by_the_pages_that_print_it(captures: Built) -> None:
    (listing,) = [x for x in LISTINGS if x.affiliation == "pku"]
    code, answer = captures.why_json(f"<{PAPER}> kg:affiliatedOrganization org:pku")
    assert code == 0
    (origin,) = answer["origins"]
    assert [r["name"] for r in origin["rules"]] == ["union"]
    said = {e["path"].rsplit("/", 1)[-1]: e["status"] for e in origin["evidence"]}
    assert said == {
        x.path.rsplit("/", 1)[-1]: "agrees" if x is listing else "silent" for x in LISTINGS
    }


def test_a_creator_from_the_longest_list_only(captures: Built) -> None:
    longest = max(LISTINGS, key=lambda x: len(x.authors))
    (name,) = set(longest.authors) - {a for x in LISTINGS if x is not longest for a in x.authors}
    code, answer = captures.why_json(f"<{PAPER}> dcterms:creator person:{name.replace(' ', '_')}")
    assert code == 0
    (origin,) = answer["origins"]
    assert [r["name"] for r in origin["rules"]] == ["longest-author-list"]
    assert origin["value"] == name
    assert [e["status"] for e in origin["evidence"]] == [
        "agrees" if x is longest else "silent" for x in LISTINGS
    ]


def test_seen_first_and_last_come_from_the_capture_dates(captures: Built) -> None:
    if not captures.quads("<https://w3id.org/kg/ns#firstSeen>"):
        pytest.skip("this build does not record kg:firstSeen yet")
    dates = [captured_on(captures, listing) for listing in LISTINGS]
    for predicate, rule, value in (
        ("kg:firstSeen", "seen-first", min(dates)),
        ("kg:lastSeen", "seen-last", max(dates)),
    ):
        code, answer = captures.why_json(f'<{PAPER}> {predicate} "{value}"^^xsd:date')
        assert code == 0
        (origin,) = answer["origins"]
        assert [r["name"] for r in origin["rules"]] == [rule]
        assert [e["captured_on"] for e in origin["evidence"]] == dates
        assert origin["evidence"][dates.index(value)]["status"] == "chosen"


def captured_on(built: Built, listing: Listing) -> str:
    """The capture date the build gave the page of ``listing`` (its folder's, if read)."""
    name = listing.path.rsplit("/", 1)[-1]
    (line,) = [q for q in built.quads("<https://w3id.org/kg/ns#capturedOn>") if f"{name}> " in q]
    return line.split('"')[1]


def test_a_page_fact_names_its_page_line_and_capture_date(captures: Built) -> None:
    first = captures.records[0]
    (quad,) = [
        q
        for q in captures.quads("<https://w3id.org/kg/ns#printedCategory>")
        if q.startswith(f"<{page_iri(captures, first)}/L{first['line']}>")
    ]
    code, answer = captures.why_json(quad.rsplit(" ", 2)[0])
    assert code == 0
    (origin,) = answer["origins"]
    assert origin["source"] == "page" and origin["graph"] == page_iri(captures, first)
    (evidence,) = origin["evidence"]
    assert (evidence["path"], evidence["line"]) == (first["source"], first["line"])
    assert evidence["printed"] == first["category"] and evidence["status"] == "printed"
    assert evidence["captured_on"] == captured_on(captures, LISTINGS[0])


def page_iri(built: Built, record: dict[str, Any]) -> str:
    (line,) = [
        q
        for q in built.quads("<http://purl.org/dc/terms/identifier>")
        if f'"{record["source"]}"' in q
    ]
    return line.split(" ", 1)[0][1:-1]


@pytest.mark.parametrize(
    ("needle", "source"),
    [
        ("<https://w3id.org/kg/ns#numberOfPapers>", "statistics"),
        ("<http://www.w3.org/2004/02/skos/core#broader>", "taxonomy"),
        ("<http://rdfs.org/ns/void#triples>", "dataset"),
    ],
)
def test_a_fact_no_page_printed_names_its_source(captures: Built, needle: str, source: str) -> None:
    quad = captures.quads(needle)[0]
    triple = quad.rsplit(" ", 2)[0]  # N-Quads -> the triple, as N-Triples terms
    code, answer = captures.why_json(triple)
    assert code == 0
    (origin,) = answer["origins"]
    assert origin["source"] == source
    assert origin["graph"] == quad.rsplit(" ", 2)[1][1:-1]
    assert "no page printed it" in origin["summary"]
    assert origin["evidence"] == [] and origin["rules"] == []


def test_prefixed_names_and_full_iris_ask_the_same(captures: Built) -> None:
    short = f"paper:{PAPER.rsplit('/', 1)[1]} dcterms:title {quoted(TITLE)}"
    full = f"<{PAPER}> <http://purl.org/dc/terms/title> {quoted(TITLE)} ."
    three = [f"paper:{PAPER.rsplit('/', 1)[1]}", "dcterms:title", quoted(TITLE)]
    answers = [captures.why_json(short), captures.why_json(full), captures.why_json(*three)]
    assert answers[0] == answers[1] == answers[2]
    code, answer = answers[0]
    assert code == 0 and answer["query"][0] == f"<{PAPER}>"
    assert answer["origins"][0]["rules"][0]["name"] == "first-titled"


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_a_fact_not_in_the_graph_exits_1_and_says_what_is_there(captures: Built) -> None:
    chosen = most_frequent_category(LISTINGS)
    (other,) = {x.category for x in LISTINGS} - {chosen}
    code, answer = captures.why_json(f"<{PAPER}> dcterms:subject {topic(other)}")
    assert code == 1
    assert answer["found"] is False and answer["origins"] == []
    assert answer["instead"] == [topic(chosen)]
    code, stdout, _ = captures.why(f"<{PAPER}> dcterms:subject {topic(other)}")
    assert code == 1 and "not in the graph" in stdout


def test_without_the_parse_cache_the_store_still_answers(captures: Built, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(captures.out, out, ignore=shutil.ignore_patterns("parse-cache.pickle"))
    chosen = most_frequent_category(LISTINGS)
    code, stdout, _ = run(
        "why", "--out", str(out), "--format", "json", f"<{PAPER}> dcterms:subject {topic(chosen)}"
    )
    assert code == 0
    answer = json.loads(stdout)
    (origin,) = answer["origins"]
    assert [r["name"] for r in origin["rules"]] == ["most-frequent-category"]
    assert {e["status"] for e in origin["evidence"]} == {"unknown"}
    # the listing keeps its printed category in the store: still shown
    assert [e["printed"] for e in origin["evidence"]] == [x.category for x in LISTINGS]
    assert any("no parse cache" in note for note in answer["notes"])


@pytest.mark.parametrize(
    "arguments",
    [
        ["nope:x"],
        ["paper:x dcterms:title"],
        ["paper:x dcterms:title Some title"],
        ['"a literal"'],
        ["_:b0 a kg:Listing"],
        ["<has space> a kg:Listing"],
        ["paper:x", "dcterms:title"],
    ],
)
def test_malformed_queries_are_usage_errors(captures: Built, arguments: list[str]) -> None:
    code, stdout, stderr = captures.why(*arguments)
    assert code == 2, stderr
    assert stdout == "" and stderr.startswith("Error: ")


def test_no_store_is_an_error_that_says_to_build(tmp_path: Path) -> None:
    code, _, stderr = run("why", "--out", str(tmp_path), "paper:x")
    assert code == 3 and "kg build" in stderr


def test_the_json_keys_are_the_contract(captures: Built) -> None:
    _, answer = captures.why_json(f"<{PAPER}> kg:shownAuthorCount 3")
    assert list(answer) == ["kind", "query", "found", "origins", "instead", "notes"]
    assert list(answer["origins"][0]) == [
        "graph",
        "source",
        "summary",
        "rules",
        "value",
        "pages_disagree",
        "evidence",
        "evidence_total",
        "record",  # the arXiv record behind the fact (issue #19); null for the others
    ]
    assert answer["origins"][0]["record"] is None
    assert list(answer["origins"][0]["evidence"][0]) == [
        "status",
        "page",
        "path",
        "line",
        "listing",
        "captured_on",
        "capture_date_source",
        "printed",
    ]
