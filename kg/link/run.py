"""Link our papers to a snapshot's records: the keys, one pass over the file, the decisions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from kg.diagnostics import Diagnostic
from kg.link.match import Decision, decide, known_index
from kg.link.model import Linking, Snapshot, Wanted
from kg.link.normalise import abstract_key, title_key
from kg.link.record import ArxivRecord
from kg.link.snapshot import read_snapshot
from kg.progress import Step

# An abstract key shorter than this (a placeholder, "TBD") matches nothing: too common.
MIN_ABSTRACT_KEY = 80


def link_papers(
    wanted: Sequence[Wanted],
    path: Path,
    known_names: Iterable[str] = (),
    step: Step | None = None,
) -> Linking:
    """Which of ``wanted`` are which record of the snapshot at ``path``, beyond doubt; a
    record's author who is not a printed one keeps the name of ``known_names`` that is
    theirs. Everything in the result is sorted."""
    papers = sorted(wanted, key=lambda w: w.iri)
    titles = {w.iri: title_key(w.title) for w in papers if w.title}
    abstracts = {w.iri: _abstract_key(w) for w in papers if not w.title and w.abstract}
    read = read_snapshot(
        path,
        {k for k in titles.values() if k},
        {k for k in abstracts.values() if k},
        step,
    )
    by_title: defaultdict[str, list[ArxivRecord]] = defaultdict(list)
    by_abstract: defaultdict[str, list[ArxivRecord]] = defaultdict(list)
    for record in read.candidates:
        by_title[record.title_key].append(record)
        if record.abstract_key:
            by_abstract[record.abstract_key].append(record)
    known = known_index(known_names)
    decisions = []
    for paper in papers:
        if paper.iri in titles:
            candidates = by_title.get(titles[paper.iri], []) if titles[paper.iri] else []
        else:
            candidates = by_abstract.get(abstracts.get(paper.iri, ""), [])
        decisions.append(decide(paper, candidates, known) if candidates else Decision(paper.iri))
    return _linking(read.snapshot, decisions, read.diagnostics)


def _abstract_key(paper: Wanted) -> str:
    key = abstract_key(paper.abstract or "")
    return key if len(key) >= MIN_ABSTRACT_KEY else ""


def _linking(snapshot: Snapshot, decisions: list[Decision], read: Iterable[Diagnostic]) -> Linking:
    links = tuple(d.link for d in decisions if d.link is not None)
    decided = {d.paper for d in decisions if d.link or d.ambiguous or d.contradicted}
    diagnostics = [*read, *(x for d in decisions for x in d.diagnostics)]
    return Linking(
        snapshot=snapshot,
        links=links,
        not_found=tuple(d.paper for d in decisions if d.paper not in decided),
        ambiguous=tuple((d.paper, d.ambiguous) for d in decisions if d.ambiguous),
        contradicted=tuple(
            (d.paper, i, why) for d in decisions for i, why in sorted(d.contradicted)
        ),
        diagnostics=tuple(sorted(diagnostics)),
    )
