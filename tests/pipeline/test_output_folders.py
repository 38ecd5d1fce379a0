"""Output folders are whole old or whole new, locked, and only ours (issue #14).

Real processes where it matters: builds are killed with SIGKILL at several moments and the
folder is checked after each; the store filler's fate is checked with ``ps``-like probes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import SEEDS, build, run

from kg.publish import MARKER, output_lock

BASE_A = "https://a.example.org/kg/"
BASE_B = "https://b.example.org/kg/"


def kg_process(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def assert_one_whole_build(out: Path) -> str:
    """The folder holds exactly what its marker says, and every file and the store come
    from the same build; returns that build's base IRI."""
    marker = json.loads((out / MARKER).read_text())
    assert sorted(p.name for p in out.iterdir() if p.name != MARKER) == marker["wrote"]
    text = (out / "graph.nt").read_text("utf-8")
    bases = {base for base in (BASE_A, BASE_B) if f"<{base}paper/" in text}
    assert len(bases) == 1, bases
    store = ox.Store.read_only(str(out / "store"))
    in_store = len({q.triple for q in store})  # the union of its graphs
    assert in_store == text.count("\n")  # the store is the one these files were written with
    (base,) = bases
    for name in ("graph.ttl", "graph.nq", "graph.jsonld"):
        assert f"{base}paper/" in (out / name).read_text("utf-8"), name
    return base


def test_a_build_killed_at_any_moment_leaves_one_whole_build(tmp_path: Path) -> None:
    """Issue #14: SIGKILL during `kg build -o DIR` never leaves a mix of two builds, and the
    next run removes what the killed one left beside DIR."""
    out = tmp_path / "out"
    build(SEEDS, out, "--base-iri", BASE_A)
    started = time.monotonic()
    whole = kg_process("build", str(SEEDS), "-o", str(out), "--base-iri", BASE_B, cwd=tmp_path)
    assert whole.wait(timeout=120) == 0
    duration = time.monotonic() - started
    for turn, fraction in enumerate((0.3, 0.6, 0.8, 0.9, 0.97)):
        base = (BASE_A, BASE_B)[turn % 2]
        process = kg_process("build", str(SEEDS), "-o", str(out), "--base-iri", base, cwd=tmp_path)
        time.sleep(duration * fraction)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert_one_whole_build(out)
    build(SEEDS, out, "--base-iri", BASE_A)
    assert assert_one_whole_build(out) == BASE_A
    assert [p.name for p in tmp_path.iterdir() if "kg-staging" in p.name] == []


# A parent whose pool worker is busy (as the store filler is, for minutes at 100 k papers)
# when the parent is killed; kg's pools are made by worker_pool.
ORPHAN_SCRIPT = """
import multiprocessing, sys, time
from kg.processes import worker_pool
if __name__ == "__main__":
    pool = worker_pool(sys.argv[1], 1)
    pool.apply_async(time.sleep, (120,))
    time.sleep(0.5)
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
    time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see processes")
@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_busy_workers_die_with_a_killed_build(tmp_path: Path, start_method: str) -> None:
    """Issue #14: the spawned store filler kept running after its parent was killed."""
    script = tmp_path / "parent.py"
    script.write_text(ORPHAN_SCRIPT)
    with subprocess.Popen(
        [sys.executable, str(script), start_method], stdout=subprocess.PIPE, cwd=tmp_path
    ) as parent:
        assert parent.stdout is not None
        children = [int(pid) for pid in parent.stdout.readline().split()]
        assert children and all(alive(pid) for pid in children)
        parent.kill()
        parent.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in children)


def test_a_second_build_into_the_same_folder_exits_3_naming_the_holder(tmp_path: Path) -> None:
    """Issue #14: two builds into one folder mixed their files."""
    out = build(SEEDS, tmp_path / "out")
    before = (out / "graph.nq").read_bytes()
    with output_lock(out):
        code, _, stderr = run("build", str(SEEDS), "-o", str(out), "--base-iri", BASE_B)
    assert code == 3
    assert f"process {os.getpid()}" in stderr and "Traceback" not in stderr
    assert (out / "graph.nq").read_bytes() == before


