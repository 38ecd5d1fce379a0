"""The seed papers against the snapshot fixture written for them (tests/cases/arxiv/),
end to end through ``link_papers`` (issue #19)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from kg.link.model import Link, Linking, Wanted
from kg.link.report import linking_json, linking_text
from kg.link.run import link_papers

Seeds = tuple[list[Wanted], set[str]]


def run(seed_papers: Seeds, path: Path) -> tuple[Linking, dict[str, str]]:
    papers, known = seed_papers
    titles = {p.iri: p.title or f"abstract:{p.line}" for p in papers}
    return link_papers(papers, path, known), titles


def links_by_title(linking: Linking, titles: dict[str, str]) -> dict[str, Link]:
    return {titles[link.paper]: link for link in linking.links}


def test_the_seed_papers_link_to_their_records(seed_papers: Seeds, snapshot_file: Path) -> None:
    linking, titles = run(seed_papers, snapshot_file)
    linked = {t: link.arxiv_id for t, link in links_by_title(linking, titles).items()}
    assert linked == {
        "Sparse Low-rank Adaptation of Pre-trained Language Models": "2311.11696",
        "TTRL: Test-Time Reinforcement Learning": "2504.16084",
        "Application of Convolutional Neural Networks with Quasi-Reversibility Method "
        "Results for Option Forecasting": "2208.12345",
        "f-Divergence Minimization for Sequence-Level Knowledge Distillation": "2307.15190",
        "Graphix-T5: Mixing Pre-Trained Transformers with Graph-Aware Layers for "
        "Text-to-SQL Parsing": "2301.07507",
        "Post-Trained MoE Can Skip Half Experts via Self-Distillation": "2605.11111",
        "Linguistic Dependencies and Statistical Dependence": "2104.08685",
        "Process Reinforcement through Implicit Rewards": "2502.01456",  # not its namesake
        "Stacking Your Transformers: A Closer Look at Model Growth for Efficient LLM "
        "Pre-Training": "2403.15246",  # the page shows v2's date
        "abstract:8": "2601.05432",  # an abstract-only paper, by its abstract
        "ScaleCUA: Scaling Open-Source Computer Use Agents with Cross-Platform Data": "2509.15221",
    }
    assert linking.snapshot.records == 24 and linking.snapshot.newest_update == "2026-06-30"


def test_ambiguous_contradicted_and_not_found(seed_papers: Seeds, snapshot_file: Path) -> None:
    linking, titles = run(seed_papers, snapshot_file)
    assert [(titles[p], ids) for p, ids in linking.ambiguous] == [
        ("Learning from Peers in Reasoning Models", ("2505.07787", "2505.07999"))
    ]
    contradicted = {titles[p]: (i, why) for p, i, why in linking.contradicted}
    assert contradicted.keys() == {
        "Unlocking Continual Learning Abilities in Language Models",  # the date
        "Thinker: Learning to Think Fast and Slow",  # another first author
        "Learning from Failures in Multi-Attempt Reinforcement Learning",  # one author more
        "abstract:12",  # the profile's owner is not an author
    }
    assert (
        "printed date 2024-06-25"
        in contradicted["Unlocking Continual Learning Abilities in Language Models"][1]
    )
    not_found = {titles[p] for p in linking.not_found}
    assert "The Station: An Open-World Environment for AI-Driven Discovery" in not_found
    assert "FlowRL: Matching Reward Distributions for LLM Reasoning" in not_found  # bad line
    papers = seed_papers[0]
    assert len(linking.links) + len(not_found) + 1 + len(contradicted) == len(papers)
    warned = {(d.source, d.line) for d in linking.diagnostics}
    assert ("003_1e15edc5c0b8441e.txt", 10) in warned  # the ambiguous one
    assert ("003_1e15edc5c0b8441e.txt", 34) in warned  # contradicted by the date
    assert ("metadata.jsonl", 25) in warned


def test_a_link_carries_the_records_facts(seed_papers: Seeds, snapshot_file: Path) -> None:
    linking, titles = run(seed_papers, snapshot_file)
    by_title = links_by_title(linking, titles)
    option = next(v for k, v in by_title.items() if k.startswith("Application of"))
    assert option.doi == "10.5555/qrm.2022.0114"
    assert option.categories == ("q-fin.ST", "cs.LG")  # the page printed "ST"
    assert option.title.endswith("Quasi-Reversibility Method Results for Option Forecasting")
    ttrl = by_title["TTRL: Test-Time Reinforcement Learning"]
    assert ttrl.arxiv_id == "2504.16084" and ttrl.categories == ("cs.CL", "cs.LG")
    assert ttrl.submitted == "2025-04-22" and len(ttrl.authors) == 16
    stacking = next(v for k, v in by_title.items() if k.startswith("Stacking"))
    assert stacking.submitted == "2024-03-10"


def test_authors_are_reconciled_with_the_names_the_graph_knows(
    seed_papers: Seeds, snapshot_file: Path
) -> None:
    linking, titles = run(seed_papers, snapshot_file)
    by_title = links_by_title(linking, titles)
    graphix = next(v for k, v in by_title.items() if k.startswith("Graphix"))
    shown = [(a.name, a.known_as) for a in graphix.authors]
    assert shown[2] == ("R. Cheng", "Reynold Cheng")  # an initial at a printed position
    assert shown[7] == ("Wenyu Du", "Wenyu Du")  # past et al., a name the pages print
    assert shown[3] == ("Bowen Qin", None)  # new to the graph
    moe = by_title["Post-Trained MoE Can Skip Half Experts via Self-Distillation"]
    assert (moe.authors[0].family, moe.authors[0].known_as) == ("Xingtai", "Xingtai Lv")
    hoover = by_title["Linguistic Dependencies and Statistical Dependence"]
    assert [a.name for a in hoover.authors[3:]] == [
        "Timothy J. O'Donnell",
        "Jörg Müller Jr",  # TeX accents in the record
        "Zdeněk Žabokrtský",
    ]
    scale = next(v for k, v in by_title.items() if k.startswith("ScaleCUA"))
    assert scale.group == "OpenGVLab" and scale.authors[0].known_as == "Zhaoyang Liu"
    assert scale.authors[3].known_as == "Biqing Qi"


def test_linking_is_deterministic_and_gzip_changes_only_the_hash(
    seed_papers: Seeds, snapshot_file: Path, tmp_path: Path
) -> None:
    first, _ = run(seed_papers, snapshot_file)
    again, _ = run((list(reversed(seed_papers[0])), seed_papers[1]), snapshot_file)
    assert linking_json(first) == linking_json(again)
    assert list(first.links) == sorted(first.links, key=lambda link: link.paper)
    packed = tmp_path / "metadata.jsonl.gz"
    packed.write_bytes(gzip.compress(snapshot_file.read_bytes()))
    zipped, _ = run(seed_papers, packed)
    assert zipped.links == first.links and zipped.ambiguous == first.ambiguous


def test_the_report(seed_papers: Seeds, snapshot_file: Path) -> None:
    linking, _ = run(seed_papers, snapshot_file)
    text = linking_text(linking)
    assert "metadata.jsonl (24 records, newest update 2026-06-30, sha256 " in text
    assert "linked:       11" in text and "ambiguous:    1" in text
    assert "contradicted: 4" in text and "arXiv:2505.07787, arXiv:2505.07999" in text
    assert "not found:    50" in text
    document = json.loads(linking_json(linking))
    assert (document["format"], document["version"]) == ("kg-linking", 1)
    assert document["counts"] == {"linked": 11, "not_found": 50, "ambiguous": 1, "contradicted": 4}
    assert document["snapshot"]["sha256"] == linking.snapshot.sha256
    assert document["links"][0]["authors"][0].keys() == {"name", "family", "given", "known_as"}
