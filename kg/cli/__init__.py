"""The ``kg`` command line: a thin click layer over the pipeline stages.

Exit codes (a contract):
  0  success
  1  the data does not conform, or some input was skipped
  2  usage error
  3  processing or I/O failure
"""

from __future__ import annotations

import click

from kg import __version__
from kg.cli.common import EXIT_CODES_HELP
from kg.cli.diff import diff
from kg.cli.graph import build, export, stats
from kg.cli.pages import parse
from kg.cli.queries import queries_command, query_command, report_command
from kg.cli.stores import load, serve
from kg.cli.validate import validate_command
from kg.cli.why import why_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "--version", prog_name="kg")
def main() -> None:
    """Turn scraped arXiv author pages into a validated scholarly knowledge graph."""


# Each command family lives in its own module (kg/cli/*.py); `kg --help` lists commands
# by name, so the order they are added in does not show.
main.add_command(parse)
main.add_command(build)
main.add_command(export)
main.add_command(stats)
main.add_command(validate_command)
main.add_command(load)
main.add_command(serve)
main.add_command(queries_command)
main.add_command(query_command)
main.add_command(report_command)
main.add_command(diff)
main.add_command(why_command)
