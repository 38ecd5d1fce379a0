"""Text-to-text RDF writers: sorted N-Triples text in; N-Quads, N-Triples, Turtle, TriG and
compact JSON-LD (``kg.export.jsonld``) out, with plain string operations (no pyoxigraph
terms; no I/O but the temporary file TriG holds its statements in).

A *head* is one triple as pyoxigraph's N-Triples writer prints it, without the final `` .``:
``<s> <p> o``. A *pair* is ``(graph, head)`` with graph ``"<g>"``, or ``""`` for the default
graph. Input comes sorted by graph, then head with rdf:type first in a subject (see
``kg.graph.mapping.line_key``), so one subject's triples in one graph are consecutive and every
writer is a single pass that yields text chunks (Turtle and TriG need their prefixes first:
see how each finds them).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from itertools import islice, repeat
from operator import itemgetter
from typing import Any, TypeVar

Pair = tuple[str, str]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"

LINES = 2_000  # lines per joined chunk: small enough to stay in the CPU cache while scanned
_PARTS = 500  # pieces per yielded chunk: in short chunks, most characters take one byte
_CACHE = 1 << 18  # IRIs remembered before a cache starts over (bounds memory)
_HELD = 64 << 20  # characters of TriG statements held in memory before a temporary file
_HELD_READ = 1 << 20  # characters per chunk read back

# A conservative Turtle PN_LOCAL: ASCII name characters and %XX, no final "."; may be empty.
# Possessive (*+), then no "." before the end: no backtracking when a match fails.
_LOCAL = r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]|%[0-9A-Fa-f]{2})*+(?<!\.))?"
_LOCAL_RE = re.compile(_LOCAL)
_PREFIX_NAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
# Turtle's bare literal forms, only when the lexical form is exactly in its grammar.
_BARE = {
    f"<{XSD}integer>": re.compile(r"[+-]?[0-9]+"),
    f"<{XSD}decimal>": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"<{XSD}boolean>": re.compile(r"true|false"),
}
_SKIPPED = frozenset((RDF_TYPE, *_BARE))  # IRIs whose use does not count (see _declared)


# -- N-Quads and N-Triples ----------------------------------------------------------------


T = TypeVar("T")


def batches(items: Iterable[T]) -> Iterator[list[T]]:
    """LINES items at a time, from any iterable (a list, or lines read back from a file)."""
    iterator = iter(items)
    while batch := list(islice(iterator, LINES)):
        yield batch


def ntriples_chunks(heads: Iterable[str]) -> Iterator[str]:
    for batch in batches(heads):
        yield " .\n".join(batch) + " .\n"


def nquads_chunks(pairs: Iterable[Pair]) -> Iterator[str]:
    for batch in batches(pairs):
        yield "".join([f"{h} {g} .\n" if g else f"{h} .\n" for g, h in batch])


# -- Turtle and TriG ----------------------------------------------------------------------


def turtle_chunks(heads: Iterable[str], prefixes: Mapping[str, str]) -> Iterator[str]:
    """Turtle: the used @prefix lines sorted, then one statement per subject.

    ``heads`` is read twice (which prefixes are used, then the statements): a list, or an
    object that reads them again from a file each time it is iterated."""
    names = _Names(_declared(map("\n".join, batches(heads)), prefixes))
    yield names.prefix_block()
    yield from _statements(zip(repeat(""), heads), names)


def trig_chunks(pairs: Iterable[Pair], prefixes: Mapping[str, str]) -> Iterator[str]:
    """TriG: default-graph statements first (they sort first), then one block per graph.

    The prefix block depends on the whole graph. Rather than read ``pairs`` twice (a scan
    for the prefixes, then the statements, as ``turtle_chunks`` does: the scan took a
    quarter of the time), this reads it once and holds the statements until the end (a
    third of graph.nq's size: some 700 MiB at 100 k papers) in a temporary file past the
    first ``_HELD`` characters, so the build's peak memory does not grow with them
    (written and read back in about a second at 100 k). They are written with every
    prefix that fits, noting the ones the graph uses (``_Guess``): those the scan would
    have found. Only if a rdf:type or bare datatype IRI written without a prefix would then
    need one does it read ``pairs`` a second time. Its first batch is read twice anyway:
    ``pairs`` is a list, or an object that reads the lines again each time."""
    first = _declared(_pair_texts(islice(pairs, LINES)), prefixes)
    guess = _Guess(_candidates(prefixes), first)
    with tempfile.SpooledTemporaryFile(_HELD, mode="w+", encoding="utf-8", newline="") as body:
        # not writelines: SpooledTemporaryFile checks its size only after all the lines
        for chunk in _statements(pairs, guess):
            body.write(chunk)
        declared = guess.uses()
        if declared is None:
            names = _Names(_declared(_pair_texts(pairs), prefixes))
            yield names.prefix_block()
            yield from _statements(pairs, names)
            return
        yield _Names(declared).prefix_block()
        body.seek(0)
        yield from iter(partial(body.read, _HELD_READ), "")


def _pair_texts(pairs: Iterable[Pair]) -> Iterator[str]:
    """The text ``_declared`` scans: each batch's heads, then its graphs once each (nearly
    every quad repeats the graph before it: scanning them all would cost a third more)."""
    for batch in batches(pairs):
        graphs = list(map(itemgetter(0), batch))
        yield "\n".join(map(itemgetter(1), batch))
        if graphs.count(graphs[0]) == len(graphs):
            yield graphs[0]
        else:
            yield "\n".join(dict.fromkeys(graphs))


def _statements(pairs: Iterable[Pair], names: _Names) -> Iterator[str]:
    """`s p o ;` / `, o` statements, those of a named graph in a `<g> { }` block; yields the
    text in chunks.

    The hot loop of the Turtle writers, run once per quad: one split, one dict look-up per
    term, the graph checked inline (a groupby costs a tenth more), and pieces appended as
    they are (building one string per quad costs a fifth more)."""
    verbs = _Verbs(names)
    get, find = names.get, names.find  # a plain get, then find: faster than names[o]
    out: list[str] = []
    add = out.append
    graph = subject = predicate = ""
    end = indent = ""  # end: what closes the previous statement
    semis: dict[str, str] = {}  # predicate -> " ;" and the predicate, for this graph
    for g, head in pairs:
        if g != graph:
            add(f"{end}}}\n" if graph else end)
            if g:
                add(f"{names[g]} {{\n")
            graph, indent, subject, end, semis = g, "\t" if g else "", "", "", {}
        s, p, o = head.split(" ", 2)
        if o[-1] != '"':  # plain literals are valid Turtle as they stand
            o = get(o) or find(o)
        elif "<" in o:
            names.scan(o)
        if s != subject:
            if len(out) > _PARTS:
                yield "".join(out)
                out.clear()
            add(f"{end}{indent}{names[s]} {verbs[p]} ")
            subject, predicate, end = s, p, " .\n"
        elif p != predicate:
            semi = semis.get(p)
            if semi is None:
                semi = semis[p] = f" ;\n{indent}\t{verbs[p]} "
            add(semi)
            predicate = p
        else:
            add(" , ")
        add(o)
    add(f"{end}}}\n" if graph else end)
    yield "".join(out)


class _Names(dict[str, str]):
    """N-Triples term -> Turtle term, worked out on first use: prefixed names where valid,
    bare literals where exact, the rest as they are."""

    def __init__(self, declared: Mapping[str, str]) -> None:
        super().__init__()
        self.declared = declared
        self.used: set[str] = set()  # the prefixes it has written with
        self.by_space = {ns: p for p, ns in declared.items() if ns.endswith(("/", "#"))}
        self.others = sorted(((ns, p) for p, ns in declared.items() if ns not in self.by_space))
        self.others.sort(key=lambda item: -len(item[0]))  # longest namespace first

    def prefix_block(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.declared.items()) + "\n"

    def __missing__(self, term: str) -> str:
        if term[0] == "<":
            found = self.iri(term)
        elif term[0] == '"':
            found = self.literal(term)
            if len(term) > 64:  # titles, abstracts: seldom repeated, not worth keeping
                return found
        else:
            found = term  # a blank node
        if len(self) >= _CACHE:  # bounds memory on a big graph
            self.clear()
        self[term] = found
        return found

    find = __missing__  # called straight after a failed get: no second look-up

    def iri(self, term: str) -> str:
        # a valid local part holds no "/" or "#": only the namespace ending at the last fits
        start = max(term.rfind("/"), term.rfind("#")) + 1
        prefix = self.by_space.get(term[1:start])
        if prefix is not None:
            local = term[start:-1]
            if (local.isalnum() and local.isascii()) or _LOCAL_RE.fullmatch(local):
                self.used.add(prefix)
                return f"{prefix}:{local}"
        for ns, prefix in self.others:  # none with kg's own prefixes
            if term.startswith(ns, 1) and _LOCAL_RE.fullmatch(term, len(ns) + 1, len(term) - 1):
                self.used.add(prefix)
                return f"{prefix}:{term[len(ns) + 1 : -1]}"
        return term

    def literal(self, term: str) -> str:
        end = term.rfind('"')
        if term[end + 1] == "@":
            return term
        datatype = term[end + 3 :]
        bare = _BARE.get(datatype)
        if bare is not None and bare.fullmatch(term, 1, end):
            return term[1:end]
        return term[: end + 3] + self[datatype]

    def scan(self, text: str) -> None:
        """Note the prefixes a plain literal's text uses (only ``_Guess`` does)."""


