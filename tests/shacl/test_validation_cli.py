"""`kg validate` and the validation report kg build writes (issue 4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from kgtest import run
from rdflib.namespace import SH
from shapecases import BASE_TTL, KGSH, parse

P = "paper:0123456789ab"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("out")
    code, _, stderr = run("build", str(seeds_dir), "-o", str(out))
    assert code == 0, stderr
    return out


def test_build_writes_the_validation_report(built: Path) -> None:
    text = (built / "validation.txt").read_text(encoding="utf-8")
    assert text.startswith("Validation: conforms: 0 violations, 5 warnings, 8 infos")
    graph = rdflib.Graph().parse(built / "validation.ttl", format="turtle")
    assert (None, SH.conforms, rdflib.Literal(True)) in graph


def test_validate_the_built_store(built: Path) -> None:
    code, stdout, stderr = run("validate", "--out", str(built))
    assert code == 0
    assert "WARNING kgsh:AmbiguousTopic-ambiguous (ambiguity): 3 results" in stdout
    assert "[002_1a5fe52f65ecc1db.txt:31] topic:CV" in stdout
    summary = r"conforms: 0 violations, 5 warnings, 8 infos \(\d+ triples, 177 shapes\)"
    assert re.fullmatch(f"kg: validation: {summary}\n", stderr), stderr


def test_validate_files(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(BASE_TTL, encoding="utf-8")
    code, stdout, stderr = run("validate", str(good), "--format", "json")
    assert code == 0, stderr
    assert json.loads(stdout)["counts"] == {"info": 2, "violation": 0, "warning": 1}
    assert run("validate", str(good), "--fail-on", "info")[0] == 1
    assert run("validate", str(good), "--fail-on", "warning")[0] == 1
    assert run("validate", str(good), "--fail-on", "never")[0] == 0
    bad = tmp_path / "bad.nt"
    triples = parse(BASE_TTL) - parse(f'{P} dcterms:title "A titled paper" .')
    bad.write_bytes(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"")
    report_file = tmp_path / "report.ttl"
    code, stdout, stderr = run("validate", str(bad), "--format", "turtle", "-o", str(report_file))
    assert code == 1 and stdout == ""
    assert "2 violations" in stderr  # no title; and so not kg:UntitledArticle either
    graph = rdflib.Graph().parse(report_file, format="turtle")
    assert (None, SH.sourceShape, rdflib.URIRef(KGSH + "PaperTextShape")) in graph
    assert (None, SH.sourceShape, rdflib.URIRef(KGSH + "PaperUntitledShape")) in graph


def test_validate_exit_codes(tmp_path: Path) -> None:
    unknown = tmp_path / "graph.xml"
    unknown.write_text("<rdf/>", encoding="utf-8")
    code, _, stderr = run("validate", str(unknown))
    assert code == 2 and "unknown RDF file extension" in stderr
    code, _, stderr = run("validate", str(tmp_path / "missing.ttl"))
    assert code == 3 and "cannot read" in stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    assert run("validate", str(broken))[0] == 3
    code, _, stderr = run("validate", "--out", str(tmp_path / "nothing"))
    assert code == 3 and "kg build" in stderr
    code, _, stderr = run("validate", str(broken), "--shapes", str(tmp_path / "noshapes"))
    assert code == 3
    assert run("validate", "--fail-on", "sometimes")[0] == 2
