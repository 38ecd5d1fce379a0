"""Text-to-text RDF writers: sorted N-Triples text in; N-Quads, N-Triples, Turtle, TriG and
compact JSON-LD out, with plain string operations (no pyoxigraph terms, no I/O).

A *head* is one triple as pyoxigraph's N-Triples writer prints it, without the final `` .``:
``<s> <p> o``. A *pair* is ``(graph, head)`` with graph ``"<g>"``, or ``""`` for the default
graph. Input comes sorted by graph, then head with rdf:type first in a subject (see
``kg.mapping.line_key``), so one subject's triples in one graph are consecutive and every
writer is a single streaming pass that yields text chunks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import Any, TypeVar

Pair = tuple[str, str]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"

LINES = 20_000  # lines per joined chunk: joining is cheap, memory stays flat
_PARTS = 50_000  # appended pieces per yielded chunk
_CACHE = 1 << 18  # IRIs remembered before a cache starts over (bounds memory)

# A conservative Turtle PN_LOCAL: ASCII name characters and %XX, no final "."; may be empty.
_LOCAL = (
    r"(?:[A-Za-z0-9_](?:(?:[A-Za-z0-9_.-]|%[0-9A-Fa-f]{2})*(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2}))?)?"
)
_LOCAL_RE = re.compile(_LOCAL)
_PREFIX_NAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
# Turtle's bare literal forms, only when the lexical form is exactly in its grammar.
_BARE = {
    f"<{XSD}integer>": re.compile(r"[+-]?[0-9]+"),
    f"<{XSD}decimal>": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"<{XSD}boolean>": re.compile(r"true|false"),
}
# JSON-LD turns a JSON number of 10**21 or more into xsd:double: keep native ones below.
_JSON_INT = re.compile(r"0|-?[1-9][0-9]{0,20}")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


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
    texts = ("\n".join(batch) for batch in batches(heads))
    names = _Names(_declared(texts, prefixes))
    yield names.prefix_block()
    out: list[str] = []
    yield from _statements(heads, names, "", out)
    yield "".join(out)


def trig_chunks(pairs: Iterable[Pair], prefixes: Mapping[str, str]) -> Iterator[str]:
    """TriG: default-graph statements first (they sort first), then one block per graph.

    ``pairs`` is read twice, like ``turtle_chunks``'s heads."""
    texts = ("\n".join(chain.from_iterable(batch)) for batch in batches(pairs))
    names = _Names(_declared(texts, prefixes))
    yield names.prefix_block()
    out: list[str] = []
    for graph, group in groupby(pairs, key=itemgetter(0)):
        heads = map(itemgetter(1), group)
        if graph:
            out.append(f"{names[graph]} {{\n")
            yield from _statements(heads, names, "\t", out)
            out.append("}\n")
        else:
            yield from _statements(heads, names, "", out)
    yield "".join(out)


def _statements(heads: Iterable[str], names: _Names, indent: str, out: list[str]) -> Iterator[str]:
    """Append `s p o ;` / `, o` statements to ``out``; yield its text now and then.

    The hot loop of the Turtle writers: one split, one dict look-up per term."""
    verbs = _Verbs(names)
    subject = predicate = end = ""  # end: what closes the previous statement
    for head in heads:
        s, p, o = head.split(" ", 2)
        if o[-1] != '"':  # plain literals are valid Turtle as they stand
            o = names[o]
        if s != subject:
            if len(out) > _PARTS:
                yield "".join(out)
                out.clear()
            out.append(f"{end}{indent}{names[s]} {verbs[p]} {o}")
            subject, predicate, end = s, p, " .\n"
        elif p != predicate:
            out.append(f" ;\n{indent}\t{verbs[p]} {o}")
            predicate = p
        else:
            out.append(f" , {o}")
    out.append(end)


