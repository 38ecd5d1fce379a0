"""``kg report``: a static, offline web site of the built graph (issues 8 and 21).

People, topics and papers get a page each; the index summarises the dataset (its VoID
description) and the validation report; the query gallery runs every saved query; the
ontology and the shapes are documented from ``ontology/kg.ttl`` and ``shapes/*.ttl``.

The site is plain HTML5 and CSS with inline SVG charts; ``report/assets/report.js`` only
adds hover highlighting, table filters and the BibTeX copy buttons. Paper, person and topic
pages link ``.bib`` files written beside them (``bib``, issue 18). Nothing is fetched from
the network. The same store (and validation report) always gives byte-identical files.

At scale (issue 21) the report streams: the graph is read once into a working catalogue
(``catalogue``, a temporary SQLite file beside the report; ``facts``: from the build's
graph.nq when it is the store's content), then each page is rendered from a few queries
and written at once (``views``, ``entities``, ``lists``; the paper and person pages on
every core, ``workers``), so memory does not grow with the graph. Long lists come in
parts of bounded size (``parts``). The files go into a staging folder swapped in whole
(``output``): an interrupted run leaves the previous report whole, and a file whose bytes
did not change is the previous report's file itself (linked), so only the pages a rebuild
changed are new files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kg.errors import UsageError
from kg.graph.vocab import PREFIXES
from kg.heap import release_freed_memory
from kg.progress import Progress, Step, stage
from kg.publish import resolved_target, staging_beside
from kg.report.catalogue import Catalogue, Small, derive
from kg.report.citations import cite
from kg.report.docs import TurtleFile, ontology_page, shapes_page
from kg.report.entities import topic_files
from kg.report.facts import fill_from_build
from kg.report.from_store import load_small
from kg.report.gallery import QueryRun, Validation, gallery_page, validation_html
from kg.report.html import ASSETS, Links, page
from kg.report.index import index_page
from kg.report.inputs import (
    read_ontology,
    read_shapes,
    read_validation,
    run_each,
    run_gallery,
    summarise_validation,
)
from kg.report.lists import counts, papers_files, papers_per_year, people_files, topics_files
from kg.report.output import SiteWriter, publishing
from kg.report.pages import Context
from kg.report.parts import Limits
from kg.report.search import documents, search_files, topic_documents
from kg.report.views import Shared
from kg.report.workers import write_pages
from kg.resources import QUERIES_DIR, REPORT_ASSETS_DIR
from kg.sparql.saved import library
from kg.store.embedded import open_store, store_path

ASSETS_DIR = REPORT_ASSETS_DIR
# SQLite's page cache once the store is closed (while it is open, the catalogue's default:
# the store's own caches grow with it)
CACHE_MIB = 64
GENERATOR_MARK = '<meta name="generator" content="kg report">'
__all__ = [  # what other modules and the tests import from here
    "publish_folder",
    "read_validation",
    "run_gallery",
    "summarise_validation",
    "write_report",
]


@dataclass(frozen=True)
class Written:
    folder: Path
    people: int
    topics: int
    papers: int
    queries: int
    files: int
    changed: int = 0  # files written anew (the others are the previous report's, linked)
    removed: int = 0  # files of the previous report the new one does not have


def default_folder(out_dir: Path) -> Path:
    return out_dir / "report"


def write_report(
    out_dir: Path,
    folder: Path | None = None,
    progress: Progress | None = None,
    limits: Limits = Limits(),  # noqa: B008  (frozen: the shared default cannot change)
) -> Written:
    """Render the report of the store in ``out_dir`` into ``folder`` (default out/report),
    page by page, showing ``progress``; ``limits`` bound what one page shows."""
    folder = folder or default_folder(out_dir)
    _check_target(folder, out_dir)
    target = resolved_target(folder, "report")
    with publishing(target) as writer:
        counts = render_report(out_dir, writer, target, progress, limits)
        with stage(progress, "publishing the report") as step:
            done = writer.finish()
            step.done(f"{done.files:,} files, {done.changed:,} new or changed")
    return Written(folder, *counts, done.files, done.changed, done.removed)


def render_report(
    out_dir: Path,
    writer: SiteWriter,
    beside: Path,
    progress: Progress | None = None,
    limits: Limits = Limits(),  # noqa: B008
) -> tuple[int, int, int, int]:
    """Write every file of the site through ``writer``, from the store and validation report
    in ``out_dir``; the working catalogue lives in a private folder beside ``beside``.
    Returns the numbers of people, topics, papers and saved queries."""

    def write(files: Iterable[tuple[str, str | bytes | Iterator[str]]], step: Step) -> None:
        for path, data in files:
            writer.write_file(path, data)

    with staging_beside(beside) as work:
        cat = Catalogue(work / "catalogue.sqlite")
        try:
            small, runs = _read_store(out_dir, cat, write, progress)
            people, papers = counts(cat)
            shared = Shared.of(small, prefixes_for(small), limits)
            with stage(progress, f"citing {papers:,} papers", papers, "papers") as step:
                cited = cite(cat, small, step)
                step.done(f"cited {cited:,} papers")
            with stage(progress, f"writing {papers:,} paper pages", papers, "papers") as step:
                write_pages("papers", cat, shared, writer, step, CACHE_MIB)
                step.done(f"wrote {papers:,} paper pages")
            with stage(progress, f"writing {people:,} person pages", people, "people") as step:
                write_pages("people", cat, shared, writer, step, CACHE_MIB)
                step.done(f"wrote {people:,} person pages")
            topics = len(small.topics)
            with stage(progress, f"writing {topics:,} topic pages", topics, "topics") as step:
                pages = set(small.topic_paths.values())
                for path, data in topic_files(cat, shared):
                    writer.write_file(path, data)
                    step.advance(int(path in pages))
                step.done(f"wrote {topics:,} topic pages")
            with stage(progress, "writing the lists and the reference pages") as step:
                write(people_files(cat, shared), step)
                write(topics_files(cat, shared), step)
                write(papers_files(cat, shared), step)
                links = site_links(cat, shared)
                validation = read_validation(out_dir)
                per_year = papers_per_year(cat)
                ctx = shared.context({}, {}, {})
                ctx = Context(ctx.site, links)
                write(
                    render_pages(
                        ctx,
                        runs,
                        validation,
                        read_ontology(),
                        read_shapes(),
                        (people, topics, papers),
                        per_year,
                    ).items(),
                    step,
                )
                assets = [(f"assets/{name}", (ASSETS_DIR / name).read_bytes()) for name in ASSETS]
                write(assets, step)
                step.done("wrote the lists, the index and the reference pages")
        finally:
            cat.close()
    return people, topics, papers, len(runs)


def _read_store(
    out_dir: Path,
    cat: Catalogue,
    write: Callable[[Iterable[tuple[str, bytes]], Step], None],
    progress: Progress | None,
) -> tuple[Small, list[QueryRun]]:
    """Everything the report reads from the built graph: the catalogue filled (from the
    build's graph.nq when it is the store's content, ``kg.report.facts``) with the small
    things and the topics read from the store; the search index, from the catalogue; each
    saved query, run on the store opened for it and closed after. The store's caches grow
    with what a reading touches (some 175 MB at 100 k papers), so each reading holds only
    its own, and what they held is handed back to the system before the pages."""
    path = store_path(out_dir)
    with stage(progress, "reading the store") as step:
        with open_store(path) as store:
            source = fill_from_build(cat, out_dir, store, step)
            small = load_small(store, cat)
            topics = topic_documents(store, small.topic_paths.get)
        del store
        release_freed_memory()
        derive(cat)
        people, papers = counts(cat)
        step.done(f"read {people:,} people, {papers:,} papers from {source}")
    with stage(progress, "indexing for the search") as step:
        write(search_files(documents(cat, topics)), step)  # search.html, search/*.js
        step.done("wrote the search index")
    release_freed_memory()
    cat.close()  # its page cache, while the queries fill the store's
    saved = len(library(QUERIES_DIR))
    try:
        with stage(progress, f"running {saved} saved queries", saved, "queries") as step:
            runs = run_each(partial(open_store, path), step=step)
    finally:
        cat.reopen(CACHE_MIB)
    return small, runs


def render_pages(
    ctx: Context,
    runs: list[QueryRun],
    validation: Validation,
    ontology: TurtleFile | None,
    shapes: list[TurtleFile],
    counts: tuple[int, int, int],
    per_year: list[tuple[int, int]],
) -> dict[str, str]:
    """The pages that are one each: the index, the gallery, the ontology and the shapes."""
    links = ctx.links
    shape_links = _with_prefixes(links, shapes)
    index = index_page(ctx, validation_html(shape_links, validation), len(runs), counts, per_year)
    pages = {
        "index.html": index,
        "queries.html": gallery_page(links, runs, "the embedded store's default graph"),
        "shapes.html": shapes_page(shapes, shape_links),
    }
    if ontology:
        onto_links = _with_prefixes(links, [ontology])
        pages["ontology.html"] = ontology_page(ontology.graph, onto_links, ontology.path)
    else:
        pages["ontology.html"] = page("Ontology", '<p class="empty">No ontology/kg.ttl.</p>\n', 0)
    return pages


class _Lookup(Mapping[str, str]):
    """Paths or labels of any paper, person or topic, looked up in the catalogue as asked:
    for the pages that may name anything (the index, the gallery), a few times each."""

    def __init__(self, cat: Catalogue, shared: Shared, column: str) -> None:
        self.cat, self.shared, self.column = cat, shared, column
        small = shared.small
        self.topics = small.topic_paths if column == "path" else shared.labels

    def __getitem__(self, iri: str) -> str:
        if iri in self.topics:
            return self.topics[iri]
        for table in ("paper", "agent"):
            column = self.column if table == "paper" or self.column == "path" else "name"
            found = self.cat.one(f"SELECT {column} FROM {table} WHERE iri = ?", (iri,))
            if found:
                return str(found[0])
        raise KeyError(iri)

    def __iter__(self) -> Iterator[str]:
        yield from self.topics
        for table in ("paper", "agent"):
            for (iri,) in self.cat.rows(f"SELECT iri FROM {table} ORDER BY iri"):
                yield iri

    def __len__(self) -> int:
        return len(self.topics) + sum(counts(self.cat))


def site_links(cat: Catalogue, shared: Shared) -> Links:
    return Links(_Lookup(cat, shared, "path"), shared.prefixes, _Lookup(cat, shared, "label"))


def _with_prefixes(links: Links, files: list[TurtleFile]) -> Links:
    """Links that also shorten IRIs with the prefixes the given Turtle files declare."""
    extra: dict[str, str] = {}
    for file in files:
        for name, namespace in sorted(file.graph.namespaces()):
            extra.setdefault(str(name), str(namespace))
    return Links(links.paths, {**extra, **links.prefixes}, links.labels)


def prefixes_for(small: Small) -> dict[str, str]:
    """The standard prefixes plus short ones for the data IRIs, from the dataset's base."""
    prefixes = dict(PREFIXES)
    if small.dataset and small.dataset.iri.endswith("dataset"):
        base = small.dataset.iri[: -len("dataset")]
        for name in ("org", "page", "paper", "person", "repo", "topic", "venue"):
            prefixes[name] = f"{base}{name}/"
    return dict(sorted(prefixes.items()))


# -- writing --------------------------------------------------------------------------------


def _check_target(folder: Path, out_dir: Path) -> None:
    """Refuse to replace a folder that is not an earlier report (say, the output folder)."""
    resolved = folder.resolve()
    if resolved == out_dir.resolve() or (resolved / "store").exists():
        raise UsageError(
            f"{folder} holds the graph itself; write the report to a folder of its own"
        )
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(f"{folder} is a file; give a folder for the report")
    if resolved.is_dir() and any(resolved.iterdir()):
        index = resolved / "index.html"
        if not (
            index.is_file()
            and GENERATOR_MARK in index.read_text(encoding="utf-8", errors="replace")
        ):
            raise UsageError(
                f"{folder} is not empty and is not an earlier kg report; "
                "choose a new or empty folder (kg report -o DIR)"
            )


def publish_folder(
    files: dict[str, bytes], folder: Path, before_swap: Callable[[], None] | None = None
) -> None:
    """Write ``files`` into a private staging folder beside ``folder`` (an unpredictable
    name, links never followed), then swap it into place in one step."""
    with publishing(folder, before_swap) as writer:
        for relative, data in files.items():
            writer.write(relative, data)
