"""Page -> records (pure): the three layouts, read into typed records with diagnostics.

A page is a header (profile metrics, or a name with ``may belong to``) followed by records:
a meta line (``[score]CAT Mon D[, YYYY][Code]``) then either a title line and an author line
(``separate``) or one line with the title glued to the authors (``glued``), then an abstract;
or, under a year heading, bare abstracts (``abstract``). Forms may be mixed in one file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
from kg.read.meta import (
    HEADER_FIELDS,
    MAY_BELONG,
    META,
    META_LIKE,
    YEAR_HEADING,
    header_value,
    may_be_header_name,
    printed_date,
    starts_record,
)
from kg.read.model import PaperRecord, ProfileRecord, Record
from kg.read.pages import Page, code_points, needs_scrub, scrub
from kg.read.text import clean, clip, ends_cleanly, next_content, tidy
from kg.read.urls import find_urls


@dataclass(frozen=True)
class Parsed:
    """What reading gives: the records in page order, and what was skipped or doubted."""

    records: tuple[Record, ...]
    diagnostics: tuple[Diagnostic, ...]


def build_lexicon(pages: Iterable[Page]) -> Lexicon:
    """Names and titles printed unambiguously anywhere (profile names, separate records)."""
    return lexicon_of(page_lexicon(page) for page in pages)


def lexicon_of(parts: Iterable[tuple[frozenset[str], frozenset[str]]]) -> Lexicon:
    """The lexicon of a set of pages from what each page adds (``page_lexicon``)."""
    names: set[str] = set()
    titles: set[str] = set()
    for page_names, page_titles in parts:
        names |= page_names
        titles |= page_titles
    return Lexicon(frozenset(names), frozenset(titles))


def page_lexicon(page: Page) -> tuple[frozenset[str], frozenset[str]]:
    """The names and titles one page prints unambiguously."""
    names: set[str] = set()
    titles: set[str] = set()
    # Only the lines read are scrubbed as the reader will: the abstracts are most of the
    # text, and the lexicon never looks at them.
    lines = [clean(line) for line in page.lines]
    for i, line in enumerate(lines):
        if not META.match(line):
            continue
        title_at, author_at = next_content(lines, i + 1), None
        if title_at is not None:
            author_at = next_content(lines, title_at + 1)
        if title_at is None or author_at is None:
            continue
        author_line = parse_author_line(tidy(lines[author_at]))
        if author_line is not None and not META.match(lines[title_at]):
            names.update(author_line.authors)
            titles.add(title_key(tidy(lines[title_at])))
    header_name = next_content(lines, 0)
    if header_name is not None and may_be_header_name(lines[header_name]):
        names.add(normalise_name(tidy(lines[header_name])))
    return frozenset(names), frozenset(titles)


def parse_page(page: Page, capture_date: date, lexicon: Lexicon | None = None) -> Parsed:
    """Read every record of a page; problems become diagnostics, never exceptions.
    ``capture_date`` is for a page whose path gives it none (``Page.captured``)."""
    reader = _PageReader(page, capture_date, lexicon or Lexicon())
    reader.read()
    return Parsed(tuple(reader.records), tuple(page.diagnostics) + tuple(reader.diagnostics))


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
        self.capture_date = page.captured or capture_date  # year-less dates take its year
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
        while (i := next_content(self.lines, i)) is not None:  # type: ignore[assignment]
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
                    f"record skipped: {clip(line)}",
                )
                i = max(self.resync(i), i + 1)
            elif self.year is not None:
                self.read_abstract_only(i)
                i += 1
            else:
                self.error(i, f"unexpected text outside any record, skipped: {clip(line)}")
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
        if self.lines[last] and last in self.abstract_lines and not ends_cleanly(self.lines[last]):
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
        at = next_content(self.lines, 0)
        if at is None or not may_be_header_name(self.lines[at]):
            return 0
        end = at + 1
        while end < len(self.lines) and not starts_record(self.lines[end]):
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
                    i, f"unexpected text before the first record, skipped: {clip(self.lines[i])}"
                )
            return end
        for i in unknown:
            self.warn(i, f"unrecognised header line ignored: {clip(self.lines[i])}")
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
                values[name] = header_value(name, match.group("v"))
                if name == "listed_papers":
                    self.listed_at = i
                return True
        return False

    # -- records --------------------------------------------------------------------------

    def read_titled(self, meta_at: int) -> int:
        """Read a meta line and what follows it; return the index after the record."""
        meta = META.match(self.lines[meta_at])
        assert meta is not None
        title_at = next_content(self.lines, meta_at + 1)
        if title_at is None or starts_record(self.lines[title_at]):
            self.error(meta_at, "meta line with no title after it: record skipped")
            return meta_at + 1
        after_title = next_content(self.lines, title_at + 1)
        next_line = self.lines[after_title] if after_title is not None else ""
        separate = parse_author_line(next_line) if after_title is not None else None
        if separate is not None and not META.match(next_line):
            form, title, author_line = "separate", self.lines[title_at], separate
            assert after_title is not None
            author_at = after_title
            abstract_at = next_content(self.lines, after_title + 1)
        else:
            split = split_glued(self.lines[title_at], self.lexicon)
            if split is None:
                self.error(
                    title_at,
                    "cannot find the author list after this title (no author line, and the "
                    f"line does not end in names): record skipped: {clip(self.lines[title_at])}",
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
        if abstract_at is None or starts_record(self.lines[abstract_at]):
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
            f"(its last name may be cut): {clip(self.lines[last])}",
        )
        return True

    def resync(self, at: int) -> int:
        """Where reading resumes after a broken record whose title line is at ``at``."""
        if self.year is not None:
            return at  # under a year heading, every line is a record of its own
        end = at + 1  # the lines up to the next record belong to the broken one
        while end < len(self.lines) and not starts_record(self.lines[end]):
            end += 1
        return end

    def read_date(self, at: int, meta: re.Match[str]) -> tuple[str, bool] | None:
        """The record's date in ISO form and whether its year was inferred; None, with an
        error, when the printed day does not exist."""
        inferred = meta.group("year") is None
        issued = printed_date(meta, self.capture_date)
        if issued is None:
            day = int(meta.group("day"))
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