def test_concurrent_builds_never_mix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [
        kg_process("build", str(SEEDS), "-o", str(out), "--base-iri", base, cwd=tmp_path)
        for base in (BASE_A, BASE_B)
    ]
    codes = sorted(process.wait(timeout=120) for process in runs)
    assert codes in ([0, 0], [0, 3])  # the second either ran after the first or gave up
    assert_one_whole_build(out)


@pytest.mark.parametrize("where", [".", ".."])
def test_the_working_folder_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    inside = tmp_path / "a"
    inside.mkdir()
    monkeypatch.chdir(inside)
    code, _, stderr = run("build", str(SEEDS), "-o", where)
    assert code == 3 and "current folder" in stderr
    assert inside.is_dir() and list(inside.iterdir()) == []


def test_a_link_to_an_output_folder_is_written_through(tmp_path: Path) -> None:
    real = build(SEEDS, tmp_path / "real")
    (tmp_path / "link").symlink_to(real)
    build(SEEDS, tmp_path / "link", "--base-iri", BASE_B)
    assert (tmp_path / "link").is_symlink()
    assert assert_one_whole_build(real) == BASE_B


def test_a_folder_kg_did_not_write_is_refused_and_untouched(tmp_path: Path) -> None:
    """Issue #14: `kg build -o proj` deleted proj/store/orders/2024.csv and overwrote a
    validation.txt it had not written."""
    project = tmp_path / "proj"
    (project / "store" / "orders").mkdir(parents=True)
    (project / "store" / "orders" / "2024.csv").write_text("id,total\n1,9\n")
    (project / "validation.txt").write_text("mine\n")
    code, _, stderr = run("build", str(SEEDS), "-o", str(project))
    assert code == 3 and "was not written by kg" in stderr
    assert (project / "store" / "orders" / "2024.csv").read_text() == "id,total\n1,9\n"
    assert (project / "validation.txt").read_text() == "mine\n"
    assert sorted(p.name for p in project.iterdir()) == ["store", "validation.txt"]


def test_what_the_user_added_to_an_output_folder_is_kept(tmp_path: Path) -> None:
    out = build(SEEDS, tmp_path / "out")
    (out / "notes.md").write_text("my notes\n")
    (out / "report").mkdir()
    (out / "report" / "index.html").write_text("a report\n")
    build(SEEDS, out, "--base-iri", BASE_B)
    assert (out / "notes.md").read_text() == "my notes\n"
    assert (out / "report" / "index.html").read_text() == "a report\n"
    assert "notes.md" not in json.loads((out / MARKER).read_text())["wrote"]


def test_a_user_file_with_a_name_kg_writes_is_not_replaced(tmp_path: Path) -> None:
    out = build(SEEDS, tmp_path / "out", "--no-validate")
    (out / "validation.txt").write_text("mine\n")  # not in this build's marker
    code, _, stderr = run("build", str(SEEDS), "-o", str(out))
    assert code == 3 and "validation.txt" in stderr
    assert (out / "validation.txt").read_text() == "mine\n"


def test_an_output_folder_from_before_markers_is_still_replaced(tmp_path: Path) -> None:
    out = build(SEEDS, tmp_path / "out")
    (out / MARKER).unlink()  # as kg wrote it before this issue
    build(SEEDS, out, "--base-iri", BASE_B)
    assert assert_one_whole_build(out) == BASE_B


def test_an_empty_input_folder_writes_nothing(tmp_path: Path) -> None:
    """Issue #14: an empty input folder built an empty graph over a good one, exit 0."""
    out = build(SEEDS, tmp_path / "out")
    before = (out / "graph.nq").read_bytes()
    (tmp_path / "empty").mkdir()
    code, _, stderr = run("build", str(tmp_path / "empty"), "-o", str(out))
    assert code == 3 and "no pages" in stderr
    assert (out / "graph.nq").read_bytes() == before


def test_pages_with_no_records_write_nothing(tmp_path: Path) -> None:
    out = build(SEEDS, tmp_path / "out")
    before = (out / "graph.nq").read_bytes()
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "blank.txt").write_text("\n\n")
    code, _, stderr = run("build", str(tmp_path / "pages"), "-o", str(out))
    assert code == 1 and "blank.txt:1: error" in stderr and "left as it was" in stderr
    assert (out / "graph.nq").read_bytes() == before