class _Names(dict[str, str]):
    """N-Triples term -> Turtle term, worked out on first use: prefixed names where valid,
    bare literals where exact, the rest as they are."""

    def __init__(self, declared: Mapping[str, str]) -> None:
        super().__init__()
        self.declared = declared
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

    def iri(self, term: str) -> str:
        # a valid local part holds no "/" or "#": only the namespace ending at the last fits
        start = max(term.rfind("/"), term.rfind("#")) + 1
        prefix = self.by_space.get(term[1:start])
        if prefix is not None and _LOCAL_RE.fullmatch(term, start, len(term) - 1):
            return f"{prefix}:{term[start:-1]}"
        for ns, prefix in self.others:  # none with kg's own prefixes
            if term.startswith(ns, 1) and _LOCAL_RE.fullmatch(term, len(ns) + 1, len(term) - 1):
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
    names: dict[str, str] = {}
    for prefix, ns in sorted(prefixes.items(), reverse=True):  # the first name wins
        if _PREFIX_NAME.fullmatch(prefix) and ns:
            names[ns] = prefix
    todo = {ns: (_usage(ns), _skipped(ns)) for ns in names}
    found: dict[str, str] = {}
    for text in texts:
        for ns in [ns for ns in todo if _uses(text, ns, *todo[ns])]:
            found[names[ns]] = ns
            del todo[ns]
        if not todo:
            break
    return dict(sorted(found.items()))


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


def _usage(ns: str) -> re.Pattern[str]:
    skip = "|".join(re.escape(iri[len(ns) + 1 :]) for iri in _skipped(ns))
    return re.compile(re.escape(f"<{ns}") + (f"(?!{skip})" if skip else "") + _LOCAL + ">")


# -- JSON-LD ------------------------------------------------------------------------------


def jsonld_chunks(
    pairs: Iterable[Pair], prefixes: Mapping[str, str], context: Mapping[str, Any]
) -> Iterator[str]:
    """Compact JSON-LD with the inline local context (no network), one node object per line
    and one object per named graph; default-graph nodes sit in the top-level ``@graph``.

    Keys are the context's terms, values take the short form the term's coercion allows
    (native JSON for exact booleans and integers) and a value object otherwise.
    """
    ctx = {**context, **{k: v for k, v in prefixes.items() if k not in context}}
    refs = _Refs(ctx)
    # one encoder for every node: json.dumps would build one per call
    dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True, check_circular=False).encode
    out = ['{\n"@context": ', json.dumps(ctx, ensure_ascii=False, indent=1, sort_keys=True)]
    out.append(',\n"@graph": [')
    top = sep = "\n"  # what goes before the next element of the top-level @graph
    for graph, group in groupby(pairs, key=itemgetter(0)):
        if graph:
            out.append(f'{top}{{"@id": {dump(refs[graph])}, "@graph": [\n')
            sep = ""
        for node in _nodes(map(itemgetter(1), group), refs):
            out.append((sep if graph else top) + dump(node))
            sep = top = ",\n"
            if len(out) > _PARTS:
                yield "".join(out)
                out.clear()
        if graph:
            out.append("\n]}")
    out.append("\n]\n}\n")
    yield "".join(out)


def _nodes(heads: Iterable[str], refs: _Refs) -> Iterator[dict[str, Any]]:
    """One node object per subject: a key holds one value, or a list of several."""
    keys, types = refs.properties, refs.types
    subject = ""
    node: dict[str, Any] = {}
    for head in heads:
        s, p, o = head.split(" ", 2)
        if s != subject:
            if node:
                yield node
            node = {"@id": refs[s]}
            subject = s
        if p == RDF_TYPE and o[0] == "<":
            node.setdefault("@type", []).append(types[o])
            continue
        key, coercion, seen = keys[p]
        if o[-1] == '"' and coercion is None:  # a plain string: the common long literal
            value: Any = o[1:-1] if "\\" not in o else _ESCAPE.sub(_unescape, o[1:-1])
        else:
            value = seen.get(o)
            if value is None:
                value = _jsonld_value(o, coercion, refs)
                if len(o) < 100:  # IRIs, numbers, dates repeat; long text seldom does
                    if len(seen) >= _CACHE:
                        seen.clear()
                    seen[o] = value
        old = node.get(key)
        if old is None:
            node[key] = value
        elif type(old) is list:
            old.append(value)
        else:
            node[key] = [old, value]
    if node:
        yield node


