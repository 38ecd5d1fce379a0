"""``build()``: the one public entry point of a build, for the CLI, the benchmark and tests.

The stages in order: pages -> records -> merged identities -> the graph as sorted text
(``build_graph``, pure apart from reading the pages), then the exports, the embedded store
and the validation report, published into the output folder in one step (``build``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.diagnostics import Diagnostic, anything_skipped
from kg.errors import InputError
from kg.export.files import ExportedLines, load_context, nquads_text, prefixes_for, write_exports
from kg.export.formats import FORMATS, NQUADS, NTRIPLES
from kg.graph.identity import Iris, merge
from kg.graph.mapping import Mapped, PageInfo, map_records
from kg.graph.reference import Reference, load_reference
from kg.graph.summary import count_diagnostics, summarise
from kg.heap import release_freed_memory
from kg.publish import (
    Claim,
    carry_over,
    claim,
    mark,
    output_lock,
    remove_leftovers,
    resolved_target,
    staging_beside,
    swap_in,
    write_atomic,
)
from kg.read.pages import Page, read_pages
from kg.read.parallel import parse_pages_in_parallel
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
    stage: Stage | None = None,
) -> Built:
    say = progress or _silent
    timed = stage or _untimed
    say(f"parsing {len(pages)} pages")
    with timed("parse"):
        parsed = parse_pages_in_parallel(pages, settings.capture_date)
    iris = Iris(settings.base_iri)
    say(f"merging {len(parsed.records)} records")
    with timed("merge"):
        merged = merge(parsed.records, iris)
    say(f"mapping {len(merged.papers)} papers to RDF")
    with timed("map"):
        mapped = map_records(
            merged,
            [PageInfo(p.source, p.sha256) for p in pages],
            iris,
            reference or load_reference(),
            settings.capture_date,
        )
    diagnostics = tuple(sorted(parsed.diagnostics + mapped.diagnostics))
    return Built(mapped, diagnostics)


def build_from_paths(
    paths: Iterable[Path],
    settings: Settings,
    progress: Progress | None = None,
    stage: Stage | None = None,
) -> Built:
    paths = list(paths)
    with (stage or _untimed)("read pages"):
        pages = list(read_pages(paths))
    if not pages:
        # An empty folder must not build an empty graph over a good one.
        shown = ", ".join(str(p) for p in paths)
        raise InputError(f"no pages (*.txt files) in {shown}: nothing to build")
    return build_graph(pages, settings, progress=progress, stage=stage)


# -- kg build: the one public entry point -------------------------------------------------

# What kg build writes besides the exports and the store (its marker lists them all).
BUILD_FILES = ("diagnostics.txt", "validation.txt", "validation.ttl")
Stage = Callable[[str], AbstractContextManager[object]]  # wraps each stage (the benchmark)
Seen = Callable[[Sequence[Diagnostic]], None]


def _silent(message: str) -> None:
    """No progress hook: say nothing."""


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
    written: bool

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
    progress: Progress | None = None,
    seen: Seen | None = None,
    stage: Stage | None = None,
    background_store_min_bytes: int = BACKGROUND_MIN_BYTES,
) -> BuildResult:
    """``kg build``: read, parse, merge and map the pages, then write every export, the
    embedded store, the diagnostics and the validation report into ``settings.out_dir``.

    The folder is replaced whole (kg.publish): at every instant it holds one build, the old
    or the new; a folder kg did not write is refused before any work. ``progress`` hears
    one line per stage, ``seen`` the input diagnostics as soon as they are known, and
    ``stage`` wraps each stage (the benchmark measures them there). From
    ``background_store_min_bytes`` of N-Quads on, the store fills in a second process
    while the other exports are written. Nothing is written
    when no record could be read: an empty graph never replaces a good one.
    """
    target = resolved_target(settings.out_dir, "graph")
    writes = [*(f.file_name for f in FORMATS), STORE_NAME, *BUILD_FILES]
    with output_lock(target):
        claimed = claim(target, writes, "graph", lambda t: looks_like_a_store(t / STORE_NAME))
        remove_leftovers(target)
        hooks = _Hooks(progress, seen, stage, background_store_min_bytes)
        return _build_into(target, paths, settings, claimed, validate, hooks)


@dataclass(frozen=True)
class _Hooks:
    progress: Progress | None
    seen: Seen | None
    stage: Stage | None
    background_store_min_bytes: int

    def say(self, message: str) -> None:
        (self.progress or _silent)(message)

    def timed(self, name: str) -> AbstractContextManager[object]:
        return (self.stage or _untimed)(name)


def _build_into(
    target: Path,
    paths: Sequence[Path],
    settings: Settings,
    claimed: Claim,
    validate: bool,
    hooks: _Hooks,
) -> BuildResult:
    """Build, then write every output into a staging folder beside the target, which then
    replaces the target in one step."""
    built = build_from_paths(paths, settings, hooks.progress, hooks.timed)
    diagnostics = built.diagnostics
    if hooks.seen is not None:
        hooks.seen(diagnostics)
    counts = {**summarise(built.graph.union), **count_diagnostics(diagnostics)}
    if counts["records"] == 0:
        return BuildResult(counts, diagnostics, None, written=False)
    prefixes, context = prefixes_for(settings.base_iri), load_context(ONTOLOGY_DIR)
    with staging_beside(target) as staging:
        hooks.say(f"writing exports to {settings.out_dir}/")
        with hooks.timed("export nquads, ntriples"):
            nquads, ntriples = write_exports(
                built.graph.pairs,
                built.graph.union,
                staging,
                prefixes,
                context,
                (NQUADS, NTRIPLES),
            )
        # From here on the other formats are written from those two files, one line at a
        # time, and the graph in memory is let go: the store fills in a second process
        # meanwhile, and the two must not hold the graph at once.
        del built
        release_freed_memory()
        pairs, union = ExportedLines(nquads), ExportedLines(ntriples)
        hooks.say("filling the embedded store")
        with hooks.timed("store, with turtle, trig, jsonld"):
            store = store_path(staging)
            background = hooks.background_store_min_bytes
            with writing_store(store, nquads, ntriples, background) as store_written:
                others = [f for f in FORMATS if f not in (NQUADS, NTRIPLES)]
                write_exports(pairs, union, staging, prefixes, context, others)
                text = "".join(f"{d}\n" for d in diagnostics)
                write_atomic(staging / "diagnostics.txt", text)
                store_written()
        report = None
        if validate:
            with hooks.timed("validate"):
                report = _validate_into(staging, settings.base_iri, hooks)
        mark(staging, "kg build")
        carry_over(claimed, target, staging)
        swap_in(staging, target)
    return BuildResult(counts, diagnostics, report, written=True)


def _validate_into(folder: Path, base_iri: str, hooks: _Hooks) -> Report:
    """The store just written, validated where it lies (its default graph is the union);
    the report goes beside the exports as validation.txt and validation.ttl."""
    hooks.say("validating the graph against shapes/")
    report = validate_graph(store_path(folder), SHAPES_DIR)
    prefixes = prefixes_for(base_iri)
    write_atomic(folder / "validation.txt", report_text(report, prefixes))
    write_atomic(folder / "validation.ttl", report_turtle(report, prefixes))
    hooks.say(f"validation: {summary(report)}; see validation.txt")
    return report
