"""The text writers in kg.export.serialise: every format parses back (pyoxigraph, rdflib) to exactly
the quads it was given, on the seed graph and on random awkward literals and IRIs."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.config import Settings
from kg.export import jsonld as serialise_jsonld
from kg.export import serialise
from kg.export.files import load_context, prefixes_for
from kg.export.serialise import (
    jsonld_chunks,
    nquads_chunks,
    ntriples_chunks,
    trig_chunks,
    turtle_chunks,
)
from kg.pipeline import build_from_paths

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = prefixes_for(Settings().base_iri)
CONTEXT = load_context(ROOT / "ontology")
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
Pairs = list[tuple[str, str]]


def line_key(head: str) -> str:
    return head.replace(f" {RDF_TYPE} ", " \x00 ", 1)  # the documented input order


def sorted_input(quads: list[ox.Quad]) -> tuple[Pairs, list[str]]:
    """Quads -> (sorted pairs, sorted union of heads), the writers' input format."""
    found = {
        (
            str(q.graph_name) if isinstance(q.graph_name, ox.NamedNode) else "",
            f"{q.subject} {q.predicate} {q.object}",
        )
        for q in quads
    }
    pairs = sorted(found, key=lambda pair: (pair[0], line_key(pair[1])))
    return pairs, sorted({head for _, head in pairs}, key=line_key)


def text(chunks: Iterator[str]) -> str:
    return "".join(chunks)


def ox_quads(data: str, fmt: ox.RdfFormat) -> set[ox.Quad]:
    return set(ox.parse(data.encode("utf-8"), format=fmt))


def rdflib_quads(data: str, fmt: str) -> set[tuple[Any, ...]]:
    with warnings.catch_warnings():  # rdflib 7.6 warns about its own default_context
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=fmt)
        return set(dataset.quads((None, None, None, None)))


def nquads(pairs: Pairs) -> str:
    return "".join(f"{h} {g} .\n" if g else f"{h} .\n" for g, h in pairs)


def check_all_formats(pairs: Pairs, heads: list[str], rdflib_too: bool = True) -> None:
    quads, triples = ox_quads(nquads(pairs), ox.RdfFormat.N_QUADS), {f"{h} ." for h in heads} | {""}
    assert text(nquads_chunks(pairs)) == nquads(pairs)
    assert set(text(ntriples_chunks(heads)).split("\n")) == triples
    turtle = text(turtle_chunks(heads, PREFIXES))
    assert ox_quads(turtle, ox.RdfFormat.TURTLE) == {ox.Quad(*q.triple) for q in quads}
    trig = text(trig_chunks(pairs, PREFIXES))
    assert ox_quads(trig, ox.RdfFormat.TRIG) == quads
    if rdflib_too:  # compare rdflib with itself: it normalises literals ("01" -> "1")
        want = rdflib_quads(nquads(pairs), "nquads")
        assert rdflib_quads(trig, "trig") == want
        graph = rdflib.Graph().parse(data=turtle, format="turtle")
        assert set(graph) == {q[:3] for q in want}


def check_jsonld(pairs: Pairs) -> str:
    document = text(jsonld_chunks(pairs, PREFIXES, CONTEXT))
    json.loads(document)
    assert ox_quads(document, ox.RdfFormat.JSON_LD) == ox_quads(nquads(pairs), ox.RdfFormat.N_QUADS)
    assert rdflib_quads(document, "json-ld") == rdflib_quads(nquads(pairs), "nquads")
    return document


# -- the seed graph -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_input(seeds_dir: Path) -> tuple[Pairs, list[str]]:
    graph = build_from_paths([seeds_dir], Settings()).graph  # what kg build writes from
    assert (graph.pairs, graph.union) == sorted_input(
        list(ox.parse(nquads(graph.pairs).encode(), format=ox.RdfFormat.N_QUADS))
    )
    return graph.pairs, graph.union


def test_seed_graph_round_trips_through_every_format(seed_input: tuple[Pairs, list[str]]) -> None:
    check_all_formats(*seed_input)


