"""kg.link.snapshot: one pass over the snapshot, plain or gzip, keeping candidates only."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.link import snapshot as snapshot_module
from kg.link.normalise import abstract_key, title_key
from kg.link.snapshot import read_snapshot
from kg.progress import Silent, Step

SPARSE = title_key("Sparse Low-rank Adaptation of Pre-trained Language Models")
PEERS = title_key("Learning from Peers in Reasoning Models")
F_DIVERGENCE = title_key("f-Divergence Minimization for Sequence-Level Knowledge Distillation")
FLOWRL = title_key("FlowRL: Matching Reward Distributions for LLM Reasoning")


def test_the_fixture_reads_with_its_bad_lines_told(snapshot_file: Path) -> None:
    read = read_snapshot(snapshot_file, {SPARSE, FLOWRL})
    assert read.snapshot.name == "metadata.jsonl"
    assert read.snapshot.records == 24  # 28 lines: 3 bad, 1 blank
    assert read.snapshot.newest_update == "2026-06-30"
    assert read.snapshot.sha256 == hashlib.sha256(snapshot_file.read_bytes()).hexdigest()
    assert read.bad_lines == 3
    assert [(d.source, d.line) for d in read.diagnostics] == [
        ("metadata.jsonl", 23),
        ("metadata.jsonl", 24),
        ("metadata.jsonl", 25),
    ]
    assert "not JSON" in read.diagnostics[0].message
    assert "authors_parsed" in read.diagnostics[2].message  # a candidate, read in full
    # a wrong field in a line that is no candidate is not looked at: it costs no link
    unasked = read_snapshot(snapshot_file, {SPARSE})
    assert (unasked.snapshot.records, unasked.bad_lines) == (25, 2)


def test_only_candidates_are_kept(snapshot_file: Path) -> None:
    read = read_snapshot(snapshot_file, {SPARSE, PEERS, F_DIVERGENCE, "nothing"})
    assert [r.arxiv_id for r in read.candidates] == [
        "2311.11696",
        "2307.15190",  # its title wraps and has TeX
        "2505.07787",
        "2505.07999",
    ]
    assert read_snapshot(snapshot_file, set()).candidates == ()


def test_abstracts_are_read_only_when_asked(snapshot_file: Path) -> None:
    lines = snapshot_file.read_text().splitlines()
    text = next(json.loads(x)["abstract"] for x in lines if '"2601.05432"' in x)
    assert not read_snapshot(snapshot_file, set()).candidates
    (found,) = read_snapshot(snapshot_file, set(), {abstract_key(text)}).candidates
    assert found.arxiv_id == "2601.05432" and found.abstract_key == abstract_key(text)


@pytest.mark.parametrize("name", ["metadata.jsonl.gz", "renamed.jsonl"])
def test_a_gzip_file_reads_the_same_and_hashes_as_stored(
    snapshot_file: Path, tmp_path: Path, name: str
) -> None:
    packed = tmp_path / name  # by its suffix, or by its magic bytes
    packed.write_bytes(gzip.compress(snapshot_file.read_bytes()))
    plain, zipped = read_snapshot(snapshot_file, {PEERS}), read_snapshot(packed, {PEERS})
    assert zipped.candidates == plain.candidates
    assert zipped.diagnostics == tuple(
        d.__class__(name, d.line, d.severity, d.message) for d in plain.diagnostics
    )
    assert zipped.snapshot.records == plain.snapshot.records
    assert zipped.snapshot.sha256 == hashlib.sha256(packed.read_bytes()).hexdigest()


def test_a_missing_or_broken_file_is_an_input_error(snapshot_file: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere.jsonl"):
        read_snapshot(tmp_path / "nowhere.jsonl", {SPARSE})
    with pytest.raises(InputError, match="arXiv metadata snapshot"):
        read_snapshot(tmp_path, {SPARSE})
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(snapshot_file.read_bytes())[:-200])
    with pytest.raises(InputError, match="cut.jsonl.gz"):
        read_snapshot(cut, {SPARSE})


def test_odd_lines_are_told_and_good_ones_read(tmp_path: Path, snapshot_file: Path) -> None:
    good = snapshot_file.read_bytes().splitlines()[1]  # Sparse Low-rank ...
    odd = [
        b'{"id": "1", "title": null, "versions": [], "authors_parsed": []}',
        b'{"id": "2", "authors_parsed": []}',
        b"\xff\xfe not utf-8",
        b"   ",
        good.replace(b'"title": "', b'"title":"'),  # no space after the colon
        b"  " + good,  # leading blanks
    ]
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"\r\n".join(odd) + b"\r\n")
    read = read_snapshot(path, {SPARSE})
    assert [d.line for d in read.diagnostics] == [1, 2, 3]
    assert "'title'" in read.diagnostics[0].message and "UTF-8" in read.diagnostics[2].message
    assert [r.line for r in read.candidates] == [5, 6]
    assert read.snapshot.records == 2


def test_a_flood_of_bad_lines_is_counted_not_told_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("not json\n" * 500)
    read = read_snapshot(path, {SPARSE})
    assert read.bad_lines == 500 and read.snapshot.records == 0
    assert len(read.diagnostics) == snapshot_module.MAX_WARNINGS + 1
    assert "400 more bad lines" in read.diagnostics[-1].message


class Counting(Silent):
    live = True

    def __init__(self) -> None:
        self.totals: list[tuple[int, str]] = []
        self.advances: list[int] = []

    def total(self, total: int, unit: str) -> None:
        self.totals.append((total, unit))

    def advance(self, n: int) -> None:
        self.advances.append(n)


@pytest.mark.parametrize("packed", [False, True])
def test_progress_is_told_in_bytes_of_the_file_a_megabyte_at_a_time(
    snapshot_file: Path, tmp_path: Path, packed: bool
) -> None:
    big = tmp_path / "big.jsonl"
    with big.open("wb") as out:
        for _ in range(200):
            out.write(snapshot_file.read_bytes())  # ~3.6 MB
    if packed:
        zipped = tmp_path / "big.jsonl.gz"
        with big.open("rb") as source, gzip.open(zipped, "wb", compresslevel=1) as target:
            shutil.copyfileobj(source, target)
        big = zipped
    shown = Counting()
    read_snapshot(big, {SPARSE}, step=Step(shown))
    size = big.stat().st_size
    assert shown.totals == [(size, "bytes")]
    assert sum(shown.advances) == size
    assert len(shown.advances) <= size // snapshot_module.CHUNK + 2


@pytest.mark.parametrize(
    "abstract",
    [
        "We study the $\\alpha$-divergence of \\emph{large} models and show that it is bounded.",
        '  The "so-called" scaling law\nof large models: we show that it holds for small ones.',
        "Müller–Schmidt operators on Ł-spaces are studied here; we show they are all bounded too.",
        "Short one, but long enough to have a key of more than twenty-four characters.",
        "A" * 300,
    ],
)
def test_an_abstract_is_found_whatever_its_first_line(tmp_path: Path, abstract: str) -> None:
    line = {
        "id": "2501.00001",
        "title": "Some Title",
        "abstract": abstract,
        "authors_parsed": [["Doe", "Jane", ""]],
        "versions": [],
    }
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line) + "\n" + json.dumps(line, ensure_ascii=False) + "\n")
    key = abstract_key(abstract.replace("\\emph", "").replace("\n", " "))
    found = read_snapshot(path, set(), {key}).candidates
    assert [r.line for r in found] == [1, 2]
