"""What the ``kg`` commands share: the exit-code epilog, option decorators and output helpers.

Kept apart from kg.cli so the command modules can use them without importing the group
that imports them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.config import Settings
from kg.diagnostics import Diagnostic
from kg.publish import write_atomic
from kg.render import terminal_text

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0  success
  1  the data does not conform, or some input was skipped
  2  usage error
  3  processing or I/O failure
"""


def settings_options(func: F) -> F:
    """Options shared by every command that reads pages."""
    func = click.option(
        "--capture-date",
        metavar="YYYY-MM-DD",
        help="When the pages were captured; year-less dates take its year. [env KG_CAPTURE_DATE]",
    )(func)
    return func


def output_option(func: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to FILE (atomically) instead of stdout; '-' is stdout.",
    )(func)


def param_option(help_text: str) -> Callable[[F], F]:
    """``-p/--param NAME VALUE``, repeatable: the parameters of a saved query."""

    def decorate(func: F) -> F:
        return click.option(
            "-p",
            "--param",
            "params",
            type=(str, str),
            multiple=True,
            metavar="NAME VALUE",
            help=help_text,
        )(func)

    return decorate


def out_option(func: F) -> F:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder of the built graph and its store. [default: out/; env KG_OUT_DIR]",
    )(func)


def report_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    # A diagnostic may quote the input; escape controls so none acts on the terminal.
    for diagnostic in sorted(diagnostics):
        click.echo(terminal_text(str(diagnostic)), err=True)


def stdout_is_terminal() -> bool:
    """Whether a person is reading stdout (tables, escaped controls) rather than a program."""
    return sys.stdout.isatty()


def echo_data(data: str | bytes) -> None:
    """Data to stdout as it is for a program; on a terminal, control characters (an escape
    sequence in a title from a remote endpoint) are shown escaped, never acted on."""
    if stdout_is_terminal():
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        data = terminal_text(text)
    click.echo(data, nl=False)


def emit(text: str, output: Path | None, quiet: bool = False) -> None:
    if output is None or str(output) == "-":
        echo_data(text)
    else:
        write_atomic(output, text)
        if not quiet:
            click.echo(f"wrote {output}", err=True)


def default_paths(paths: tuple[Path, ...], settings: Settings) -> list[Path]:
    """The pages to read: the arguments, else the configured seeds folder, else ./seeds,
    else the sample pages shipped with kg (so a bare ``kg build`` works anywhere)."""
    if paths:
        return list(paths)
    if settings.seeds_dir is not None:
        return [settings.seeds_dir]
    if Path("seeds").is_dir():
        return [Path("seeds")]
    from kg.resources import SEEDS_DIR

    return [SEEDS_DIR]


def progress(message: str) -> None:
    click.echo(f"kg: {message}", err=True)
