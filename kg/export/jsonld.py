"""Compact JSON-LD from the sorted N-Triples text ``kg.export.lines`` describes: the inline
local context, then a node object per subject, one line each, those of a named graph inside
its own object. Keys are the context's terms, and values take the short form the term's
coercion allows (native JSON for exact booleans and integers), a value object otherwise.

It writes the JSON as text, with each distinct value worked out once: building dicts for
``json.dumps`` took longer than everything else together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import itemgetter
from typing import Any, cast

from kg.export.lines import DEFAULT_GRAPH, RDF_TYPE, XSD, Pair, quad_lines

PARTS = 50_000  # appended pieces per yielded chunk (as in kg.export.turtle)
CACHE = 1 << 20  # entries a cache keeps before it starts over (1 << 18: 10 % slower, 250 MiB less)

_XSD_STRING = XSD + "string"
# JSON-LD turns a JSON number of 10**21 or more into xsd:double: keep native ones below.
_JSON_INT = re.compile(r"0|-?[1-9][0-9]{0,20}")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_CONTROLS = bytes(range(0x20))
_string = json.encoder.encode_basestring  # a str as json.dumps(ensure_ascii=False) writes it


def jsonld_chunks(
    pairs: Iterable[Pair],
    prefixes: Mapping[str, str],
    context: Mapping[str, Any],
    *,
    parts: int = PARTS,
    cache: int = CACHE,
) -> Iterator[str]:
    """Compact JSON-LD with the inline local context (no network), one node object per line
    and one object per named graph; default-graph nodes sit in the top-level ``@graph``.
    ``parts`` and ``cache`` size the work (``PARTS``, ``CACHE``): never the output."""
    ctx = {**context, **{k: v for k, v in prefixes.items() if k not in context}}
    yield '{\n"@context": ' + json.dumps(ctx, ensure_ascii=False, indent=1, sort_keys=True)
    yield ',\n"@graph": ['
    with quad_lines(pairs) as lines:
        yield from _nodes(lines, _Refs(ctx, cache), parts)


def _nodes(lines: Iterable[str], refs: _Refs, parts: int = PARTS) -> Iterator[str]:
    """The top-level @graph's elements and its end, in chunks: a node object per subject,
    written as ``json.dumps(node, ensure_ascii=False, sort_keys=True)`` would (a key holds
    one value, or a list of several), those of a named graph inside its own object.

    The hot loop, run once per N-Quads line: a line that does not end as the graph's lines
    do (" <g> .\n") starts another graph; one partition of the rest, and one look-up of the
    line after its subject (predicate and object) gives its key and its value's JSON
    (``_Members``), appended to the node; ``_Writer`` writes the node."""
    members, write = refs.members, _Writer(refs.labels, refs.cache)
    get, find = members.get, members.find  # a plain get, then find: faster than members[po]
    out: list[str] = []
    add = out.append
    graph = subject = ""
    top = sep = "\n"  # what goes before the next top-level element, and the next node
    node: list[str] = []  # its @id, then key, value, key, value... as met
    extend = node.extend
    tail, cut = "\n\n", 0  # no line ends "\n\n": the first one starts a graph
    for line in lines:
        if not line.endswith(tail):  # the first line of another graph
            if node:
                add(sep)
                add(write(node))
                sep = top = ",\n"
                node = []
            if graph:
                add("\n]}")
            graph = line[line.rfind(" ", 0, len(line) - 3) + 1 : -3]  # "<s> <p> o <g> .\n"
            tail, cut = f" {graph} .\n", -len(graph) - 4
            graph = "" if graph == DEFAULT_GRAPH else graph
            if graph:
                add(f'{top}{{"@id": {refs[graph]}, "@graph": [\n')
            sep = "" if graph else top
            subject = ""
        s, _, po = line[:cut].partition(" ")
        if s != subject:
            if node:
                add(sep)
                add(write(node))
                sep = top = ",\n"
                if len(out) > parts:
                    yield "".join(out)
                    out.clear()
            node = [refs[s]]
            extend = node.extend
            subject = s
        extend(get(po) or find(po))
    if node:
        add(sep)
        add(write(node))
    add("\n]}\n]\n}\n" if graph else "\n]\n}\n")
    yield "".join(out)


class _Writer(dict[tuple[str, ...], tuple[str, Callable[[list[str]], Any]]]):
    """Writes a node ([@id, key, value, key, value...]) as its JSON object: keys sorted,
    the values of a key met more than once (or of @type) in a list. The node's keys as met
    -> a %-template and the getter of the values in its order, worked out once: nodes of a
    kind share their keys."""

    def __init__(self, labels: Mapping[str, str], cache: int = CACHE) -> None:
        super().__init__()
        self.labels = labels
        self.cache = cache

    def __call__(self, node: list[str]) -> str:
        keys = tuple(node[1::2])
        template, values = self.get(keys) or self[keys]
        text: str = template % values(node)
        return text

    def __missing__(self, keys: tuple[str, ...]) -> tuple[str, Callable[[list[str]], Any]]:
        places: dict[str, list[int]] = {"@id": [0]}  # key -> where its values are in a node
        for i, key in enumerate(keys):
            places.setdefault(key, []).append(2 * i + 2)
        members, order = [], []
        for key in sorted(places):
            label = self.labels[key].replace("%", "%%")
            if len(places[key]) == 1 and key != "@type":
                members.append(f"{label}%s")
            else:
                members.append(f"{label}[{', '.join(['%s'] * len(places[key]))}]")
            order += places[key]
        if len(self) >= self.cache:
            self.clear()
        found = self[keys] = f"{{{', '.join(members)}}}", itemgetter(*order)
        return found


def _literal_json(term: str, coercion: str | None, refs: _Refs) -> str:
    """The JSON text of a literal under a key with that type coercion."""
    if term[-1] == '"' and coercion is None and "\\" not in term:  # plain, nothing escaped
        if len(term) > 100 and _no_controls(term):
            return term  # long plain text that needs no escape is its own JSON string
        return _string(term[1:-1])
    end = term.rfind('"')
    text = term[1:end]
    if "\\" in text:
        text = _ESCAPE.sub(_unescape, text)
    if end == len(term) - 1:
        datatype = _XSD_STRING
    elif term[end + 1] == "@":
        return f'{{"@language": {_string(term[end + 2 :])}, "@value": {_string(text)}}}'
    else:
        datatype = term[end + 4 : -1]
    # A term's type coercion applies to native JSON values too ("ordinal": true would
    # be "true"^^xsd:integer), so native values only where it is their own type or none.
    native = coercion is None or coercion == "@id" or coercion == datatype
    if native and datatype == XSD + "boolean" and text in ("true", "false"):
        return text
    if native and datatype == XSD + "integer" and _JSON_INT.fullmatch(text):
        return text  # the pattern admits only integers that JSON writes back unchanged
    if coercion == datatype or (datatype == _XSD_STRING and coercion is None):
        return _string(text)
    if datatype == _XSD_STRING:  # plain: rdflib keeps "x"^^xsd:string apart from "x"
        return f'{{"@value": {_string(text)}}}'
    return f'{{"@type": {refs[term[end + 3 :]]}, "@value": {_string(text)}}}'


def _no_controls(text: str) -> bool:
    """No character below U+0020 (which JSON escapes): UTF-8 bytes below 0x20 are exactly
    those, and deleting them from the bytes is four times faster than escaping the text."""
    data = text.encode("utf-8")
    return len(data.translate(None, _CONTROLS)) == len(data)


def _unescape(match: re.Match[str]) -> str:
    code = match[1] or match[2]
    return chr(int(code, 16)) if code else _ECHAR[match[3]]


class _Refs(dict[str, str]):
    """N-Triples IRI or blank node -> its JSON-LD reference as a JSON string, worked out on
    first use; and the context's tables: predicate -> (key, coercion), class -> @type
    value's JSON, key -> its JSON and colon, and the values met so far (``_Members``)."""

    def __init__(self, ctx: Mapping[str, Any], cache: int = CACHE) -> None:
        super().__init__()
        self.cache = cache  # entries this and ``_Members`` keep before they start over
        spaces: dict[str, str] = {}
        for prefix, ns in sorted(ctx.items(), reverse=True):  # the first name wins
            if not prefix.startswith("@") and isinstance(ns, str) and ns.endswith(("/", "#")):
                spaces[ns] = prefix
        # one pattern tries every namespace, longest first (one C call, not a Python loop);
        # a namespace whose first name is "" is never used
        longest = sorted((ns for ns in spaces if spaces[ns]), key=len, reverse=True)
        self.names = {f"n{i}": spaces[ns] for i, ns in enumerate(longest)}
        choices = "|".join(f"(?P<n{i}>{re.escape(ns)})" for i, ns in enumerate(longest))
        self.namespace = re.compile(f"(?:{choices})(?!//)(?!>)" if longest else "(?!)")
        # IRIs come sorted: the namespace the last one took, if no longer one starts with it
        self.alone = {f"n{i}": f"<{ns}" for i, ns in enumerate(longest)}
        for i, ns in enumerate(longest):
            if any(other.startswith(ns) and other != ns for other in longest):
                del self.alone[f"n{i}"]
        self.last = "\n", ""  # (that namespace as "<ns", its prefix); no IRI starts "\n"
        properties, classes = _term_tables(ctx)
        self.properties = _Table(lambda p: (self.compact(p), None))
        self.properties.update((f"<{iri}>", found) for iri, found in properties.items())
        self.types = _Table(self.__getitem__)
        self.types.update((f"<{iri}>", _string(term)) for iri, term in classes.items())
        self.labels = _Table(lambda key: f"{_string(key)}: ")
        self.members = _Members(self)

    def __missing__(self, term: str) -> str:
        found = _string(self.compact(term))
        if len(self) >= self.cache:
            self.clear()
        self[term] = found
        return found

    def compact(self, term: str) -> str:
        """The longest namespace (ending "/" or "#") that leaves a non-empty local part
        not starting "//" gives a compact IRI; else the IRI itself. Blank nodes as they
        are."""
        if term[0] != "<":
            return term  # "_:b"
        start, prefix = self.last
        end = len(start)
        if term.startswith(start) and term[end] != ">" and not term.startswith("//", end):
            return f"{prefix}:{term[end:-1]}"  # what the pattern gives, without it
        found = self.namespace.match(term, 1)
        if found is None:
            return term[1:-1]
        name = cast(str, found.lastgroup)
        if name in self.alone:
            self.last = self.alone[name], self.names[name]
        return f"{self.names[name]}:{term[found.end() : -1]}"


class _Members(dict[str, tuple[str, str]]):
    """The rest of a line, "<p> o" -> (key, the value's JSON), worked out on first use."""

    def __init__(self, refs: _Refs) -> None:
        super().__init__()
        self.refs, self.properties, self.types = refs, refs.properties, refs.types
        self.cache = refs.cache

    def __missing__(self, po: str) -> tuple[str, str]:
        p, o = po.split(" ", 1)
        if o[0] != '"':  # an IRI or blank node, most often: the short way
            if p == RDF_TYPE:
                found = "@type", self.types[o]
            else:
                key, coercion = self.properties[p]
                ref = self.refs[o]
                found = key, ref if coercion == "@id" else f'{{"@id": {ref}}}'
        else:
            key, coercion = self.properties[p]
            found = key, _literal_json(o, coercion, self.refs)
        if len(o) < 100:  # IRIs, numbers, dates repeat; long text seldom does
            if len(self) >= self.cache:
                self.clear()
            self[po] = found
        return found

    find = __missing__  # called straight after a failed get: no second look-up


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
