"""``kg report``: a static, offline web site of the built graph (issue 8).

People, topics and papers get a page each; the index summarises the dataset (its VoID
description) and the validation report; the query gallery runs every saved query; the
ontology and the shapes are documented from ``ontology/kg.ttl`` and ``shapes/*.ttl``.

The site is plain HTML5 and CSS with inline SVG charts; ``report/assets/report.js`` only
adds hover highlighting, table filters and the BibTeX copy buttons. Paper, person and topic
pages link ``.bib`` files written beside them (``bib``, issue 18). Nothing is fetched from
the network. The same store (and validation report) always gives byte-identical files, and
the folder is replaced in one rename, so an interrupted run leaves the previous report whole.

Reading (store, files) and writing happen here, in ``from_store`` and in
``bib.read_entries``; the other modules of the package are pure renderers.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import KgError, UsageError
from kg.graph.layout import Graph as StoreGraph
from kg.graph.vocab import PREFIXES
from kg.publish import output_lock, remove_leftovers, resolved_target, staging_beside, swap_in
from kg.report.bib import bib_files, read_entries
from kg.report.data import Site
from kg.report.docs import TurtleFile, ontology_page, shapes_page
from kg.report.from_store import load_site
from kg.report.gallery import Cell, Finding, QueryRun, Validation, gallery_page, validation_html
from kg.report.html import ASSETS, Links, page
from kg.report.index import index_page, papers_page, people_page, topics_page
from kg.report.pages import Context, make_context, paper_page, topic_page
from kg.report.person import person_page
from kg.resources import ONTOLOGY_DIR, QUERIES_DIR, REPORT_ASSETS_DIR, SHAPES_DIR
from kg.sparql.results import Results
from kg.sparql.saved import bind, library, run_local
from kg.store.embedded import open_store, store_path

ASSETS_DIR = REPORT_ASSETS_DIR
GENERATOR_MARK = '<meta name="generator" content="kg report">'
SH = "http://www.w3.org/ns/shacl#"
TRIPLE_COLUMNS = ("subject", "predicate", "object")
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


@dataclass(frozen=True)
class Written:
    folder: Path
    people: int
    topics: int
    papers: int
    queries: int
    files: int


def default_folder(out_dir: Path) -> Path:
    return out_dir / "report"


def write_report(out_dir: Path, folder: Path | None = None) -> Written:
    """Render the report of the store in ``out_dir`` into ``folder`` (default out/report)."""
    folder = folder or default_folder(out_dir)
    _check_target(folder, out_dir)
    rendered = render_report(out_dir)
    site, files = rendered.site, rendered.files
    publish_folder(files, resolved_target(folder, "report"))
    return Written(
        folder,
        len(site.agents),
        len(site.topics),
        len(site.papers),
        len(rendered.runs),
        len(files),
    )


@dataclass(frozen=True)
class Rendered:
    """The site's files (relative path -> bytes, sorted) and what they were made from."""

    files: dict[str, bytes]
    site: Site
    runs: list[QueryRun]


def render_report(out_dir: Path) -> Rendered:
    """Every file of the site, from the store and validation report in ``out_dir``."""
    with open_store(store_path(out_dir)) as store:
        site = load_site(store)
        runs = run_gallery(store)
        entries = read_entries(store)
    prefixes = prefixes_for_site(site)
    ctx = make_context(site, prefixes, entries)
    validation = read_validation(out_dir)
    pages = render_pages(ctx, runs, validation, read_ontology(), read_shapes())
    pages.update(bib_files(entries, ctx.links.paths, {**ctx.by_agent, **ctx.by_topic}))
    files = {path: text.encode("utf-8") for path, text in pages.items()}
    for name in ASSETS:
        files[f"assets/{name}"] = (ASSETS_DIR / name).read_bytes()
    return Rendered(dict(sorted(files.items())), site, runs)


