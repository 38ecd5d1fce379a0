"""Each paper's page of ``kg report`` (issue #21), read from the catalogue in one ordered
pass over the papers of a shard, their many-valued facts merged in from cursors in the same
order (``kg.report.catalogue.grouped``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from kg.report.bib import Entry, bib_path
from kg.report.catalogue import Catalogue, P, grouped
from kg.report.data import Agent, Authorship, Listing, Organisation, Paper, Repository
from kg.report.paper import paper_page
from kg.report.views import File, Shard, Shared, in_shard


def paper_files(cat: Catalogue, shared: Shared, shard: Shard = (None, None)) -> Iterator[File]:
    """Each paper's page, and its ``.bib`` beside it when the exporter cites it (the papers
    whose IRI is in ``shard``, all by default)."""
    pages = shared.small.pages

    def rows(sql: str, column: str, order: str) -> Iterator[Any]:
        where, params = in_shard(shard, column)
        return cat.rows(sql.format(where=where) + f" ORDER BY {order}", params)

    evidence = grouped(
        rows(f"SELECT s, o FROM fact WHERE p = {P['evidence']} {{where}}", "s", "s, o")
    )
    urls = grouped(rows(f"SELECT s, o FROM fact WHERE p = {P['url']} {{where}}", "s", "s, o"))
    repos = grouped(
        rows(
            f"""SELECT DISTINCT r.s, r.o, COALESCE(u.o, r.o) FROM fact r
            LEFT JOIN fact u ON u.p = {P["repo_url"]} AND u.s = r.o
            WHERE r.p = {P["repo"]} {{where}}""",
            "r.s",
            "r.s",
        )
    )
    orgs = grouped(
        rows(
            f"""SELECT f.s, f.o, COALESCE(
              (SELECT MIN(o) FROM fact WHERE p = {P["org_name"]} AND s = f.o),
              (SELECT MIN(o) FROM fact WHERE p = {P["notation"]} AND s = f.o), f.o)
            FROM fact f WHERE f.p = {P["org"]} {{where}}""",
            "f.s",
            "f.s",
        )
    )
    listings = grouped(
        rows(
            "SELECT paper, iri, on_page, line, form, category, date, flag, score, count "
            "FROM listing WHERE 1 {where}",
            "paper",
            "paper",
        )
    )
    entries = grouped(rows("SELECT paper, key, entry FROM bib WHERE 1 {where}", "paper", "paper"))
    same_as, submitted, cross = (
        grouped(rows(f"SELECT s, o FROM fact WHERE p = {P[name]} {{where}}", "s", "s, o"))
        for name in ("same_as", "submitted", "cross")
    )
    record_names = grouped(
        rows(
            "SELECT paper, ordinal, arxiv_name FROM authorship "
            "WHERE arxiv_name IS NOT NULL {where}",
            "paper",
            "paper, ordinal",
        )
    )
    found = rows(
        "SELECT p.iri, p.path, p.title, COALESCE(a.text, ''), p.issued, p.inferred, "
        "p.complete, p.shown, p.has_code, p.first_seen, p.last_seen, p.authors, p.topics, "
        "p.label FROM paper p LEFT JOIN abstract a ON a.iri = p.iri WHERE 1 {where}",
        "p.iri",
        "p.iri",
    )
    for row in found:
        iri, path, title, abstract, issued, inferred, complete, shown, code = row[:9]
        first, last, authors, topics, label = row[9:]
        written = json.loads(authors)
        named = {ordinal: name for _, ordinal, name in record_names.take(iri)}
        seen = []
        for _, x, page_iri, line, form, category, date, flag, score, count in listings.take(iri):
            source = pages.get(page_iri or "")
            seen.append(
                Listing(
                    iri=x,
                    paper=iri,
                    page=page_iri or "",
                    file=source.file if source else (page_iri or "").rsplit("/", 1)[-1],
                    line=line or 0,
                    form=form or "",
                    category=category or "",
                    date=date or "",
                    code_flag=None if flag is None else flag in ("true", "1"),
                    score=score,
                    author_count=_int(count),
                    captured=source.captured if source else "",
                )
            )
        paper = Paper(
            iri=iri,
            title=title,
            abstract=abstract,
            issued=issued,
            year_inferred=bool(inferred),
            complete=bool(complete),
            shown=shown,
            has_code=bool(code),
            evidence=tuple(o for _, o in evidence.take(iri)),
            authors=tuple(Authorship(a[0], a[1], a[2], named.get(a[0], "")) for a in written),
            topics=tuple(json.loads(topics)),
            repos=tuple(sorted({Repository(r, u) for _, r, u in repos.take(iri)})),
            orgs=tuple(sorted({Organisation(o, n) for _, o, n in orgs.take(iri)})),
            urls=tuple(o for _, o in urls.take(iri)),
            listings=tuple(sorted(seen, key=lambda x: (x.file, x.line, x.iri))),
            first_seen=first,
            last_seen=last,
            same_as=tuple(o for _, o in same_as.take(iri)),
            submitted=next((o for _, o in submitted.take(iri)), ""),
            cross=tuple(o for _, o in cross.take(iri)),
        )
        paths, labels, agents = {iri: path}, {iri: label}, {}
        for _, agent, _, name, where, ambiguous in written:
            paths[agent], labels[agent] = where, name
            agents[agent] = Agent(iri=agent, name=name, ambiguous=bool(ambiguous))
        bibtex = {}
        for _, key, text in entries.take(iri):
            bibtex[iri] = Entry(key, text)
        ctx = shared.context(paths, labels, agents, bibtex=bibtex)
        yield path, paper_page(ctx, paper)
        if bibtex:
            yield bib_path(path), bibtex[iri].text


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
