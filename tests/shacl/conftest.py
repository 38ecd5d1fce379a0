"""Fixtures the SHACL tests share."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.config import Settings
from kg.pipeline import build_from_paths
from kg.shacl.plan import load_shapes


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    """The shapes in shapes/, as the validator loads them."""
    return load_shapes()


@pytest.fixture(scope="module")
def seed_quads(seeds_dir: Path) -> list[ox.Quad]:
    """The seeds' graph as pyoxigraph quads."""
    return build_from_paths([seeds_dir], Settings()).quads
