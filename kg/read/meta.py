"""The lines that frame records: meta lines, year headings and profile header fields.

The reader asks this module where a record starts and what a printed date means; the
patterns live here so a change to the page grammar is one file (issue #14).
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
# The site glues the parts (``54.1CLApr 17, 2025Code``); a page typed or re-saved by a person
# may space them (``CL Jan 6, 2023``) or spell the month out, and reads the same (issue #14).
META = re.compile(
    r"^(?P<score>\d{1,3}(?:\.\d+)?)?\s*"
    r"(?P<cat>[A-Z]{2}|[a-z]+(?:-[a-z]+)+)\s*"
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s*(?P<day>\d{1,2})"
    r"(?:(?:,\s*|\s+)(?P<year>\d{4}))?"
    r"\s*(?P<code>Code)?$"
)
# A short line that starts like a meta line but is not one (``CLJan 6, 23``, ``clJan 6``): the
# start of a record all the same, so a broken record before it cannot swallow it unreported.
META_LIKE = re.compile(
    r"^(?=.{1,48}$)(?:\d{1,3}(?:\.\d+)?)?\s*[A-Za-z][A-Za-z-]{0,11}\s*"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*\d{1,2}(?!\d)"
)
YEAR_HEADING = re.compile(r"^(?P<year>(?:19|20)\d\d)$")
MAY_BELONG = re.compile(
    r"^Papers on this page may belong to the following people:\s*(?P<names>.*)$"
)
HEADER_FIELDS = {
    "primary_category": re.compile(r"^(?P<v>[A-Z]{2}|[a-z]+(?:-[a-z]+)+)$"),
    "h_index": re.compile(r"^h-index\s*(?P<v>[\d,]+)$"),
    "paper_count": re.compile(r"^(?P<v>[\d,]+)\s*papers$"),
    "citations": re.compile(r"^(?P<v>[\d,]+)\s*citations$"),
    "novelty_pct": re.compile(r"^Novelty\s*(?P<v>\d+(?:\.\d+)?)%$"),
    "ai_score": re.compile(r"^AI Score\s*(?P<v>\d+(?:\.\d+)?)$"),
    "listed_papers": re.compile(r"^(?P<v>[\d,]+) Papers$"),
}
_INTEGER_FIELDS = {"h_index", "paper_count", "citations", "listed_papers"}


def starts_record(line: str) -> bool:
    """Whether a line opens a record (or a year of bare abstracts), well-formed or not."""
    return bool(META.match(line) or YEAR_HEADING.match(line) or META_LIKE.match(line))


def may_be_header_name(line: str) -> bool:
    """Whether the first line of a page can be the name a profile header starts with."""
    return not starts_record(line) and len(line) <= 80


def header_value(name: str, raw: str) -> str | int | float:
    """A header field's printed value as the record holds it."""
    if name == "primary_category":
        return raw
    number = raw.replace(",", "")  # "1,150citations" is 1150
    return int(number) if name in _INTEGER_FIELDS else float(number)


def printed_date(meta: re.Match[str], capture: date) -> date | None:
    """The date a meta line shows, None when there is no such day (``Feb 30``)."""
    month = MONTHS[meta.group("month")[:3]]
    day = int(meta.group("day"))
    if meta.group("year") is None:
        return latest_on_or_before(month, day, capture)
    try:
        return date(int(meta.group("year")), month, day)
    except ValueError:
        return None


def latest_on_or_before(month: int, day: int, capture: date) -> date | None:
    """The date a page shows as ``Mon D`` with no year: the latest one up to its capture.

    A page lists the most recent papers, so ``May 18`` captured on 2027-01-10 is 2026-05-18,
    not a date in the future (issue #14); ``Feb 29`` is the latest leap day. None when no
    year has that day (``Feb 30``).
    """
    for year in range(capture.year, capture.year - 9, -1):  # leap years can be 8 apart
        try:
            shown = date(year, month, day)
        except ValueError:
            continue
        if shown <= capture:
            return shown
    return None
