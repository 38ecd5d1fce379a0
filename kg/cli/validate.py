"""``kg validate`` (issue 4), and the validation step kg build runs on the store it wrote."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from kg.cli.common import EXIT_CODES_HELP, emit, out_option, output_option, progress
from kg.config import resolve
from kg.errors import EXIT_FINDINGS
from kg.export.files import write_atomic

RDF_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG"}
RDF_FORMATS[".jsonld"] = "JSON_LD"
FAIL_ON = ["violation", "warning", "info", "never"]


def read_rdf_files(paths: Sequence[Path]) -> list[Any]:
    """Every quad of the files (format from the extension), as one data set."""
    import pyoxigraph as ox

    from kg.errors import InputError, UsageError

    quads: list[Any] = []
    for path in paths:
        name = RDF_FORMATS.get(path.suffix.lower())
        if name is None:
            known = " ".join(sorted(RDF_FORMATS))
            raise UsageError(f"{path}: unknown RDF file extension (use one of {known})")
        try:
            quads += ox.parse(path=str(path), format=getattr(ox.RdfFormat, name))
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"cannot read {path}: {exc}") from exc
    return quads


def run_validation(data: Any, shapes_dir: Path | None) -> Any:
    from kg.shacl.run import SHAPES_DIR, validate

    return validate(data, shapes_dir or SHAPES_DIR)


def validate_build(data: Any, folder: Path, base_iri: str) -> Any:
    """kg build's validation: writes validation.txt and validation.ttl beside the exports
    and prints a one-line summary; returns the report (violations make the build exit 1)."""
    from kg.export.files import prefixes_for
    from kg.shacl.run import report_text, report_turtle, summary

    progress("validating the graph against shapes/")
    report = run_validation(data, None)
    prefixes = prefixes_for(base_iri)
    write_atomic(folder / "validation.txt", report_text(report, prefixes))
    write_atomic(folder / "validation.ttl", report_turtle(report, prefixes))
    progress(f"validation: {summary(report)}; see validation.txt")
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
def validate_command(
    data: tuple[Path, ...],
    shapes_dir: Path | None,
    out_dir: Path | None,
    fmt: str,
    fail_on: str,
    output: Path | None,
    base_iri: str | None,
) -> None:
    """Check the built graph, or RDF files, against the SHACL shapes.

    Without DATA, validates the embedded store of the last build (OUT/store). DATA are RDF
    files (.ttl .nt .nq .trig .jsonld), validated together as one graph. The report goes to
    stdout or -o FILE: results grouped by severity and shape, each with its focus node, path,
    value and message, and the page and line of the record it came from. A one-line summary
    goes to stderr. Warnings and infos are findings too: choose what fails with --fail-on.

    \b
    Example:
      kg validate
      kg validate out/graph.ttl --format json -o report.json
      kg validate --fail-on warning --shapes shapes/
    """
    from kg.export.files import prefixes_for
    from kg.shacl.run import Severity, report_json, report_text, report_turtle, summary
    from kg.store.embedded import open_store, store_path

    settings = resolve({"out_dir": out_dir, "base_iri": base_iri})
    if data:
        quads: Any = read_rdf_files(data)
    else:
        with open_store(store_path(settings.out_dir)):  # a clear error when there is none
            pass
        quads = store_path(settings.out_dir)  # validated in place (its default graph)
    report = run_validation(quads, shapes_dir)
    prefixes = prefixes_for(settings.base_iri)
    if fmt == "json":
        text = report_json(report)
    elif fmt == "turtle":
        text = report_turtle(report, prefixes)
    else:
        text = report_text(report, prefixes)
    emit(text, output)
    click.echo(f"kg: validation: {summary(report)}", err=True)
    if fail_on != "never" and report.at_or_above(Severity(fail_on)):
        sys.exit(EXIT_FINDINGS)
