"""Line text as the reader compares and reports it: normalised, scrubbed, clipped."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from kg.read.pages import needs_scrub, scrub
from kg.read.urls import find_urls


def clean(text: str) -> str:
    """NFC and no stray outer whitespace: the form every field is compared in."""
    return unicodedata.normalize("NFC", text).strip()


def tidy(line: str) -> str:
    """A line as the reader sees it: scrubbed of control and invisible characters, clean."""
    return clean(scrub(line).text) if needs_scrub(line) else line


def next_content(lines: Sequence[str], start: int) -> int | None:
    """The index of the first non-empty line from ``start`` on, None when there is none."""
    for i in range(start, len(lines)):
        if lines[i]:
            return i
    return None


def ends_cleanly(text: str) -> bool:
    """A paragraph ends with closing punctuation or a URL, not in the middle of a word."""
    return text[-1] in ".!?)]}\"'’”" or bool(find_urls(text.split()[-1]))


def clip(text: str, width: int = 60) -> str:
    """Text short enough to quote in a diagnostic."""
    return text if len(text) <= width else text[: width - 1] + "…"
