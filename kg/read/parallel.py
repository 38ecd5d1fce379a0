"""parse_pages on every core: pages are independent once the lexicon is built.

Workers are forked, so they inherit the pages and the lexicon from memory: only page
indices go out and records come back, never the corpus pickled. The result is identical to
``parse_pages`` (same records, same order).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kg.heap import gc_paused
from kg.processes import worker_pool
from kg.read.authors import Lexicon
from kg.read.pages import Page
from kg.read.records import Parsed, build_lexicon, parse_page, parse_pages


@dataclass(frozen=True)
class ParseJob:
    """Everything a worker needs to parse any page of the set: inherited through fork."""

    pages: Sequence[Page]
    lexicon: Lexicon
    capture_date: date

    def parse(self, index: int) -> Parsed:
        return parse_page(self.pages[index], self.capture_date, self.lexicon)


# The job of this worker process, handed to it by the pool's initialiser (fork passes the
# initialiser's arguments without pickling them): never set in the parent.
_worker_job: ParseJob | None = None


def _adopt(job: ParseJob) -> None:
    global _worker_job
    _worker_job = job


def _parse_in_worker(index: int) -> Parsed:
    assert _worker_job is not None, "a parse worker runs only inside parse_pages_in_parallel"
    return _worker_job.parse(index)


@gc_paused
def parse_pages_in_parallel(
    pages: Sequence[Page],
    capture_date: date,
    workers: int | None = None,
    min_lines: int = 20_000,
) -> Parsed:
    """``parse_pages`` over ``workers`` processes (default: one per core, at most one per page).

    Below ``min_lines`` lines in all, or where the platform cannot fork, the pages are parsed
    here: a second process costs more than it saves on a small set.
    """
    workers = workers or min(len(pages), os.cpu_count() or 1)
    if workers < 2 or sum(len(p.lines) for p in pages) < min_lines:
        return parse_pages(pages, capture_date)
    try:
        multiprocessing.get_context("fork")  # a ValueError where the platform has none
    except ValueError:
        return parse_pages(pages, capture_date)
    job = ParseJob(pages, build_lexicon(pages), capture_date)
    with worker_pool("fork", workers, _adopt, (job,)) as pool:
        parts = pool.map(_parse_in_worker, range(len(pages)), chunksize=1)
    return Parsed(
        tuple(r for part in parts for r in part.records),
        tuple(d for part in parts for d in part.diagnostics),
    )