def _jsonld_value(term: str, coercion: str | None, refs: _Refs) -> Any:
    if term[0] != '"':
        return refs[term] if coercion == "@id" else {"@id": refs[term]}
    end = term.rfind('"')
    text = term[1:end]
    if "\\" in text:
        text = _ESCAPE.sub(_unescape, text)
    if end == len(term) - 1:
        datatype = _XSD_STRING
    elif term[end + 1] == "@":
        return {"@value": text, "@language": term[end + 2 :]}
    else:
        datatype = term[end + 4 : -1]
    # A term's type coercion applies to native JSON values too ("ordinal": true would
    # be "true"^^xsd:integer), so native values only where it is their own type or none.
    native = coercion is None or coercion == "@id" or coercion == datatype
    if native and datatype == XSD + "boolean" and text in ("true", "false"):
        return text == "true"
    if native and datatype == XSD + "integer" and _JSON_INT.fullmatch(text):
        return int(text)
    if coercion == datatype or (datatype == _XSD_STRING and coercion is None):
        return text
    if datatype == _XSD_STRING:
        return {"@value": text}  # plain: rdflib keeps "x"^^xsd:string apart from "x"
    return {"@value": text, "@type": refs.compact(datatype)}


def _unescape(match: re.Match[str]) -> str:
    code = match[1] or match[2]
    return chr(int(code, 16)) if code else _ECHAR[match[3]]


class _Refs(dict[str, str]):
    """N-Triples IRI or blank node -> its JSON-LD reference, worked out on first use; and
    the context's tables: predicate -> (key, coercion, values seen), class -> @type value.
    """

    def __init__(self, ctx: Mapping[str, Any]) -> None:
        super().__init__()
        self.spaces: dict[str, str] = {}
        for prefix, ns in sorted(ctx.items(), reverse=True):  # the first name wins
            if not prefix.startswith("@") and isinstance(ns, str) and ns.endswith(("/", "#")):
                self.spaces[ns] = prefix
        properties, classes = _term_tables(ctx)
        self.properties = _Table(lambda p: (self[p], None, {}))
        self.properties.update((f"<{iri}>", (term, c, {})) for iri, (term, c) in properties.items())
        self.types = _Table(self.__getitem__)
        self.types.update((f"<{iri}>", term) for iri, term in classes.items())

    def __missing__(self, term: str) -> str:
        found = self.compact(term[1:-1]) if term[0] == "<" else term  # blank nodes: "_:b"
        if len(self) >= _CACHE:
            self.clear()
        self[term] = found
        return found

    def compact(self, iri: str) -> str:
        """The longest namespace (ending "/" or "#") that leaves a non-empty local part
        not starting "//" gives a compact IRI; else the IRI itself."""
        end = len(iri)
        while (end := max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))) >= 0:
            prefix, local = self.spaces.get(iri[: end + 1]), iri[end + 1 :]
            if prefix and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri


class _Table(dict[str, Any]):
    """A dict that fills a missing entry from a function (few keys: kept for good)."""

    def __init__(self, make: Callable[[str], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> Any:
        found = self[key] = self.make(key)
        return found


def _term_tables(
    ctx: Mapping[str, Any],
) -> tuple[dict[str, tuple[str, str | None]], dict[str, str]]:
    """property IRI -> (term, coercion), and class IRI -> term, from the context."""
    properties: dict[str, tuple[str, str | None]] = {}
    classes: dict[str, str] = {}
    for term, definition in sorted(ctx.items()):
        if term.startswith("@") or (
            isinstance(definition, str) and definition.endswith(("/", "#"))
        ):
            continue
        if isinstance(definition, str):
            iri = _expand(definition, ctx)
            properties.setdefault(iri, (term, None))
            classes.setdefault(iri, term)
        elif isinstance(definition, dict) and "@id" in definition:
            iri = _expand(definition["@id"], ctx)
            coercion = definition.get("@type")
            if coercion and coercion != "@id":
                coercion = _expand(coercion, ctx)
            properties.setdefault(iri, (term, coercion))
    return properties, classes


def _expand(curie: str, ctx: Mapping[str, Any]) -> str:
    prefix, _, local = curie.partition(":")
    namespace = ctx.get(prefix)
    return namespace + local if isinstance(namespace, str) and local else curie
