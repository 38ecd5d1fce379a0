"""The paper and person pages written on every core (issue #21).

``kg build`` parses on every core; the report's longest stages, a page per paper and per
person, are as parallel: the catalogue is complete and read-only by then, so forked
workers each open it, render a shard of the papers or people (a range of IRIs, about a
thousand each) and write their files into the same staging folder through a writer of
their own (no two shards write the same path), handing back the memory a shard's pages
held before the next. The parent counts what they wrote and keeps the people's counts for
the list of people in a SQLite file beside the catalogue, not in memory. Small sites, and
platforms without ``fork``, are written here, in order.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.heap import release_freed_memory
from kg.processes import worker_pool
from kg.progress import Step
from kg.report.catalogue import Catalogue
from kg.report.entities import STATS, Stats, person_files, save_stats
from kg.report.output import Counts, SiteWriter
from kg.report.paper_files import paper_files
from kg.report.views import File, Shard, Shared

SHARD = 1_000  # papers or people per task
MIN_PARALLEL = 4_000  # fewer, and a worker costs more than it saves
WORKER_CACHE_MIB = 8  # each worker's SQLite page cache (the system caches the file too)


@dataclass(frozen=True)
class Job:
    """What a worker needs, inherited through ``fork``."""

    kind: str  # "papers" or "people"
    catalogue: Path
    staging: Path
    previous: Path | None
    shared: Shared


_WORKER: list[tuple[Job, Catalogue]] = []  # the worker's job and catalogue (initialiser)


def write_pages(
    kind: str, cat: Catalogue, shared: Shared, writer: SiteWriter, step: Step, cache_mib: int
) -> None:
    """Write every paper's or person's files (``kind``: papers, people); the people's counts
    go to the catalogue's ``agent_stats``. ``cat`` is closed while workers read it, then
    opened again with ``cache_mib``."""
    table = "paper" if kind == "papers" else "agent"
    shards = list(_shards(cat, table))
    workers = min(os.cpu_count() or 1, len(shards))
    people = kind == "people"
    if workers < 2 or sum(n for _, n in shards) < MIN_PARALLEL or not _can_fork():
        if people:
            save_stats(cat, [])
        for shard, count in shards:
            stats: Stats = []
            for path, data in _files(kind, cat, shared, shard, stats):
                writer.write_file(path, data)
            if people:
                save_stats(cat, stats, anew=False)
            step.advance(count)
        return
    cat.close()  # no connection crosses a fork, and no lock of ours stays on the file
    release_freed_memory()  # what the parent freed is not copied into every worker
    job = Job(kind, cat.path, writer.staging, writer.previous, shared)
    kept = cat.path.with_name(f"{kind}-stats.sqlite")
    try:
        # the file opened after the fork: no connection crosses one
        with worker_pool("fork", workers, _adopt, (job,)) as pool, _StatsFile(kept) as gathered:
            for counts, found, count in pool.imap_unordered(_write_shard, shards):
                writer.add(counts)
                gathered.add(found)
                step.advance(count)
    finally:
        cat.reopen(cache_mib)
    if people:
        save_stats(cat, [])
        cat.db.execute("ATTACH DATABASE ? AS kept", (str(kept),))
        cat.db.execute("INSERT INTO agent_stats SELECT * FROM kept.agent_stats")
        cat.db.execute("DETACH DATABASE kept")
    kept.unlink(missing_ok=True)


class _StatsFile:
    """The people's counts as the workers send them, in a SQLite file of their own (the
    catalogue is the workers' to read meanwhile)."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute(STATS)

    def add(self, stats: Stats) -> None:
        if stats:
            self.db.executemany("INSERT INTO agent_stats VALUES (?, ?, ?)", stats)

    def __enter__(self) -> _StatsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()


def _files(kind: str, cat: Catalogue, shared: Shared, shard: Shard, stats: Stats) -> Iterator[File]:
    if kind == "papers":
        return paper_files(cat, shared, shard)
    return person_files(cat, shared, shard, stats)


def _shards(cat: Catalogue, table: str) -> Iterator[tuple[Shard, int]]:
    """Ranges of about ``SHARD`` IRIs of the table, each with its size."""
    low: str | None = None
    count = 0
    for (iri,) in cat.rows(f"SELECT iri FROM {table} ORDER BY iri"):
        if count == SHARD:
            yield (low, iri), count
            low, count = iri, 0
        count += 1
    yield (low, None), count


def _can_fork() -> bool:
    try:
        multiprocessing.get_context("fork")
    except ValueError:
        return False
    return True


def _adopt(job: Job) -> None:
    """In a new worker: its own connection to the catalogue, kept for its shards."""
    _WORKER.append((job, Catalogue(job.catalogue, WORKER_CACHE_MIB)))


def _write_shard(task: tuple[Shard, int]) -> tuple[Counts, Stats, int]:
    """In a worker: one shard's files, written; what was written, the people's counts and
    the shard's size."""
    job, cat = _WORKER[0]
    shard, count = task
    writer = SiteWriter(job.staging, job.previous)
    stats: Stats = []
    for path, data in _files(job.kind, cat, job.shared, shard, stats):
        writer.write_file(path, data)
    release_freed_memory()
    return writer.counts, stats, count
