"""A merged fact about a paper -> the rule that chose it and what every listing printed.

The paper's listings are read from the store; their records from the parse cache; the same
merge (``kg.graph.identity.merge``) is run again over those records, so the value it gives
is the value the build wrote, and each record can be set beside it: the one the rule took
it from (chosen), those that printed it too (agrees), the others (differs) and those that
printed nothing for it (silent).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.graph.identity import MergedPaper, merge
from kg.graph.vocab import FOAF, KG, RDF, SCHEMA
from kg.read.model import PaperRecord, Record
from kg.why import entities, rules
from kg.why.lookup import Node, Term, named, text_of
from kg.why.model import (
    AGREES,
    CHOSEN,
    DIFFERS,
    MERGED,
    SILENT,
    UNKNOWN,
    Evidence,
    Origin,
    Place,
    many,
)

if TYPE_CHECKING:
    from kg.why.explain import Explainer


def fact(ex: Explainer, graph: str, quad: ox.Quad) -> Origin:
    """A fact of the entities graph: about a paper, one of its authorships or code
    repositories, or else a person, organisation, topic or the venue (kg.why.entities)."""
    subject = text_of(quad.subject)
    predicate, obj = quad.predicate.value, quad.object
    paper = ex.lookup.value(quad.subject, named(KG.authorshipOf))
    if paper is not None:  # an authorship is the paper's author list, one name each
        return paper_fact(ex, graph, paper, rules.AUTHORS)
    if ex.lookup.has_type(quad.subject, SCHEMA.ScholarlyArticle):
        return paper_fact(ex, graph, subject, paper_field(predicate, obj), obj)
    if ex.lookup.has_type(quad.subject, SCHEMA.SoftwareSourceCode):
        return repository_fact(ex, graph, quad.subject)
    return entities.described(ex, graph, quad)


def repository_fact(ex: Explainer, graph: str, repository: Node) -> Origin:
    """A code repository is the URL the abstracts of its papers print: a union."""
    evidence: list[Evidence] = []
    member, predicate = text_of(repository), str(KG.hasCodeRepository)
    for paper in ex.lookup.objects(repository, named(KG.repositoryOf)):
        places = ex.lookup.listings_of(text_of(paper))
        merged = rerun_merge(ex, text_of(paper), places)
        evidence += member_evidence(ex, places, predicate, member, merged)
    printing = sum(e.status == AGREES for e in evidence)
    summary = (
        f"printed in the abstracts of {printing} of its papers' {many(len(evidence), 'listing')}"
    )
    value = next((e.printed for e in evidence if e.printed), None)
    return ex.origin(graph, MERGED, summary, evidence, [rules.rule("union")], value)


def paper_field(predicate: str, obj: object) -> rules.Field | str | None:
    """The field a paper property is merged from; a union or seen property by name; None
    for what every listed paper has (its types, its venue)."""
    if predicate == str(RDF.type) and str(obj) == f"<{rules.UNTITLED}>":
        return rules.TITLE
    if predicate in rules.PAPER_FIELDS:
        return rules.PAPER_FIELDS[predicate]
    if predicate in rules.MEMBERS or predicate == rules.CREATOR or predicate in rules.SEEN:
        return predicate
    return None


def paper_fact(
    ex: Explainer,
    graph: str,
    paper: str,
    field: rules.Field | str | None,
    obj: Term | None = None,
) -> Origin:
    """A merged value of a paper: every listing, what it printed, the rule's choice."""
    value = text_of(obj) if obj is not None else ""
    places = ex.lookup.listings_of(paper)
    pages = len({p.page for p in places})
    where = f"{many(len(places), 'listing')} on {many(pages, 'page')}"
    summary = f"merged from {where}"
    if field is None:  # what every paper gets, from being listed at all
        summary = f"every listed paper has it; it has {where}"
        return ex.origin(graph, MERGED, summary, evidence=ex.listed(places))
    if isinstance(field, str) and field in rules.SEEN:
        return seen(ex, graph, summary, places, field, value)
    merged = rerun_merge(ex, paper, places)
    if isinstance(field, rules.Field):
        return scalar(ex, graph, summary, places, field, merged, value)
    return member(ex, graph, summary, paper, field, value, merged)


def rerun_merge(ex: Explainer, paper: str, places: Sequence[Place]) -> MergedPaper | None:
    """The merge run again over the records of the paper's listings (and the headers
    of their pages): the same rules, so the same values the build wrote."""
    if ex.printed is None:
        return None
    records: list[Record] = []
    for place in places:
        record = ex.record(place)
        profile = ex.profile(place)
        if record is None:
            return None
        records += [record] if profile is None else [record, profile]
    found = merge(records, ex.lookup.iris).papers.get(paper)
    if found is None:
        ex.note("the parse cache does not give this paper from these listings")
    return found


