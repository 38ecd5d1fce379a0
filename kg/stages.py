"""The graph stages of a build: pages -> records -> merged identities -> the graph as sorted
text (``build_graph``, pure apart from reading the pages), and the files made straight
from it (``write_graph_files``: graph.nq, graph.nt, the parse cache, the linking report).

They hold what grows with the corpus, so ``kg.pipeline.build`` runs them in a process of
their own on a big corpus: the memory they used goes back to the system when it ends,
before the store, the other exports and the validation start (issue #17).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.diagnostics import Diagnostic
from kg.errors import InputError
from kg.export.files import export_lines, nquads_text, write_exports
from kg.export.formats import NQUADS, NTRIPLES
from kg.graph.arxiv import link_merged
from kg.graph.identity import Iris, merge
from kg.graph.mapping import Mapped, PageInfo, map_records
from kg.graph.reference import Reference, load_reference
from kg.graph.summary import count_diagnostics, summarise
from kg.link.model import Linking
from kg.link.report import linking_summary
from kg.progress import Progress, Step, renderer
from kg.progress import stage as progress_stage
from kg.publish import write_atomic
from kg.read.cache import CACHE_NAME, ParseCache, cache_bytes
from kg.read.pages import Page, duplicate_warnings, read_pages
from kg.read.parallel import parse_pages_in_parallel, parse_with_cache
from kg.store.embedded import BACKGROUND_MIN_BYTES

Say = Callable[[str], None]  # the older progress hook: one line per stage


@dataclass(frozen=True)
class Built:
    """What a build keeps: the graph and the diagnostics (pages and records are let go,
    which matters for memory on a big corpus)."""

    graph: Mapped
    diagnostics: tuple[Diagnostic, ...]
    cache: ParseCache | None = None  # what the parse leaves for the next build
    linking: Linking | None = None  # the papers linked to arXiv records (--arxiv-metadata)

    @property
    def quads(self) -> list[ox.Quad]:
        """The quads as pyoxigraph terms, for callers that want objects (tests, rdflib)."""
        return list(ox.parse(nquads_text(self.graph.pairs), format=ox.RdfFormat.N_QUADS))


def build_graph(
    pages: Sequence[Page],
    settings: Settings,
    reference: Reference | None = None,
    progress: Progress | Say | None = None,
    stage: Stage | None = None,
    cache: ParseCache | None = None,
    spill: Path | None = None,
    release_pages: bool = False,
) -> Built:
    """The graph of ``pages``; with a parse ``cache`` only the pages it cannot answer for
    are parsed (kg.read.cache), and ``Built.cache`` is the cache for the next build. What
    does not fit in memory is sorted in files under ``spill`` (else a temporary folder).
    ``release_pages`` empties the list ``pages`` once they are parsed: their text is the
    biggest thing a build holds, and the caller is done with it."""
    hooks = Hooks(progress, None, stage)
    with hooks.step("parse", f"parsing {len(pages):,} pages", len(pages), "pages") as step:
        again = ""
        if cache is None:
            parsed = parse_pages_in_parallel(pages, settings.capture_date, step=step)
        else:
            cached = parse_with_cache(pages, settings.capture_date, cache, step=step)
            parsed, cache = cached.parsed, cached.cache
            reused = len(pages) - cached.parsed_again
            again = f"; {reused:,} reused from the last build" if reused else ""
        step.done(f"parsed {len(pages):,} pages ({len(parsed.records):,} records{again})")
    infos = [page_info(p, settings.capture_date) for p in pages]
    found_twice = duplicate_warnings(pages)
    if release_pages and isinstance(pages, list):
        pages.clear()
    iris = Iris(settings.base_iri)
    with hooks.step("merge", f"merging {len(parsed.records):,} records") as step:
        merged = merge(parsed.records, iris)
        step.done(f"merged {len(parsed.records):,} records into {len(merged.papers):,} papers")
    linking, snapshot = None, settings.arxiv_metadata
    if snapshot is not None:  # kg.link: the file streamed once
        with hooks.step("link", f"linking papers to {snapshot.name}") as step:
            linking = link_merged(merged, snapshot, step)
            step.done(f"linked {len(linking.links):,} of {len(merged.papers):,} papers to arXiv")
    with hooks.step("map", f"mapping {len(merged.papers):,} papers to RDF") as step:
        mapped = map_records(
            merged,
            infos,
            iris,
            reference or load_reference(),
            settings.capture_date,
            linking,
            spill,
        )
        step.done(f"mapped {len(merged.papers):,} papers to {len(mapped.union):,} triples")
    linked = linking.diagnostics if linking else ()
    diagnostics = tuple(sorted((*parsed.diagnostics, *linked, *mapped.diagnostics, *found_twice)))
    return Built(mapped, diagnostics, cache, linking)


def page_info(page: Page, capture_date: date) -> PageInfo:
    """What the mapping needs of a page: its name, bytes' hash and capture date (its
    folder's, else the option's), and where that date came from."""
    if page.captured is not None:
        return PageInfo(page.source, page.sha256, page.captured, "folder", page.seen_again)
    return PageInfo(page.source, page.sha256, capture_date, "option", page.seen_again)


def build_from_paths(
    paths: Iterable[Path],
    settings: Settings,
    progress: Progress | Say | None = None,
    stage: Stage | None = None,
) -> Built:
    with (stage or _untimed)("read pages"):
        pages = read_every_page(paths)
    return build_graph(pages, settings, progress=progress, stage=stage)


def read_every_page(paths: Iterable[Path]) -> list[Page]:
    paths = list(paths)
    pages = list(read_pages(paths))
    if not pages:
        # An empty folder must not build an empty graph over a good one.
        shown = ", ".join(str(p) for p in paths)
        raise InputError(f"no pages (*.txt files) in {shown}: nothing to build")
    return pages


Stage = Callable[[str], AbstractContextManager[object]]  # wraps each stage (the benchmark)
Seen = Callable[[Sequence[Diagnostic]], None]


def _untimed(name: str) -> AbstractContextManager[object]:
    """No stage hook: run the stage as it is."""
    return nullcontext()


@dataclass(frozen=True)
class Hooks:
    """What a build tells and asks as it goes (see ``kg.pipeline.build``)."""

    progress: Progress | Say | None
    seen: Seen | None
    stage: Stage | None
    background_store_min_bytes: int = BACKGROUND_MIN_BYTES

    def say(self, message: str) -> None:
        renderer(self.progress).say(message)

    def timed(self, name: str) -> AbstractContextManager[object]:
        return (self.stage or _untimed)(name)

    @contextmanager
    def step(
        self, name: str, label: str, total: int | None = None, unit: str = ""
    ) -> Iterator[Step]:
        """Stage ``name`` (as the benchmark times it), shown as ``label`` (kg.progress)."""
        with self.timed(name), progress_stage(renderer(self.progress), label, total, unit) as step:
            yield step


@dataclass(frozen=True)
class GraphFiles:
    """What the graph stages leave the rest of the build: the summary counts, the input
    diagnostics, how many quads and triples graph.nq and graph.nt hold, and the linking
    summary (None without --arxiv-metadata)."""

    counts: dict[str, int]
    diagnostics: tuple[Diagnostic, ...]
    quads: int
    triples: int
    linked: str | None = None


def write_graph_files(
    staging: Path, built: Built, pages: Sequence[tuple[str, str]], hooks: Hooks, out_dir: Path
) -> GraphFiles:
    """graph.nq, graph.nt, the parse cache (of ``pages``: (name, SHA-256) pairs) and the
    linking report of ``built`` into ``staging``, which becomes ``out_dir``; nothing when
    no record was read."""
    counts = {**summarise(built.graph.union), **count_diagnostics(built.diagnostics)}
    sizes = len(built.graph.pairs), len(built.graph.union)
    written = GraphFiles(counts, built.diagnostics, *sizes)
    if counts["records"] == 0:
        return written
    first = (NQUADS, NTRIPLES)
    names = ", ".join(f.file_name for f in first)
    label = f"writing {names} to {out_dir}/"
    with hooks.step("export nquads, ntriples", label, export_lines(first, *sizes), "lines") as step:
        # N-Quads and N-Triples need no prefixes or context
        write_exports(built.graph.pairs, built.graph.union, staging, {}, {}, first, step)
        step.done(f"wrote {names} ({sizes[0]:,} quads, {sizes[1]:,} triples)")
    if built.cache is not None:
        write_atomic(staging / CACHE_NAME, cache_bytes(built.cache, pages))
    if built.linking is None:
        return written
    write_linking(staging, built.linking)
    return GraphFiles(counts, built.diagnostics, *sizes, linking_summary(built.linking))


def write_linking(folder: Path, linking: Linking) -> None:
    """The linking report beside the exports, as text and as JSON."""
    from kg.link.report import linking_json, linking_text

    write_atomic(folder / "linking.txt", linking_text(linking))
    write_atomic(folder / "linking.json", linking_json(linking))