def seeds_with(tmp_path: Path) -> Path:
    pages = tmp_path / "pages"
    shutil.copytree(SEEDS, pages)
    return pages


def test_fifos_and_dangling_links_are_skipped_with_a_diagnostic(tmp_path: Path) -> None:
    """Issue #14: they vanished silently (and a FIFO named on the command line blocked)."""
    pages = seeds_with(tmp_path)
    os.mkfifo(pages / "pipe.txt")
    (pages / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    code, _, stderr = run("build", str(pages), str(pages / "pipe.txt"), "-o", str(tmp_path / "o"))
    assert code == 1
    assert "gone.txt:1: error: dangling symbolic link" in stderr
    # found in the folder and named on its own: one file, so one page (issue #16), and
    # the warning says it was given twice
    assert stderr.count("pipe.txt:1: error: not a regular file (a FIFO)") == 1
    assert f"pipe.txt:1: warning: {pages / 'pipe.txt'} has the same bytes" in stderr
    assert (tmp_path / "o" / "graph.nq").is_file()


def test_an_unreadable_page_is_one_skipped_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #14: an unreadable file aborted the whole build (exit 3)."""
    pages = seeds_with(tmp_path)
    locked = pages / "locked.txt"
    locked.write_text("CLJan 6, 2023\nA Title\nAnn Lee\nAn abstract.\n")
    if os.geteuid() == 0:  # root reads anything: make this one file fail as EACCES would
        read_bytes = Path.read_bytes

        def denied(path: Path) -> bytes:
            if path.name == locked.name:
                raise PermissionError(13, "Permission denied")
            return read_bytes(path)

        monkeypatch.setattr(Path, "read_bytes", denied)
    else:
        locked.chmod(0)
    code, _, stderr = run("build", str(pages), "-o", str(tmp_path / "o"))
    assert code == 1
    assert "locked.txt:1: error: cannot read the file (Permission denied): skipped" in stderr
    assert "Traceback" not in stderr


REPORT_STAGING_OLD = ".report.staging-{pid}"


def test_report_staging_never_follows_a_planted_link(tmp_path: Path) -> None:
    """Issue #14: kg report staged in a predictable name and followed a planted link."""
    out = build(SEEDS, tmp_path / "out")
    victim = tmp_path / "victim"
    victim.mkdir()
    # Links under every name the old code could pick, and under the new prefix too.
    (tmp_path / REPORT_STAGING_OLD.format(pid=os.getpid())).symlink_to(victim)
    (tmp_path / ".report.kg-staging-x").symlink_to(victim)
    code, _, stderr = run("report", "--out", str(out), "-o", str(tmp_path / "report"))
    assert code == 0, stderr
    assert list(victim.iterdir()) == []
    assert (tmp_path / "report" / "index.html").is_file()
    staged = [p for p in tmp_path.iterdir() if "kg-staging" in p.name]
    assert staged == [] and victim.is_dir()


def test_kg_report_stages_under_an_unpredictable_name(tmp_path: Path) -> None:
    from kg.report.site import publish_folder

    seen: list[list[str]] = []

    def look() -> None:
        seen.append(sorted(p.name for p in tmp_path.iterdir() if "staging" in p.name))

    publish_folder({"index.html": b"x"}, tmp_path / "report", before_swap=look)
    publish_folder({"index.html": b"y"}, tmp_path / "report", before_swap=look)
    names = [name for names in seen for name in names]
    assert len(names) == 2 and names[0] != names[1]
    assert all(str(os.getpid()) not in name for name in names)
    assert (tmp_path / "report" / "index.html").read_bytes() == b"y"


def test_killed_report_staging_is_removed_by_the_next_run(tmp_path: Path) -> None:
    from kg.report.site import publish_folder

    left = tmp_path / ".report.kg-staging-dead1234"
    (left / "people").mkdir(parents=True)
    publish_folder({"index.html": b"x"}, tmp_path / "report")
    assert not left.exists()
