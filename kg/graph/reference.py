"""Reference data shipped in ``ontology/``: the arXiv taxonomy and organisation names.

Read once per run; the mapping receives them as plain values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.resources import ONTOLOGY_DIR

ARXIV_SCHEME = "https://w3id.org/kg/arxiv/"
TAXONOMY_GRAPH = "https://w3id.org/kg/arxiv"
_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"


@dataclass(frozen=True)
class Reference:
    notations: frozenset[str]  # every arXiv category notation, e.g. "cs.CL", "hep-th"
    organisations: dict[str, str]  # code -> readable name
    taxonomy: tuple[ox.Triple, ...]  # the SKOS scheme, for its own named graph

    def candidates(self, code: str) -> list[str]:
        """Categories a printed code may mean: ``CL`` -> [cs.CL]; ``CO`` -> three."""
        if code in self.notations:
            return [code]
        return list(_by_suffix(self.notations).get(code, ()))


@cache
def _by_suffix(notations: frozenset[str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for notation in sorted(notations):
        if "." in notation:
            table.setdefault(notation.split(".", 1)[1], []).append(notation)
    return {code: tuple(found) for code, found in table.items()}


@cache
def load_reference(ontology_dir: Path = ONTOLOGY_DIR) -> Reference:
    triples = tuple(
        sorted(
            (
                q.triple
                for q in ox.parse(path=str(ontology_dir / "arxiv.ttl"), format=ox.RdfFormat.TURTLE)
            ),
            key=str,
        )
    )
    notations = frozenset(
        t.object.value
        for t in triples
        if t.predicate.value == _NOTATION and isinstance(t.object, ox.Literal)
    )
    organisations = json.loads((ontology_dir / "organisations.json").read_text(encoding="utf-8"))
    return Reference(notations, dict(organisations), triples)