class _Guess(_Names):
    """Writes IRIs with every prefix that fits (``candidates``), noting the ones it uses,
    and the ones used inside literals: exactly those ``_declared`` finds in the same text.
    So the output is as if those had been declared, except for rdf:type and the bare
    datatypes, which do not count as uses: they are written as with ``first`` declared (the
    first batch's prefixes), and ``uses()`` tells if that was wrong."""

    def __init__(self, candidates: Mapping[str, str], first: Mapping[str, str]) -> None:
        super().__init__(candidates)
        self.first = _Names(first)
        self.risky: set[str] = set()  # prefixes that would change a skipped IRI
        self.patterns = {p: (f"<{ns}", _usage(ns)) for p, ns in candidates.items()}
        self.fits = {p: _usage(ns, skip=False) for p, ns in candidates.items()}

    def uses(self) -> dict[str, str] | None:
        """The prefixes to declare, or None if a skipped IRI needed one of them."""
        if self.risky & self.used:
            return None
        return {p: ns for p, ns in self.declared.items() if p in self.used}

    def iri(self, term: str) -> str:
        if term in _SKIPPED:
            self.risky |= self.fitting(term) - self.first.declared.keys()
            return self.first.iri(term)
        if self.others:  # a shorter one than it writes with may fit too: it counts as used
            self.used |= self.fitting(term)
        return super().iri(term)

    def fitting(self, term: str) -> set[str]:
        """The prefixes that could write the IRI."""
        return {p for p, fit in self.fits.items() if fit.fullmatch(term)}

    def literal(self, term: str) -> str:
        if "<" in term:
            self.scan(term)
        return super().literal(term)

    def scan(self, text: str) -> None:
        for prefix, (needle, usage) in self.patterns.items():
            if prefix not in self.used and needle in text and usage.search(text):
                self.used.add(prefix)


