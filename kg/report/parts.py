"""Long lists cut into parts of bounded size, with stable names (issue #21).

A list (all papers, all people, the papers of one person or topic) is cut by what its rows
are sorted by, not at fixed offsets: papers by year, then month, then day of issue; names by
their first one, two, three letters (accents dropped). When the list is over the budget it
is cut by its first key; groups are packed into parts in ascending key order (oldest first,
A first), a part taking the next group while it fits; a group over the budget alone is cut
the same way by the next key, and one still too large at the last key into numbered
slices. A part is named by the first key it holds (``papers-2024-05-01`` holds 1 to 9 May,
``people-xa`` Xa to Xi) and titled by the range.

So adding a few papers changes the parts of their dates: new papers, mostly the newest,
change the newest parts, and the older parts keep their names and their bytes; a part's
range moves only when a group in it outgrows the budget. Slices of one key move with any
paper added to that key (one day of papers over the budget: rare).

The budget is in bytes, from an estimate of each row's size (a paper's row grows with its
authors), so that no page is more than about a megabyte (``Limits.part_bytes``).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from kg.report.html import e, plural


@dataclass(frozen=True)
class Limits:
    """How much one page shows: a setting, so tests can force small parts."""

    part_bytes: int = 600_000  # the rows of one part of a list: about this many bytes
    page_bytes: int = 300_000  # a person's or topic's papers on its own page, at most
    inline: int = 50  # papers shown on a person or topic page whose list has parts
    coauthors: int = 100  # rows of a person's co-author table
    network: int = 40  # co-authors drawn around a person
    code_papers: int = 100  # papers with code listed on a topic page
    listed: int = 200  # papers of "also on their profile page"


PAPER_ROW_BYTES = 150  # per unit of a paper row's weight (2 + its authors)
# A list shows this many authors of a paper, then "and N more", when the paper has more
# than ``LONG_LIST`` (a consortium paper linked to arXiv lists thousands: each of them would
# repeat all the others on their own page). Such a paper counts no co-authors, as the
# build's kg:coauthor table (kg/graph/tables.py: MAX_PAIRED_CREATORS).
LIST_AUTHORS = 10
LONG_LIST = 100


def row_weight(authors: int) -> int:
    """A paper row's weight in a list: 2, and the authors it shows."""
    return 2 + (authors if authors <= LONG_LIST else LIST_AUTHORS + 1)


PERSON_ROW_BYTES = 400
TOPIC_ROW_BYTES = 500


@dataclass(frozen=True)
class Group:
    """Rows that share their keys at the finest level, in the order the list shows them."""

    keys: tuple[str, ...]
    rows: int
    weight: int  # in the list's units of size


@dataclass(frozen=True)
class Part:
    """One page of a list: the rows whose first ``len(keys)`` keys are ``keys``, up to
    ``last`` for the last of them (a range: "" for none), or the ``chunk``-th slice of the
    rows of ``keys`` (``offset`` rows in, ``rows`` long)."""

    keys: tuple[str, ...]
    rows: int
    last: str = ""
    chunk: int = 0
    offset: int = 0

    @property
    def whole(self) -> bool:
        """The part is the whole list (a list that needs no parts)."""
        return not self.keys

    @property
    def until(self) -> str:
        """The last key of the range at its level (the part's own, if no range)."""
        return self.last or (self.keys[-1] if self.keys else "")

    def holds(self, keys: tuple[str, ...]) -> bool:
        """Whether a row with these keys (all levels) belongs to the part's keys or range."""
        depth = len(self.keys)
        if depth == 0:
            return True
        here = keys[depth - 1]
        return keys[: depth - 1] == self.keys[:-1] and self.keys[-1] <= here <= self.until


def plan(
    groups: Sequence[Group], budget: int, descending: bool = False, whole: int | None = None
) -> list[Part]:
    """The parts of a list, in its order (``descending``: the list shows its keys from the
    greatest): one part for the whole list when it fits ``whole`` (default: the budget)."""
    rows = sum(g.rows for g in groups)
    if sum(g.weight for g in groups) <= (budget if whole is None else whole) or not groups:
        return [Part((), rows)]
    parts = _cut(sorted(groups, key=lambda g: g.keys), budget, 0, descending)
    return parts[::-1] if descending else parts


