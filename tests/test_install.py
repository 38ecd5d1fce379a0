"""The wheel carries what the commands need and runs outside the checkout (issue #14).

`pip install .` once gave a wheel without ontology/, shapes/ and queries/, and every command
crashed with FileNotFoundError outside the source tree. Here the wheel is built for real,
unpacked into a folder of its own and run from another folder, with the checkout (and the
editable install that points at it) out of the way. .ci/run does the same in a fresh
virtualenv with every dependency installed from the wheel's metadata.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Runs kg from SITE only: the editable install's import hook is removed first.
LAUNCH = """
import sys
site = sys.argv.pop(1)
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path[:] = [site] + [p for p in sys.path if p not in ("", {root!r})]
import kg
assert kg.__file__.startswith(site), kg.__file__
from kg.cli import main
main(prog_name="kg")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = folder.glob("kg-*.whl")
    return found


def shipped(folder: str, pattern: str) -> set[str]:
    return {f"kg/data/{folder}/{p.name}" for p in (ROOT / folder).glob(pattern)}


def test_the_wheel_holds_the_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = (
        shipped("ontology", "*")
        | shipped("shapes", "*.ttl")
        | shipped("queries", "*")
        | shipped("seeds", "*.txt")
    )
    assert len(expected) > 30
    assert expected <= names, sorted(expected - names)[:5]
    assert {"kg/report/assets/style.css", "kg/report/assets/report.js"} <= names


def test_the_installed_wheel_builds_validates_queries_and_reports_elsewhere(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), wheel],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "seeds", elsewhere / "pages")
    launch = LAUNCH.format(root=str(ROOT))

    def kg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", launch, str(site), *args],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            timeout=300,
        )

    steps = [
        ("build", "pages"),
        ("validate",),
        ("query", "coauthors", "-p", "person", "Kaiyan Zhang", "--format", "csv"),
        ("report", "-o", "site"),
    ]
    for step in steps:
        result = kg(*step)
        assert result.returncode == 0, (step, result.stderr[-2000:])
        assert "Traceback" not in result.stderr
    assert (elsewhere / "out" / "graph.ttl").stat().st_size > 1000
    assert "Biqing Qi" in kg(*steps[2]).stdout
    assert (elsewhere / "site" / "index.html").is_file()
    # No pages named and no ./seeds: the seeds inside the package are built.
    bare = kg("build", "-o", "bundled")
    assert bare.returncode == 0, bare.stderr[-2000:]
    built = (elsewhere / "bundled" / "graph.nq").read_bytes()
    assert built == (elsewhere / "out" / "graph.nq").read_bytes()
