"""Turtle and TriG from the sorted text ``kg.export.lines`` describes, with plain string
operations (no pyoxigraph terms; no I/O but the temporary file the statements may be held in).

Both need their prefix block first, and declare only the prefixes the graph uses. Rather
than scan the whole input for them first (a third of the time: every namespace the graph
never uses is looked for in all of it), each writer guesses and checks (see ``_one_pass``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from functools import partial
from itertools import chain, islice
from operator import itemgetter
from typing import TypeVar

from kg.export.lines import (
    DEFAULT_GRAPH,
    HELD,
    HELD_READ,
    LINES,
    RDF_TYPE,
    XSD,
    Held,
    Pair,
    batches,
    quad_lines,
    triple_lines,
)

PARTS = 500  # pieces per yielded chunk: in short chunks, most characters take one byte
CACHE = 1 << 18  # IRIs remembered before a cache starts over (bounds memory)

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

T = TypeVar("T")


# -- Turtle and TriG ----------------------------------------------------------------------


def turtle_chunks(
    heads: Iterable[str],
    prefixes: Mapping[str, str],
    *,
    lines: int = LINES,
    parts: int = PARTS,
    cache: int = CACHE,
    held: int = HELD,
    held_read: int = HELD_READ,
) -> Iterator[str]:
    """Turtle: the used @prefix lines sorted, then one statement per subject.

    ``heads``: a list, or an object that reads them again from a file each time it is
    iterated (read once, or in a rare case twice: see ``_one_pass``). ``lines``, ``parts``,
    ``cache``, ``held`` and ``held_read`` size the work (``LINES``, ``PARTS``, ``CACHE``,
    ``HELD``, ``HELD_READ``): never the output."""
    first, heads, again = _first(heads, lines)
    scan = partial(map, "\n".join, batches(heads, lines)) if again else None
    lines_of = partial(triple_lines, heads)
    sized = parts, cache, held, held_read
    yield from _one_pass(["\n".join(first)], scan, lines_of, prefixes, *sized, quads=False)


def trig_chunks(
    pairs: Iterable[Pair],
    prefixes: Mapping[str, str],
    *,
    lines: int = LINES,
    parts: int = PARTS,
    cache: int = CACHE,
    held: int = HELD,
    held_read: int = HELD_READ,
) -> Iterator[str]:
    """TriG: default-graph statements first (they sort first), then one block per graph;
    ``pairs`` and the rest as for ``turtle_chunks``."""
    first, pairs, again = _first(pairs, lines)
    scan = partial(_pair_texts, pairs, lines) if again else None
    texts, lines_of = list(_pair_texts(first, lines)), partial(quad_lines, pairs)
    sized = parts, cache, held, held_read
    yield from _one_pass(texts, scan, lines_of, prefixes, *sized, quads=True)


def _first(items: Iterable[T], lines: int) -> tuple[list[T], Iterable[T], bool]:
    """The first ``lines`` items; all of them; whether they can be read again (a list, a
    file's lines: the same object) or not (an iterator: its first items and the rest)."""
    iterator = iter(items)
    first = list(islice(iterator, lines))
    again = iterator is not items
    return first, (items if again else chain(first, iterator)), again


def _one_pass(
    first: list[str],
    scan: Callable[[], Iterable[str]] | None,
    lines_of: Callable[[], AbstractContextManager[Iterable[str]]],
    prefixes: Mapping[str, str],
    parts: int,
    cache: int,
    held: int,
    held_read: int,
    *,
    quads: bool,
) -> Iterator[str]:
    """The prefix block, then the statements of the input's lines (``lines_of``: N-Quads
    lines for TriG), read once. The prefix block depends on the whole graph: a scan for the
    prefixes first took a third of the time (it looks for every namespace the graph never
    uses in all of it). So the statements are written with every prefix that fits, noting
    the ones the graph uses (``_Guess``): those the scan would have found. They are held
    (``Held``: past ``held`` characters in a temporary file, so memory does not grow with
    the graph) until the prefix block has gone first. Only if a rdf:type or bare datatype
    IRI written without a prefix (as the ``first`` items' scan declares) would then need
    one is the input read again, after the ``scan``; an iterator that cannot be read again
    (``scan`` None) keeps the IRI as written, which is valid, and declares what is used."""
    guess = _Guess(_candidates(prefixes), _declared(first, prefixes), cache)
    with Held(held) as body:
        with lines_of() as lines:
            for chunk in _statements(lines, guess, parts, quads=quads):
                body.write(chunk)
        if guess.uses() is None and scan is not None:
            names = _Names(_declared(scan(), prefixes), cache)
            yield names.prefix_block()
            with lines_of() as lines:
                yield from _statements(lines, names, parts, quads=quads)
            return
        yield _Names(guess.used_names(), cache).prefix_block()
        yield from body.read(held_read)


def _pair_texts(pairs: Iterable[Pair], lines: int = LINES) -> Iterator[str]:
    """The text ``_declared`` scans: each batch's heads, then its graphs once each (nearly
    every quad repeats the graph before it: scanning them all would cost a third more)."""
    for batch in batches(pairs, lines):
        graphs = list(map(itemgetter(0), batch))
        yield "\n".join(map(itemgetter(1), batch))
        if graphs.count(graphs[0]) == len(graphs):
            yield graphs[0]
        else:
            yield "\n".join(dict.fromkeys(graphs))


def _statements(
    lines: Iterable[str], names: _Names, parts: int = PARTS, *, quads: bool
) -> Iterator[str]:
    """`s p o ;` / `, o` statements of N-Triples lines, or of N-Quads lines (``quads``) those
    of a named graph in a `<g> { }` block; yields the text in chunks.

    The hot loop of the Turtle writers, run once per line: one split of the line without
    its end (" .\n", or " <g> .\n": for N-Quads, a line that does not end so starts another
    graph), one dict look-up per term, and pieces appended as they are (building one string
    per line costs a fifth more)."""
    verbs = _Verbs(names)
    get, find = names.get, names.find  # a plain get, then find: faster than names[o]
    out: list[str] = []
    add = out.append
    graph = subject = predicate = ""
    end = indent = ""  # end: what closes the previous statement
    semis: dict[str, str] = {}  # predicate -> " ;" and the predicate, for this graph
    tail, cut = ("\n\n", 0) if quads else (" .\n", -3)  # no line ends "\n\n"
    for line in lines:
        if quads and not line.endswith(tail):  # the first line of another graph
            add(f"{end}}}\n" if graph else end)
            graph = line[line.rfind(" ", 0, len(line) - 3) + 1 : -3]  # "<s> <p> o <g> .\n"
            tail, cut = f" {graph} .\n", -len(graph) - 4
            graph = "" if graph == DEFAULT_GRAPH else graph
            if graph:
                add(f"{names[graph]} {{\n")
            indent, subject, end, semis = "\t" if graph else "", "", "", {}
        s, p, o = line[:cut].split(" ", 2)
        if o[-1] != '"':  # plain literals are valid Turtle as they stand
            o = get(o) or find(o)
        elif "<" in o:
            names.scan(o)
        if s != subject:
            if len(out) > parts:
                yield "".join(out)
                out.clear()
            add(f"{end}{indent}{get(s) or find(s)} {verbs[p]} ")
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

    def __init__(self, declared: Mapping[str, str], cache: int = CACHE) -> None:
        super().__init__()
        self.declared = declared
        self.cache = cache  # entries kept before it starts over
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
        if len(self) >= self.cache:  # bounds memory on a big graph
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

    def __init__(
        self, candidates: Mapping[str, str], first: Mapping[str, str], cache: int = CACHE
    ) -> None:
        super().__init__(candidates, cache)
        self.first = _Names(first, cache)
        self.risky: set[str] = set()  # prefixes that would change a skipped IRI
        self.patterns = {p: (f"<{ns}", _usage(ns)) for p, ns in candidates.items()}
        self.fits = {p: _usage(ns, skip=False) for p, ns in candidates.items()}

    def uses(self) -> dict[str, str] | None:
        """The prefixes to declare, or None if a skipped IRI needed one of them."""
        return None if self.risky & self.used else self.used_names()

    def used_names(self) -> dict[str, str]:
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
