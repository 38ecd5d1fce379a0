"""What each page printed, line by line: the records the build's merge was given, read
back from the parse cache ``kg build`` leaves in its output folder (kg.read.cache).

The store keeps a listing's printed category, date and code flag, but not its printed
title or author names; the cache keeps every record. It is read by the cache's own
allow-list unpickler (an output folder is not trusted to run code) and matched to the store
page by page, by name and SHA-256, so records of other bytes are never shown as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.read.cache import read_any_cache
from kg.read.model import Record


@dataclass(frozen=True)
class Printed:
    """The records of each page, by (page path, SHA-256 of its bytes)."""

    pages: dict[tuple[str, str], tuple[Record, ...]]

    def records(self, source: str | None, sha256: str | None) -> tuple[Record, ...] | None:
        """A page's records; None when the cache has no entry for those bytes."""
        if source is None or sha256 is None:
            return None
        return self.pages.get((source, sha256))


def read_printed(out_dir: Path) -> Printed | None:
    """The records the last build read in ``out_dir``; None without a readable cache.

    Any fingerprint will do: an entry holds what the parse gave for those bytes in the
    build that wrote it, which is the build whose store sits beside it.
    """
    found = read_any_cache(out_dir)
    if found is None:
        return None
    return Printed({key: entry.records for key, entry in found.entries.items()})
