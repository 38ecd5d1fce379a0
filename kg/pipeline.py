"""``build()``: the one public entry point of a build, for the CLI, the benchmark and tests.

The stages in order: pages -> records -> merged identities -> the graph as sorted text
(``build_graph``, pure apart from reading the pages), then the exports, the embedded store
and the validation report, published into the output folder in one step (``build``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.config import Settings
from kg.diagnostics import Diagnostic, anything_skipped
from kg.errors import InputError, StoreError
from kg.export.files import (
    ExportedLines,
    export_lines,
    load_context,
    nquads_text,
    prefixes_for,
    write_exports,
)
from kg.export.formats import FORMATS, NQUADS, NTRIPLES
from kg.graph.arxiv import link_merged
from kg.graph.identity import Iris, merge
from kg.graph.mapping import Mapped, PageInfo, map_records
from kg.graph.reference import Reference, load_reference
from kg.graph.summary import count_diagnostics, summarise
from kg.heap import release_freed_memory
from kg.link.model import Linking
from kg.link.report import linking_summary
from kg.link.snapshot import check_snapshot
from kg.progress import Progress, Step, renderer
from kg.progress import stage as progress_stage
from kg.publish import (
    Claim,
    carry_over,
    claim,
    mark,
    marked_entries,
    output_lock,
    remove_leftovers,
    resolved_target,
    staging_beside,
    swap_in,
    write_atomic,
)
from kg.read.cache import CACHE_NAME, ParseCache, cache_bytes, read_cache
from kg.read.cache import fingerprint as parse_fingerprint
from kg.read.pages import Page, duplicate_warnings, read_pages
from kg.read.parallel import parse_pages_in_parallel, parse_with_cache
from kg.rebuild import LAST_BUILD, LastBuild, build_fingerprint, last_build_bytes, read_last_build
from kg.resources import ONTOLOGY_DIR, SHAPES_DIR
from kg.shacl.report import Report, report_text, report_turtle, summary
from kg.shacl.run import validate as validate_graph
from kg.store.embedded import (
    BACKGROUND_MIN_BYTES,
    STORE_NAME,
    looks_like_a_store,
    store_path,
    writing_store,
)
from kg.store.update import can_update, difference, update_store

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
) -> Built:
    """The graph of ``pages``; with a parse ``cache`` only the pages it cannot answer for
    are parsed (kg.read.cache), and ``Built.cache`` is the cache for the next build."""
    hooks = _Hooks(progress, None, stage)
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
            [page_info(p, settings.capture_date) for p in pages],
            iris,
            reference or load_reference(),
            settings.capture_date,
            linking,
        )
        step.done(f"mapped {len(merged.papers):,} papers to {len(mapped.union):,} triples")
    found_twice = duplicate_warnings(pages)
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


# -- kg build: the one public entry point -------------------------------------------------

# What kg build writes besides the exports and the store (its marker lists them all).
BUILD_FILES = (
    "diagnostics.txt",
    "validation.txt",
    "validation.ttl",
    "linking.txt",
    "linking.json",
    CACHE_NAME,
    LAST_BUILD,
)
Stage = Callable[[str], AbstractContextManager[object]]  # wraps each stage (the benchmark)
Seen = Callable[[Sequence[Diagnostic]], None]


def _untimed(name: str) -> AbstractContextManager[object]:
    """No stage hook: run the stage as it is."""
    return nullcontext()


@dataclass(frozen=True)
class BuildResult:
    """What ``build`` did: the summary counts, the input diagnostics, the validation report
    (None when not validated) and whether the output folder was written at all."""

    counts: dict[str, int]
    diagnostics: tuple[Diagnostic, ...]
    report: Report | None
    written: bool  # the output folder holds this build (also when it already did)
    unchanged: bool = False  # it already did: the same pages, settings and kg as last time

    @property
    def skipped(self) -> bool:
        """Some input was skipped (an error diagnostic)."""
        return anything_skipped(list(self.diagnostics))

    @property
    def conforms(self) -> bool:
        return self.report is None or self.report.conforms


def build(
    paths: Sequence[Path],
    settings: Settings,
    *,
    validate: bool = True,
    progress: Progress | Say | None = None,
    seen: Seen | None = None,
    stage: Stage | None = None,
    background_store_min_bytes: int = BACKGROUND_MIN_BYTES,
    incremental: bool = True,
) -> BuildResult:
    """``kg build``: read, parse, merge and map the pages, then write every export, the
    embedded store, the diagnostics and the validation report into ``settings.out_dir``.

    The folder is replaced whole (kg.publish): at every instant it holds one build, the old
    or the new; a folder kg did not write is refused before any work. ``progress`` shows
    the stages (kg.progress: a bar, lines, nothing; a function hears them as lines),
    ``seen`` the input diagnostics as soon as they are known, and ``stage`` wraps each
    stage (the benchmark measures them there). From
    ``background_store_min_bytes`` of N-Quads on, the store fills in a second process
    while the other exports are written. Nothing is written
    when no record could be read: an empty graph never replaces a good one.

    ``incremental`` (the default) starts from what the previous build left in the folder:
    nothing is done when the pages, settings and kg are those of that build; otherwise only
    pages whose parse cannot be reused are parsed, and the store is the previous one with
    the difference applied (kg.store.update). The output is the same as a clean build's.
    """
    target = resolved_target(settings.out_dir, "graph")
    if settings.arxiv_metadata is not None:
        check_snapshot(settings.arxiv_metadata)
    writes = [*(f.file_name for f in FORMATS), STORE_NAME, *BUILD_FILES]
    with output_lock(target):
        claimed = claim(target, writes, "graph", lambda t: looks_like_a_store(t / STORE_NAME))
        remove_leftovers(target)
        hooks = _Hooks(progress, seen, stage, background_store_min_bytes)
        with hooks.timed("read pages"):
            pages = read_every_page(paths)
        keys = [(page.source, page.sha256) for page in pages]
        # a copy read as another page changes the build too (its warning, kg:seenAgainOn)
        twins = [(f"{page.source}\0again", other) for page in pages for other in page.also_at]
        fingerprint = build_fingerprint(keys + twins, settings, validate)
        last = read_last_build(target) if incremental else None
        if last is not None and last.fingerprint == fingerprint and _whole(target):
            if hooks.seen is not None:
                hooks.seen(last.diagnostics)
            hooks.say(f"{settings.out_dir}/ already holds this build: nothing to do")
            return BuildResult(last.counts, last.diagnostics, last.report, True, unchanged=True)
        parse_key = parse_fingerprint(__version__, settings.capture_date)
        cache = read_cache(target, parse_key) if incremental else ParseCache(parse_key)
        built = build_graph(pages, settings, progress=progress, stage=hooks.timed, cache=cache)
        del pages
        plan = _Plan(claimed, validate, incremental, fingerprint, keys)
        return _build_into(target, built, settings, plan, hooks)


@dataclass(frozen=True)
class _Plan:
    claimed: Claim
    validate: bool
    incremental: bool
    fingerprint: str  # of this build (kg.rebuild)
    pages: list[tuple[str, str]]  # (name, SHA-256) of every page


def _whole(target: Path) -> bool:
    """Whether the folder still holds everything its build wrote (its marker lists it):
    none of it deleted by hand."""
    wrote = marked_entries(target)
    return wrote is not None and all((target / name).exists() for name in wrote)


@dataclass(frozen=True)
class _Hooks:
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


def _build_into(
    target: Path, built: Built, settings: Settings, plan: _Plan, hooks: _Hooks
) -> BuildResult:
    """Write every output of the build into a staging folder beside the target, which then
    replaces the target in one step."""
    diagnostics = built.diagnostics
    cache, linking = built.cache, built.linking
    if hooks.seen is not None:
        hooks.seen(diagnostics)
    counts = {**summarise(built.graph.union), **count_diagnostics(diagnostics)}
    if counts["records"] == 0:
        return BuildResult(counts, diagnostics, None, written=False)
    prefixes, context = prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
    sizes = len(built.graph.pairs), len(built.graph.union)  # what each export reads
    first = (NQUADS, NTRIPLES)
    others = [f for f in FORMATS if f not in first]
    with staging_beside(target) as staging:
        names = ", ".join(f.file_name for f in first)
        label = f"writing {names} to {settings.out_dir}/"
        lines = export_lines(first, *sizes)
        with hooks.step("export nquads, ntriples", label, lines, "lines") as step:
            nquads, ntriples = write_exports(
                built.graph.pairs, built.graph.union, staging, prefixes, context, first, step
            )
            step.done(f"wrote {names} ({sizes[0]:,} quads, {sizes[1]:,} triples)")
        # From here on the other formats are written from those two files, one line at a
        # time, and the graph in memory is let go: the store fills in a second process
        # meanwhile, and the two must not hold the graph at once.
        del built
        release_freed_memory()
        pairs, union = ExportedLines(nquads), ExportedLines(ntriples)
        names = ", ".join(f.file_name for f in others)
        label = f"filling the store, writing {len(others)} exports"
        lines = export_lines(others, *sizes)
        with hooks.step("store, with turtle, trig, jsonld", label, lines, "lines") as step:
            store = store_path(staging)
            background = hooks.background_store_min_bytes
            step.detail("filling the store")  # a small graph's store fills first, here
            old = target if plan.incremental else None
            with _filling_store(store, nquads, sizes[0], old, background) as store_written:
                write_exports(pairs, union, staging, prefixes, context, others, step)
                text = "".join(f"{d}\n" for d in diagnostics)
                write_atomic(staging / "diagnostics.txt", text)
                if linking is not None:
                    _write_linking(staging, linking)
                step.detail("waiting for the store")
                store_written()
            step.done(f"filled the store and wrote {names}")
        if linking is not None:
            hooks.say(linking_summary(linking))
        report = None
        if plan.validate:
            with hooks.step("validate", f"validating the graph against {SHAPES_DIR.name}/") as step:
                report = _validate_into(staging, settings.base_iri, step)
                step.done(f"validated the graph against {SHAPES_DIR.name}/")
            hooks.say(f"validation: {summary(report)}; see validation.txt")
        if cache is not None:
            write_atomic(staging / CACHE_NAME, cache_bytes(cache, plan.pages))
        record = LastBuild(plan.fingerprint, counts, diagnostics, report)
        write_atomic(staging / LAST_BUILD, last_build_bytes(record))
        mark(staging, "kg build")
        carry_over(plan.claimed, target, staging)
        swap_in(staging, target)
    return BuildResult(counts, diagnostics, report, written=True)


def _write_linking(folder: Path, linking: Linking) -> None:
    """The linking report beside the exports, as text and as JSON."""
    from kg.link.report import linking_json, linking_text

    write_atomic(folder / "linking.txt", linking_text(linking))
    write_atomic(folder / "linking.json", linking_json(linking))


@contextmanager
def _filling_store(
    store: Path, nquads: Path, quads: int, previous: Path | None, background_min_bytes: int
) -> Iterator[Callable[[], None]]:
    """The store of ``nquads`` (``quads`` lines) at ``store``: the store of the
    ``previous`` build with the difference between the two graph.nq applied, when there is
    one and the difference is small; else loaded whole (``writing_store``, in a second
    process when big)."""
    if previous is not None and _updated(store, nquads, quads, previous):
        yield lambda: None
        return
    with writing_store(store, nquads, background_min_bytes) as store_written:
        yield store_written


def _updated(store: Path, nquads: Path, quads: int, previous: Path) -> bool:
    """Whether the previous build's store, with the difference applied, is now at
    ``store``; False when there is none to start from, the difference is big (more than
    a quarter of the ``quads``: loading whole is then the cheaper way), or the old store
    is not the graph.nq beside it."""
    old_store, old_nquads = store_path(previous), previous / NQUADS.file_name
    if not can_update(old_store, old_nquads):
        return False
    change = difference(old_nquads, nquads, limit=quads // 4)
    if change is None:
        return False
    try:
        update_store(store, old_store, change)
    except StoreError:
        return False
    return True


def _validate_into(folder: Path, base_iri: str, step: Step) -> Report:
    """The store just written, validated where it lies (read as one graph, kg.graph.layout);
    the report goes beside the exports as validation.txt and validation.ttl."""
    report = validate_graph(store_path(folder), SHAPES_DIR, step=step)
    prefixes = prefixes_for(base_iri)
    write_atomic(folder / "validation.txt", report_text(report, prefixes))
    write_atomic(folder / "validation.ttl", report_turtle(report, prefixes))
    return report
