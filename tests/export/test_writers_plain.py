"""The one-pass writers against plain ones: Turtle and TriG as a scan for their prefixes then
the statements, JSON-LD as a dict per node through json.dumps; how Turtle and TriG hold their
statements and find the prefixes they must declare; and the same output whether the input is
a list, a file read back (``ExportedLines``) or an iterator that can be read only once."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from writercheck import (
    CONTEXT,
    EX,
    FAST,
    PREFIXES,
    RDF_TYPE,
    XSD,
    Pairs,
    iris,
    known_predicates,
    literals,
    sorted_input,
    text,
)

from kg.export import jsonld, turtle
from kg.export.files import ExportedLines
from kg.export.jsonld import jsonld_chunks
from kg.export.lines import quad_lines, triple_lines
from kg.export.ntriples import nquads_chunks, ntriples_chunks
from kg.export.turtle import trig_chunks, turtle_chunks

# -- the fast writers against plain ones --------------------------------------------------

EXTRA = {"ex": "http://example.org/", "exa": "http://example.org/a", "ux": "urn:x:"}


def two_pass_trig(pairs: Pairs, prefixes: dict[str, str]) -> str:
    """TriG as it was written before it went one pass: a scan for the prefixes to declare,
    then the statements with those."""
    names = turtle._Names(turtle._declared(turtle._pair_texts(pairs), prefixes))
    with quad_lines(pairs) as lines:
        return names.prefix_block() + text(turtle._statements(lines, names, quads=True))


def two_pass_turtle(heads: list[str], prefixes: dict[str, str]) -> str:
    """Turtle as it was written before it went one pass, the same way."""
    names = turtle._Names(turtle._declared(["\n".join(heads)], prefixes))
    with triple_lines(heads) as lines:
        return names.prefix_block() + text(turtle._statements(lines, names, quads=False))


def dict_jsonld(pairs: Pairs, context: dict[str, Any], prefixes: dict[str, str]) -> str:
    """JSON-LD as it was written before it was written as text: a dict per node, through
    json.dumps, with compaction and literal values worked out plainly (pyoxigraph parses)."""
    ctx = {**context, **{k: v for k, v in prefixes.items() if k not in context}}
    spaces: dict[str, str] = {}
    for prefix, ns in sorted(ctx.items(), reverse=True):
        if not prefix.startswith("@") and isinstance(ns, str) and ns.endswith(("/", "#")):
            spaces[ns] = prefix
    properties, classes = jsonld._term_tables(ctx)

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
    seed_input: tuple[Pairs, list[str]],
) -> None:
    pairs, heads = seed_input
    assert text(jsonld_chunks(pairs, PREFIXES, CONTEXT)) == dict_jsonld(pairs, CONTEXT, PREFIXES)
    for lines in (1, 50, 2000):  # guesses from the first `lines` pairs, right or wrong
        trig = text(trig_chunks(pairs, PREFIXES, lines=lines))
        assert trig == two_pass_trig(pairs, PREFIXES), lines
        assert text(turtle_chunks(heads, PREFIXES, lines=lines)) == two_pass_turtle(heads, PREFIXES)


def test_the_writers_read_a_file_or_an_iterator_as_they_read_a_list(
    seed_input: tuple[Pairs, list[str]], tmp_path: Path
) -> None:
    """kg build hands the writers the files read back (``ExportedLines``), which they read
    straight from the file; with a progress bar, iterators that can be read only once."""
    pairs, heads = seed_input
    (tmp_path / "graph.nq").write_text(text(nquads_chunks(pairs)), encoding="utf-8")
    (tmp_path / "graph.nt").write_text(text(ntriples_chunks(heads)), encoding="utf-8")
    from_file = ExportedLines(tmp_path / "graph.nq"), ExportedLines(tmp_path / "graph.nt")
    assert list(from_file[0]) == pairs and list(from_file[1]) == heads
    writers = {
        "ttl": lambda pairs, heads: turtle_chunks(heads, PREFIXES),
        "trig": lambda pairs, heads: trig_chunks(pairs, PREFIXES),
        "jsonld": lambda pairs, heads: jsonld_chunks(pairs, PREFIXES, CONTEXT),
    }
    for name, writer in writers.items():
        want = text(writer(pairs, heads))
        assert text(writer(*from_file)) == want, name
        assert text(writer(iter(pairs), iter(heads))) == want, name


def test_turtle_and_trig_hold_their_statements_in_a_file_past_a_size(
    seed_input: tuple[Pairs, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs, heads = seed_input
    opened: list[Any] = []
    real = tempfile.TemporaryFile

    def watched(*args: Any, **kwargs: Any) -> Any:
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", watched)  # watched, not tuned
    for write in (
        lambda **held: trig_chunks(pairs, PREFIXES, **held),
        lambda **held: turtle_chunks(heads, PREFIXES, **held),
    ):
        whole = text(write())
        assert len(whole) > 1000 and not opened  # all of it held in memory
        # to disk after 100 characters, read back in odd pieces
        chunks = list(write(held=100, held_read=7))
        assert "".join(chunks) == whole
        assert max(map(len, chunks[1:])) == 7  # the seeds are ASCII: a byte is a character
        assert len(opened) == 1 and opened.pop().closed


def test_turtle_and_trig_read_again_when_a_bare_datatype_needs_a_prefix_found_late() -> None:
    pairs = [  # "1"^^xsd:decimal is not Turtle's bare decimal: it needs xsd, found later
        ("", f'<{EX}s> <{EX}p> "1"^^<{XSD}decimal>'),
        ("", f'<{EX}s> <{EX}q> "2024-01-02"^^<{XSD}date>'),
    ]
    heads = [head for _, head in pairs]
    trig = text(trig_chunks(pairs, PREFIXES, lines=1))
    assert trig == two_pass_trig(pairs, PREFIXES)
    assert '"1"^^xsd:decimal' in trig
    turtle = text(turtle_chunks(heads, PREFIXES, lines=1))
    assert turtle == two_pass_turtle(heads, PREFIXES)
    assert '"1"^^xsd:decimal' in turtle
    # input that cannot be read again keeps the IRI as it wrote it: valid, the same graph
    once = text(turtle_chunks(iter(heads), PREFIXES, lines=1))
    assert f'"1"^^<{XSD}decimal>' in once and "@prefix xsd: " in once
    parsed = set(ox.parse(once.encode(), format=ox.RdfFormat.TURTLE))
    assert parsed == set(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))


def test_trig_declares_a_prefix_found_late_inside_a_literal() -> None:
    pairs = [
        ("", f'<{EX}s> <{EX}p> "x"'),
        (f"<{EX}g>", f'<{EX}s> <{EX}p> "see <http://xmlns.com/foaf/0.1/name>"'),
    ]
    trig = text(trig_chunks(pairs, PREFIXES, lines=1))
    assert trig == two_pass_trig(pairs, PREFIXES)
    assert "@prefix foaf: <http://xmlns.com/foaf/0.1/> ." in trig
    heads = [head for _, head in pairs]
    turtle = text(turtle_chunks(heads, PREFIXES, lines=1))
    assert turtle == two_pass_turtle(heads, PREFIXES)
    assert "@prefix foaf: <http://xmlns.com/foaf/0.1/> ." in turtle


def test_trig_declares_what_a_scan_finds() -> None:
    """Late in the graph: uses inside language-tagged and typed literals, and a shorter
    namespace that fits an IRI written with a longer one (both count as used)."""
    pairs = [
        ("", f'<{EX}s> <{EX}p> "x"'),
        ("", f'<{EX}s> <{EX}q> "see <http://purl.org/spar/pro/x>"@en'),
        ("", f'<{EX}s> <{EX}r> "<http://www.w3.org/2002/07/owl#a>"^^<{EX}t>'),
        ("", f"<{EX}s> <{EX}r> <urn:x:yz>"),
    ]
    prefixes = {**PREFIXES, "ux": "urn:x:", "uxy": "urn:x:y"}
    trig = text(trig_chunks(pairs, prefixes, lines=1))
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
    pairs = [  # <…a/b> takes "sub", which then is tried first: <…a/> and <…a///x> may not
        ("", f"<{EX}a/b> <{EX}p> <{EX}a/>"),
        ("", f"<{EX}a/b> <{EX}p> <{EX}a///x>"),
        ("", f"<{EX}a/b> <{EX}p> <{EX}a/c>"),
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
    assert text(trig_chunks(pairs, prefixes, lines=lines)) == two_pass_trig(pairs, prefixes)
    heads = sorted_input(quads)[1]
    assert text(turtle_chunks(heads, prefixes, lines=lines)) == two_pass_turtle(heads, prefixes)
