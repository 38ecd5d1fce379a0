"""The writers (kg.export.ntriples, turtle, jsonld): every format parses back (pyoxigraph,
rdflib) to exactly the quads it was given, on the seed graph and on random awkward literals
and IRIs; and how the work is sized never changes the output."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from hypothesis import given
from writercheck import (
    CONTEXT,
    FAST,
    PREFIXES,
    Pairs,
    check_all_formats,
    check_jsonld,
    graphs,
    sorted_input,
    text,
)

from kg.export.jsonld import jsonld_chunks
from kg.export.ntriples import nquads_chunks, ntriples_chunks
from kg.export.turtle import trig_chunks, turtle_chunks

# -- the seed graph -----------------------------------------------------------------------


def test_seed_graph_round_trips_through_every_format(seed_input: tuple[Pairs, list[str]]) -> None:
    check_all_formats(*seed_input)


def test_seed_turtle_declares_only_used_prefixes(seed_input: tuple[Pairs, list[str]]) -> None:
    turtle = text(turtle_chunks(seed_input[1], PREFIXES))
    head, _, body = turtle.partition("\n\n")
    declared = [line.split()[1] for line in head.splitlines()]
    assert declared == sorted(declared)
    assert all(re.search(rf"(^|[\s^]){re.escape(name)}", body, re.M) for name in declared)
    assert "@prefix rdf:" not in head  # rdf:type is written "a"


def test_chunking_does_not_change_output(seed_input: tuple[Pairs, list[str]]) -> None:
    pairs, heads = seed_input
    whole = {
        "nq": text(nquads_chunks(pairs)),
        "nt": text(ntriples_chunks(heads)),
        "ttl": text(turtle_chunks(heads, PREFIXES)),
        "trig": text(trig_chunks(pairs, PREFIXES)),
        "jsonld": text(jsonld_chunks(pairs, PREFIXES, CONTEXT)),
    }
    for lines in (1, 7):  # TriG guesses its prefixes from the first `lines` pairs
        small = {"parts": 3, "cache": 5}
        chunked = {
            "nq": nquads_chunks(pairs, lines),
            "nt": ntriples_chunks(heads, lines),
            "ttl": turtle_chunks(heads, PREFIXES, lines=lines, **small),
            "trig": trig_chunks(pairs, PREFIXES, lines=lines, **small),
            "jsonld": jsonld_chunks(pairs, PREFIXES, CONTEXT, **small),
        }
        for name, chunks in chunked.items():
            assert text(chunks) == whole[name], name  # deterministic, whatever the chunks


def test_empty_input() -> None:
    assert text(turtle_chunks([], PREFIXES)) == "\n"
    assert json.loads(text(jsonld_chunks([], PREFIXES, CONTEXT)))["@graph"] == []
    check_all_formats([], [])


# -- random graphs ------------------------------------------------------------------------


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
