"""Fixtures the graph tests share."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"


@pytest.fixture(scope="module")
def kg_graph() -> Graph:
    """Our ontology, ontology/kg.ttl, parsed by rdflib."""
    return Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")
