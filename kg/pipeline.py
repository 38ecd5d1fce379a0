"""The stages in order: pages -> records -> merged identities -> quads, plus the summary.

Pure apart from reading the pages; writing outputs is the caller's (CLI's) edge.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.diagnostics import Diagnostic, Severity
from kg.errors import InputError
from kg.export.files import nquads_text
from kg.graph.identity import Iris, merge
from kg.graph.mapping import Mapped, PageInfo, map_records
from kg.graph.reference import Reference, load_reference
from kg.graph.vocab import DCTERMS, KG, RDF, SCHEMA
from kg.heap import gc_paused
from kg.processes import worker_pool
from kg.read.pages import Page, read_pages
from kg.read.records import Parsed, build_lexicon, parse_page, parse_pages

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Built:
    """What a build keeps: the graph and the diagnostics (pages and records are let go,
    which matters for memory on a big corpus)."""

    graph: Mapped
    diagnostics: tuple[Diagnostic, ...]

    @property
    def quads(self) -> list[ox.Quad]:
        """The quads as pyoxigraph terms, for callers that want objects (tests, rdflib)."""
        return list(ox.parse(nquads_text(self.graph.pairs), format=ox.RdfFormat.N_QUADS))


def build_graph(
    pages: Sequence[Page],
    settings: Settings,
    reference: Reference | None = None,
    progress: Progress | None = None,
) -> Built:
    say = progress or (lambda _: None)
    say(f"parsing {len(pages)} pages")
    parsed = parse_pages_in_parallel(pages, settings.capture_date)
    iris = Iris(settings.base_iri)
    say(f"merging {len(parsed.records)} records")
    merged = merge(parsed.records, iris)
    say(f"mapping {len(merged.papers)} papers to RDF")
    mapped = map_records(
        merged,
        [PageInfo(p.source, p.sha256) for p in pages],
        iris,
        reference or load_reference(),
        settings.capture_date,
    )
    diagnostics = tuple(sorted(parsed.diagnostics + mapped.diagnostics))
    return Built(mapped, diagnostics)


# Below this many lines a second process costs more than it saves.
PARALLEL_MIN_LINES = 20_000
_SHARED: dict[str, object] = {}  # what forked workers inherit instead of unpickling


@gc_paused
def parse_pages_in_parallel(
    pages: Sequence[Page], capture_date: date, workers: int | None = None
) -> Parsed:
    """parse_pages on every core: pages are independent once the lexicon is built.

    Workers are forked, so they inherit the pages and the lexicon; only page indices go
    out and records come back. The result is identical to the serial one (same order).
    """
    workers = workers or min(len(pages), os.cpu_count() or 1)
    if workers < 2 or sum(len(p.lines) for p in pages) < PARALLEL_MIN_LINES:
        return parse_pages(pages, capture_date)
    try:
        multiprocessing.get_context("fork")  # a ValueError where the platform has none
    except ValueError:  # no fork on this platform
        return parse_pages(pages, capture_date)
    _SHARED.update(pages=pages, lexicon=build_lexicon(pages), capture_date=capture_date)
    try:
        with worker_pool("fork", workers) as pool:
            parts = pool.map(_parse_shared, range(len(pages)), chunksize=1)
    finally:
        _SHARED.clear()
    return Parsed(
        tuple(r for part in parts for r in part.records),
        tuple(d for part in parts for d in part.diagnostics),
    )


def _parse_shared(index: int) -> Parsed:
    pages = _SHARED["pages"]
    assert isinstance(pages, Sequence)
    return parse_page(pages[index], _SHARED["capture_date"], _SHARED["lexicon"])  # type: ignore[arg-type]


def build_from_paths(
    paths: Iterable[Path], settings: Settings, progress: Progress | None = None
) -> Built:
    paths = list(paths)
    pages = list(read_pages(paths))
    if not pages:
        # An empty folder must not build an empty graph over a good one.
        shown = ", ".join(str(p) for p in paths)
        raise InputError(f"no pages (*.txt files) in {shown}: nothing to build")
    return build_graph(pages, settings, progress=progress)


_COUNTED = {
    "papers": [str(SCHEMA.ScholarlyArticle)],
    "persons": [str(SCHEMA.Person), str(KG.AmbiguousCreator)],
    "organisations": [str(SCHEMA.Organization)],
    "repositories": [str(SCHEMA.SoftwareSourceCode)],
    "pages": [str(KG.SourcePage)],
    "records": [str(KG.Listing)],
}


def summarise(union: Iterable[str]) -> dict[str, int]:
    """The one-screen summary, computed from the graph itself (build and stats agree).

    ``union`` is every triple once, as N-Triples text without the final `` .``."""
    typed: dict[str, set[str]] = {}
    topics: set[str] = set()
    ambiguous_people: set[str] = set()
    rdf_type, subject = f"<{RDF.type}>", f"<{DCTERMS.subject}>"
    ambiguous = f"<{KG.possibleActualCreator}>"
    triples = 0
    for head in union:
        triples += 1
        s, pred, o = head.split(" ", 2)
        if pred == rdf_type:
            typed.setdefault(o[1:-1], set()).add(s)
        elif pred == subject:
            topics.add(o)
        elif pred == ambiguous:
            ambiguous_people.add(o)
    counts = {
        name: len(set().union(*(typed.get(c, set()) for c in classes)))
        for name, classes in _COUNTED.items()
    }
    # Candidates behind an ambiguous name are people too, but not separate authors.
    counts["persons"] -= len(ambiguous_people & typed.get(str(SCHEMA.Person), set()))
    counts["ambiguous persons"] = len(typed.get(str(KG.AmbiguousCreator), set()))
    counts["topics"] = len(topics)
    counts["triples"] = triples
    return counts


def count_diagnostics(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    return {
        "input errors (skipped)": sum(d.severity is Severity.ERROR for d in diagnostics),
        "input warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
    }