def scalar(
    ex: Explainer,
    graph: str,
    summary: str,
    places: Sequence[Place],
    field: rules.Field,
    merged: MergedPaper | None,
    value: str,
) -> Origin:
    """A value one rule chose among what the listings printed; without the records,
    the value as the graph holds it and what the listings keep in the store."""
    chosen = field.chosen(merged) if merged is not None else value
    evidence: list[Evidence] = []
    for place in places:
        record = ex.record(place) if merged is not None else None
        if record is None or merged is None:
            evidence.append(Evidence(place, ex.store_printed(place, field), UNKNOWN))
            continue
        printed = field.printed(record)
        agrees = field.agrees(record, merged) if field.agrees else printed == chosen
        if field.agrees is None and printed is None:
            status = SILENT
        elif not agrees:
            status = DIFFERS
        else:
            status = AGREES if any(e.status == CHOSEN for e in evidence) else CHOSEN
        evidence.append(Evidence(place, printed, status))
    if merged is None:
        disagree = len({e.printed for e in evidence if e.printed is not None}) > 1
    else:
        disagree = any(e.status == DIFFERS for e in evidence)
    return ex.origin(
        graph,
        MERGED,
        summary,
        by=(rules.rule(field.rule),),
        value=chosen,
        disagree=disagree,
        evidence=evidence,
    )


def member(
    ex: Explainer,
    graph: str,
    summary: str,
    paper: str,
    predicate: str,
    member: str,
    merged: MergedPaper | None,
) -> Origin:
    """A member of a union (an affiliation, a repository, a URL, a creator): the
    records that print it."""
    places = ex.lookup.listings_of(paper)
    if predicate == rules.CREATOR:
        names = creator_rules(ex, paper, places, member, merged)
    else:
        names = ["union"]
    evidence = member_evidence(ex, places, predicate, member, merged)
    value = next((e.printed for e in evidence if e.printed), None)
    chosen = [rules.rule(name) for name in names]
    return ex.origin(graph, MERGED, summary, evidence, chosen, value)


def member_evidence(
    ex: Explainer, places: Sequence[Place], predicate: str, member: str, merged: MergedPaper | None
) -> list[Evidence]:
    evidence: list[Evidence] = []
    for place in places:
        record = ex.record(place) if merged is not None else None
        if record is None:
            evidence.append(Evidence(place, None, UNKNOWN))
            continue
        printed = printed_member(ex, predicate, place, record, member)
        evidence.append(Evidence(place, printed, SILENT if printed is None else AGREES))
    return evidence


def creator_rules(
    ex: Explainer, paper: str, places: Sequence[Place], person: str, merged: MergedPaper | None
) -> list[str]:
    """Why a person is a creator: in the chosen author list, the owner of a page
    that lists the paper, or both."""
    iris = ex.lookup.iris
    if merged is not None:
        printed = person in {iris.person(a) for a in merged.authors}
        owner = person in {iris.person(c) for c in merged.creators}
    else:
        authorships = ex.lookup.subjects(named(KG.authorshipOf), ox.NamedNode(paper))
        authors = {ex.lookup.value(a, named(KG.author)) for a in authorships}
        owners = {ex.lookup.value(ox.NamedNode(p.page), named(FOAF.primaryTopic)) for p in places}
        printed, owner = person in authors, person in owners
    return [n for n, ok in (("longest-author-list", printed), ("profile-owner", owner)) if ok]


def printed_member(
    ex: Explainer, predicate: str, place: Place, record: PaperRecord, member: str
) -> str | None:
    if predicate != rules.CREATOR:
        return rules.printed_member(predicate, record, ex.lookup.iris, member)
    said = [a for a in record.authors if ex.lookup.iris.person(a) == member]
    profile = ex.profile(place)
    if profile is not None and profile.name and ex.lookup.iris.person(profile.name) == member:
        said.append(f"the page's own person, {profile.name}")
    return "; ".join(said) or None


def seen(
    ex: Explainer, graph: str, summary: str, places: Sequence[Place], predicate: str, value: str
) -> Origin:
    """First or last seen: the capture dates of the pages that list the paper (a page
    captured again unchanged counts on each date: kg:seenAgainOn)."""
    evidence: list[Evidence] = []
    for place in places:
        shown = [d for d in (place.captured_on, *place.seen_again) if d]
        if value not in shown:
            status = DIFFERS
        else:
            status = AGREES if any(e.status == CHOSEN for e in evidence) else CHOSEN
        evidence.append(Evidence(place, ", ".join(shown) or None, status))
    return ex.origin(
        graph,
        MERGED,
        summary,
        by=(rules.rule(rules.SEEN[predicate]),),
        value=value,
        disagree=any(e.status == DIFFERS for e in evidence),
        evidence=evidence,
    )
