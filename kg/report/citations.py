"""The report's BibTeX (issue 18), from the catalogue: each titled paper's citation key and
entry, as ``kg export --format bibtex`` writes them (issue #21: without holding every
citation in memory).

The facts are those ``kg.cite.read`` scans (title, date, authors as printed, the category's
notation, repository URLs, the files of the pages listing the paper), the keys those of
``kg.cite.keys`` (a base key per paper; papers sharing one ordered by date, title and IRI;
a suffixed key never takes another paper's base key), the text that of
``kg.cite.bibtex.bibtex_entry``. A test holds the report's ``.bib`` files to the exporter's.
"""

from __future__ import annotations

from kg.cite.bibtex import bibtex_entry
from kg.cite.keys import base_key, suffix
from kg.cite.model import Citation
from kg.cite.read import year_month
from kg.progress import Step
from kg.report.catalogue import Catalogue, P, Small, grouped


def cite(cat: Catalogue, small: Small, step: Step | None = None) -> int:
    """Fill ``bib(paper, key, entry)``; returns how many papers it cites."""
    db = cat.db
    db.execute("BEGIN")
    db.execute(
        "CREATE TEMP TABLE cite (paper TEXT PRIMARY KEY, base TEXT, date TEXT, title TEXT) "
        "WITHOUT ROWID"
    )
    db.execute("CREATE TEMP TABLE cite_key (paper TEXT PRIMARY KEY, key TEXT) WITHOUT ROWID")
    db.execute("CREATE TABLE bib (paper TEXT PRIMARY KEY, key TEXT, entry TEXT) WITHOUT ROWID")
    titled = "SELECT iri, title, issued FROM paper WHERE title != '' AND untitled = 0"
    authors = grouped(
        cat.rows(
            "SELECT paper, ordinal, printed FROM authorship WHERE printed IS NOT NULL "
            "ORDER BY paper, ordinal, printed"
        )
    )
    rows = []
    for iri, title, issued in cat.rows(titled + " ORDER BY iri"):
        names = tuple(name for _, _, name in authors.take(iri))
        rows.append((iri, base_key(names, year_month(issued)[0], title), issued, title))
        if len(rows) >= 5_000:
            db.executemany("INSERT INTO cite VALUES (?, ?, ?, ?)", rows)
            rows = []
    db.executemany("INSERT INTO cite VALUES (?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX cite_base ON cite (base)")
    _keys(cat)
    count = _entries(cat, small, step)
    db.execute("DROP TABLE cite")
    db.execute("DROP TABLE cite_key")
    db.execute("CREATE INDEX bib_key ON bib (key, paper)")
    db.execute("COMMIT")
    return count


def _keys(cat: Catalogue) -> None:
    """``kg.cite.keys.unique_keys``, reading the groups in order from the table."""
    assigned: set[str] = set()  # suffixed keys given out (every base key is taken anyway)

    def taken(candidate: str) -> bool:
        return (
            candidate in assigned
            or cat.one("SELECT 1 FROM cite WHERE base = ? LIMIT 1", (candidate,)) is not None
        )

    keys: list[tuple[str, str]] = []
    current, n = None, 0
    for base, paper in cat.rows("SELECT base, paper FROM cite ORDER BY base, date, title, paper"):
        if base != current:
            current, n = base, 0
        candidate = base + suffix(n)
        while n and taken(candidate):
            n += 1
            candidate = base + suffix(n)
        if n:
            assigned.add(candidate)
        keys.append((paper, candidate))
        n += 1
        if len(keys) >= 5_000:
            cat.db.executemany("INSERT INTO cite_key VALUES (?, ?)", keys)
            keys = []
    cat.db.executemany("INSERT INTO cite_key VALUES (?, ?)", keys)


def _entries(cat: Catalogue, small: Small, step: Step | None) -> int:
    names = grouped(
        cat.rows(
            "SELECT paper, ordinal, printed FROM authorship WHERE printed IS NOT NULL "
            "ORDER BY paper, ordinal, printed"
        )
    )
    categories = grouped(
        cat.rows(
            f"""SELECT s.s, n.o FROM fact s JOIN fact n ON n.p = {P["notation"]} AND n.s = s.o
            WHERE s.p = {P["subject"]} ORDER BY s.s, n.o"""
        )
    )
    repositories = grouped(
        cat.rows(
            f"""SELECT DISTINCT r.s, u.o FROM fact r JOIN fact u ON u.p = {P["repo_url"]}
              AND u.s = r.o WHERE r.p = {P["repo"]} ORDER BY r.s, u.o"""
        )
    )
    pages = grouped(cat.rows("SELECT DISTINCT paper, on_page FROM listing ORDER BY paper"))
    found = cat.rows(
        "SELECT p.iri, p.title, p.issued, p.inferred, p.complete, c.key FROM paper p "
        "JOIN cite_key c ON c.paper = p.iri ORDER BY p.iri"
    )
    entries = []
    for iri, title, issued, inferred, complete, key in found:
        authors = tuple(name for _, _, name in names.take(iri))
        year, month = year_month(issued)
        files = {small.pages[p].file for _, p in pages.take(iri) if p in small.pages}
        notations = [n for _, n in categories.take(iri)]
        citation = Citation(
            paper=iri,
            key=key,
            title=title,
            authors=authors,
            et_al=not complete and bool(authors),
            year=year,
            month=month,
            date=issued or None,
            year_inferred=bool(inferred) and bool(issued),
            category=notations[0] if notations else None,
            repositories=tuple(url for _, url in repositories.take(iri)),
            pages=tuple(sorted(files)),
        )
        entries.append((iri, key, bibtex_entry(citation)))
        if len(entries) >= 5_000:
            cat.db.executemany("INSERT INTO bib VALUES (?, ?, ?)", entries)
            entries = []
        if step:
            step.advance(1)
    cat.db.executemany("INSERT INTO bib VALUES (?, ?, ?)", entries)
    return int(cat.one("SELECT COUNT(*) FROM bib")[0])
