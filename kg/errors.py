"""The error tree: each class carries the exit code the CLI contract gives it."""

from __future__ import annotations

import click

EXIT_OK = 0
EXIT_FINDINGS = 1  # the data does not conform, or some input was skipped
EXIT_USAGE = 2  # click's own code for usage errors
EXIT_FAILURE = 3  # processing or I/O failure


class KgError(click.ClickException):
    """Base class: shown by the CLI as ``Error: ...`` without a traceback."""

    exit_code = EXIT_FAILURE


class InputError(KgError):
    """An input path cannot be read at all (missing, unreadable)."""

    exit_code = EXIT_FAILURE


class OutputError(KgError):
    """An output cannot be written."""

    exit_code = EXIT_FAILURE


class StoreError(KgError):
    """The embedded store or a remote endpoint failed."""

    exit_code = EXIT_FAILURE


class UsageError(KgError):
    """A parameter or option value is wrong (same code as click's usage errors)."""

    exit_code = EXIT_USAGE
