"""How a built store holds the graph, and the one way to read it as a whole.

The named graphs do not overlap (MODEL.md, "Named graphs"): a page graph holds what that
page says, the entities graph the merged description of what the pages mention, and the
taxonomy, statistics and dataset graphs theirs. Their union is the graph, each triple once,
so the store keeps no second copy in its default graph: queries read the union of the named
graphs as their default graph (Oxigraph's union view, exact when the graphs are disjoint).

Stores written before that layout (issue #17) hold the union in their default graph and
overlapping page graphs; they are read through their default graph, as they were then.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

_DATASET = ox.NamedNode("http://rdfs.org/ns/void#Dataset")
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def holds_union_copy(store: ox.Store) -> bool:
    """Whether the store is of the old layout: its default graph is a copy of the union
    (which always describes the dataset). A user's own triples in the default graph do not
    make it one."""
    found = store.quads_for_pattern(None, _TYPE, _DATASET, ox.DefaultGraph())
    return next(iter(found), None) is not None


class UnionView:
    """A store read as one graph: every query sees the union of the named graphs as its
    default graph, and a lookup in the default graph looks in every graph. Everything else
    is the store's own (``dump``, ``named_graphs``, ``update`` ...)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def query(self, query: str, **options: Any) -> Any:
        options["use_default_graph_as_union"] = True
        return self.store.query(query, **options)

    def quads_for_pattern(
        self, subject: Any, predicate: Any, object: Any, graph_name: Any = None
    ) -> Iterator[ox.Quad]:
        if isinstance(graph_name, ox.DefaultGraph):
            graph_name = None
        return self.store.quads_for_pattern(subject, predicate, object, graph_name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __iter__(self) -> Iterator[ox.Quad]:  # every quad, as the store's own iteration
        return iter(self.store)

    def __len__(self) -> int:
        return len(self.store)


Graph = ox.Store | UnionView  # what readers of a built store receive


def as_one_graph(store: ox.Store) -> Graph:
    """The store as readers want it: its default graph is the whole graph, once."""
    return store if holds_union_copy(store) else UnionView(store)


def graph_heads(store: ox.Store, name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> set[str]:
    """One graph of the store as N-Triples lines without `` .``. pyoxigraph dumps it as text
    in Rust; reading term objects quad by quad cost 12 us a quad from the disk store."""
    text = (store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b"").decode()
    # split on "\n" only: str.splitlines() would also split at U+2028 inside a literal
    return {line[:-2] for line in text.split("\n") if line}


def union_heads(graph: Graph) -> list[str]:
    """The whole graph as N-Triples lines without `` .``, each triple once."""
    store = raw_store(graph)
    names: list[Any] = [ox.DefaultGraph()]
    if isinstance(graph, UnionView):
        names += store.named_graphs()
    return sorted(set().union(*(graph_heads(store, name) for name in names)))


def raw_store(graph: Graph) -> ox.Store:
    """The store itself, for a library that wants one (pySHACL), told apart by the caller."""
    return graph.store if isinstance(graph, UnionView) else graph