def render_pages(
    ctx: Context,
    runs: list[QueryRun],
    validation: Validation,
    ontology: TurtleFile | None,
    shapes: list[TurtleFile],
) -> dict[str, str]:
    site, links = ctx.site, ctx.links
    shape_links = _with_prefixes(links, shapes)
    pages = {
        "index.html": index_page(ctx, validation_html(shape_links, validation), len(runs)),
        "people.html": people_page(ctx),
        "topics.html": topics_page(ctx),
        "papers.html": papers_page(ctx),
        "queries.html": gallery_page(links, runs, "the embedded store's default graph"),
        "shapes.html": shapes_page(shapes, shape_links),
    }
    if ontology:
        onto_links = _with_prefixes(links, [ontology])
        pages["ontology.html"] = ontology_page(ontology.graph, onto_links, ontology.path)
    else:
        pages["ontology.html"] = page("Ontology", '<p class="empty">No ontology/kg.ttl.</p>\n', 0)
    for iri, agent in site.agents.items():
        pages[links.paths[iri]] = person_page(ctx, agent)
    for iri, topic in site.topics.items():
        pages[links.paths[iri]] = topic_page(ctx, topic)
    for iri, paper in site.papers.items():
        pages[links.paths[iri]] = paper_page(ctx, paper)
    return pages


def _with_prefixes(links: Links, files: list[TurtleFile]) -> Links:
    """Links that also shorten IRIs with the prefixes the given Turtle files declare."""
    extra: dict[str, str] = {}
    for file in files:
        for name, namespace in sorted(file.graph.namespaces()):
            extra.setdefault(str(name), str(namespace))
    return Links(links.paths, {**extra, **links.prefixes}, links.labels)


def prefixes_for_site(site: Site) -> dict[str, str]:
    """The standard prefixes plus short ones for the data IRIs, from the dataset's base."""
    prefixes = dict(PREFIXES)
    if site.dataset and site.dataset.iri.endswith("dataset"):
        base = site.dataset.iri[: -len("dataset")]
        for name in ("org", "page", "paper", "person", "repo", "topic", "venue"):
            prefixes[name] = f"{base}{name}/"
    return dict(sorted(prefixes.items()))


# -- reading the other inputs ---------------------------------------------------------------


def read_ontology() -> TurtleFile | None:
    path = ONTOLOGY_DIR / "kg.ttl"
    if not path.is_file():
        return None
    return TurtleFile("ontology/kg.ttl", _parse(path))


def read_shapes() -> list[TurtleFile]:
    return [TurtleFile(f"shapes/{p.name}", _parse(p)) for p in sorted(SHAPES_DIR.glob("*.ttl"))]


def _parse(path: Path) -> Graph:
    try:
        return Graph(bind_namespaces="none").parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds of parse errors
        raise KgError(f"cannot read {path}: {exc}") from exc


def read_validation(out_dir: Path) -> Validation:
    """Summarise out/validation.ttl (a SHACL report), else show out/validation.txt."""
    turtle, text = out_dir / "validation.ttl", out_dir / "validation.txt"
    if turtle.is_file():
        try:
            triples = [q.triple for q in ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)]
        except (SyntaxError, OSError) as exc:
            return Validation(source=turtle.name, text=f"cannot read {turtle.name}: {exc}")
        return summarise_validation(triples, turtle.name)
    if text.is_file():
        return Validation(source=text.name, text=text.read_text(encoding="utf-8", errors="replace"))
    return Validation()


