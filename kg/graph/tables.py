"""The statistics tables that answer questions about people, papers and listings (pure).

``kg.graph.statistics`` counts what whole-graph summaries need; the tables here precompute
what the slowest saved queries joined at every run (issue 17: over 1 s on a 100 k-paper
graph for the benchmark's person), from the same census of the union of the data graphs:

* co-authors: ``kg:coauthor`` between every two creators of one paper, stated once per pair,
  so the people two hops from a person are two index lookups instead of two joins through
  every paper (``collaboration-candidates``, the circle of ``topic-cooccurrence``);
* papers listed on several pages: how many pages, and on how many printed values they
  disagree (``multi-page-papers`` cuts its rows on these counts, then reads its columns for
  the papers shown only);
* code-flag disagreements: each listing whose Code flag contradicts the abstract's
  repository links (``code-flag-disagreements``).

Relations and verdicts are stated directly (one triple each); counts are RDF Data Cube
observations like the other tables. Every quad costs build time (the store load is the
build's floor), so each table holds only what its query cannot read cheaply from the data.
ontology/MODEL.md ("Statistics") is the contract; tests/graph/test_tables.py checks each
table against the same count made with SPARQL over the data graphs.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from kg.graph.identity import Iris, key_hash
from kg.graph.ntriples import Triple
from kg.graph.terms import DCTERMS_, KG_, QB_, T_BOOL, T_INT, A, lit, node, typed

if TYPE_CHECKING:
    from kg.graph.statistics import Facts

# What the census must keep for these tables (merged into kg.graph.statistics' lists):
# predicates whose objects are read, and predicates tested for one object.
VALUES = (
    DCTERMS_.creator,
    KG_.codeFlag,
    KG_.printedCategory,
    KG_.printedDate,
    KG_.score,
)
FLAGS = {KG_.codeEvidence: KG_.AbstractUrlEvidence}
TABLES = {
    "multi-page-papers": "Papers listed on several pages, and how many printed values differ",
}
# Papers with more creators than this make no co-author pairs: a consortium paper of 3,303
# authors (the arXiv link gives full lists, issue #19) would add 5.4 M pairs alone, and
# "co-author" means little at that size (bibliometrics calls it hyperauthorship).
MAX_PAIRED_CREATORS = 100
TRUE = typed(True, T_BOOL)
FALSE = typed(False, T_BOOL)
# What a listing prints that the pages of one paper may disagree on (score, code flag,
# category, date: the columns of multi-page-papers).
_PRINTED = (KG_.score, KG_.codeFlag, KG_.printedCategory, KG_.printedDate)


def tables(facts: Facts, iris: Iris) -> list[Triple]:
    """Every table of this module, from the facts a census gathered."""
    out: list[Triple] = []
    for table, title in TABLES.items():
        out += [
            (node(iris.statistics(table)), A, QB_.DataSet),
            (node(iris.statistics(table)), DCTERMS_.title, lit(title)),
        ]
    out += coauthors(facts)
    out += multi_page_papers(facts, iris)
    out += code_flag_disagreements(facts)
    return out


# -- co-authors ------------------------------------------------------------------------------


def coauthors(facts: Facts) -> list[Triple]:
    """``a kg:coauthor b`` for every two distinct creators of one paper of at most
    ``MAX_PAIRED_CREATORS``, once per pair: the IRI that sorts first (by code point, without
    the angle brackets) is the subject."""
    pairs: set[tuple[str, str]] = set()
    for _, creators in facts.items(DCTERMS_.creator):
        distinct = set(creators)
        if 1 < len(distinct) <= MAX_PAIRED_CREATORS:
            pairs.update(combinations(sorted(distinct, key=_iri), 2))
    return [(one, KG_.coauthor, other) for one, other in pairs]


def _iri(term: str) -> str:
    return term[1:-1]


# -- papers listed on several pages ----------------------------------------------------------


def multi_page_papers(facts: Facts, iris: Iris) -> list[Triple]:
    """Per paper whose listings (each with a kg:codeFlag) are on more than one page: the pages,
    and how many of the printed score, code flag, category and date take more than one
    distinct value among its listings."""
    flagged = facts.values[KG_.codeFlag]
    first: dict[str, str] = {}  # paper -> its first listing
    several: dict[str, list[str]] = {}  # paper -> its listings, once it has two
    for listing, papers in facts.items(KG_.listedPaper):
        if listing in flagged:
            for paper in papers:
                seen = first.setdefault(paper, listing)
                if seen != listing:
                    several.setdefault(paper, [seen]).append(listing)
    table = node(iris.statistics("multi-page-papers"))
    out: list[Triple] = []
    for paper, listings in several.items():
        pages = {page for listing in listings for page in facts.objects(KG_.onPage, listing)}
        if len(pages) < 2:
            continue
        differing = sum(
            len({value for listing in listings for value in facts.objects(printed, listing)}) > 1
            for printed in _PRINTED
        )
        obs = node(iris.statistics("multi-page-papers", key_hash(paper, 10)))
        out += [
            (obs, A, QB_.Observation),
            (obs, A, KG_.MultiPagePaperObservation),
            (obs, QB_.dataSet, table),
            (obs, KG_.paper, paper),
            (obs, KG_.numberOfPages, typed(len(pages), T_INT)),
            (obs, KG_.numberOfDisagreeingFields, typed(differing, T_INT)),
        ]
    return out


# -- code-flag disagreements -----------------------------------------------------------------


def code_flag_disagreements(facts: Facts) -> list[Triple]:
    """``listing kg:codeFlagDisagreement kg:FlagWithoutRepository`` when the listing prints
    the Code flag but its paper has no kg:AbstractUrlEvidence, and
    ``kg:RepositoryWithoutFlag`` when it does not print it but the paper has that evidence."""
    evidenced = facts.having(KG_.codeEvidence)
    out: list[Triple] = []
    for listing, flags in facts.items(KG_.codeFlag):
        for paper in facts.objects(KG_.listedPaper, listing):
            for flag in flags:
                if flag == TRUE and paper not in evidenced:
                    out.append((listing, KG_.codeFlagDisagreement, KG_.FlagWithoutRepository))
                elif flag == FALSE and paper in evidenced:
                    out.append((listing, KG_.codeFlagDisagreement, KG_.RepositoryWithoutFlag))
    return out
