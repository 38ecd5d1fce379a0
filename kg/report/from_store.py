"""The report's view of the graph, read from a pyoxigraph store (``load_site``).

A handful of SELECT queries on the store read as one graph (the union of its named graphs,
each triple once: kg.graph.layout, ontology/MODEL.md) fill the dataclasses of
``kg.report.data``; everything is sorted here, so the pages rendered from a ``Site`` do not
depend on the order the store answers in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kg.graph.vocab import PREFIXES
from kg.report.data import (
    Agent,
    Authorship,
    ClassPartition,
    Dataset,
    Listing,
    Metrics,
    Organisation,
    Paper,
    Repository,
    Site,
    SourcePage,
    Topic,
    VoidCount,
)

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


def load_site(store: Any) -> Site:
    """Read the report's view of the graph from a pyoxigraph store."""
    pages = _load_pages(store)
    listings = _load_listings(store, pages)
    papers = _load_papers(store, listings)
    topics, labels = _load_topics(store, papers)
    return Site(
        dataset=_load_dataset(store),
        papers=papers,
        agents=_load_agents(store, pages, papers),
        topics=topics,
        pages=pages,
        concept_labels=labels,
    )


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


def _load_listings(store: Any, pages: dict[str, SourcePage]) -> dict[str, list[Listing]]:
    rows = select(
        store,
        """SELECT ?l ?paper ?page ?line ?form ?cat ?date ?flag ?score ?count WHERE {
          ?l a kg:Listing ; kg:listedPaper ?paper .
          OPTIONAL { ?l kg:onPage ?page } OPTIONAL { ?l kg:line ?line }
          OPTIONAL { ?l kg:recordForm ?form } OPTIONAL { ?l kg:printedCategory ?cat }
          OPTIONAL { ?l kg:printedDate ?date } OPTIONAL { ?l kg:codeFlag ?flag }
          OPTIONAL { ?l kg:score ?score } OPTIONAL { ?l kg:printedAuthorCount ?count }
        }""",
    )
    by_paper: dict[str, list[Listing]] = defaultdict(list)
    for r in rows:
        page = pages.get(r["page"] or "")
        listing = Listing(
            iri=r["l"] or "",
            paper=r["paper"] or "",
            page=r["page"] or "",
            file=page.file if page else (r["page"] or "").rsplit("/", 1)[-1],
            line=_int(r["line"]) or 0,
            form=r["form"] or "",
            category=r["cat"] or "",
            date=r["date"] or "",
            code_flag=_bool(r["flag"]),
            score=r["score"],
            author_count=_int(r["count"]),
            captured=page.captured if page else "",
        )
        by_paper[listing.paper].append(listing)
    for found in by_paper.values():
        found.sort(key=lambda x: (x.file, x.line, x.iri))
    return by_paper