class _Verbs(dict[str, str]):
    """Predicate -> Turtle: "a" for rdf:type, else as any IRI."""

    def __init__(self, names: _Names) -> None:
        super().__init__({RDF_TYPE: "a"})
        self.names = names

    def __missing__(self, term: str) -> str:
        found = self[term] = self.names.iri(term)
        return found


def _declared(texts: Iterable[str], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes some IRI in the text can be written with, sorted by name.

    Only these are declared, and the writer compacts with declared ones only, so the output
    is valid even where this is generous (an IRI inside a literal counts). rdf:type and the
    datatypes Turtle writes bare (``1``, ``true``) do not count: they nearly never need one.
    """
    names = {ns: prefix for prefix, ns in _candidates(prefixes).items()}
    todo = {ns: (_usage(ns), _skipped(ns)) for ns in names}
    found: dict[str, str] = {}
    for text in texts:
        for ns in [ns for ns in todo if _uses(text, ns, *todo[ns])]:
            found[names[ns]] = ns
            del todo[ns]
        if not todo:
            break
    return dict(sorted(found.items()))


def _candidates(prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes that may be declared, sorted by name: valid names, one per namespace."""
    names: dict[str, str] = {}
    for prefix, ns in sorted(prefixes.items(), reverse=True):  # the first name wins
        if _PREFIX_NAME.fullmatch(prefix) and ns:
            names[ns] = prefix
    return dict(sorted((prefix, ns) for ns, prefix in names.items()))


def _uses(text: str, ns: str, usage: re.Pattern[str], skipped: list[str]) -> bool:
    # str.find/count scan much faster than re's search; check each place find stops at
    needle = f"<{ns}"
    if skipped and text.count(needle) == sum(map(text.count, skipped)):
        return False  # only rdf:type (a quarter of all lines) or bare datatypes
    at = text.find(needle)
    while at >= 0 and not usage.match(text, at):
        at = text.find(needle, at + 1)
    return at >= 0


def _skipped(ns: str) -> list[str]:
    return [iri for iri in (RDF_TYPE, *_BARE) if iri.startswith(f"<{ns}")]


def _usage(ns: str, skip: bool = True) -> re.Pattern[str]:
    """An IRI in the namespace that a prefix can write; ``skip``: not the skipped ones."""
    skipped = "|".join(re.escape(iri[len(ns) + 1 :]) for iri in _skipped(ns)) if skip else ""
    return re.compile(re.escape(f"<{ns}") + (f"(?!{skipped})" if skipped else "") + _LOCAL + ">")


# -- JSON-LD ------------------------------------------------------------------------------


def jsonld_chunks(
    pairs: Iterable[Pair], prefixes: Mapping[str, str], context: Mapping[str, Any]
) -> Iterator[str]:
    """Compact JSON-LD: see ``kg.export.jsonld`` (its own module: it is as long as the
    other writers together)."""
    from kg.export.jsonld import jsonld_chunks as write

    return write(pairs, prefixes, context)
