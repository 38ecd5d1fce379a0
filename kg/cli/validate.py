"""``kg validate`` (issue 4): check the store, or RDF files, against the shapes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from kg.cli.common import EXIT_CODES_HELP, emit, out_option, output_option, progress
from kg.cli.progress import bar_for, quiet_option
from kg.config import resolve
from kg.errors import EXIT_FINDINGS

FAIL_ON = ["violation", "warning", "info", "never"]


def read_rdf_files(paths: Sequence[Path]) -> list[Any]:
    """Every quad of the files (format from the extension), as one data set."""
    import pyoxigraph as ox

    from kg.errors import InputError, UsageError
    from kg.export.formats import SUFFIXES, format_for_path

    quads: list[Any] = []
    for path in paths:
        fmt = format_for_path(path)
        if fmt is None:
            known = " ".join(SUFFIXES)
            raise UsageError(f"{path}: unknown RDF file extension (use one of {known})")
        try:
            quads += ox.parse(path=str(path), format=ox.RdfFormat.from_media_type(fmt.media_type))
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"cannot read {path}: {exc}") from exc
    return quads


def run_validation(data: Any, shapes_dir: Path | None, quiet: bool = True) -> Any:
    """The report; on a terminal, a bar while the checks run (a log gets the summary only)."""
    from kg.progress import stage
    from kg.resources import SHAPES_DIR
    from kg.shacl.run import validate

    shapes = shapes_dir or SHAPES_DIR
    with stage(bar_for(quiet), f"validating against {shapes.name}/") as step:
        report = validate(data, shapes, step=step)
        step.done(f"validated against {shapes.name}/")
    return report


@click.command("validate", epilog=EXIT_CODES_HELP)
@click.argument("data", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--shapes",
    "shapes_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of SHACL shapes (*.ttl). [default: shapes/]",
)
@out_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="Report format: readable text, the SHACL report graph, or JSON.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="violation",
    show_default=True,
    help="Exit 1 when a result is at least this severe.",
)
@output_option
@click.option("--base-iri", help="Base IRI of the data, for short names in the report.")
@quiet_option
def validate_command(
    data: tuple[Path, ...],
    shapes_dir: Path | None,
    out_dir: Path | None,
    fmt: str,
    fail_on: str,
    output: Path | None,
    base_iri: str | None,
    quiet: bool,
) -> None:
    """Check the built graph, or RDF files, against the SHACL shapes.

    Without DATA, validates the embedded store of the last build (OUT/store). DATA are RDF
    files (.ttl .nt .nq .trig .jsonld), validated together as one graph. The report goes to
    stdout or -o FILE: results grouped by severity and shape, each with its focus node, path,
    value and message, and the page and line of the record it came from. A one-line summary
    goes to stderr (with -q, only when the check fails), after a progress bar on a terminal.
    Warnings and infos are findings too: choose what fails with --fail-on.

    \b
    Example:
      kg validate
      kg validate out/graph.ttl --format json -o report.json
      kg validate --fail-on warning --shapes shapes/
    """
    from kg.export.files import prefixes_for
    from kg.shacl.report import Severity, report_json, report_text, report_turtle, summary
    from kg.store.embedded import open_store, store_path

    settings = resolve({"out_dir": out_dir, "base_iri": base_iri})
    if data:
        quads: Any = read_rdf_files(data)
    else:
        with open_store(store_path(settings.out_dir)):  # a clear error when there is none
            pass
        quads = store_path(settings.out_dir)  # validated in place, as one graph
    report = run_validation(quads, shapes_dir, quiet)
    prefixes = prefixes_for(settings.base_iri)
    if fmt == "json":
        text = report_json(report)
    elif fmt == "turtle":
        text = report_turtle(report, prefixes)
    else:
        text = report_text(report, prefixes)
    emit(text, output, quiet)
    fails = fail_on != "never" and report.at_or_above(Severity(fail_on))
    if fails or not quiet:
        progress(f"validation: {summary(report)}")
    if fails:
        sys.exit(EXIT_FINDINGS)
