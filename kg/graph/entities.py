"""The people, organisations and topics papers mention, each described once (pure).

A shared entity is described in every page graph that mentions it. Its description is made
once, as heads (N-Triples text), and every page graph holds the same string objects, not
copies: on a big corpus that is most of the memory the mapping would otherwise take.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from kg.diagnostics import Diagnostic, warning
from kg.graph.identity import Iris, canonical
from kg.graph.ntriples import Triple, head
from kg.graph.reference import ARXIV_SCHEME, Reference
from kg.graph.terms import DCTERMS_, FOAF_, KG_, SCHEMA_, SKOS_, T_INT, A, lit, node, typed


class Where(NamedTuple):
    """The page and line a diagnostic about an entity points at."""

    source: str
    line: int


class SharedEntities:
    """IRIs for the entities papers mention, with their descriptions and the warnings
    about codes the reference data does not know."""

    def __init__(
        self, ambiguous: dict[str, tuple[str, ...]], iris: Iris, reference: Reference
    ) -> None:
        self.ambiguous, self.iris, self.reference = ambiguous, iris, reference
        self.topic_triples: dict[str, list[str]] = {}
        self.person_triples: dict[str, list[str]] = {}
        self.org_triples: dict[str, list[str]] = {}
        self.diagnostics: list[Diagnostic] = []

    def description(self, iri: str) -> Sequence[str]:
        """The heads describing a shared entity; none for any other IRI."""
        for table in (self.person_triples, self.org_triples, self.topic_triples):
            if iri in table:
                return table[iri]
        return ()

    def topic(self, code: str, where: Where) -> str:
        """The concept a printed category code stands for; ambiguity is modelled, not guessed."""
        candidates = self.reference.candidates(code)
        if len(candidates) == 1:
            iri = ARXIV_SCHEME + candidates[0]
            self.topic_triples.setdefault(iri, [])
            return iri
        iri = self.iris.site_topic(code)
        if iri not in self.topic_triples:
            scheme = node(self.iris.site_topic(""))
            triples: list[Triple] = [
                (node(iri), A, KG_.AmbiguousTopic),
                (node(iri), A, SKOS_.Concept),
                (node(iri), SKOS_.notation, lit(code)),
                (node(iri), SKOS_.prefLabel, lit(f"arXiv code {code} (ambiguous)")),
                (node(iri), SKOS_.inScheme, scheme),
                (scheme, A, SKOS_.ConceptScheme),
                (scheme, SKOS_.prefLabel, lit("Category codes as the site prints them")),
            ]
            triples += [
                (node(iri), KG_.candidateCategory, node(ARXIV_SCHEME + c)) for c in candidates
            ]
            self.topic_triples[iri] = [head(t) for t in triples]
            if not candidates:
                self.diagnostics.append(warning(*where, f"unknown arXiv category code {code!r}"))
        return iri

    def person(self, name: str) -> str:
        name = canonical(name)
        iri = self.iris.person(name)
        if iri in self.person_triples:
            return iri
        subject = node(iri)
        if name in self.ambiguous:
            triples: list[Triple] = [
                (subject, A, KG_.AmbiguousCreator),
                (subject, FOAF_.name, lit(name)),
            ]
            for i, candidate in enumerate(self.ambiguous[name], 1):
                other = node(f"{iri}/{i}" if candidate == name else self.iris.person(candidate))
                triples += [
                    (subject, KG_.possibleActualCreator, other),
                    (other, A, SCHEMA_.Person),
                    (other, A, FOAF_.Person),
                    (other, FOAF_.name, lit(candidate)),
                ]
        else:
            triples = [
                (subject, A, SCHEMA_.Person),
                (subject, A, FOAF_.Person),
                (subject, FOAF_.name, lit(name)),
            ]
        self.person_triples[iri] = [head(t) for t in triples]
        return iri

    def organisation(self, code: str, where: Where) -> str:
        iri = self.iris.organisation(code)
        if iri not in self.org_triples:
            subject = node(iri)
            triples: list[Triple] = [
                (subject, A, SCHEMA_.Organization),
                (subject, A, FOAF_.Organization),
                (subject, SKOS_.notation, lit(code.casefold())),
            ]
            name = self.reference.organisations.get(code.casefold())
            if name:
                triples.append((subject, SCHEMA_.name, lit(name)))
            else:
                self.diagnostics.append(
                    warning(
                        *where, f"unknown organisation code {code!r}: kept without a readable name"
                    )
                )
            self.org_triples[iri] = [head(t) for t in triples]
        return iri


def authorship(paper: str, ordinal: int, person: str) -> list[Triple]:
    """Author ``ordinal`` of a paper: the authorship node, its links both ways and the
    person as a creator (the name on it is the caller's: printed, or the arXiv record's)."""
    s, agent = node(paper), node(person)
    role = node(f"{paper}/authorship/{ordinal}")
    return [
        (s, KG_.hasAuthorship, role),
        (s, DCTERMS_.creator, agent),
        (role, A, KG_.Authorship),
        (role, KG_.authorshipOf, s),
        (role, KG_.author, agent),
        (role, KG_.ordinal, typed(ordinal, T_INT)),
    ]