def test_seed_turtle_declares_only_used_prefixes(seed_input: tuple[Pairs, list[str]]) -> None:
    turtle = text(turtle_chunks(seed_input[1], PREFIXES))
    head, _, body = turtle.partition("\n\n")
    declared = [line.split()[1] for line in head.splitlines()]
    assert declared == sorted(declared)
    assert all(re.search(rf"(^|[\s^]){re.escape(name)}", body, re.M) for name in declared)
    assert "@prefix rdf:" not in head  # rdf:type is written "a"


def test_chunking_does_not_change_output(
    seed_input: tuple[Pairs, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs, heads = seed_input
    writers = {
        "nq": lambda: nquads_chunks(pairs),
        "nt": lambda: ntriples_chunks(heads),
        "ttl": lambda: turtle_chunks(heads, PREFIXES),
        "trig": lambda: trig_chunks(pairs, PREFIXES),
        "jsonld": lambda: jsonld_chunks(pairs, PREFIXES, CONTEXT),
    }
    whole = {name: text(write()) for name, write in writers.items()}
    for lines in (1, 7):  # TriG guesses its prefixes from the first LINES pairs
        monkeypatch.setattr(serialise, "LINES", lines)
        for module in (serialise, serialise_jsonld):
            monkeypatch.setattr(module, "_PARTS", 3)
            monkeypatch.setattr(module, "_CACHE", 5)
        for name, write in writers.items():
            assert text(write()) == whole[name], name  # deterministic, whatever the chunks


def test_empty_input() -> None:
    assert text(turtle_chunks([], PREFIXES)) == "\n"
    assert json.loads(text(jsonld_chunks([], PREFIXES, CONTEXT)))["@graph"] == []
    check_all_formats([], [])


# -- random graphs ------------------------------------------------------------------------

NAMESPACES = [*sorted(set(PREFIXES.values())), "http://example.org/", "urn:x:"]
LOCALS = st.text(alphabet="aZ09_-.~/#:%", max_size=8) | st.sampled_from(
    ["", "a.", "a%41", "%4", "-a", ".a", "a..b", "a/b", "x#y", "type", "integer", "_x"]
)
TYPED = {
    "integer": ["1", "01", "+1", "-0", "1.", "1e3", " 1", "1_0", "١", "9" * 25],
    "boolean": ["true", "false", "true ", "TRUE", "1", "0"],
    "decimal": ["1.5", "1.", ".5", "+.5", "-0.0", "1e3", "1", "1.5 "],
    "date": ["2024-01-02", "x"],
    "string": ["", "x"],
    "double": ["1e3"],
}


def valid(make: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return make(*args, **kwargs)
    except ValueError:
        return None


iris = st.builds(
    lambda ns, local: valid(ox.NamedNode, ns + local), st.sampled_from(NAMESPACES), LOCALS
).filter(bool)
known_predicates = st.sampled_from(
    [RDF_TYPE[1:-1]]
    + [
        f"https://w3id.org/kg/ns#{n}"
        for n in ("ordinal", "hasCode", "score", "author", "capturedOn")
    ]
    + ["http://purl.org/dc/terms/title", "https://schema.org/codeRepository"]
).map(ox.NamedNode)
texts = st.text(max_size=12) | st.sampled_from(
    ['"', "\\", "\u2028", "\x7f", "\x00\n\r", "𝄞", "\\u0041"]
)
datatypes = st.sampled_from([XSD + name for name in TYPED]) | iris.map(lambda iri: iri.value)


@st.composite
def literals(draw: st.DrawFn) -> ox.Literal:
    kind = draw(st.sampled_from(["plain", "lang", "typed"]))
    if kind == "plain":
        return ox.Literal(draw(texts))
    if kind == "lang":
        tag = draw(st.from_regex(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}", fullmatch=True))
        made = valid(ox.Literal, draw(texts), language=tag)  # not every such tag is BCP 47
        return made or ox.Literal(draw(texts), language="en-gb")
    datatype = draw(datatypes)
    odd = TYPED.get(datatype[len(XSD) :], []) if datatype.startswith(XSD) else []
    return ox.Literal(
        draw(st.sampled_from(odd) | texts if odd else texts), datatype=ox.NamedNode(datatype)
    )


def graphs(blank: bool) -> st.SearchStrategy[list[ox.Quad]]:
    nodes = iris | st.sampled_from([ox.BlankNode("b1"), ox.BlankNode("b2")]) if blank else iris
    quad = st.builds(
        ox.Quad,
        nodes,
        known_predicates | iris,
        nodes | literals() | known_predicates,
        st.sampled_from([ox.DefaultGraph(), ox.NamedNode("https://kg.example.org/page/p1.txt")])
        | iris,
    )
    return st.lists(quad, max_size=12)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(graphs(blank=False))
def test_random_graphs_round_trip(quads: list[ox.Quad]) -> None:
    check_all_formats(*sorted_input(quads))


@FAST
@given(graphs(blank=True))
def test_random_graphs_with_blank_nodes_round_trip_in_pyoxigraph(quads: list[ox.Quad]) -> None:
    check_all_formats(*sorted_input(quads), rdflib_too=False)  # rdflib renames blank nodes


@FAST
@given(graphs(blank=False))
def test_random_graphs_round_trip_through_jsonld(quads: list[ox.Quad]) -> None:
    pairs, _ = sorted_input(quads)
    assert check_jsonld(pairs) == text(jsonld_chunks(list(pairs), PREFIXES, CONTEXT))


# -- the fast writers against plain ones --------------------------------------------------

EXTRA = {"ex": "http://example.org/", "exa": "http://example.org/a", "ux": "urn:x:"}


def two_pass_trig(pairs: Pairs, prefixes: dict[str, str]) -> str:
    """TriG as it was written before it went one pass: a scan for the prefixes to declare,
    then the statements with those."""
    names = serialise._Names(serialise._declared(serialise._pair_texts(pairs), prefixes))
    return names.prefix_block() + text(serialise._statements(pairs, names))


def dict_jsonld(pairs: Pairs, context: dict[str, Any], prefixes: dict[str, str]) -> str:
    """JSON-LD as it was written before it was written as text: a dict per node, through
    json.dumps, with compaction and literal values worked out plainly (pyoxigraph parses)."""
    ctx = {**context, **{k: v for k, v in prefixes.items() if k not in context}}
    spaces: dict[str, str] = {}
    for prefix, ns in sorted(ctx.items(), reverse=True):
        if not prefix.startswith("@") and isinstance(ns, str) and ns.endswith(("/", "#")):
            spaces[ns] = prefix
    properties, classes = serialise_jsonld._term_tables(ctx)

    def compact(term: str) -> str:
        if term[0] != "<":
            return term
        iri = term[1:-1]
        end = len(iri)
        while (end := max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))) >= 0:
            prefix, local = spaces.get(iri[: end + 1]), iri[end + 1 :]
            if prefix and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def value(term: str, coercion: str | None) -> Any:
        if term[0] != '"':
            return compact(term) if coercion == "@id" else {"@id": compact(term)}
        literal = next(ox.parse(f"<x:s> <x:p> {term} .".encode(), format=ox.RdfFormat.N_TRIPLES))
        lexical, datatype = literal.object.value, literal.object.datatype.value
        if literal.object.language:
            return {"@value": lexical, "@language": literal.object.language}
        native = coercion in (None, "@id", datatype)
        if native and datatype == XSD + "boolean" and lexical in ("true", "false"):
            return lexical == "true"
        if native and datatype == XSD + "integer" and re.fullmatch(r"0|-?[1-9]\d{0,20}", lexical):
            return int(lexical)
        if coercion == datatype or (datatype == XSD + "string" and coercion is None):
            return lexical
        if datatype == XSD + "string":
            return {"@value": lexical}
        return {"@value": lexical, "@type": compact(f"<{datatype}>")}

    def nodes(heads: Iterable[str]) -> Iterator[dict[str, Any]]:
        subject, node = "", dict[str, Any]()
        for head in heads:
            s, p, o = head.split(" ", 2)
            if s != subject:
                if node:
                    yield node
                subject, node = s, {"@id": compact(s)}
            if p == RDF_TYPE and o[0] == "<":
                node.setdefault("@type", []).append(classes.get(o[1:-1]) or compact(o))
                continue
            key, coercion = properties.get(p[1:-1]) or (compact(p), None)
            found, old = value(o, coercion), node.get(key)
            node[key] = (
                found if old is None else [*old, found] if type(old) is list else [old, found]
            )
        if node:
            yield node

    dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    out = ['{\n"@context": ', json.dumps(ctx, ensure_ascii=False, indent=1, sort_keys=True)]
    out.append(',\n"@graph": [')
    top = sep = "\n"
    for graph, group in groupby(pairs, key=itemgetter(0)):
        if graph:
            out.append(f'{top}{{"@id": {dump(compact(graph))}, "@graph": [\n')
            sep = ""
        for node in nodes(map(itemgetter(1), group)):
            out.append((sep if graph else top) + dump(node))
            sep = top = ",\n"
        if graph:
            out.append("\n]}")
    out.append("\n]\n}\n")
    return "".join(out)


def test_seed_graph_trig_and_jsonld_match_the_plain_writers(
    seed_input: tuple[Pairs, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs, _ = seed_input
    assert text(jsonld_chunks(pairs, PREFIXES, CONTEXT)) == dict_jsonld(pairs, CONTEXT, PREFIXES)
    for lines in (1, 50, 2000):  # guesses from the first LINES pairs, right or wrong
        monkeypatch.setattr(serialise, "LINES", lines)
        assert text(trig_chunks(pairs, PREFIXES)) == two_pass_trig(pairs, PREFIXES), lines


def test_trig_holds_its_statements_in_a_file_past_a_size(
    seed_input: tuple[Pairs, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs, _ = seed_input
    held = text(trig_chunks(pairs, PREFIXES))
    assert len(held) > 1000
    rolled: list[bool] = []  # per write: already in a file on disk?

    class Spool(serialise.tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
        def write(self, s: str) -> int:
            rolled.append(self._rolled)
            return int(super().write(s))

    monkeypatch.setattr(serialise.tempfile, "SpooledTemporaryFile", Spool)
    monkeypatch.setattr(serialise, "_HELD", 100)  # to disk after 100 characters
    monkeypatch.setattr(serialise, "_HELD_READ", 7)  # read back in odd pieces
    chunks = list(trig_chunks(pairs, PREFIXES))
    assert "".join(chunks) == held
    assert max(map(len, chunks[1:])) == 7
    # on disk from the second chunk on: memory does not grow with the graph
    assert len(rolled) > 2 and rolled[0] is False and all(rolled[2:])


EX = "http://example.org/"


def test_trig_reads_again_when_a_bare_datatype_needs_a_prefix_found_late(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pairs = [  # "1"^^xsd:decimal is not Turtle's bare decimal: it needs xsd, found later
        ("", f'<{EX}s> <{EX}p> "1"^^<{XSD}decimal>'),
        ("", f'<{EX}s> <{EX}q> "2024-01-02"^^<{XSD}date>'),
    ]
    monkeypatch.setattr(serialise, "LINES", 1)
    trig = text(trig_chunks(pairs, PREFIXES))
    assert trig == two_pass_trig(pairs, PREFIXES)
    assert '"1"^^xsd:decimal' in trig


def test_trig_declares_a_prefix_found_late_inside_a_literal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pairs = [
        ("", f'<{EX}s> <{EX}p> "x"'),
        (f"<{EX}g>", f'<{EX}s> <{EX}p> "see <http://xmlns.com/foaf/0.1/name>"'),
    ]
    monkeypatch.setattr(serialise, "LINES", 1)
    trig = text(trig_chunks(pairs, PREFIXES))
    assert trig == two_pass_trig(pairs, PREFIXES)
    assert "@prefix foaf: <http://xmlns.com/foaf/0.1/> ." in trig


def test_trig_declares_what_a_scan_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Late in the graph: uses inside language-tagged and typed literals, and a shorter
    namespace that fits an IRI written with a longer one (both count as used)."""
    pairs = [
        ("", f'<{EX}s> <{EX}p> "x"'),
        ("", f'<{EX}s> <{EX}q> "see <http://purl.org/spar/pro/x>"@en'),
        ("", f'<{EX}s> <{EX}r> "<http://www.w3.org/2002/07/owl#a>"^^<{EX}t>'),
        ("", f"<{EX}s> <{EX}r> <urn:x:yz>"),
    ]
    prefixes = {**PREFIXES, "ux": "urn:x:", "uxy": "urn:x:y"}
    monkeypatch.setattr(serialise, "LINES", 1)
    trig = text(trig_chunks(pairs, prefixes))
    assert trig == two_pass_trig(pairs, prefixes)
    for prefix in ("owl", "pro", "ux", "uxy"):
        assert f"@prefix {prefix}: " in trig


def test_jsonld_keys_that_collide_share_one_list() -> None:
    # the term "ex:b" names <…/a>, and <…/b> compacts to "ex:b" too
    context = {"ex": EX, "ex:b": f"{EX}a", "pct": f"{EX}a%41b"}
    long = "x" * 150
    pairs = [
        ("", f'<{EX}s> <{EX}a> "1"^^<{XSD}integer>'),
        ("", f'<{EX}s> <{EX}a%41b> "{long}"'),  # a "%" in a key and a long plain text
        ("", f'<{EX}s> <{EX}b> "1"^^<{XSD}integer>'),
        ("", f'<{EX}s> <{EX}c> "{long}\x01"'),  # a control character, written raw
    ]
    written = text(jsonld_chunks(pairs, {}, context))
    assert written == dict_jsonld(pairs, context, {})
    node = json.loads(written)["@graph"][0]
    assert node["ex:b"] == [1, 1] and node["ex:c"] == long + "\x01"


def test_jsonld_compacts_by_the_plain_rule() -> None:
    # "" names <ex/> first, so it is never used; the longest namespace wins; no empty local
    context = {"": EX, "ex": EX, "sub": f"{EX}a/", "top": "http://"}
    pairs = [
        ("", f"<{EX}a/b> <{EX}p> <{EX}a/>"),
        ("", f"<{EX}a/b> <{EX}p> <http:////x>"),
        ("", f'<{EX}q> <{EX}p> "v"'),
    ]
    assert text(jsonld_chunks(pairs, {}, context)) == dict_jsonld(pairs, context, {})


long_texts = st.text(min_size=101, max_size=130)
literal_iris = st.sampled_from(["<http://xmlns.com/foaf/0.1/name>", f"<{EX}a>", "<urn:x:y>"])
odd_literals = st.builds(ox.Literal, long_texts | literal_iris.map(lambda iri: f"see {iri} ."))


@FAST
@given(
    st.lists(
        st.builds(
            ox.Quad,
            iris,
            known_predicates | iris,
            iris | literals() | odd_literals | known_predicates,
            st.sampled_from([ox.DefaultGraph(), ox.NamedNode(f"{EX}g")]) | iris,
        ),
        max_size=12,
    ),
    st.sampled_from([1, 3, 2000]),
)
def test_random_graphs_match_the_plain_writers(quads: list[ox.Quad], lines: int) -> None:
    pairs, _ = sorted_input(quads)
    prefixes = {**PREFIXES, **EXTRA}
    assert text(jsonld_chunks(pairs, prefixes, CONTEXT)) == dict_jsonld(pairs, CONTEXT, prefixes)
    old = serialise.LINES
    serialise.LINES = lines  # no monkeypatch fixture with @given: restored by hand
    try:
        assert text(trig_chunks(pairs, prefixes)) == two_pass_trig(pairs, prefixes)
    finally:
        serialise.LINES = old