def _cut(groups: list[Group], budget: int, depth: int, descending: bool) -> list[Part]:
    """Parts of ``groups`` (ascending, sharing their first ``depth`` keys), by key ``depth``."""
    parts: list[Part] = []
    pack: list[tuple[tuple[str, ...], int, int]] = []  # (keys, rows, weight) of the subgroups

    def flush() -> None:
        if pack:
            first, last = pack[0][0], pack[-1][0]
            range_end = last[-1] if last != first else ""
            parts.append(Part(first, sum(r for _, r, _ in pack), range_end))
            pack.clear()

    for _, found in groupby(groups, key=lambda g: g.keys[: depth + 1]):
        members = list(found)
        keys = members[0].keys[: depth + 1]
        rows, weight = sum(g.rows for g in members), sum(g.weight for g in members)
        if weight > budget:
            flush()
            if depth + 1 < len(members[0].keys):
                parts += _cut(members, budget, depth + 1, descending)
            else:  # slices in the list's own order (reversed with the rest when descending)
                per = max(1, budget * rows // max(weight, 1))
                slices = [
                    Part(keys, min(per, rows - start), "", n + 1, start)
                    for n, start in enumerate(range(0, rows, per))
                ]
                parts += slices[::-1] if descending else slices
            continue
        full = sum(w for *_, w in pack) + weight > budget
        if not keys[-1] or (pack and (not pack[-1][0][-1] or full)):
            flush()  # a key that says nothing ("undated", "no month") is a part of its own
        pack.append((keys, rows, weight))
        if not keys[-1]:
            flush()
    flush()
    return parts


# -- names and titles -----------------------------------------------------------------------


def date_name(part: Part) -> str:
    """By the first date it holds: ``2024``, ``2024-05``, ``2024-05-17``, ``2024-00`` (no
    month), ``undated``; ``-2`` for a slice."""
    if not part.keys or not part.keys[0]:
        name = "undated"
    else:
        name = "-".join(k or "00" for k in part.keys)
    return f"{name}-{part.chunk}" if part.chunk else name


def _month(key: str, long: bool = False) -> str:
    if not (key.isdigit() and 1 <= int(key) <= 12):
        return key
    return calendar.month_name[int(key)] if long else calendar.month_abbr[int(key)]


def _day(key: str) -> str:
    return str(int(key)) if key.isdigit() else key


def date_short(part: Part) -> str:
    """What a part holds within its year: ``May``, ``Jan–Mar``, ``1–9 May``, ``no month``;
    a year or years at the first level; `` (2)`` for a slice."""
    keys, last = part.keys, part.last
    if not keys or not keys[0]:
        title = "Undated"
    elif len(keys) == 1:
        title = f"{keys[0]}–{last}" if last else keys[0]
    elif not keys[1]:
        title = "no month"
    elif len(keys) == 2:
        title = _month(keys[1])
        title += f"–{_month(last)}" if last else ""
    else:
        day = f"{_day(keys[2])}–{_day(last)}" if last else _day(keys[2])
        title = f"{day} {_month(keys[1])}" if keys[2] else "no day"
    return f"{title} ({part.chunk})" if part.chunk else title


def date_title(part: Part) -> str:
    """``2024``, ``2018–2020``, ``May 2024``, ``January–March 2024``, ``1–9 May 2024``,
    ``2024, no month``, ``Undated``."""
    keys, last = part.keys, part.last
    if not keys or not keys[0] or len(keys) == 1:
        return date_short(part)
    if not keys[1]:
        title = f"{keys[0]}, no month"
    elif len(keys) == 2:
        title = _month(keys[1], True)
        title += f"–{_month(last, True)}" if last else ""
        title += f" {keys[0]}"
    else:
        month = f"{_month(keys[1], True)} {keys[0]}"
        day = f"{_day(keys[2])}–{_day(last)}" if last else _day(keys[2])
        title = f"{day} {month}" if keys[2] else f"{month}, no day"
    return f"{title} ({part.chunk})" if part.chunk else title


def letters_name(part: Part) -> str:
    """By the first letters it holds: ``a``, ``xi``, ``xia``; ``other`` for names with no
    Latin letter; ``-2`` for a slice."""
    name = part.keys[-1] if part.keys and part.keys[-1] else "other"
    return f"{name}-{part.chunk}" if part.chunk else name


def letters_title(part: Part) -> str:
    """``A``, ``Xa–Xi``, ``Other``; `` (2)`` for a slice."""
    name = part.keys[-1] if part.keys and part.keys[-1] else ""
    title = name.capitalize() if name else "Other"
    if part.last:
        title += f"–{part.last.capitalize()}"
    return f"{title} ({part.chunk})" if part.chunk else title


# -- navigation -----------------------------------------------------------------------------


def pager(
    parts: Sequence[Part], index: int, href: Callable[[Part], str], title: Callable[[Part], str]
) -> str:
    """Previous and next links of part ``index`` (``rel`` prev/next)."""
    links = []
    if index > 0:
        before = parts[index - 1]
        links.append(f'<a rel="prev" href="{e(href(before))}">← {e(title(before))}</a>')
    links.append(
        f'<span class="here">{e(title(parts[index]))} · part {index + 1} of {len(parts)}</span>'
    )
    if index + 1 < len(parts):
        after = parts[index + 1]
        links.append(f'<a rel="next" href="{e(href(after))}">{e(title(after))} →</a>')
    return f'<nav class="pager" aria-label="Parts">{" ".join(links)}</nav>\n'


def parts_list(
    parts: Sequence[Part],
    href: Callable[[Part], str],
    short: Callable[[Part], str],
    current: int | None = None,
    unit: tuple[str, str] = ("paper", "papers"),
) -> str:
    """Every part, by its first key (a year, a letter), each a link with its count: the
    group's own part, or the group's name and its parts (``short`` names them within it)."""
    items = []
    for _, found in groupby(enumerate(parts), key=lambda ip: ip[1].keys[:1]):
        members = list(found)
        links = []
        for i, part in members:
            attrs = ' aria-current="page"' if i == current else ""
            count = e(plural(part.rows, *unit))
            links.append(
                f'<a href="{e(href(part))}"{attrs} title="{count}">{e(short(part))}</a>'
                f' <span class="count">{part.rows:,}</span>'
            )
        first = members[0][1]
        if len(members) == 1 and len(first.keys) == 1 and not first.chunk:
            items.append(f"<li>{links[0]}</li>")
            continue
        total = sum(part.rows for _, part in members)
        head = _head(first)
        items.append(
            f'<li><strong>{e(head)}</strong> <span class="count">{total:,}</span>: '
            + " · ".join(links)
            + "</li>"
        )
    return '<ul class="parts">\n' + "\n".join(items) + "\n</ul>\n"


def _head(part: Part) -> str:
    """The name of a part's first key: a year, a letter."""
    key = part.keys[0] if part.keys else ""
    if key.isdigit() and len(key) == 4:
        return key
    return key.upper() if key else "Other"
