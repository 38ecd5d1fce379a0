"""``build()``: the one public entry point of a build, for the CLI, the benchmark and tests.

The stages in order: pages -> records -> merged identities -> the graph as sorted text
(``build_graph``, pure apart from reading the pages), then the exports, the embedded store
and the validation report, published into the output folder in one step (``build``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from kg import __version__
from kg.config import Settings
from kg.diagnostics import Diagnostic, anything_skipped
from kg.errors import InputError, StoreError
from kg.export.files import ExportedLines, export_lines, load_context, prefixes_for, write_exports
from kg.export.formats import FORMATS, NQUADS, NTRIPLES
from kg.heap import release_freed_memory
from kg.link.snapshot import check_snapshot
from kg.processes import run_forked
from kg.progress import Progress, Step
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
from kg.read.cache import CACHE_NAME, ParseCache, read_cache
from kg.read.cache import fingerprint as parse_fingerprint
from kg.read.pages import Page
from kg.rebuild import LAST_BUILD, LastBuild, build_fingerprint, last_build_bytes, read_last_build
from kg.resources import ONTOLOGY_DIR, SHAPES_DIR
from kg.shacl.report import Report, report_text, report_turtle, summary
from kg.shacl.run import validate as validate_graph
from kg.stages import (
    Built,
    GraphFiles,
    Hooks,
    Say,
    Seen,
    Stage,
    build_from_paths,
    build_graph,
    read_every_page,
    write_graph_files,
)
from kg.store.embedded import (
    BACKGROUND_MIN_BYTES,
    STORE_NAME,
    looks_like_a_store,
    store_path,
    writing_store,
)
from kg.store.update import can_update, difference, update_store

T = TypeVar("T")
__all__ = ["BuildResult", "Built", "build", "build_from_paths", "build_graph", "read_every_page"]
# From this many lines of pages on, the graph stages run in a process of their own (kg.stages).
GRAPH_PROCESS_MIN_LINES = 20_000

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
        hooks = Hooks(progress, seen, stage, background_store_min_bytes)
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
        lines = sum(len(page.lines) for page in pages)
        own_process = hooks.stage is None and lines >= GRAPH_PROCESS_MIN_LINES
        plan = _Plan(claimed, validate, incremental, fingerprint, keys, own_process)
        if own_process:
            pages.clear()  # read again by that process: here they would be held throughout
            release_freed_memory()

        def make_graph() -> Built:
            parse_key = parse_fingerprint(__version__, settings.capture_date)
            last = read_cache(target, parse_key) if incremental else ParseCache(parse_key)
            read = _read_again(paths, keys) if own_process else pages
            timed = hooks.timed
            return build_graph(read, settings, None, progress, timed, last, spill, True)

        # the graph's sorted runs go beside the output (a killed run's are removed above)
        with staging_beside(target) as spill:
            return _build_into(target, make_graph, settings, plan, hooks)


def _read_again(paths: Sequence[Path], keys: list[tuple[str, str]]) -> list[Page]:
    """The pages read again, by the graph's own process: the same as the build's."""
    pages = read_every_page(paths)
    if [(page.source, page.sha256) for page in pages] != keys:
        raise InputError("the pages changed while kg was building them: run it again")
    return pages


@dataclass(frozen=True)
class _Plan:
    claimed: Claim
    validate: bool
    incremental: bool
    fingerprint: str  # of this build (kg.rebuild)
    pages: list[tuple[str, str]]  # (name, SHA-256) of every page
    own_process: bool = False  # the graph stages run in a process of their own (kg.stages)

    def run(self, task: Callable[[], T]) -> T:
        """``task()``: in a forked process of its own when the pages are many, else here."""
        return run_forked(task) if self.own_process else task()


def _whole(target: Path) -> bool:
    """Whether the folder still holds everything its build wrote (its marker lists it):
    none of it deleted by hand."""
    wrote = marked_entries(target)
    return wrote is not None and all((target / name).exists() for name in wrote)


def _build_into(
    target: Path, make_graph: Callable[[], Built], settings: Settings, plan: _Plan, hooks: Hooks
) -> BuildResult:
    """Write every output of the build into a staging folder beside the target, which then
    replaces the target in one step. The graph stages run in a process of their own when
    the pages are many (``plan.own_process``): what they held goes back to the system before
    the store, the other exports and the validation need memory (``kg.stages``)."""
    others = [f for f in FORMATS if f not in (NQUADS, NTRIPLES)]
    with staging_beside(target) as staging:

        def graph_files() -> GraphFiles:
            return write_graph_files(staging, make_graph(), plan.pages, hooks, settings.out_dir)

        made = plan.run(graph_files)
        counts, diagnostics = made.counts, made.diagnostics
        if hooks.seen is not None:
            hooks.seen(diagnostics)
        if counts["records"] == 0:
            return BuildResult(counts, diagnostics, None, written=False)
        release_freed_memory()
        nquads, ntriples = staging / NQUADS.file_name, staging / NTRIPLES.file_name
        prefixes, context = prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
        # The other formats are written from those two files, one line at a time, while
        # the store fills in a second process.
        pairs, union = ExportedLines(nquads), ExportedLines(ntriples)
        names = ", ".join(f.file_name for f in others)
        label = f"filling the store, writing {len(others)} exports"
        lines = export_lines(others, made.quads, made.triples)
        with hooks.step("store, with turtle, trig, jsonld", label, lines, "lines") as step:
            store = store_path(staging)
            background = hooks.background_store_min_bytes
            step.detail("filling the store")  # a small graph's store fills first, here
            old = target if plan.incremental else None
            with _filling_store(store, nquads, made.quads, old, background) as store_written:
                # in a process of their own too: the writers' buffers would stay in this
                # heap, and the validation's forked workers would share it
                plan.run(
                    partial(write_exports, pairs, union, staging, prefixes, context, others, step)
                )
                text = "".join(f"{d}\n" for d in diagnostics)
                write_atomic(staging / "diagnostics.txt", text)
                step.detail("waiting for the store")
                store_written()
            step.done(f"filled the store and wrote {names}")
        if made.linked is not None:
            hooks.say(made.linked)
        report = None
        if plan.validate:
            with hooks.step("validate", f"validating the graph against {SHAPES_DIR.name}/") as step:
                report = _validate_into(staging, settings.base_iri, step)
                step.done(f"validated the graph against {SHAPES_DIR.name}/")
            hooks.say(f"validation: {summary(report)}; see validation.txt")
        record = LastBuild(plan.fingerprint, counts, diagnostics, report)
        write_atomic(staging / LAST_BUILD, last_build_bytes(record))
        mark(staging, "kg build")
        carry_over(plan.claimed, target, staging)
        swap_in(staging, target)
    return BuildResult(counts, diagnostics, report, written=True)


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
