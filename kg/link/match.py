"""Decide, per paper, which arXiv record it is, if any (pure). Never guess.

A candidate is a record with the paper's title key (its abstract key for a paper printed
without a title). It fits when nothing contradicts it:

- **authors**: printed author i is the record's author i (family names folded, given names
  equal or initials, either order of the parts); a list printed without ``et al.`` is the
  whole list, so the record has as many authors; every profile owner listing the paper is
  among the record's authors;
- **date**: the printed date lies within ``EARLY`` days before to ``LATE`` days after the
  submission date of one of the record's versions. A page shows the v1 date, a later
  version's, or the day arXiv announced one (one to four working days after submission,
  up to a week over holidays); a few days early allows for the page's time zone against
  arXiv's UTC. A year alone must be a year the windows touch; a date whose year the page
  did not print (inferred) needs its month and day in a window in some year.

One fitting candidate is a link. Several: the one whose v1 date is the printed date
exactly, if only one is, else none (ambiguous). None fitting: the title match is
contradicted, and the reasons are given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kg.diagnostics import Diagnostic, warning
from kg.link.model import ArxivAuthor, Link, Wanted
from kg.link.normalise import fold_part, fold_spaces, name_key, name_keys, same_person
from kg.link.record import ArxivRecord

EARLY = timedelta(days=2)
LATE = timedelta(days=7)
KnownNames = Mapping[tuple[str, str], frozenset[str]]  # name key -> names in the graph


@dataclass(frozen=True)
class Decision:
    """What was decided for one paper: at most one of link, ambiguous, contradicted."""

    paper: str
    link: Link | None = None
    ambiguous: tuple[str, ...] = ()  # the ids that fit equally well
    contradicted: tuple[tuple[str, str], ...] = ()  # (id, why) of each title match
    diagnostics: tuple[Diagnostic, ...] = ()


def known_index(names: Iterable[str]) -> KnownNames:
    """The graph's person names by their keys (either order of the parts)."""
    index: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for name in names:
        for key in name_keys(name):
            index[key].add(name)
    return {key: frozenset(found) for key, found in index.items()}


def decide(wanted: Wanted, candidates: Sequence[ArxivRecord], known: KnownNames) -> Decision:
    """The decision for ``wanted`` among the records that share its key."""
    unique = list({r.arxiv_id: r for r in reversed(candidates)}.values())  # first line wins
    unique.sort(key=lambda r: r.arxiv_id)
    fitting: list[tuple[ArxivRecord, int]] = []
    contradicted: list[tuple[str, str]] = []
    for record in unique:
        why = _authors_disagree(wanted, record) or _date_disagrees(wanted, record)
        if why is None:
            fitting.append((record, _offset(wanted, record)))
        else:
            contradicted.append((record.arxiv_id, why))
    if not fitting:
        told = tuple(
            _warn(wanted, f"matches arXiv:{i} but {why}: not linked") for i, why in contradicted
        )
        return Decision(wanted.iri, contradicted=tuple(contradicted), diagnostics=told)
    best = _closest(wanted, [r for r, _ in fitting])
    if len(best) > 1:
        ids = tuple(r.arxiv_id for r in best)
        listed = ", ".join(f"arXiv:{i}" for i in ids)
        told = (_warn(wanted, f"fits {len(ids)} records equally well ({listed}): not linked"),)
        return Decision(wanted.iri, ambiguous=ids, diagnostics=told)
    record = best[0]
    offset = dict((r.arxiv_id, o) for r, o in fitting)[record.arxiv_id]
    return Decision(wanted.iri, link=_link(wanted, record, offset, known))


def _warn(wanted: Wanted, message: str) -> Diagnostic:
    if wanted.title:
        shown = repr(_clip(wanted.title, 60))
    else:
        shown = f"the untitled paper {_clip(wanted.abstract or '', 40)!r}"
    return warning(wanted.source, wanted.line, f"arXiv link: {shown} {message}")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- authors ------------------------------------------------------------------------------


def _offset(wanted: Wanted, record: ArxivRecord) -> int:
    """1 when the page printed the record's group author (``NVIDIA``) first, else 0."""
    group = record.group
    printed = wanted.authors
    return int(bool(group and printed and fold_part(printed[0]) == fold_part(group)))


