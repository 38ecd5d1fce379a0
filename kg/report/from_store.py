"""The small things of the report, read from a pyoxigraph store into memory (``load_small``):
source pages, topics and concept labels, metrics observations, the candidates of ambiguous
names, the dataset's VoID description. There are few of each whatever the size of the graph
(a page per capture, a topic per category); everything else goes through
``kg.report.catalogue``.

A handful of SELECT queries on the store read as one graph (the union of its named graphs,
each triple once: kg.graph.layout, ontology/MODEL.md); everything is sorted here, so the
pages do not depend on the order the store answers in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kg.graph.vocab import PREFIXES
from kg.report.catalogue import Catalogue, P, Small
from kg.report.data import (
    ClassPartition,
    Dataset,
    Metrics,
    SourcePage,
    Topic,
    VoidCount,
)
from kg.report.html import slug_for, unique_slugs

ARXIV = PREFIXES["arxiv"]
_SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in sorted(PREFIXES.items()))
Row = dict[str, str | None]


def select(store: Any, query: str) -> list[Row]:
    """Rows of a SELECT on the default graph: variable -> lexical value (None if unbound)."""
    result = store.query(_SPARQL_PREFIXES + query)
    names = [v.value for v in result.variables]
    rows: list[Row] = []
    for solution in result:
        row: Row = {}
        for name in names:
            term = solution[name]
            row[name] = None if term is None else str(term.value)
        rows.append(row)
    return rows


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _bool(text: str | None) -> bool | None:
    return None if text is None else text in ("true", "1")


def _group(rows: Iterable[Row], key: str, value: str) -> dict[str, list[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        k, v = row[key], row[value]
        if k is not None and v is not None:
            grouped[k].add(v)
    return {k: sorted(v) for k, v in grouped.items()}


def load_small(store: Any, cat: Catalogue) -> Small:
    """The small things, from the store; the topics in use from the catalogue's facts (call
    it after ``catalogue.fill``)."""
    pages = _load_pages(store)
    used = {t for (t,) in cat.rows(f"SELECT DISTINCT o FROM fact WHERE p = {P['subject']}")}
    topics, labels = _load_topics(store, used)
    candidates = _group(
        select(store, "SELECT ?x ?c WHERE { ?x kg:possibleActualCreator ?c }"), "x", "c"
    )
    candidate_of = _group(
        select(store, "SELECT ?x ?c WHERE { ?c kg:possibleActualCreator ?x }"), "x", "c"
    )
    return Small(
        dataset=_load_dataset(store),
        pages=pages,
        topics=topics,
        concept_labels=labels,
        topic_paths=topic_paths(topics),
        metrics=_load_metrics(store, pages),
        candidates={k: tuple(v) for k, v in sorted(candidates.items())},
        candidate_of={k: tuple(v) for k, v in sorted(candidate_of.items())},
    )


def topic_paths(topics: Iterable[str]) -> dict[str, str]:
    """Topic IRI -> its page: arXiv categories by code, site codes as ``code-CV``."""
    stems = unique_slugs(
        {
            iri: slug_for(iri, "/arxiv/")
            if iri.startswith(ARXIV)
            else slug_for(iri, "/topic/", "code-")
            for iri in topics
        }
    )
    return {iri: f"topics/{stem}.html" for iri, stem in sorted(stems.items())}


def _load_metrics(store: Any, pages: dict[str, SourcePage]) -> dict[str, tuple[Metrics, ...]]:
    """Person -> their kg:MetricsObservations, oldest first (then by page and IRI)."""
    metrics: dict[str, list[Metrics]] = defaultdict(list)
    for r in select(
        store,
        """SELECT ?x ?m ?page ?at ?h ?papers ?cites ?listed ?novelty ?ai ?cat WHERE {
          ?x bido:holdsBibliometricDataInTime ?m . ?m a kg:MetricsObservation .
          OPTIONAL { ?m kg:observedOn ?page } OPTIONAL { ?m kg:observedAt ?at }
          OPTIONAL { ?m kg:hIndex ?h } OPTIONAL { ?m kg:paperCount ?papers }
          OPTIONAL { ?m kg:citationCount ?cites } OPTIONAL { ?m kg:listedPaperCount ?listed }
          OPTIONAL { ?m kg:noveltyPercent ?novelty } OPTIONAL { ?m kg:aiScore ?ai }
          OPTIONAL { ?m kg:primaryCategory ?cat }
        }""",
    ):
        page = pages.get(r["page"] or "")
        metrics[r["x"] or ""].append(
            Metrics(
                iri=r["m"] or "",
                page=r["page"] or "",
                file=page.file if page else "",
                observed_at=r["at"] or "",
                h_index=r["h"],
                paper_count=r["papers"],
                citation_count=r["cites"],
                listed_paper_count=r["listed"],
                novelty=r["novelty"],
                ai_score=r["ai"],
                primary_category=r["cat"],
            )
        )
    return {
        iri: tuple(sorted(set(found), key=lambda m: (m.observed_at, m.file, m.iri, repr(m))))
        for iri, found in sorted(metrics.items())
    }


def _load_pages(store: Any) -> dict[str, SourcePage]:
    rows = select(
        store,
        """SELECT ?page ?file ?layout ?captured ?from ?sha ?topic ?owner ?evidence WHERE {
          ?page a kg:SourcePage .
          OPTIONAL { ?page dcterms:identifier ?file }
          OPTIONAL { ?page kg:pageLayout ?layout }
          OPTIONAL { ?page kg:capturedOn ?captured }
          OPTIONAL { ?page kg:captureDateSource ?from }
          OPTIONAL { ?page kg:sha256 ?sha }
          OPTIONAL { ?page foaf:primaryTopic ?topic }
          OPTIONAL { ?page kg:inferredOwner ?owner }
          OPTIONAL { ?page kg:inferredOwnerEvidence ?evidence }
        }""",
    )
    pages: dict[str, SourcePage] = {}
    # sorted rows: should a page ever carry two values, the same one wins on every run
    for r in sorted(rows, key=lambda r: sorted((k, v or "") for k, v in r.items())):
        iri = r["page"] or ""
        pages.setdefault(
            iri,
            SourcePage(
                iri,
                r["file"] or iri.rsplit("/", 1)[-1],
                r["layout"] or "",
                r["captured"] or "",
                r["sha"] or "",
                r["topic"],
                r["from"] or "",
                r["owner"],
                _int(r["evidence"]),
            ),
        )
    return dict(sorted(pages.items()))


def _load_topics(store: Any, used: set[str]) -> tuple[dict[str, Topic], dict[str, str]]:
    concepts = select(
        store,
        """SELECT ?t ?notation ?label ?broader ?scheme ?ambiguous WHERE {
          { ?t a skos:Concept } UNION { ?t a kg:AmbiguousTopic }
          OPTIONAL { ?t skos:notation ?notation } OPTIONAL { ?t skos:prefLabel ?label }
          OPTIONAL { ?t skos:broader ?broader } OPTIONAL { ?t skos:inScheme ?scheme }
          BIND (EXISTS { ?t a kg:AmbiguousTopic } AS ?ambiguous)
        }""",
    )
    candidates = _group(
        select(store, "SELECT ?t ?c WHERE { ?t kg:candidateCategory ?c }"), "t", "c"
    )
    used |= {
        r["t"] or "" for r in select(store, "SELECT DISTINCT ?t WHERE { ?m kg:primaryCategory ?t }")
    }
    info: dict[str, Row] = {}
    ambiguous: set[str] = set()
    for r in sorted(concepts, key=lambda r: sorted((k, v or "") for k, v in r.items())):
        info.setdefault(r["t"] or "", r)
        if r["ambiguous"] in ("true", "1"):
            ambiguous.add(r["t"] or "")
    used |= ambiguous
    used |= {c for t in ambiguous for c in candidates.get(t, [])}
    candidate_for: dict[str, list[str]] = defaultdict(list)
    for t in sorted(ambiguous):
        for c in candidates.get(t, []):
            candidate_for[c].append(t)
    labels = {
        iri: (r["label"] or r["notation"] or iri.rsplit("/", 1)[-1]) for iri, r in info.items()
    }
    topics = {}
    for iri in used:
        r = info.get(iri, {})
        notation = r.get("notation") or iri.rsplit("/", 1)[-1]
        topics[iri] = Topic(
            iri=iri,
            notation=notation,
            label=r.get("label") or notation,
            ambiguous=iri in ambiguous,
            candidates=tuple(candidates.get(iri, [])),
            candidate_for=tuple(candidate_for.get(iri, [])),
            broader=r.get("broader"),
            scheme=r.get("scheme"),
        )
    return dict(sorted(topics.items())), dict(sorted(labels.items()))


def _load_dataset(store: Any) -> Dataset | None:
    found = select(
        store,
        """SELECT ?g ?d WHERE { GRAPH ?g { ?d a void:Dataset ; void:triples ?n } }
           ORDER BY ?g ?d LIMIT 1""",
    )
    if not found:
        return None
    graph, iri = found[0]["g"] or "", found[0]["d"] or ""
    where = f"GRAPH <{graph}> {{ <{iri}> ?p ?o }}"
    props = select(store, f"SELECT ?p ?o WHERE {{ {where} }}")
    values: dict[str, list[str]] = defaultdict(list)
    for r in props:
        values[r["p"] or ""].append(r["o"] or "")

    def first(prop: str) -> str:
        return min(values.get(prop, [""]))

    counts = []
    for name in ("triples", "entities", "distinctSubjects", "properties", "classes"):
        number = _int(first(PREFIXES["void"] + name) or None)
        if number is not None:
            counts.append(VoidCount(name, number))
    partitions = select(
        store,
        f"""SELECT ?class ?n WHERE {{ GRAPH <{graph}> {{
          <{iri}> void:classPartition ?c . ?c void:class ?class ; void:entities ?n }} }}""",
    )
    return Dataset(
        iri=iri,
        graph=graph,
        title=first(PREFIXES["dcterms"] + "title"),
        description=first(PREFIXES["dcterms"] + "description"),
        created=first(PREFIXES["dcterms"] + "created"),
        counts=tuple(counts),
        partitions=tuple(
            sorted(
                (ClassPartition(r["class"] or "", _int(r["n"]) or 0) for r in partitions),
                key=lambda p: (-p.entities, p.cls),
            )
        ),
    )
