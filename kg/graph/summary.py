"""The one-screen summary of a graph, counted from its N-Triples text (kg build and kg stats
agree because both count the same text)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.diagnostics import Diagnostic, Severity
from kg.graph.vocab import DCTERMS, KG, RDF, SCHEMA

_COUNTED = {
    "papers": [str(SCHEMA.ScholarlyArticle)],
    "persons": [str(SCHEMA.Person), str(KG.AmbiguousCreator)],
    "organisations": [str(SCHEMA.Organization)],
    "repositories": [str(SCHEMA.SoftwareSourceCode)],
    "pages": [str(KG.SourcePage)],
    "records": [str(KG.Listing)],
}


def summarise(union: Iterable[str]) -> dict[str, int]:
    """The one-screen summary, computed from the graph itself (build and stats agree).

    ``union`` is every triple once, as N-Triples text without the final `` .``."""
    typed: dict[str, set[str]] = {}
    topics: set[str] = set()
    ambiguous_people: set[str] = set()
    rdf_type, subject = f"<{RDF.type}>", f"<{DCTERMS.subject}>"
    ambiguous = f"<{KG.possibleActualCreator}>"
    same_as, on_arxiv = f"<{SCHEMA.sameAs}>", "<https://arxiv.org/abs/"
    linked: set[str] = set()
    triples = 0
    for head in union:
        triples += 1
        s, pred, o = head.split(" ", 2)
        if pred == rdf_type:
            typed.setdefault(o[1:-1], set()).add(s)
        elif pred == subject:
            topics.add(o)
        elif pred == ambiguous:
            ambiguous_people.add(o)
        elif pred == same_as and o.startswith(on_arxiv):
            linked.add(s)
    counts = {
        name: len(set().union(*(typed.get(c, set()) for c in classes)))
        for name, classes in _COUNTED.items()
    }
    # Candidates behind an ambiguous name are people too, but not separate authors.
    counts["persons"] -= len(ambiguous_people & typed.get(str(SCHEMA.Person), set()))
    counts["ambiguous persons"] = len(typed.get(str(KG.AmbiguousCreator), set()))
    counts["topics"] = len(topics)
    counts["papers linked to arXiv"] = len(linked)  # issue #19: --arxiv-metadata
    counts["triples"] = triples
    return counts


def count_diagnostics(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    return {
        "input errors (skipped)": sum(d.severity is Severity.ERROR for d in diagnostics),
        "input warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
    }
