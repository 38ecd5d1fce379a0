"""Helpers the SHACL tests share (imported as ``shapecases``; pytest puts tests/shacl/ on the
path): the base graph of the shape cases, the case folders, and the corrupted seeds.

A case folder tests/shacl/cases/<id>/ holds ``case.toml``: the shape (local name in kgsh:),
the focus node that must be reported (a prefixed name or <IRI> of the base graph; "_:" for any
blank node), the severity (default "violation"), and the Turtle triples (with the base graph's
prefixes) to ``remove`` from and ``add`` to the base graph to break it; ``good_remove`` and
``good_add`` silence the notes the base raises by design. ``expected.json`` holds what the
broken graph reports for that shape and focus node (golden: ``--update-golden``).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.shacl.report import Report, Result

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
BASE_TTL = (HERE / "cases_shapes" / "base.ttl").read_text(encoding="utf-8")
SHACL_SHACL = HERE / "cases_shapes" / "shacl-shacl.ttl"
PREFIXES = "".join(line + "\n" for line in BASE_TTL.splitlines() if line.startswith("@prefix"))
BASE = "https://kg.example.org/"
KGSH = "https://w3id.org/kg/shapes#"
KG = "https://w3id.org/kg/ns#"


@dataclass(frozen=True)
class Case:
    name: str  # the folder's name
    n: int  # its position among the folders: the case's base IRI is BASE + f"c{n}/"
    shape: str
    focus: str
    severity: str = "violation"
    remove: str = ""
    add: str = ""
    good_remove: str = ""
    good_add: str = ""

    @property
    def folder(self) -> Path:
        return CASES / self.name

    @property
    def focus_iri(self) -> str:
        """The focus node as reported: an IRI under the case's base, or "_:" for any blank node."""
        return "_:" if self.focus == "_:" else expand(self.focus, self.n)

    def graph(self, good: bool) -> set[ox.Triple]:
        """The base graph under the case's base IRI, broken (or, if ``good``, not)."""
        remove, add = (self.good_remove, self.good_add) if good else (self.remove, self.add)
        triples = parse(BASE_TTL, self.n)
        gone = parse(remove, self.n)
        assert gone <= triples, f"{self.name}: removes triples the base does not have"
        return (triples - gone) | parse(add, self.n)


def load_cases() -> list[Case]:
    names = sorted(p.name for p in CASES.iterdir() if (p / "case.toml").is_file())
    cases = []
    for n, name in enumerate(names):
        fields = tomllib.loads((CASES / name / "case.toml").read_text(encoding="utf-8"))
        cases.append(Case(name, n, **fields))
    return cases


CASES_LIST = load_cases()


def parse(turtle: str, n: int | None = None) -> set[ox.Triple]:
    """Turtle (with the base graph's prefixes), under case n's base IRI if n is given."""
    text = PREFIXES + turtle
    text = rebase(text, n) if n is not None else text
    return {q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}


def rebase(text: str, n: int) -> str:
    return text.replace(BASE, f"{BASE}c{n}/")


def expand(name: str, n: int) -> str:
    """A prefixed name or <IRI> of the base graph, as the IRI case n gives it."""
    if name.startswith("<"):
        return rebase(name[1:-1], n)
    prefix, local = name.split(":", 1)
    namespace = re.search(rf"@prefix {re.escape(prefix)}:\s+<([^>]*)>", PREFIXES)
    assert namespace, name
    return rebase(namespace.group(1) + local, n)


def found(report: Report, shape: str, focus: str) -> list[Result]:
    """The results of kgsh:shape for the focus node ("_:": any blank node)."""
    iri = KGSH + shape
    return [
        r
        for r in report.results
        if r.shape == iri and (r.focus == focus or (focus == "_:" and r.focus.startswith("_:")))
    ]


def findings_json(case: Case, results: Iterable[Result]) -> str:
    """The results as expected.json holds them: under the base IRI again, blank nodes as
    "_:b" (their labels are random), without the shape and focus node case.toml gives."""
    rows = []
    for r in results:
        row = {
            "severity": r.severity.value,
            "path": r.path,
            "value": r.value,
            "message": r.message,
            "component": r.component,
            "constraint": r.constraint,
            "source": r.source,
            "line": r.line,
        }
        text = json.dumps(row, ensure_ascii=False, sort_keys=True)
        text = text.replace(f"{BASE}c{case.n}/", BASE)
        rows.append(json.loads(re.sub(r"_:[A-Za-z0-9]+", "_:b", text)))
    rows.sort(key=lambda row: json.dumps(row, sort_keys=True))
    return json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def as_quads(triples: Iterable[ox.Triple]) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object) for t in triples]


PAPER = BASE + "paper/0e02fe5046c5"
LISTING = BASE + "page/002_1a5fe52f65ecc1db.txt/L10"


def corrupt(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The seed graph with a missing title, a repeated ordinal, a wrong datatype and a
    dangling link (each change made in every page graph that holds the triple)."""
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    edits = {
        (PAPER, "http://purl.org/dc/terms/title"): None,
        (PAPER + "/authorship/3", KG + "ordinal"): ox.Literal("2", datatype=integer),
        (LISTING, KG + "line"): ox.Literal("10"),
        (LISTING, KG + "listedPaper"): ox.NamedNode(BASE + "paper/ffffffffffff"),
    }
    out = []
    for q in quads:
        key = (q.subject.value, q.predicate.value)  # type: ignore[union-attr]
        if key not in edits:
            out.append(q)
        elif edits[key] is not None:
            out.append(ox.Quad(q.subject, q.predicate, edits[key], q.graph_name))  # type: ignore[arg-type]
    return out
