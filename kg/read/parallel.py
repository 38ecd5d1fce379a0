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

from kg.diagnostics import Diagnostic
from kg.heap import gc_paused
from kg.processes import worker_pool
from kg.progress import Step
from kg.read.authors import Lexicon
from kg.read.cache import Asked, AskedLexicon, Entry, PageKey, ParseCache
from kg.read.model import Record
from kg.read.pages import Page
from kg.read.records import Parsed, build_lexicon, lexicon_of, page_lexicon, parse_page


@dataclass(frozen=True)
class ParseJob:
    """Everything a worker needs to parse any page of the set: inherited through fork."""

    pages: Sequence[Page]
    lexicon: Lexicon
    capture_date: date

    def parse(self, index: int) -> tuple[Parsed, Asked]:
        """One page's parse, and what it asked the lexicon (for the parse cache)."""
        asking = AskedLexicon(self.lexicon)
        return parse_page(self.pages[index], self.capture_date, asking), asking.asked


# The job of this worker process, handed to it by the pool's initialiser (fork passes the
# initialiser's arguments without pickling them): never set in the parent.
_worker_job: ParseJob | None = None


def _adopt(job: ParseJob) -> None:
    global _worker_job
    _worker_job = job


def _parse_in_worker(index: int) -> tuple[Parsed, Asked]:
    assert _worker_job is not None, "a parse worker runs only inside parse_pages_in_parallel"
    return _worker_job.parse(index)


@gc_paused
def parse_pages_in_parallel(
    pages: Sequence[Page],
    capture_date: date,
    workers: int | None = None,
    min_lines: int = 20_000,
    step: Step | None = None,
) -> Parsed:
    """``parse_pages`` over ``workers`` processes (default: one per core, at most one per page).

    Below ``min_lines`` lines in all, or where the platform cannot fork, the pages are parsed
    here: a second process costs more than it saves on a small set. ``step`` is advanced by
    one for each page parsed.
    """
    job = ParseJob(pages, build_lexicon(pages), capture_date)
    parts = [parsed for parsed, _ in parse_each(job, workers, min_lines, step)]
    return Parsed(
        tuple(r for part in parts for r in part.records),
        tuple(d for part in parts for d in part.diagnostics),
    )


@gc_paused
def parse_each(
    job: ParseJob, workers: int | None = None, min_lines: int = 20_000, step: Step | None = None
) -> list[tuple[Parsed, Asked]]:
    """Each page of the job parsed with the job's lexicon, in page order, with what it
    asked the lexicon; on every core when the pages are many (see parse_pages_in_parallel)."""
    pages = job.pages
    workers = workers or min(len(pages), os.cpu_count() or 1)
    forking = workers >= 2 and sum(len(p.lines) for p in pages) >= min_lines
    if forking:
        try:
            multiprocessing.get_context("fork")  # a ValueError where the platform has none
        except ValueError:
            forking = False
    if not forking:
        parts = [job.parse(i) for i in range(len(pages))]
        if step is not None:
            step.advance(len(pages))
        return parts
    parts = []
    with worker_pool("fork", workers, _adopt, (job,)) as pool:
        for part in pool.imap(_parse_in_worker, range(len(pages)), chunksize=1):
            parts.append(part)
            if step is not None:
                step.advance(1)
    return parts


@dataclass(frozen=True)
class CachedParse:
    """A parse that reused what it could: the result, the cache for the next build, and
    how many pages were parsed again."""

    parsed: Parsed
    cache: ParseCache
    parsed_again: int


@gc_paused
def parse_with_cache(
    pages: Sequence[Page], capture_date: date, cache: ParseCache, step: Step | None = None
) -> CachedParse:
    """The same result as ``parse_pages_in_parallel``, parsing only the pages the cache
    cannot answer for (``kg.read.cache``): new or changed bytes, or a parse whose questions
    the lexicon of this set of pages would now answer differently."""
    entries = cache.entries
    keys = [(page.source, page.sha256) for page in pages]
    parts = [entries.get(key) for key in keys]
    added = [
        page_lexicon(p) if e is None else (e.names, e.titles)
        for p, e in zip(pages, parts, strict=True)
    ]
    lexicon = lexicon_of(added)
    stale = [
        i for i, entry in enumerate(parts) if entry is None or not entry.asked.same_answers(lexicon)
    ]
    if step is not None:
        step.advance(len(pages) - len(stale))
    job = ParseJob([pages[i] for i in stale], lexicon, capture_date)
    fresh = dict(zip(stale, parse_each(job, step=step), strict=True))
    kept: dict[PageKey, Entry] = {}
    records: list[Record] = []
    diagnostics: list[Diagnostic] = []
    for i, key in enumerate(keys):
        entry = parts[i]
        if i in fresh or entry is None:
            parsed, asked = fresh[i]
            entry = Entry(parsed.records, parsed.diagnostics, *added[i], asked)
        kept[key] = entry
        records += entry.records
        diagnostics += entry.diagnostics
    return CachedParse(
        Parsed(tuple(records), tuple(diagnostics)), ParseCache(cache.fingerprint, kept), len(stale)
    )
