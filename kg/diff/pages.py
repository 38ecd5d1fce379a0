"""One page graph's lines -> what the page says about its person (pure).

A page graph (ontology/MODEL.md) holds the page (``dcterms:identifier``, ``kg:capturedOn``,
``foaf:primaryTopic`` on a profile page, ``kg:inferredOwner`` on a listing page whose owner
the build inferred), its listings (``kg:listedPaper``) and, on a profile page, the person's
metrics observation (``kg:observedAt`` and the metrics).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kg.diff.nquads import local_name, parse, value
from kg.graph.terms import BIDO_, DCTERMS_, FOAF_, KG_, A

OWNER_PREDICATES = (FOAF_.primaryTopic, KG_.inferredOwner)
# what an observation says about itself rather than about the person
_BOOKKEEPING = {A, KG_.observedOn, KG_.observedAt}
_OWNER_SEAMS = [f" {p} <".encode() for p in OWNER_PREDICATES]  # what precedes an owner
_WANTED_SEAMS = [
    f" {p} ".encode()
    for p in (
        *OWNER_PREDICATES,
        KG_.listedPaper,
        DCTERMS_.identifier,
        KG_.capturedOn,
        BIDO_.holdsBibliometricDataInTime,
        KG_.observedAt,
    )
]
_OBSERVATION_TYPE = f" {A} {KG_.MetricsObservation} ".encode()
_WANTED_SEAMS.append(_OBSERVATION_TYPE)


@dataclass(frozen=True)
class Observation:
    """A metrics observation: its IRI, whose it is, when, and its values by metric name
    (``hIndex``: ``"35"``), each the literal's text or the IRI it points to."""

    iri: str
    person: str
    date: str
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PageView:
    iri: str
    identifier: str  # the page's path as the build names it; its IRI's tail if it has none
    captured: str
    owners: tuple[str, ...]  # person IRIs: the page's primary topic and inferred owner
    profile_of: tuple[str, ...]  # the primary topic alone: whose profile the page is
    papers: frozenset[str]  # the papers its listings list
    observations: tuple[Observation, ...]


def owners_of(lines: Iterable[bytes]) -> tuple[str, ...]:
    """The owners of a page from its lines, for the pages that did not change: a search
    for the two predicates in the joined text, which costs less than reading it."""
    text = b"".join(lines)
    found = set()
    for seam in _OWNER_SEAMS:
        at = text.find(seam)
        while at >= 0:
            end = text.index(b">", at + len(seam))
            found.add(text[at + len(seam) : end].decode("utf-8"))
            at = text.find(seam, end)
    return tuple(sorted(found))


def _lines_with(text: bytes, seams: Iterable[bytes]) -> list[bytes]:
    """The lines of ``text`` (newline-joined, starting with a newline) that hold a seam, in
    the order of the text: C-speed searches instead of a loop over every line."""
    found: dict[int, bytes] = {}
    for seam in seams:
        at = text.find(seam)
        while at >= 0:
            start = text.rfind(b"\n", 0, at + 1) + 1
            end = text.find(b"\n", at + 1) + 1 or len(text)
            found[start] = text[start:end]
            at = text.find(seam, at + 1)  # a seam may begin with the newline that ends this line
    return [found[start] for start in sorted(found)]


def page_view(graph: str, lines: Iterable[bytes]) -> PageView:
    page = graph
    owners: set[str] = set()
    topics: set[str] = set()
    papers: set[str] = set()
    identifier = captured = ""
    holders: dict[str, str] = {}  # observation -> person
    dates: dict[str, str] = {}
    values: dict[str, list[tuple[str, str]]] = {}  # observation -> (metric, value)
    # most lines say things this view does not need: parse only those that may
    text = b"\n" + b"".join(lines)
    wanted = _lines_with(text, _WANTED_SEAMS)
    observed = [line[: line.find(b" ")] for line in wanted if _OBSERVATION_TYPE in line]
    wanted += _lines_with(text, [b"\n" + subject + b" " for subject in observed])
    for line in wanted:
        s, p, o, _ = parse(line)
        if p == KG_.listedPaper:
            papers.add(value(o))
        elif s == page and p in OWNER_PREDICATES:
            owners.add(value(o))
            if p == FOAF_.primaryTopic:
                topics.add(value(o))
        elif s == page and p == DCTERMS_.identifier:
            identifier = value(o)
        elif s == page and p == KG_.capturedOn:
            captured = value(o)
        elif p == BIDO_.holdsBibliometricDataInTime:
            holders[value(o)] = value(s)
        elif p == KG_.observedAt:
            dates[value(s)] = value(o)
        elif p == A and o == KG_.MetricsObservation:
            values.setdefault(value(s), [])
        elif p not in _BOOKKEEPING and value(s) in values:
            values[value(s)].append((local_name(p), value(o)))
    observations = tuple(
        Observation(obs, holders.get(obs, ""), dates.get(obs, captured), tuple(sorted(pairs)))
        for obs, pairs in sorted(values.items())
    )
    tail = value(page)
    tail = tail[tail.find("/page/") + len("/page/") :] if "/page/" in tail else tail
    return PageView(
        value(page),
        identifier or tail,
        captured,
        tuple(sorted(owners)),
        tuple(sorted(topics)),
        frozenset(papers),
        observations,
    )
