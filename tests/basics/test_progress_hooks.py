"""kg.progress (issue #17): how a stage reports, and the plain renderers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.progress import (
    SILENT,
    Lines,
    Progress,
    Step,
    clock_time,
    counted,
    duration,
    renderer,
    stage,
)


class Recorder:
    """A renderer that keeps every call, counting live (as a bar does)."""

    live = True

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def start(self, label: str, total: int | None, unit: str) -> None:
        self.calls.append(("start", label, total, unit))

    def total(self, total: int, unit: str) -> None:
        self.calls.append(("total", total, unit))

    def advance(self, n: int) -> None:
        self.calls.append(("advance", n))

    def detail(self, text: str) -> None:
        self.calls.append(("detail", text))

    def end(self, message: str | None, seconds: float) -> None:
        self.calls.append(("end", message, seconds))

    def say(self, message: str) -> None:
        self.calls.append(("say", message))


def ticking(*times: float) -> Iterator[float]:
    return iter(times)


def test_a_stage_starts_counts_and_ends_with_what_it_did_and_its_time() -> None:
    shown = Recorder()
    clock = ticking(10.0, 12.5)
    with stage(shown, "parsing 3 pages", 3, "pages", clock=lambda: next(clock)) as step:
        step.advance()
        step.advance(2)
        step.detail("page.txt")
        step.done("parsed 3 pages (7 records)")
    assert shown.calls == [
        ("start", "parsing 3 pages", 3, "pages"),
        ("advance", 1),
        ("advance", 2),
        ("detail", "page.txt"),
        ("end", "parsed 3 pages (7 records)", 2.5),
    ]


def test_a_stage_that_raises_ends_with_no_message_and_the_error_goes_on() -> None:
    shown = Recorder()
    with pytest.raises(KeyboardInterrupt):
        with stage(shown, "mapping", clock=lambda: 0.0):
            raise KeyboardInterrupt
    assert shown.calls == [("start", "mapping", None, ""), ("end", None, 0.0)]


def test_a_stage_not_told_what_it_did_ends_with_its_label() -> None:
    shown = Recorder()
    with stage(shown, "merging", clock=lambda: 0.0):
        pass
    assert shown.calls[-1] == ("end", "merging", 0.0)


def test_plain_lines_say_when_a_stage_starts_and_what_it_did_in_how_long() -> None:
    lines: list[str] = []
    clock = ticking(0.0, 3.21, 5.0, 65.0)
    shown = Lines(lines.append)
    with stage(shown, "parsing 1,234 pages", 1234, "pages", clock=lambda: next(clock)) as step:
        step.advance(1234)  # counts are for bars: a log gets them at the end
        step.detail("page.txt")
        step.done("parsed 1,234 pages (45,678 records)")
    with stage(shown, "mapping", clock=lambda: next(clock)) as step:
        step.done("mapped 10 papers to 100 triples")
    shown.say("validation: conforms")
    assert lines == [
        "parsing 1,234 pages",
        "parsed 1,234 pages (45,678 records) in 3.2 s",
        "mapping",
        "mapped 10 papers to 100 triples in 1 min 00 s",
        "validation: conforms",
    ]


def test_renderers_from_what_callers_pass() -> None:
    lines: list[str] = []
    assert renderer(None) is SILENT
    shown = Recorder()
    assert renderer(shown) is shown and isinstance(shown, Progress)
    old_hook = renderer(lines.append)  # the older hook: a function taking a line
    assert isinstance(old_hook, Lines)
    old_hook.start("parsing 5 pages", 5, "pages")
    assert lines == ["parsing 5 pages"]


def test_counted_advances_a_live_step_and_leaves_items_alone_otherwise() -> None:
    items = list(range(10_000))
    shown = Recorder()
    step = Step(shown)
    assert list(counted(items, step, every=4096)) == items
    assert shown.calls == [("advance", 4096), ("advance", 4096), ("advance", 1808)]
    assert counted(items, None) is items
    assert counted(items, Step(Lines(print))) is items  # plain lines need no counting


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0.04, "0.0 s"), (3.21, "3.2 s"), (59.94, "59.9 s"), (59.96, "1 min 00 s")]
    + [(131.3, "2 min 11 s"), (3725, "1 h 02 min")],
)
def test_durations(seconds: float, said: str) -> None:
    assert duration(seconds) == said


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (7.9, "0:07"), (754, "12:34"), (3723, "1:02:03")]
)
def test_clock_times(seconds: float, shown: str) -> None:
    assert clock_time(seconds) == shown


def test_counted_items_read_twice_are_whole_twice() -> None:
    # the Turtle writer once read its input twice: on a terminal it wrote prefixes alone
    items = list(range(5000))
    counting = counted(items, Step(Recorder()), every=4096)
    assert list(counting) == items and list(counting) == items


def test_exports_written_under_a_live_bar_are_the_quiet_ones(tmp_path: Path) -> None:
    from kg.export.files import load_context, prefixes_for, write_exports
    from kg.export.formats import FORMATS
    from kg.pipeline import build_from_paths
    from kg.resources import ONTOLOGY_DIR, SEEDS_DIR

    graph = build_from_paths([SEEDS_DIR], Settings()).graph
    pairs, union = list(graph.pairs), list(graph.union)
    args = (prefixes_for(Settings().base_iri), load_context(ONTOLOGY_DIR), FORMATS)
    quiet, live = tmp_path / "quiet", tmp_path / "live"
    quiet.mkdir(), live.mkdir()
    write_exports(pairs, union, quiet, *args)
    write_exports(pairs, union, live, *args, step=Step(Recorder()))
    for fmt in FORMATS:
        assert (live / fmt.file_name).read_bytes() == (quiet / fmt.file_name).read_bytes()
