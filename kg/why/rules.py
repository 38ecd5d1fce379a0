"""Which merge rule makes each fact about a paper, and what one record printed for it (pure).

The rules are the merge's own (``kg.graph.identity.MERGE_RULES``); here each paper property
is tied to its rule and to the field of a record the rule reads, so ``kg why`` can show what
every listing printed beside the value the rule chose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from kg.graph.identity import MERGE_RULES, Iris, MergedPaper
from kg.graph.vocab import DCTERMS, KG, RDFS
from kg.read.model import PaperRecord
from kg.read.urls import repository_key
from kg.why.model import Rule


def rule(name: str) -> Rule:
    return Rule(name, MERGE_RULES[name])


def date_text(date: str | None, inferred: bool) -> str | None:
    if date is None:
        return None
    return f"{date} (year from the capture date)" if inferred else date


def authors_text(authors: tuple[str, ...], et_al: bool) -> str:
    shown = ", ".join(authors) if authors else "(no authors)"
    return f"{shown} et al." if et_al else shown


def has_code(record: PaperRecord) -> bool:
    """What the code rule counts of one record: its `Code` flag or a repository URL."""
    return record.has_code or any(repository_key(url) for url in record.urls)


def code_text(record: PaperRecord) -> str:
    repositories = [url for url in record.urls if repository_key(url)]
    said = ["Code" if record.has_code else "no Code"] + repositories
    return ", ".join(said)


@dataclass(frozen=True)
class Field:
    """A merged value: its rule, what one record printed for it, and the value chosen."""

    rule: str
    printed: Callable[[PaperRecord], str | None]
    chosen: Callable[[MergedPaper], str | None]
    # whether a record's printed value is the chosen one; default: the same text
    agrees: Callable[[PaperRecord, MergedPaper], bool] | None = None
    store_printed: str | None = None  # the listing property that keeps it, without a cache


TITLE = Field("first-titled", lambda r: r.title, lambda m: m.title)
ABSTRACT = Field("first-abstract", lambda r: r.abstract, lambda m: m.abstract)
DATE = Field(
    "printed-year-then-earliest",
    lambda r: date_text(r.date, r.date_inferred_year),
    lambda m: date_text(m.date, m.date_inferred_year),
    store_printed=str(KG.printedDate),
)
AUTHORS = Field(
    "longest-author-list",
    lambda r: authors_text(r.authors, r.et_al),
    lambda m: authors_text(m.authors, m.et_al),
    store_printed=str(KG.printedAuthorCount),
)
CATEGORY = Field(
    "most-frequent-category",
    lambda r: r.category,
    lambda m: m.category,
    store_printed=str(KG.printedCategory),
)
CODE = Field(
    "any-code-evidence",
    code_text,
    lambda m: "true" if m.code_flag or m.repositories else "false",
    lambda r, m: has_code(r) == bool(m.code_flag or m.repositories),
    store_printed=str(KG.codeFlag),
)

# paper property -> the field its value is merged from
PAPER_FIELDS: dict[str, Field] = {
    str(DCTERMS.title): TITLE,
    str(DCTERMS.abstract): ABSTRACT,
    str(DCTERMS.issued): DATE,
    str(KG.issuedYearInferred): DATE,
    str(KG.shownAuthorCount): AUTHORS,
    str(KG.authorListComplete): AUTHORS,
    str(KG.hasAuthorship): AUTHORS,
    str(DCTERMS.subject): CATEGORY,
    str(KG.hasCode): CODE,
    str(KG.codeEvidence): CODE,
}
UNTITLED = str(KG.UntitledArticle)  # rdf:type kg:UntitledArticle: no record printed a title

# kg:firstSeen / kg:lastSeen come from the pages' capture dates, not from a record (new
# with issue #16: named as text so this reads builds before it too).
SEEN = {f"{KG}firstSeen": "seen-first", f"{KG}lastSeen": "seen-last"}

# paper properties whose values are a union: one record prints each member
MEMBERS = (str(KG.affiliatedOrganization), str(KG.hasCodeRepository), str(RDFS.seeAlso))
CREATOR = str(DCTERMS.creator)


def members(predicate: str, record: PaperRecord, iris: Iris) -> dict[str, str]:
    """What one record printed for a union property: member IRI -> as printed."""
    if predicate == str(KG.affiliatedOrganization):
        return {iris.organisation(code): code for code in record.affiliations}
    found: dict[str, str] = {}
    for url in record.urls:
        key = repository_key(url)
        if predicate == str(KG.hasCodeRepository) and key is not None:
            found[iris.repository(*key)] = url
        elif predicate == str(RDFS.seeAlso) and key is None:
            found[unquote(url)] = url  # the mapping percent-encodes what an IRI may not hold
    return found


def printed_member(predicate: str, record: PaperRecord, iris: Iris, member: str) -> str | None:
    """What the record printed that is this member, or None."""
    found = members(predicate, record, iris)
    return found.get(unquote(member) if predicate == str(RDFS.seeAlso) else member)