def summarise_validation(triples: list[Any], source: str) -> Validation:
    by_subject: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_subject[str(t.subject)][t.predicate.value].append(t.object)
    conforms: bool | None = None
    results: list[str] = []
    for props in by_subject.values():
        if any(o.value == SH + "ValidationReport" for o in props.get(_RDF_TYPE, [])):
            values = props.get(SH + "conforms", [])
            conforms = bool(values) and all(v.value == "true" for v in values)
            results += [str(r) for r in props.get(SH + "result", [])]
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for key in results:
        props = by_subject.get(key, {})
        severity = min(
            (o.value for o in props.get(SH + "resultSeverity", [])), default=SH + "Violation"
        )
        shape = min(
            (o.value for o in props.get(SH + "sourceShape", []) if isinstance(o, ox.NamedNode)),
            default="",
        )
        message = min((o.value for o in props.get(SH + "resultMessage", [])), default="")
        focus = min(
            (o.value for o in props.get(SH + "focusNode", []) if isinstance(o, ox.NamedNode)),
            default="",
        )
        groups[(severity.rsplit("#", 1)[-1], shape, message)].append(focus)
    rank = {"Violation": 0, "Warning": 1, "Info": 2}
    findings = sorted(
        (
            Finding(sev, shape, msg, len(focus), tuple(sorted({f for f in focus if f})[:3]))
            for (sev, shape, msg), focus in groups.items()
        ),
        key=lambda f: (rank.get(f.severity, 3), -f.count, f.shape, f.message),
    )
    severities = Counter(f.severity for f in findings for _ in range(f.count))
    return Validation(
        source=source,
        conforms=conforms if conforms is not None else not results,
        results=len(results),
        by_severity=tuple(sorted(severities.items(), key=lambda kv: rank.get(kv[0], 3))),
        findings=tuple(findings),
    )


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# -- the query gallery ------------------------------------------------------------------------


def run_gallery(store: StoreGraph, queries_dir: Path = QUERIES_DIR) -> list[QueryRun]:
    """Every saved query in ``queries_dir`` run on the store with its default parameters; a
    query that needs a value is listed, not run."""
    runs = []
    for saved in library(queries_dir):
        query = QueryRun(saved.name, saved.text, saved.title, saved.question, saved.description)
        needs = tuple(p.name for p in saved.parameters if p.default is None)
        if needs:
            runs.append(replace(query, needs=needs))
            continue
        try:
            bindings = bind(saved, [])
            query = replace(
                query, parameters=tuple((k, _term_text(v)) for k, v in bindings.items())
            )
            results = run_local(store, saved, bindings)
        except KgError as exc:
            runs.append(replace(query, error=exc.message))
            continue
        runs.append(_with_results(query, results))
    return runs


def _with_results(query: QueryRun, results: Results) -> QueryRun:
    """The run with what the query gave: rows, a boolean, or triples."""
    if results.kind == "boolean":
        return replace(query, boolean=results.boolean)
    if results.kind == "graph":
        return replace(query, variables=TRIPLE_COLUMNS, rows=_triple_rows(results.triples))
    cells = [tuple(_cell(t) for t in row) for row in results.rows]
    return replace(query, variables=tuple(results.variables), rows=_ordered(query.text, cells))


def _triple_rows(triples: Any) -> tuple[tuple[Cell | None, ...], ...]:
    """CONSTRUCT/DESCRIBE results as sorted (subject, predicate, object) rows."""
    return _ordered(
        "", [tuple(_cell(x) for x in (t.subject, t.predicate, t.object)) for t in triples]
    )


def _ordered(text: str, rows: list[tuple[Cell | None, ...]]) -> tuple[tuple[Cell | None, ...], ...]:
    """The query's own order when it has ORDER BY; otherwise sorted, for stable pages."""
    if _ORDER_BY.search(text):
        return tuple(rows)
    return tuple(
        sorted(
            rows, key=lambda row: [("", "") if c is None else (c.text, c.iri or "") for c in row]
        )
    )


def _cell(term: Any) -> Cell | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Cell(term.value, term.value)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        return Cell(term.value)
    return Cell(str(term))


def _term_text(term: Any) -> str:
    return str(term.value) if hasattr(term, "value") else str(term)


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
    with output_lock(folder):
        remove_leftovers(folder)
        with staging_beside(folder) as staging:
            for relative, data in files.items():
                path = staging / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                # O_EXCL|O_NOFOLLOW: never write through a link, never over a file
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
                with os.fdopen(os.open(path, flags, 0o666), "wb") as handle:
                    handle.write(data)
            if before_swap:
                before_swap()
            swap_in(staging, folder)
