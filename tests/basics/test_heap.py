"""kg.heap: the build's stages run with the cyclic collector paused, and leave it as found."""

from __future__ import annotations

import gc

import pytest

from kg.heap import gc_paused


@gc_paused
def collector_state() -> bool:
    return gc.isenabled()


@gc_paused
def failing_stage() -> None:
    assert not gc.isenabled()
    raise ValueError("a stage that fails")


def test_a_stage_runs_with_the_collector_paused_and_restores_it() -> None:
    assert gc.isenabled()
    assert collector_state() is False
    assert gc.isenabled()


def test_the_collector_is_restored_when_a_stage_raises() -> None:
    with pytest.raises(ValueError, match="a stage that fails"):
        failing_stage()
    assert gc.isenabled()


def test_a_paused_collector_stays_paused() -> None:
    """Nested stages, or a caller that paused it already: leave it to the outermost."""
    gc.disable()
    try:
        assert collector_state() is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_pipeline_stages_are_paused() -> None:
    from kg.graph.identity import merge
    from kg.graph.mapping import map_records
    from kg.read.parallel import parse_pages_in_parallel

    for stage in (parse_pages_in_parallel, merge, map_records):
        assert getattr(stage, "__wrapped__", None) is not None, stage.__name__
