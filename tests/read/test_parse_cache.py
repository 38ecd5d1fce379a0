"""The parse cache (issue #17): a cached parse always equals a fresh one, and only pages
whose bytes changed, or whose questions to the lexicon now get other answers, are parsed
again."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from kgtest import load_generator

from kg.config import DEFAULT_CAPTURE_DATE
from kg.read.cache import CACHE_NAME, ParseCache, cache_bytes, fingerprint, read_cache
from kg.read.pages import Page, read_pages
from kg.read.parallel import parse_pages_in_parallel, parse_with_cache
from kg.read.records import build_lexicon, page_lexicon

PRINT = fingerprint("test", DEFAULT_CAPTURE_DATE)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    folder = tmp_path_factory.mktemp("corpus")
    generate = load_generator()
    generate.generate(generate.Knobs(papers=300, seed=5), folder, truth=False)
    return list(read_pages([folder]))


def fresh(pages: list[Page]) -> object:
    return parse_pages_in_parallel(pages, DEFAULT_CAPTURE_DATE)


def test_an_empty_cache_parses_every_page_and_a_full_one_none(corpus: list[Page]) -> None:
    first = parse_with_cache(corpus, DEFAULT_CAPTURE_DATE, ParseCache(PRINT))
    assert first.parsed_again == len(corpus)
    assert first.parsed == fresh(corpus)
    again = parse_with_cache(corpus, DEFAULT_CAPTURE_DATE, first.cache)
    assert again.parsed_again == 0
    assert again.parsed == first.parsed


def test_the_lexicon_is_the_union_of_what_each_page_adds(corpus: list[Page]) -> None:
    names = frozenset().union(*(page_lexicon(p)[0] for p in corpus))
    assert build_lexicon(corpus).names == names
    assert names  # the generated corpus prints clean author lists


def test_every_subset_parses_as_fresh_from_the_full_cache(corpus: list[Page]) -> None:
    """Dropping a page takes its names and titles out of the lexicon: every page whose
    split asked about them is parsed again, and the result is what a fresh parse gives."""
    full = parse_with_cache(corpus, DEFAULT_CAPTURE_DATE, ParseCache(PRINT)).cache
    reparsed_beyond_nothing = 0
    for left_out in range(len(corpus)):
        pages = corpus[:left_out] + corpus[left_out + 1 :]
        cached = parse_with_cache(pages, DEFAULT_CAPTURE_DATE, full)
        assert cached.parsed == fresh(pages), corpus[left_out].source
        reparsed_beyond_nothing += cached.parsed_again
    # Some page's split depended on another page's lexicon (the cache noticed, and it
    # was right to: the result above equals a fresh parse).
    assert reparsed_beyond_nothing > 0


def test_a_changed_page_is_parsed_again(corpus: list[Page]) -> None:
    first = parse_with_cache(corpus, DEFAULT_CAPTURE_DATE, ParseCache(PRINT))
    changed = corpus[0]
    edited = Page(changed.source, changed.path, "0" * 64, changed.lines[:-3], ())
    pages = [edited, *corpus[1:]]
    cached = parse_with_cache(pages, DEFAULT_CAPTURE_DATE, first.cache)
    assert 1 <= cached.parsed_again < len(corpus)
    assert cached.parsed == fresh(pages)


def test_the_cache_survives_a_round_trip_and_refuses_other_settings(
    corpus: list[Page], tmp_path: Path
) -> None:
    first = parse_with_cache(corpus, DEFAULT_CAPTURE_DATE, ParseCache(PRINT))
    keys = [(p.source, p.sha256) for p in corpus]
    (tmp_path / CACHE_NAME).write_bytes(cache_bytes(first.cache, keys[1:]))
    back = read_cache(tmp_path, PRINT)
    assert set(back.entries) == set(keys[1:])
    assert parse_with_cache(corpus, DEFAULT_CAPTURE_DATE, back).parsed == first.parsed
    other = fingerprint("test", DEFAULT_CAPTURE_DATE.replace(year=2020))
    assert read_cache(tmp_path, other).entries == {}


def test_a_cache_file_cannot_run_code(tmp_path: Path) -> None:
    """Unpickling builds only the cache's own types: a crafted file is an empty cache."""

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    (tmp_path / CACHE_NAME).write_bytes(pickle.dumps(Exploit()))
    assert read_cache(tmp_path, PRINT).entries == {}
    assert not (tmp_path / "pwned").exists()
    (tmp_path / CACHE_NAME).write_bytes(b"not a pickle")
    assert read_cache(tmp_path, PRINT).entries == {}
