"""``kg why``: where a fact or an entity of the built graph comes from (issue #16)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import EXIT_CODES_HELP, echo_data, out_option
from kg.config import resolve
from kg.errors import EXIT_FINDINGS


@click.command("why", epilog=EXIT_CODES_HELP)
@click.argument("terms", nargs=-1, required=True, metavar="IRI | 'S P O'")
@out_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Show this many pages and lines per source.",
)
@click.option("--all", "every_line", is_flag=True, help="Show every page and line.")
def why_command(
    terms: tuple[str, ...], out_dir: Path | None, fmt: str, limit: int, every_line: bool
) -> None:
    """Say where a fact or an entity of the built graph comes from.

    For a fact 'S P O' (N-Triples terms or prefixed names such as paper:..., dcterms:title,
    a, 3, true; quote a literal: '"A title"'): the named graph that holds it and the pages
    and lines that printed it, with their capture dates. For a value merged from several
    pages, the merge rule that chose it (ontology/MODEL.md, "Merge rules"), what each
    listing printed, and whether the pages disagree. A computed count, a taxonomy triple or
    the dataset description says that no page printed it and names its source.
    For an IRI: its types, the graphs it is in and the pages and lines that introduce it.

    Exits 1 when the graph does not hold the fact or mention the IRI (as grep does),
    saying which values the graph has instead. The printed titles and author lists come
    from the parse cache `kg build` leaves beside the store; without it the rest is still
    answered.

    \b
    Example:
      kg why paper:a473b70b8f93
      kg why 'paper:a473b70b8f93 kg:hasCode true'
      kg why '<https://kg.example.org/paper/a473b70b8f93> dcterms:subject arxiv:cs.AI'
      kg why 'paper:a473b70b8f93 kg:hasCode true' --format json | jq '.origins[0].rules'
    """
    from kg.why.explain import why as explain_why
    from kg.why.render import render

    settings = resolve({"out_dir": out_dir})
    asked = explain_why(settings.out_dir, terms, settings.base_iri, None if every_line else limit)
    echo_data(render(asked.answer, fmt, asked.prefixes))
    if not asked.answer.found:
        sys.exit(EXIT_FINDINGS)
