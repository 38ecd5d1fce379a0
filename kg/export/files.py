"""The exports as files: every format kg.export.formats lists, written under its file name
through kg.publish's atomic write (an interrupted run leaves the previous file whole); the
two line formats read back (``ExportedLines``); the sorted text from quads or a store."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.export.formats import FORMATS, NQUADS, Format
from kg.export.lines import Pair, Pairs
from kg.export.ntriples import nquads_chunks
from kg.graph.layout import Graph, graph_heads, raw_store
from kg.graph.ntriples import sorted_text
from kg.progress import Step, counted
from kg.publish import write_atomic_chunks


def sorted_quads(quads: Iterable[ox.Quad]) -> tuple[Pairs, list[str]]:
    """Quads as term objects (from a store, or tests) -> the sorted text the build writes:
    the same pairs and union as ``kg.graph.mapping.map_records`` gives for the same graph."""
    named: list[ox.Quad] = []
    default: list[ox.Triple] = []
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            default.append(q.triple)
        else:
            named.append(q)
    graphs: dict[str, set[str]] = {}
    text = (ox.serialize(named, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    # split on "\n" only: str.splitlines() would also split at U+2028 inside a literal
    for line in filter(None, text.split("\n")):
        head, graph, _ = line.rsplit(" ", 2)  # "<s> <p> o <g> ." (IRIs hold no spaces)
        graphs.setdefault(graph, set()).add(head)
    text = (ox.serialize(default, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    if default:
        graphs[""] = {line[:-2] for line in filter(None, text.split("\n"))}
    return sorted_text(graphs)


def stored_text(store: Graph) -> tuple[Pairs, list[str]]:
    """The store's named graphs (and their union) as the sorted text the build writes."""
    raw = raw_store(store)
    return sorted_text({str(graph): graph_heads(raw, graph) for graph in raw.named_graphs()})


class ExportedLines:
    """The heads of graph.nt, or the (graph, head) pairs of graph.nq, read back from the
    file each time this is iterated: once those two are written, the build lets go of the
    graph in memory and writes the other formats from the files (holding one line at a
    time while the store fills in another process). Only for files kg wrote, whose quads
    all have a named graph."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[Any]:
        quads = self.path.suffix in NQUADS.suffixes
        # newline="\n": a literal may hold U+2028, which universal newlines would split at
        with open(self.path, encoding="utf-8", newline="\n") as lines:
            for line in lines:
                if quads:
                    head, graph = line[:-3].rsplit(" ", 1)  # "<s> <p> o <g> .\n"
                    yield graph, head
                else:
                    yield line[:-3]  # "<s> <p> o .\n"


def nquads_text(pairs: Iterable[Pair]) -> bytes:
    return "".join(nquads_chunks(pairs)).encode("utf-8")


def prefixes_for(base_iri: str) -> dict[str, str]:
    """Standard prefixes plus short ones for our own data IRIs, in a fixed order."""
    from kg.graph.vocab import PREFIXES

    data = {
        name: f"{base_iri}{name}/"
        for name in ("org", "page", "paper", "person", "repo", "topic", "venue")
    }
    return dict(sorted({**PREFIXES, **data}.items()))


def dumps(
    quads: Iterable[ox.Quad],
    fmt: Format,
    prefixes: dict[str, str],
    context: dict[str, Any] | None = None,
) -> bytes:
    """Serialise deterministically: the same quads always give the same bytes."""
    pairs, union = sorted_quads(quads)
    return "".join(fmt.writer(pairs, union, prefixes, context or {})).encode("utf-8")


def load_context(ontology_dir: Path) -> dict[str, Any]:
    path = ontology_dir / "context.jsonld"
    if not path.is_file():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    context = document.get("@context", {})
    return dict(context) if isinstance(context, dict) else {}


def write_exports(
    pairs: Iterable[Pair],
    union: Iterable[str],
    out_dir: Path,
    prefixes: dict[str, str],
    context: dict[str, Any],
    formats: Iterable[Format] = FORMATS,
    step: Step | None = None,
) -> list[Path]:
    """Write the formats (default: every one, kg.export.formats.FORMATS) into ``out_dir``
    under their file names, from the sorted quads and their union (plain string work,
    several times faster than handing pyoxigraph term objects); returns the paths.
    ``step`` hears each file's name and counts the lines read (see ``export_lines``)."""
    written = []
    for fmt in formats:
        path = out_dir / fmt.file_name
        if step is not None:
            step.detail(fmt.file_name)
        chunks = fmt.writer(counted(pairs, step), counted(union, step), prefixes, context)
        write_atomic_chunks(path, chunks)
        written.append(path)
    return written


def export_lines(formats: Iterable[Format], quads: int, triples: int) -> int:
    """How many lines ``write_exports`` reads for the formats, from ``quads`` pairs and
    ``triples`` heads: each writer reads one of the two (``Format.named_graphs``)."""
    return sum(quads if fmt.named_graphs else triples for fmt in formats)
