"""The formats kg writes, as values: one frozen record per format, and the look-ups by name
and by file name. Everywhere a format is named, it comes from here.

Two kinds, kept apart: ``Format`` (RDF: the file kg build writes, whether it holds named
graphs, and a writer of the graph's text; ``FORMATS``, ``NAMES``, ``SUFFIXES``,
``format_named``, ``format_for_path``) and ``CitationFormat`` (the papers as citations,
issue #18: a writer of ``kg.cite`` citations; ``CITATION_FORMATS``). kg build writes the
RDF formats only; kg export takes both (``EXPORT_NAMES``, ``export_format_named``,
``export_format_for_path``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.export.lines import Pair

if TYPE_CHECKING:
    from kg.cite.model import Citation

# (pairs, union, prefixes, context) -> text chunks; see kg.export.lines for the input
Writer = Callable[
    [Iterable[Pair], Iterable[str], Mapping[str, str], Mapping[str, Any]], Iterator[str]
]


@dataclass(frozen=True)
class Format:
    """One RDF format. ``writer`` streams it from the sorted pairs and their union (it
    reads only the one it needs: the pairs if ``named_graphs``, else the union)."""

    name: str  # as --format takes it
    file_name: str  # what kg build writes
    suffixes: tuple[str, ...]  # lower case, with the dot; the first is the usual one
    media_type: str
    named_graphs: bool
    writer: Writer


# The writers import their module when first called: `kg --help` and `kg export --help`
# read the registry (the choices of --format) without compiling every writer's patterns.


def _nquads(
    pairs: Iterable[Pair], union: Iterable[str], prefixes: Mapping[str, str], context: Any
) -> Iterator[str]:
    from kg.export.ntriples import nquads_chunks

    return nquads_chunks(pairs)


def _ntriples(
    pairs: Iterable[Pair], union: Iterable[str], prefixes: Mapping[str, str], context: Any
) -> Iterator[str]:
    from kg.export.ntriples import ntriples_chunks

    return ntriples_chunks(union)


def _turtle(
    pairs: Iterable[Pair], union: Iterable[str], prefixes: Mapping[str, str], context: Any
) -> Iterator[str]:
    from kg.export.turtle import turtle_chunks

    return turtle_chunks(union, prefixes)


def _trig(
    pairs: Iterable[Pair], union: Iterable[str], prefixes: Mapping[str, str], context: Any
) -> Iterator[str]:
    from kg.export.turtle import trig_chunks

    return trig_chunks(pairs, prefixes)


def _jsonld(
    pairs: Iterable[Pair],
    union: Iterable[str],
    prefixes: Mapping[str, str],
    context: Mapping[str, Any],
) -> Iterator[str]:
    from kg.export.jsonld import jsonld_chunks

    return jsonld_chunks(pairs, prefixes, context)


NQUADS = Format("nquads", "graph.nq", (".nq",), "application/n-quads", True, _nquads)
NTRIPLES = Format("ntriples", "graph.nt", (".nt",), "application/n-triples", False, _ntriples)
TURTLE = Format("turtle", "graph.ttl", (".ttl",), "text/turtle", False, _turtle)
TRIG = Format("trig", "graph.trig", (".trig",), "application/trig", True, _trig)
JSONLD = Format(
    "jsonld", "graph.jsonld", (".jsonld", ".json"), "application/ld+json", True, _jsonld
)

# In the order kg build writes them: N-Quads and N-Triples first, as the store is filled
# from those two files and the other formats are written from them read back.
FORMATS = (NQUADS, NTRIPLES, TURTLE, TRIG, JSONLD)
NAMES = tuple(f.name for f in FORMATS)
DEFAULT = TURTLE  # kg export's format when neither --format nor the file name says one

_BY_NAME = {f.name: f for f in FORMATS}
_BY_SUFFIX = {suffix: f for f in FORMATS for suffix in f.suffixes}
SUFFIXES = tuple(sorted(_BY_SUFFIX))  # every suffix a format is known by


def format_named(name: str) -> Format:
    """The format of that name; an unknown name is a usage error that lists the known."""
    found = _BY_NAME.get(name)
    if found is None:
        raise UsageError(f"unknown RDF format {name!r} (use one of {', '.join(NAMES)})")
    return found


def format_for_path(path: str | PurePath) -> Format | None:
    """The format a file name asks for by its suffix (case ignored), or None."""
    return _BY_SUFFIX.get(PurePath(path).suffix.lower())


# -- citation formats (issue #18) -----------------------------------------------------------

CitationWriter = Callable[[Iterable["Citation"]], Iterator[str]]


@dataclass(frozen=True)
class CitationFormat:
    """One bibliography format. ``writer`` streams citations, one entry per chunk, and
    writes a valid empty file for none. ``guessed`` says whether the suffixes name it in
    a file name (``.json`` is JSON-LD's: CSL-JSON is asked for by name)."""

    name: str
    suffixes: tuple[str, ...]
    media_type: str
    guessed: bool
    writer: CitationWriter


def _bibtex(citations: Iterable[Citation]) -> Iterator[str]:
    from kg.cite.bibtex import bibtex_chunks

    return bibtex_chunks(citations)


def _csl(citations: Iterable[Citation]) -> Iterator[str]:
    from kg.cite.csl import csl_chunks

    return csl_chunks(citations)


def _ris(citations: Iterable[Citation]) -> Iterator[str]:
    from kg.cite.ris import ris_chunks

    return ris_chunks(citations)


BIBTEX = CitationFormat("bibtex", (".bib",), "application/x-bibtex", True, _bibtex)
CSL_JSON = CitationFormat(
    "csl-json", (".json",), "application/vnd.citationstyles.csl+json", False, _csl
)
RIS = CitationFormat("ris", (".ris",), "application/x-research-info-systems", True, _ris)

CITATION_FORMATS = (BIBTEX, CSL_JSON, RIS)
CITATION_NAMES = tuple(f.name for f in CITATION_FORMATS)
EXPORT_NAMES = NAMES + CITATION_NAMES  # what kg export --format takes

_EXPORT_BY_NAME: dict[str, Format | CitationFormat] = {
    **_BY_NAME,
    **{f.name: f for f in CITATION_FORMATS},
}
_CITATION_BY_SUFFIX = {s: f for f in CITATION_FORMATS if f.guessed for s in f.suffixes}


def export_format_named(name: str) -> Format | CitationFormat:
    """The RDF or citation format of that name; an unknown name is a usage error."""
    found = _EXPORT_BY_NAME.get(name)
    if found is None:
        raise UsageError(f"unknown format {name!r} (use one of {', '.join(EXPORT_NAMES)})")
    return found


def export_format_for_path(path: str | PurePath) -> Format | CitationFormat | None:
    """The format a file name asks for: an RDF format, else ``.bib`` or ``.ris``."""
    suffix = PurePath(path).suffix.lower()
    return _BY_SUFFIX.get(suffix) or _CITATION_BY_SUFFIX.get(suffix)
