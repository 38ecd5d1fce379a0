"""Page -> records (pure): the three layouts, read into typed records with diagnostics.

A page is a header (profile metrics, or a name with ``may belong to``) followed by records:
a meta line (``[score]CAT Mon D[, YYYY][Code]``) then either a title line and an author line
(``separate``) or one line with the title glued to the authors (``glued``), then an abstract;
or, under a year heading, bare abstracts (``abstract``). Forms may be mixed in one file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from kg.diagnostics import Diagnostic, error, warning
from kg.read.authors import (
    Lexicon,
    is_name,
    mixed_script_words,
    normalise_name,
    parse_author_line,
    split_glued,
    title_key,
)
from kg.read.pages import Page, code_points, needs_scrub, scrub
from kg.read.urls import find_urls

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


@dataclass(frozen=True)
class PaperRecord:
    source: str
    line: int
    form: str  # "separate", "glued" or "abstract"
    title: str | None
    authors: tuple[str, ...]
    et_al: bool
    affiliations: tuple[str, ...]
    date: str | None  # YYYY-MM-DD, or YYYY when only the year is known
    date_inferred_year: bool
    category: str | None
    has_code: bool
    score: float | None
    urls: tuple[str, ...]
    abstract: str | None
    kind: str = "paper"

    def to_json(self) -> dict[str, Any]:
        return _ordered(self, PAPER_FIELDS)


@dataclass(frozen=True)
class ProfileRecord:
    source: str
    line: int
    name: str | None
    primary_category: str | None = None
    h_index: int | None = None
    paper_count: int | None = None
    citations: int | None = None
    novelty_pct: float | None = None
    ai_score: float | None = None
    listed_papers: int | None = None
    may_belong_to: tuple[str, ...] | None = None
    kind: str = "profile"

    def to_json(self) -> dict[str, Any]:
        return _ordered(self, PROFILE_FIELDS)


Record = PaperRecord | ProfileRecord

PAPER_FIELDS = (
    "kind source line form title authors et_al affiliations date date_inferred_year "
    "category has_code score urls abstract"
).split()
PROFILE_FIELDS = (
    "kind source line name primary_category h_index paper_count citations novelty_pct "
    "ai_score listed_papers may_belong_to"
).split()


def _ordered(record: Record, fields: Sequence[str]) -> dict[str, Any]:
    values = asdict(record)
    return {k: list(v) if isinstance(v, tuple) else v for k in fields for v in [values[k]]}


@dataclass(frozen=True)
class Parsed:
    records: tuple[Record, ...]
    diagnostics: tuple[Diagnostic, ...]


def clean(text: str) -> str:
    """NFC and no stray outer whitespace: the form every field is compared in."""
    return unicodedata.normalize("NFC", text).strip()


def _tidy(line: str) -> str:
    """A line as the reader sees it: scrubbed of control and invisible characters, clean."""
    return clean(scrub(line).text) if needs_scrub(line) else line


def build_lexicon(pages: Iterable[Page]) -> Lexicon:
    """Names and titles printed unambiguously anywhere (profile names, separate records)."""
    names: set[str] = set()
    titles: set[str] = set()
    for page in pages:
        # Only the lines read are scrubbed as the reader will: the abstracts are most of the
        # text, and the lexicon never looks at them.
        lines = [clean(line) for line in page.lines]
        for i, line in enumerate(lines):
            if not META.match(line):
                continue
            title_at, author_at = _next_content(lines, i + 1), None
            if title_at is not None:
                author_at = _next_content(lines, title_at + 1)
            if title_at is None or author_at is None:
                continue
            author_line = parse_author_line(_tidy(lines[author_at]))
            if author_line is not None and not META.match(lines[title_at]):
                names.update(author_line.authors)
                titles.add(title_key(_tidy(lines[title_at])))
        header_name = _next_content(lines, 0)
        if header_name is not None and _is_header_name(lines, header_name):
            names.add(normalise_name(_tidy(lines[header_name])))
    return Lexicon(frozenset(names), frozenset(titles))


def parse_page(page: Page, capture_date: date, lexicon: Lexicon | None = None) -> Parsed:
    """Read every record of a page; problems become diagnostics, never exceptions."""
    reader = _PageReader(page, capture_date, lexicon or Lexicon())
    reader.read()
    return Parsed(tuple(reader.records), tuple(page.diagnostics) + tuple(reader.diagnostics))


def _next_content(lines: Sequence[str], start: int) -> int | None:
    for i in range(start, len(lines)):
        if lines[i]:
            return i
    return None


def _starts_record(line: str) -> bool:
    return bool(META.match(line) or YEAR_HEADING.match(line) or META_LIKE.match(line))


def _is_header_name(lines: Sequence[str], at: int) -> bool:
    return not _starts_record(lines[at]) and len(lines[at]) <= 80


class _PageReader:
    """A cursor over one page's lines that collects records and diagnostics."""

    def __init__(self, page: Page, capture_date: date, lexicon: Lexicon) -> None:
        self.source = page.source
        self.lines = [clean(line) for line in page.lines]
        # (line, controls removed, invisible characters removed): reported once read() knows
        # which lines are abstracts
        self.scrubbed: list[tuple[int, str, str]] = []
        for i, line in enumerate(page.lines):
            if needs_scrub(line):
                scrubbed = scrub(line)
                self.lines[i] = clean(scrubbed.text)
                self.scrubbed.append((i, scrubbed.controls, scrubbed.invisible))
        self.capture_date = capture_date
        self.lexicon = lexicon
        self.records: list[Record] = []
        self.diagnostics: list[Diagnostic] = []
        self.year: int | None = None
        self.listed_at: int | None = None  # the "N Papers" line
        self.abstract_lines: set[int] = set()

    def error(self, index: int, message: str) -> None:
        self.diagnostics.append(error(self.source, index + 1, message))

    def warn(self, index: int, message: str) -> None:
        self.diagnostics.append(warning(self.source, index + 1, message))

    def read(self) -> None:
        if not self.lines:
            return
        i = self.read_header()
        while (i := _next_content(self.lines, i)) is not None:  # type: ignore[assignment]
            line = self.lines[i]
            if META.match(line):
                i = self.read_titled(i)
            elif year := YEAR_HEADING.match(line):
                self.year = int(year.group("year"))
                i += 1
            elif META_LIKE.match(line):
                self.error(
                    i,
                    "malformed meta line (expected [score]CAT Mon D[, YYYY][Code]): "
                    f"record skipped: {_clip(line)}",
                )
                i = max(self.resync(i), i + 1)
            elif self.year is not None:
                self.read_abstract_only(i)
                i += 1
            else:
                self.error(i, f"unexpected text outside any record, skipped: {_clip(line)}")
                i += 1
        self.check_complete()
        self.report_scrubbed()

    def report_scrubbed(self) -> None:
        """Say where control and invisible characters were removed (issue #14).

        Control characters are reported on every line. Invisible ones only where they can
        make a name or a title look like another (an abstract's soft hyphen is no news).
        """
        for i, controls, invisible in self.scrubbed:
            if controls:
                self.warn(i, f"control characters removed: {code_points(controls)}")
            if invisible and i not in self.abstract_lines:
                self.warn(i, f"invisible formatting characters removed: {code_points(invisible)}")

    def check_complete(self) -> None:
        """Warn when the page looks cut off after all: a short list, or a last line cut."""
        last = len(self.lines) - 1
        if self.lines[last] and last in self.abstract_lines and not _ends_cleanly(self.lines[last]):
            # The file does not end with a line end, and the text stops mid-sentence.
            self.warn(last, "the page ends mid-line: this abstract may be cut off")
        profiles = [r for r in self.records if isinstance(r, ProfileRecord)]
        listed = profiles[0].listed_papers if profiles else None
        read = sum(isinstance(r, PaperRecord) for r in self.records)
        if listed is not None and self.listed_at is not None and read != listed:
            cut = " (page cut off?)" if read < listed else ""
            self.warn(self.listed_at, f"the page lists {listed} papers; records read: {read}{cut}")

    # -- header ---------------------------------------------------------------------------

    def read_header(self) -> int:
        """Read the profile header if there is one; return the index where records begin."""
        at = _next_content(self.lines, 0)
        if at is None or not _is_header_name(self.lines, at):
            return 0
        end = at + 1
        while end < len(self.lines) and not _starts_record(self.lines[end]):
            end += 1
        values: dict[str, Any] = {}
        unknown = [
            i
            for i in range(at + 1, end)
            if self.lines[i] and not self.read_header_line(i, self.lines[i], values)
        ]
        if not values and (unknown or not is_name(self.lines[at])):
            # No header fields: stray lines (a page cut at the top?), not a profile.
            for i in [at, *unknown]:
                self.error(
                    i, f"unexpected text before the first record, skipped: {_clip(self.lines[i])}"
                )
            return end
        for i in unknown:
            self.warn(i, f"unrecognised header line ignored: {_clip(self.lines[i])}")
        name = normalise_name(self.lines[at])
        self.check_names(at, [name, *values.get("may_belong_to", ())])
        self.records.append(ProfileRecord(source=self.source, line=at + 1, name=name, **values))
        return end

    def check_names(self, at: int, names: Iterable[str]) -> None:
        """Warn about names that mix Latin, Cyrillic and Greek letters (issue #14)."""
        for name in dict.fromkeys(names):
            if words := mixed_script_words(name):
                self.warn(
                    at,
                    f"name {name!r} mixes Latin, Cyrillic or Greek letters in {words[0]!r}: "
                    "a lookalike of another name?",
                )

    def read_header_line(self, i: int, line: str, values: dict[str, Any]) -> bool:
        """Read one header field into values; False when the line is no header field."""
        if belong := MAY_BELONG.match(line):
            names = [normalise_name(n) for n in belong.group("names").split(",") if n.strip()]
            values["may_belong_to"] = tuple(names)
            return True
        for name, pattern in HEADER_FIELDS.items():
            if (match := pattern.match(line)) and name not in values:
                values[name] = _header_value(name, match.group("v"))
                if name == "listed_papers":
                    self.listed_at = i
                return True
        return False

    # -- records --------------------------------------------------------------------------

    def read_titled(self, meta_at: int) -> int:
        """Read a meta line and what follows it; return the index after the record."""
        meta = META.match(self.lines[meta_at])
        assert meta is not None
        title_at = _next_content(self.lines, meta_at + 1)
        if title_at is None or _starts_record(self.lines[title_at]):
            self.error(meta_at, "meta line with no title after it: record skipped")
            return meta_at + 1
        after_title = _next_content(self.lines, title_at + 1)
        next_line = self.lines[after_title] if after_title is not None else ""
        separate = parse_author_line(next_line) if after_title is not None else None
        if separate is not None and not META.match(next_line):
            form, title, author_line = "separate", self.lines[title_at], separate
            assert after_title is not None
            author_at = after_title
            abstract_at = _next_content(self.lines, after_title + 1)
        else:
            split = split_glued(self.lines[title_at], self.lexicon)
            if split is None:
                self.error(
                    title_at,
                    "cannot find the author list after this title (no author line, and the "
                    f"line does not end in names): record skipped: {_clip(self.lines[title_at])}",
                )
                return self.resync(title_at)
            if split.uncertain:
                self.warn(
                    title_at, f"uncertain title/author split; the runner-up was {split.uncertain}"
                )
            form, title, author_line = "glued", split.title, split.line
            author_at, abstract_at = title_at, after_title
        abstract: str | None = None
        end = (abstract_at if abstract_at is not None else len(self.lines) - 1) + 1
        if abstract_at is None and self.cut_inside(author_line.et_al):
            return len(self.lines)
        if abstract_at is None or _starts_record(self.lines[abstract_at]):
            self.warn(meta_at, "record has no abstract (page cut off?)")
            end = abstract_at if abstract_at is not None else len(self.lines)
        else:
            abstract = self.lines[abstract_at]
            self.abstract_lines.add(abstract_at)
        issued = self.read_date(meta_at, meta)
        if issued is None:
            return end
        when, inferred = issued
        self.check_names(author_at, author_line.authors)
        self.records.append(
            PaperRecord(
                source=self.source,
                line=meta_at + 1,
                form=form,
                title=title,
                authors=author_line.authors,
                et_al=author_line.et_al,
                affiliations=author_line.affiliations,
                date=when,
                date_inferred_year=inferred,
                category=meta.group("cat"),
                has_code=meta.group("code") is not None,
                score=float(meta.group("score")) if meta.group("score") else None,
                urls=tuple(find_urls(abstract or "")),
                abstract=abstract,
            )
        )
        return end

    def cut_inside(self, et_al: bool) -> bool:
        """Whether the page ends inside the record being read: skip it, with an error.

        The record has no abstract, nothing follows it, and the file's last line, which is
        the record's, has no line end: the page was cut there, so its last name (or title)
        may be cut too (``Ankang Sun, Ruijie Wa``), and a cut name must not become a person
        (issue #14). A line that ends in ``et al.`` ends with whole names; it stays, with
        the no-abstract warning.
        """
        last = len(self.lines) - 1
        if not self.lines[last] or et_al:
            return False
        self.error(
            last,
            "the page ends mid-line inside this record, before its abstract: record skipped "
            f"(its last name may be cut): {_clip(self.lines[last])}",
        )
        return True

    def resync(self, at: int) -> int:
        """Where reading resumes after a broken record whose title line is at ``at``."""
        if self.year is not None:
            return at  # under a year heading, every line is a record of its own
        end = at + 1  # the lines up to the next record belong to the broken one
        while end < len(self.lines) and not _starts_record(self.lines[end]):
            end += 1
        return end

    def read_date(self, at: int, meta: re.Match[str]) -> tuple[str, bool] | None:
        month = MONTHS[meta.group("month")[:3]]
        day = int(meta.group("day"))
        inferred = meta.group("year") is None
        if inferred:
            issued = latest_on_or_before(month, day, self.capture_date)
        else:
            try:
                issued = date(int(meta.group("year")), month, day)
            except ValueError:
                issued = None
        if issued is None:
            printed = f"{meta.group('month')} {day}" + ("" if inferred else f", {meta['year']}")
            self.error(at, f"impossible date {printed!r}: record skipped")
            return None
        if issued > self.capture_date:
            captured = self.capture_date.isoformat()
            self.warn(at, f"date {issued.isoformat()} is after the capture date {captured}")
        return issued.isoformat(), inferred

    def read_abstract_only(self, at: int) -> None:
        abstract = self.lines[at]
        self.abstract_lines.add(at)
        self.records.append(
            PaperRecord(
                source=self.source,
                line=at + 1,
                form="abstract",
                title=None,
                authors=(),
                et_al=False,
                affiliations=(),
                date=f"{self.year:04d}",
                date_inferred_year=False,
                category=None,
                has_code=False,
                score=None,
                urls=tuple(find_urls(abstract)),
                abstract=abstract,
            )
        )


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


def _header_value(name: str, raw: str) -> str | int | float:
    if name == "primary_category":
        return raw
    number = raw.replace(",", "")  # "1,150citations" is 1150
    return int(number) if name in _INTEGER_FIELDS else float(number)


def _ends_cleanly(text: str) -> bool:
    """A paragraph ends with closing punctuation or a URL, not in the middle of a word."""
    return text[-1] in ".!?)]}\"'’”" or bool(find_urls(text.split()[-1]))


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def parse_pages(pages: Sequence[Page], capture_date: date) -> Parsed:
    """Parse a set of pages with a shared lexicon, so every page helps split the others."""
    lexicon = build_lexicon(pages)
    records: list[Record] = []
    diagnostics: list[Diagnostic] = []
    for page in pages:
        parsed = parse_page(page, capture_date, lexicon)
        records.extend(parsed.records)
        diagnostics.extend(parsed.diagnostics)
    return Parsed(tuple(records), tuple(diagnostics))