def _authors_disagree(wanted: Wanted, record: ArxivRecord) -> str | None:
    offset = _offset(wanted, record)
    listed = [(record.group or "", "")] * offset + [(f, g) for f, g, _ in record.authors]
    printed = wanted.authors
    if len(printed) > len(listed):
        return f"the page prints {len(printed)} authors and the record has {len(listed)}"
    for i, (name, (family, given)) in enumerate(zip(printed, listed, strict=False), 1):
        if not same_person(name, family, given):
            theirs = fold_spaces(f"{given} {family}")
            return f"printed author {i}, {name!r}, is the record's {theirs!r}"
    if printed and not wanted.et_al and len(printed) != len(listed):
        return f"the page prints all {len(printed)} authors and the record has {len(listed)}"
    for owner in wanted.creators:
        if not any(same_person(owner, f, g) for f, g, _ in record.authors):
            return f"the profile's owner {owner!r} is not among its {len(listed)} authors"
    return None


def _link_authors(
    wanted: Wanted, record: ArxivRecord, offset: int, known: KnownNames
) -> tuple[ArxivAuthor, ...]:
    authors = []
    for i, (family, given, suffix) in enumerate(record.authors):
        position = i + offset
        if position < len(wanted.authors):
            known_as: str | None = wanted.authors[position]  # reconciled above
        else:
            same = known.get(name_key(given, family), frozenset())
            known_as = next(iter(same)) if len(same) == 1 else None
        name = fold_spaces(f"{given} {family} {suffix}")
        authors.append(ArxivAuthor(name, family, given, known_as))
    return tuple(authors)


# -- dates --------------------------------------------------------------------------------


def _windows(record: ArxivRecord) -> list[tuple[date, date]]:
    return [(v - EARLY, v + LATE) for v in record.versions]


def _date_disagrees(wanted: Wanted, record: ArxivRecord) -> str | None:
    windows = _windows(record)
    printed = wanted.date
    if not printed or not windows:
        return None  # nothing to check: the authors decided
    if _date_fits(printed, wanted.date_inferred_year, windows):
        return None
    dated = ", ".join(f"v{i} {v.isoformat()}" for i, v in enumerate(record.versions, 1))
    shown = f"--{printed[5:]} (year not printed)" if wanted.date_inferred_year else printed
    return (
        f"the printed date {shown} is not from {EARLY.days} days before to {LATE.days} "
        f"days after a version's ({dated})"
    )


def _date_fits(printed: str, inferred_year: bool, windows: list[tuple[date, date]]) -> bool:
    try:
        if len(printed) == 4:
            year = int(printed)
            return any(start.year <= year <= end.year for start, end in windows)
        if inferred_year:  # month and day only: 29 February need not be in the capture year
            month, day = int(printed[5:7]), int(printed[8:10])
            return any(
                start <= shifted <= end
                for start, end in windows
                for year in range(start.year, end.year + 1)
                if (shifted := _day(year, month, day)) is not None
            )
        when = date.fromisoformat(printed)
    except ValueError:
        return True  # not a date we can hold against anything
    return any(start <= when <= end for start, end in windows)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February of a common year
        return None


def _closest(wanted: Wanted, fitting: list[ArxivRecord]) -> list[ArxivRecord]:
    """The fitting records, or the one whose v1 date is exactly the printed date."""
    if len(fitting) == 1 or not wanted.date or len(wanted.date) != 10:
        return fitting
    month_day = wanted.date[4:]
    exact = [
        r
        for r in fitting
        if r.submitted is not None
        and (
            r.submitted.isoformat()[4:] == month_day
            if wanted.date_inferred_year
            else r.submitted.isoformat() == wanted.date
        )
    ]
    return exact if len(exact) == 1 else fitting


# -- the link -----------------------------------------------------------------------------


def _link(wanted: Wanted, record: ArxivRecord, offset: int, known: KnownNames) -> Link:
    return Link(
        paper=wanted.iri,
        arxiv_id=record.arxiv_id,
        doi=record.doi,
        authors=_link_authors(wanted, record, offset, known),
        categories=record.categories,
        submitted=record.submitted.isoformat() if record.submitted else None,
        title=record.title,
        matched_by="title" if wanted.title else "abstract",
        line=record.line,
        group=record.group,
    )
