"""The format registry (kg.export.formats): formats are values, found by name or by file
suffix, and an unknown name is a usage error that lists the known ones."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import EXIT_USAGE, UsageError
from kg.export.formats import (
    DEFAULT,
    FORMATS,
    NAMES,
    NQUADS,
    NTRIPLES,
    SUFFIXES,
    Format,
    format_for_path,
    format_named,
)


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_every_suffix_finds_its_format(fmt: Format) -> None:
    for suffix in fmt.suffixes:
        assert format_for_path(f"out/graph{suffix}") is fmt
        assert format_for_path(Path(f"x{suffix.upper()}")) is fmt  # case ignored
    assert format_for_path(fmt.file_name) is fmt
    assert fmt.file_name.endswith(fmt.suffixes[0])


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_every_name_finds_its_format(fmt: Format) -> None:
    assert format_named(fmt.name) is fmt


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_media_types_are_the_ones_pyoxigraph_knows(fmt: Format) -> None:
    known = ox.RdfFormat.from_media_type(fmt.media_type)
    assert known is not None
    assert known.supports_datasets == fmt.named_graphs


def test_the_registry_is_consistent() -> None:
    assert len(set(NAMES)) == len(FORMATS)
    assert len({f.file_name for f in FORMATS}) == len(FORMATS)
    assert len(SUFFIXES) == sum(len(f.suffixes) for f in FORMATS)  # one format per suffix
    assert FORMATS[:2] == (NQUADS, NTRIPLES)  # the store is filled from these two files
    assert DEFAULT in FORMATS


def test_an_unknown_suffix_has_no_format() -> None:
    assert format_for_path("graph.txt") is None
    assert format_for_path("graph") is None


def test_an_unknown_name_is_a_usage_error_listing_the_known_ones() -> None:
    with pytest.raises(UsageError) as raised:
        format_named("nope")
    assert raised.value.exit_code == EXIT_USAGE
    assert all(name in raised.value.message for name in NAMES)


def test_kg_export_refuses_an_unknown_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--out", str(tmp_path), "--format", "nope"])
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    assert all(name in result.stderr for name in NAMES)
