"""Fixtures the ``kg diff`` tests share: the seeds built, and a changed copy built beside
them (tests/diff/changes.py says what changed)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from difftest import Builds, change_seeds
from kgtest import SEEDS, build, run


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    work = tmp_path_factory.mktemp("diff")
    change = change_seeds(SEEDS, work / "pages")
    old = build(SEEDS, work / "old", "-q")
    new = build(work / "pages", work / "new", "-q")
    return Builds(old, new, change)


@pytest.fixture(scope="session")
def document(builds: Builds) -> dict[str, Any]:
    """``kg diff OLD NEW --format json``, parsed."""
    code, stdout, stderr = run("diff", str(builds.old), str(builds.new), "--format", "json")
    assert code == 0, stderr
    parsed: dict[str, Any] = json.loads(stdout)
    return parsed
