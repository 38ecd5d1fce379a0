"""Fixtures of the kg.load tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from kgtest import build
from loadtest import SEEDS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SEEDS, tmp_path_factory.mktemp("built"))
