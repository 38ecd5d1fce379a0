"""parse_pages_in_parallel: forked workers give exactly the serial records, in order."""

from __future__ import annotations

from pathlib import Path

from kg.config import DEFAULT_CAPTURE_DATE
from kg.read.pages import read_pages
from kg.read.parallel import parse_pages_in_parallel
from kg.read.records import parse_pages


def test_parallel_parsing_gives_exactly_the_serial_records(seeds_dir: Path) -> None:
    pages = list(read_pages([seeds_dir]))
    # min_lines=0: the seeds are far below the size where a second process pays.
    parallel = parse_pages_in_parallel(pages, DEFAULT_CAPTURE_DATE, workers=2, min_lines=0)
    assert parallel == parse_pages(pages, DEFAULT_CAPTURE_DATE)
    assert len(parallel.records) == 89


def test_small_sets_are_parsed_here(seeds_dir: Path) -> None:
    """Below min_lines (the default 20,000) the pages are parsed in this process."""
    pages = list(read_pages([seeds_dir]))
    serial = parse_pages_in_parallel(pages, DEFAULT_CAPTURE_DATE, workers=2)
    assert serial == parse_pages(pages, DEFAULT_CAPTURE_DATE)
