"""How the long commands show progress on stderr (issue #17): a bar on a terminal, plain
stage lines otherwise, nothing with ``--quiet``.

The stages report through ``kg.progress``; this module only renders. On a terminal each stage
is one line redrawn in place by click's progress bar (counts, percentage, elapsed time and an
estimate of the time left, or a spinner and the elapsed time while the stage cannot count),
replaced when the stage ends by the line a log would get: ``kg: parsed 5 pages (89 records)
in 0.1 s``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click

from kg.cli.common import progress
from kg.progress import SILENT, Lines, Progress, clock_time, duration

F = TypeVar("F", bound=Callable[..., Any])

PREFIX = "kg: "
SPINNER = "-\\|/"
TICK = 0.25  # seconds between redraws (the spinner and the clocks move even when no count does)
ETA_AFTER = 1.0  # seconds of a stage before its rate is trusted for an estimate
CLEAR_LINE = "\r\033[K"
SHOW_CURSOR = "\033[?25h"  # click hides the cursor while a bar is drawn
WITH_BAR = "%(label)s  [%(bar)s]  %(info)s"
WITHOUT_BAR = "%(label)s  %(info)s"
MIN_BAR, MAX_BAR = 10, 30  # characters between the brackets
INFO_ROOM = 40  # characters kept for the counts and clocks after the bar
KEPT = 3  # the ranks of info (see Bar._bits) worth cutting the label for
MIN_LABEL = 16  # characters of the label kept however narrow the terminal


def quiet_option(func: F) -> F:
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="No progress and no summary on stderr; diagnostics and errors still show.",
    )(func)


def stderr_is_terminal() -> bool:
    """Whether a person watches stderr on a terminal that can redraw a line."""
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


def progress_for(quiet: bool) -> Progress:
    """The renderer for a command: nothing when quiet, a bar on a terminal, else lines."""
    if quiet:
        return SILENT
    if stderr_is_terminal():
        return Bar(sys.stderr)
    return Lines(progress)


def bar_for(quiet: bool) -> Progress:
    """For a command of one long stage whose summary line is its log: a bar on a terminal,
    else nothing."""
    return Bar(sys.stderr) if not quiet and stderr_is_terminal() else SILENT


class Bar:
    """Each stage as a bar (click.progressbar) redrawn in place on ``stream``, which must be a
    terminal; a thread redraws it every ``TICK`` so the clocks move while nothing is counted.
    The lock keeps that thread and the stage from writing at once, and is held across a
    fork, so a forked worker never starts with the stream's lock taken."""

    live = True

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self._lock = threading.Lock()
        self._bar: Any = None  # click's ProgressBar of the running stage
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self._label = ""
        self._total: int | None = None
        self._unit = ""
        self._detail = ""
        self._pos = 0
        self._started = 0.0
        self._shown = ""  # the info part of the line, as fitted
        self._first: tuple[float, int] | None = None  # when the first units came, and how many

    # -- Progress ---------------------------------------------------------------------------

    def start(self, label: str, total: int | None, unit: str) -> None:
        with self._lock:
            self._label, self._unit, self._detail = label, unit, ""
            self._pos, self._started, self._first = 0, self.clock(), None
            self._new_bar(total)
            self._draw()
        self._stop.clear()
        _guard_forks(self)
        self._ticker = threading.Thread(target=self._tick, name="kg-progress", daemon=True)
        self._ticker.start()

    def total(self, total: int, unit: str) -> None:
        with self._lock:
            self._unit = unit
            self._new_bar(total)
            self._draw()

    def advance(self, n: int) -> None:
        with self._lock:
            self._pos += n
            if self._first is None:
                self._first = (self.clock(), self._pos)

    def detail(self, text: str) -> None:
        with self._lock:
            self._detail = text
            self._draw()

    def end(self, message: str | None, seconds: float) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
            _RUNNING.remove(self)
        with self._lock:
            self._bar = None
            if message is None:  # an error follows: keep the bar where it stopped
                self._write(f"{SHOW_CURSOR}\n")
            else:
                self._write(f"{CLEAR_LINE}{SHOW_CURSOR}{PREFIX}{message} in {duration(seconds)}\n")

    def say(self, message: str) -> None:
        with self._lock:
            self._write(f"{CLEAR_LINE}{PREFIX}{message}\n")
            self._draw()

    # -- drawing ----------------------------------------------------------------------------

    def _new_bar(self, total: int | None) -> None:
        self._total = total
        if self._bar is not None:
            self._write(CLEAR_LINE)  # the new line may be shorter than the old
        self._bar = click.progressbar(
            length=total or 1,
            label=PREFIX + self._label,
            file=self.stream,
            bar_template=WITH_BAR if total else WITHOUT_BAR,
            show_eta=False,  # ours is in the info: click's restarts its clock at each total
            show_percent=False,
            show_pos=False,
            item_show_func=lambda _: self._shown,
            width=MIN_BAR,  # set again at each draw, to what the terminal leaves room for
        )

    def _bits(self) -> list[tuple[int, str]]:
        """What the line tells after the bar, in order, each with its rank: the lower ranks
        go first when the terminal is too narrow. Once every unit is counted, what the stage
        still does (its detail: "waiting for the store") outranks the count."""
        elapsed = self.clock() - self._started
        detail = 0
        if not self._total:
            spinner = SPINNER[int(elapsed / TICK) % len(SPINNER)]
            bits = [(4, spinner), (3, clock_time(elapsed))]
        else:
            pos = min(self._pos, self._total)
            counted = pos >= self._total
            bits = [(2 if counted else 5, f"{pos:,}/{self._total:,} {self._unit}".rstrip())]
            bits += [
                (1, f"{100 * pos // self._total}%"),
                (3 if counted else 2, clock_time(elapsed)),
            ]
            if (left := self._left(pos)) is not None:
                bits.append((3, f"{clock_time(left)} left"))
            detail = 4 if counted else 0
        return bits + [(detail, self._detail)] if self._detail else bits

    def _left(self, pos: int) -> float | None:
        """Seconds left at the rate since the first units came (a stage may wait before it
        counts: the store it fills first, the plan of the checks), once that rate has run
        for ``ETA_AFTER``."""
        if self._first is None or not self._total or pos >= self._total:
            return None
        since, first = self._first
        counting = self.clock() - since
        if counting < ETA_AFTER or pos <= first:
            return None
        return counting * (self._total - pos) / (pos - first)

    def _fit(self) -> None:
        """Label, bar and info that fit on one line of the terminal (a line that wraps cannot
        be redrawn in place). The bar's width is set by the label alone, so it holds still
        while the counts grow. What does not fit goes: the detail, the percentage and the
        clock first; then the label is cut (to a width that holds still too) before the
        counts and the estimate go."""
        room = self._columns() - 1  # the last column: some terminals wrap as it fills
        label, bits = PREFIX + self._label, self._bits()
        if self._total:
            frame = len(WITH_BAR % {"label": "", "bar": "", "info": ""})
            width = max(MIN_BAR, min(MAX_BAR, room - len(label) - frame - INFO_ROOM))
        else:
            frame, width = len(WITHOUT_BAR % {"label": "", "info": ""}), 0
        if self._total and self._pos < self._total:  # the widest the count gets: a still label
            kept = len(f"{self._total:,}/{self._total:,} {self._unit}  00:00 left")
        else:
            kept = len(_joined([bit for bit in bits if bit[0] >= KEPT]))
        while (
            bits and min(bits)[0] < KEPT and len(label) + frame + width + len(_joined(bits)) > room
        ):
            bits.remove(min(bits))
        if len(label) + frame + width + len(_joined(bits)) > room:
            label = label[: max(MIN_LABEL, room - frame - width - kept - 1)] + "…"
        while len(bits) > 1 and len(label) + frame + width + len(_joined(bits)) > room:
            bits.remove(min(bits))
        self._shown = _joined(bits)
        self._bar.label = label
        self._bar.width = max(width, 1)

    def _columns(self) -> int:
        try:
            return int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            pass
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            return 80

    def _draw(self) -> None:
        """Redraw the running bar (with the lock held)."""
        bar = self._bar
        if bar is None:
            return
        self._fit()
        moved = min(self._pos, self._total or 0) - bar.pos
        if moved > 0:
            bar.update(moved)  # draws
        else:
            bar.render_progress()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                self._draw()

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def _joined(bits: list[tuple[int, str]]) -> str:
    return "  ".join(text for _, text in bits)


# A fork while the ticker thread writes would give the worker (kg forks its parse and
# validation workers) a stream whose lock is held forever: a fork waits for the bar.
_RUNNING: list[Bar] = []
_fork_guarded = False


def _guard_forks(bar: Bar) -> None:
    global _fork_guarded
    _RUNNING.append(bar)
    if not _fork_guarded and hasattr(os, "register_at_fork"):
        os.register_at_fork(before=_hold, after_in_parent=_release, after_in_child=_release)
        _fork_guarded = True


def _hold() -> None:
    for bar in _RUNNING:
        bar._lock.acquire()


def _release() -> None:
    for bar in reversed(_RUNNING):
        bar._lock.release()
