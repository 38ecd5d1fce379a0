"""``kg why IRI``: the pages and lines that introduce an entity, and the seeds' facts
(issue #16)."""

from __future__ import annotations

import re

import pytest
from kgtest import ROOT
from whytest import LISTINGS, PAPER, TITLE, Built

from kg.graph.identity import MERGE_RULES

KG = "https://w3id.org/kg/ns#"


def test_a_paper_is_introduced_by_its_listings(captures: Built) -> None:
    code, answer = captures.why_json(f"<{PAPER}>")
    assert code == 0 and answer["kind"] == "entity" and answer["found"] is True
    assert "<https://schema.org/ScholarlyArticle>" in answer["types"]
    introduced = answer["introduced_by"]
    assert introduced["source"] == "merged"
    assert [(e["path"], e["line"]) for e in introduced["evidence"]] == [
        (r["source"], r["line"]) for r in captures.records
    ]
    assert {e["printed"] for e in introduced["evidence"]} == {TITLE}
    assert f"{len(LISTINGS)} listings on {len(LISTINGS)} pages" in introduced["summary"]


def test_a_person_is_introduced_by_the_lines_that_print_their_name(captures: Built) -> None:
    longest = max(LISTINGS, key=lambda x: len(x.authors))
    (name,) = set(longest.authors) - {a for x in LISTINGS if x is not longest for a in x.authors}
    code, answer = captures.why_json(f"person:{name.replace(' ', '_')}")
    assert code == 0
    (evidence,) = answer["introduced_by"]["evidence"]  # the other listings do not print it
    assert evidence["path"] == next(r["source"] for r in captures.records if name in r["authors"])
    assert (evidence["printed"], evidence["status"]) == (name, "mentions")
    silent = len(LISTINGS) - 1
    assert (
        f"({silent} more listings of its papers do not print it)"
        in answer["introduced_by"]["summary"]
    )


def test_an_unknown_iri_exits_1(captures: Built) -> None:
    code, answer = captures.why_json("paper:000000000000")
    assert code == 1 and answer["found"] is False and answer["introduced_by"] is None
    assert list(answer) == ["kind", "query", "found", "types", "graphs", "introduced_by", "notes"]


def test_a_taxonomy_concept_says_no_page_printed_it(captures: Built) -> None:
    code, answer = captures.why_json("arxiv:cs")
    assert code == 0
    assert answer["introduced_by"]["source"] == "taxonomy"
    assert "no page printed it" in answer["introduced_by"]["summary"]


def test_limit_and_all(seeds_built: Built) -> None:
    """An organisation many seed listings print: shown up to the limit, or all."""
    _, every = seeds_built.why_json("<https://kg.example.org/org/tsinghua>", "--all")
    total = every["introduced_by"]["evidence_total"]
    assert total == len(every["introduced_by"]["evidence"]) > 2
    _, some = seeds_built.why_json("org:tsinghua", "--limit", "2")
    assert len(some["introduced_by"]["evidence"]) == 2
    assert some["introduced_by"]["evidence_total"] == total
    code, stdout, _ = seeds_built.why("org:tsinghua", "--limit", "2")
    assert code == 0 and f"... and {total - 2} more (--all lists them)" in stdout


def test_a_seed_paper_whose_pages_disagree_on_the_code_flag(seeds_built: Built) -> None:
    """The README's example, found in the seeds rather than named: a paper whose listings'
    code flags differ; the merged flag is true and names any-code-evidence."""
    flags = {
        quad.split(" ", 1)[0][1:-1]: '"true"' in quad
        for quad in seeds_built.quads(f"<{KG}codeFlag>")
    }
    papers: dict[str, list[tuple[str, bool]]] = {}
    for quad in seeds_built.quads(f"<{KG}listedPaper>"):
        listing, _, paper = quad.split(" ")[:3]
        papers.setdefault(paper, []).append((listing[1:-1], flags[listing[1:-1]]))
    paper = min(p for p, seen in papers.items() if len({flag for _, flag in seen}) > 1)
    code, answer = seeds_built.why_json(f"{paper} kg:hasCode true")
    assert code == 0
    (origin,) = answer["origins"]
    assert [r["name"] for r in origin["rules"]] == ["any-code-evidence"]
    assert origin["pages_disagree"] is True
    by_listing = dict(papers[paper])
    for evidence in origin["evidence"]:
        said = by_listing[evidence["listing"]]
        assert evidence["status"] in (("chosen", "agrees") if said else ("differs",))


def test_an_inferred_owner_shows_the_full_author_lists(seeds_built: Built) -> None:
    owners = seeds_built.quads(f"<{KG}inferredOwner>")
    if not owners:
        pytest.skip("this build infers no owners yet")
    page, _, person = owners[0].split(" ")[:3]
    (count,) = [q for q in seeds_built.quads(f"<{KG}inferredOwnerEvidence>") if q.startswith(page)]
    code, answer = seeds_built.why_json(f"{page} kg:inferredOwner {person}")
    assert code == 0
    (origin,) = answer["origins"]
    assert [r["name"] for r in origin["rules"]] == ["inferred-owner"]
    assert len(origin["evidence"]) == int(count.split('"')[1])
    assert all(origin["value"] in e["printed"] for e in origin["evidence"])


def test_every_rule_name_is_in_the_model() -> None:
    """The names are a contract: MODEL.md's "Merge rules" table lists exactly these."""
    model = (ROOT / "ontology" / "MODEL.md").read_text(encoding="utf-8")
    section = model.split("## Merge rules", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"^\| `([a-z-]+)` \|", section, re.M)
    assert named == list(MERGE_RULES)
