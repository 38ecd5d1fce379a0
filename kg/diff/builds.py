"""``compare_builds(OLD, NEW)``: the one entry point of ``kg diff`` for the CLI, the
benchmark and tests. Opens the two files (kg.diff.files), runs the single merge pass
(kg.diff.merge, kg.diff.collect), then the summary with its lookups (kg.diff.summary)."""

from __future__ import annotations

from pathlib import Path

from kg.diff.collect import Sink, collect
from kg.diff.files import NQuadsFile, is_page_graph
from kg.diff.merge import compare
from kg.diff.model import Diff
from kg.diff.summary import Sides, summarise


def compare_builds(old: Path, new: Path, sink: Sink | None = None) -> Diff:
    """What changed from the build in ``old`` to the build in ``new`` (their output
    folders); ``sink`` hears every change as the merge finds it (``--triples``)."""
    with NQuadsFile(old) as old_file, NQuadsFile(new) as new_file:
        where = (str(old_file.path), str(new_file.path))
        events = compare(old_file.batches(), new_file.batches(), is_page_graph, where)
        found = collect(events, sink)
        sides = Sides(old_file.lines_under, new_file.lines_under, str(old), str(new))
        return summarise(found, sides)
