"""The dataset's own description: VoID and DCAT, counted from the graph itself (pure).

The counts come from the census taken while the statistics read the union, so the
description always agrees with the triples it describes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kg.graph.identity import Iris, key_hash
from kg.graph.ntriples import Triple
from kg.graph.statistics import Census
from kg.graph.terms import DCAT_, DCTERMS_, T_DATE, T_INT, VOID_, A, lit, node, typed
from kg.graph.vocab import KG


def describe_dataset(
    census: Census, iris: Iris, page_graphs: Sequence[str], capture_date: date
) -> list[Triple]:
    """VoID/DCAT description with counts taken from the (union) triples themselves."""
    classes = census.classes
    entities = census.subjects  # every subject we mint is an IRI: no blank nodes
    d = node(iris.dataset)
    out: list[Triple] = [
        (d, A, VOID_.Dataset),
        (d, A, DCAT_.Dataset),
        (d, DCTERMS_.title, lit("Scholarly knowledge graph built by kg")),
        (
            d,
            DCTERMS_.description,
            lit(
                "Papers, people, topics, organisations and code repositories read from scraped "
                "arXiv author pages; one named graph per source page."
            ),
        ),
        (d, DCTERMS_.created, typed(capture_date.isoformat(), T_DATE)),
        (d, VOID_.triples, typed(census.triples, T_INT)),
        (d, VOID_.entities, typed(entities, T_INT)),
        (d, VOID_.distinctSubjects, typed(census.subjects, T_INT)),
        (d, VOID_.properties, typed(len(census.properties), T_INT)),
        (d, VOID_.classes, typed(len(classes), T_INT)),
        (d, VOID_.vocabulary, node(str(KG))),
    ]
    for cls in sorted(classes):
        part = node(f"{iris.dataset}/class/{_short(cls)}")
        out += [
            (d, VOID_.classPartition, part),
            (part, VOID_["class"], node(cls)),
            (part, VOID_.entities, typed(classes[cls], T_INT)),
        ]
    for graph in page_graphs:
        out.append((d, VOID_.subset, node(graph)))
    return out


def _short(iri: str) -> str:
    return key_hash(iri, 10)