def _load_papers(store: Any, listings: dict[str, list[Listing]]) -> dict[str, Paper]:
    base = select(
        store,
        """SELECT ?p ?title ?abstract ?issued ?inferred ?complete ?shown ?code ?first ?last
        WHERE {
          ?p a schema:ScholarlyArticle .
          OPTIONAL { ?p kg:firstSeen ?first } OPTIONAL { ?p kg:lastSeen ?last }
          OPTIONAL { ?p dcterms:title ?title } OPTIONAL { ?p dcterms:abstract ?abstract }
          OPTIONAL { ?p dcterms:issued ?issued } OPTIONAL { ?p kg:issuedYearInferred ?inferred }
          OPTIONAL { ?p kg:authorListComplete ?complete }
          OPTIONAL { ?p kg:shownAuthorCount ?shown } OPTIONAL { ?p kg:hasCode ?code }
        }""",
    )
    authors: dict[str, set[Authorship]] = defaultdict(set)
    for r in select(
        store,
        """SELECT ?p ?n ?who ?name WHERE {
          ?p a schema:ScholarlyArticle ; kg:hasAuthorship ?a .
          ?a kg:ordinal ?n ; kg:author ?who . OPTIONAL { ?a kg:printedName ?name }
        }""",
    ):
        authors[r["p"] or ""].add(Authorship(_int(r["n"]) or 0, r["who"] or "", r["name"] or ""))
    pairs = "SELECT ?p ?o WHERE { ?p a schema:ScholarlyArticle ; %s ?o }"
    topics = _group(select(store, pairs % "dcterms:subject"), "p", "o")
    evidence = _group(select(store, pairs % "kg:codeEvidence"), "p", "o")
    urls = _group(select(store, pairs % "schema:url"), "p", "o")
    repos: dict[str, set[Repository]] = defaultdict(set)
    for r in select(
        store,
        """SELECT ?p ?r ?url WHERE {
          ?p kg:hasCodeRepository ?r . OPTIONAL { ?r schema:codeRepository ?url } }""",
    ):
        repos[r["p"] or ""].add(Repository(r["r"] or "", r["url"] or r["r"] or ""))
    orgs: dict[str, set[Organisation]] = defaultdict(set)
    for r in select(
        store,
        """SELECT ?p ?o ?name ?code WHERE { ?p kg:affiliatedOrganization ?o .
          OPTIONAL { ?o schema:name ?name } OPTIONAL { ?o skos:notation ?code } }""",
    ):
        orgs[r["p"] or ""].add(Organisation(r["o"] or "", r["name"] or r["code"] or r["o"] or ""))
    papers = {}
    for r in base:
        iri = r["p"] or ""
        papers[iri] = Paper(
            iri=iri,
            title=r["title"] or "",
            abstract=r["abstract"] or "",
            issued=r["issued"] or "",
            year_inferred=bool(_bool(r["inferred"])),
            complete=_bool(r["complete"]) is not False,
            shown=_int(r["shown"]),
            has_code=bool(_bool(r["code"])),
            evidence=tuple(evidence.get(iri, [])),
            authors=tuple(sorted(authors[iri], key=lambda a: (a.ordinal, a.agent))),
            topics=tuple(topics.get(iri, [])),
            repos=tuple(sorted(repos[iri])),
            orgs=tuple(sorted(orgs[iri])),
            urls=tuple(urls.get(iri, [])),
            listings=tuple(listings.get(iri, [])),
            first_seen=r["first"] or "",
            last_seen=r["last"] or "",
        )
    return dict(sorted(papers.items()))


def _load_agents(
    store: Any, pages: dict[str, SourcePage], papers: dict[str, Paper]
) -> dict[str, Agent]:
    rows = select(
        store,
        """SELECT DISTINCT ?x ?name ?ambiguous WHERE {
          { ?x a schema:Person } UNION { ?x a kg:AmbiguousCreator }
          UNION { ?a kg:author ?x } UNION { ?y kg:possibleActualCreator ?x }
          OPTIONAL { ?x foaf:name ?name }
          BIND (EXISTS { ?x a kg:AmbiguousCreator } AS ?ambiguous)
        }""",
    )
    candidates = _group(
        select(store, "SELECT ?x ?c WHERE { ?x kg:possibleActualCreator ?c }"), "x", "c"
    )
    candidate_of = _group(
        select(store, "SELECT ?x ?c WHERE { ?c kg:possibleActualCreator ?x }"), "x", "c"
    )
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
    profiles: dict[str, list[str]] = defaultdict(list)
    inferred: dict[str, list[str]] = defaultdict(list)
    for page in pages.values():
        if page.primary_topic:
            profiles[page.primary_topic].append(page.iri)
        if page.inferred_owner:
            inferred[page.inferred_owner].append(page.iri)
    names: dict[str, set[str]] = defaultdict(set)
    ambiguous: set[str] = set()
    for r in rows:
        iri = r["x"] or ""
        names[iri].update([r["name"]] if r["name"] else [])
        if r["ambiguous"] in ("true", "1"):
            ambiguous.add(iri)
    printed = {a.agent: a.printed for p in papers.values() for a in sorted(p.authors)}
    agents = {
        iri: Agent(
            iri=iri,
            name=min(name) if name else printed.get(iri) or iri.rsplit("/", 1)[-1],
            ambiguous=iri in ambiguous,
            candidates=tuple(candidates.get(iri, [])),
            candidate_of=tuple(candidate_of.get(iri, [])),
            metrics=tuple(sorted(metrics[iri], key=lambda m: (m.observed_at, m.file, m.iri))),
            profile_pages=tuple(sorted(profiles[iri])),
            inferred_pages=tuple(sorted(inferred[iri])),
        )
        for iri, name in names.items()
    }
    return dict(sorted(agents.items()))


def _load_topics(store: Any, papers: dict[str, Paper]) -> tuple[dict[str, Topic], dict[str, str]]:
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
    used = {t for p in papers.values() for t in p.topics}
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
