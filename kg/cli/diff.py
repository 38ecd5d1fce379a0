"""``kg diff OLD NEW``: what changed between two builds (issue #16)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from kg.cli.common import echo_data, output_option
from kg.errors import EXIT_FINDINGS

# the contract of every command (kg.cli.common.EXIT_CODES_HELP), as it reads for this one
EXIT_CODES = """\b
Exit codes:
  0  success (with --exit-code: the two builds hold the same graph)
  1  with --exit-code: the two builds differ
  2  usage error (a folder that is not a kg build's output, a graph.nq not in kg's order)
  3  processing or I/O failure
"""


@click.command("diff", epilog=EXIT_CODES)
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="text and md for people; json for scripts (a stable, versioned document).",
)
@click.option("--triples", is_flag=True, help="Also print the removed and added quads (N-Quads).")
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit with 1 when the builds differ, 0 when they hold the same graph (git diff's "
    "--exit-code).",
)
@output_option
def diff(
    old: Path, new: Path, fmt: str, triples: bool, exit_code: bool, output: Path | None
) -> None:
    """Say what changed from the build in OLD to the build in NEW.

    OLD and NEW are output folders of kg build (its -o). The answer comes in the terms
    people ask about, then in triples: per person (the primary topic or inferred owner of
    a page), the papers their pages list that came or went, with titles and the pages, and
    their latest metrics, old -> new with both dates; per paper, the fields that changed
    (title, authors, date, category, code, repositories, ...), and papers added or removed;
    per named graph, the triples removed and added. --triples adds the quads themselves.

    The two graph.nq files are merged in one pass, as they are sorted: a diff of two big
    builds takes about as long as reading them once, in little memory.

    Without --exit-code the exit code is 0 whether or not anything changed.
    json is documented in the README ("Comparing two builds") and versioned: its
    "format" is "kg-diff" and its "version" changes only when a key changes meaning.

    \b
    Example:
      kg diff out-last-week/ out/
      kg diff old/ new/ --format md -o changes.md
      kg diff old/ new/ --format json | jq '.people[].papers_added[].title'
      kg diff old/ new/ --triples --exit-code
    """
    from kg.diff.builds import compare_builds
    from kg.diff.files import Spool
    from kg.diff.render import render
    from kg.publish import write_atomic_chunks

    spool = Spool() if triples else None
    try:
        result = compare_builds(old, new, spool.keep if spool else None)
        chunks = render(result, fmt, spool.sections(result.graphs) if spool else None)
        if output is None or str(output) == "-":
            for text in _joined(chunks):
                echo_data(text)
        else:
            write_atomic_chunks(output, chunks)
    finally:
        if spool is not None:
            spool.close()
    if exit_code and result.changed:
        sys.exit(EXIT_FINDINGS)


def _joined(chunks: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """Small chunks (a line each, with --triples) as fewer, bigger writes."""
    pending: list[str] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)
