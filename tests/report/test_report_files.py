"""kg report (issue 8): file names, the network layout, byte-identical output, atomic
replacement, and the folders it refuses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from kgtest import run

from kg.report.html import slug_for, unique_slugs
from kg.report.site import publish_folder
from kg.report.svg import layout


def test_slugs() -> None:
    assert slug_for("https://kg.example.org/person/Xingyu_Lu", "/person/") == "Xingyu_Lu"
    assert slug_for("https://w3id.org/kg/arxiv/cs.CL", "/arxiv/") == "cs.CL"
    assert slug_for("https://kg.example.org/topic/CV", "/topic/", "code-") == "code-CV"
    other = slug_for("https://kg.example.org/person/Xingyu_Lu/1", "/person/")
    assert re.fullmatch(r"Xingyu_Lu-1-[0-9a-f]{8}", other)
    accented = slug_for("https://kg.example.org/person/Jos%C3%A9_Mar%C3%ADa", "/person/")
    assert re.fullmatch(r"Jose_Maria-[0-9a-f]{8}", accented)
    assert re.fullmatch(
        r"[0-9a-f]{8}", slug_for("https://kg.example.org/person/%E7%8E%8B", "/person/")
    )
    clash = unique_slugs(
        {"https://x/person/Ab": "Ab", "https://x/person/aB": "aB", "https://x/c": "c"}
    )
    assert clash["https://x/c"] == "c"
    assert clash["https://x/person/Ab"].casefold() != clash["https://x/person/aB"].casefold()


def test_network_layout_is_deterministic_and_bounded() -> None:
    edges = ((0, 1, 2), (0, 2, 1), (0, 3, 1), (1, 2, 1))
    first = layout(4, edges)
    layout.cache_clear()
    assert layout(4, edges) == first
    assert first[0] == (0.0, 0.0)
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in first)
    assert len({(round(x, 3), round(y, 3)) for x, y in first}) == 4


@pytest.mark.parametrize("build", ["built", "captured"])
def test_same_store_gives_the_same_bytes(
    build: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Two runs side by side, with different hash seeds, write byte-identical sites. (Side by
    side, not against the fixture's site: queries/ and shapes/ may be edited meanwhile.) The
    seeds, and two captures of one profile (issue 16: charts and changes)."""
    built: Path = request.getfixturevalue(build)
    runs = {}
    for seed in ("1", "4321"):
        folder = tmp_path / f"seed-{seed}"
        command = [sys.executable, "-m", "kg", "report", "--out", str(built), "-o", str(folder)]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs[folder] = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    for process in runs.values():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    first, second = (
        {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        for folder in runs
    )
    assert sorted(first) == sorted(second)
    assert "index.html" in first and any(name.startswith("people/") for name in first)
    different = [name for name in first if first[name] != second[name]]
    assert not different, different[:5]


def test_an_interrupted_write_leaves_the_old_report(tmp_path: Path) -> None:
    folder = tmp_path / "report"
    publish_folder({"index.html": b"old", "people/a.html": b"a"}, folder)

    def crash() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish_folder({"index.html": b"new"}, folder, before_swap=crash)
    assert (folder / "index.html").read_bytes() == b"old"
    assert (folder / "people" / "a.html").read_bytes() == b"a"
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".report.kg-lock")
    assert left == ["report"]  # no staging left
    publish_folder({"index.html": b"new"}, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]


def test_refuses_to_replace_a_folder_that_is_not_a_report(built: Path, tmp_path: Path) -> None:
    code, _, stderr = run("report", "--out", str(built), "-o", str(built))
    assert code == 2 and "holds the graph itself" in stderr
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _, stderr = run("report", "--out", str(built), "-o", str(other))
    assert code == 2 and "not an earlier kg report" in stderr
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    code, _, stderr = run("report", "--out", str(tmp_path / "nothing"))
    assert code == 3 and "run `kg build` first" in stderr


@pytest.mark.parametrize("base", ["https://kg.example.org/", "https://e.org/kg#", "urn:kg:"])
def test_page_names_read_the_same_under_every_base_form(base: str) -> None:
    """Issue #14: bases ending in '#' or ':' are supported; their pages keep readable names."""
    assert slug_for(f"{base}person/Xingyu_Lu", "/person/") == "Xingyu_Lu"
    assert slug_for(f"{base}topic/CL", "/topic/", "code-") == "code-CL"
    assert slug_for(f"{base}xperson/Ann", "/person/").startswith("Ann-")  # not a segment
