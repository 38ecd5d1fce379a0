"""Progress of the long stages (issue #17): what a stage reports, and the plain renderers.

The pipeline runs each stage inside ``stage(progress, "parsing 5 pages", total=5,
unit="pages")``, which yields a ``Step``. The stage's code calls ``step.advance(n)`` as units
finish (``step.total(n, unit)`` once it knows how many there are, ``step.detail(text)`` to say
what it is on), and ends with ``step.done("parsed 5 pages (89 records)")``; the renderer adds
the time the stage took. A lower layer takes a ``Step`` (or None) and never knows how it is
shown, so it needs no terminal library.

Renderers (``Progress``): ``Silent`` (``--quiet``, the benchmark, the tests), ``Lines`` (a line
when a stage starts and one when it ends, for a log: stderr is not a terminal) and, in the
command line, a bar on a terminal (``kg.cli.progress``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Protocol, TypeVar, runtime_checkable

T = TypeVar("T")


@runtime_checkable
class Progress(Protocol):
    """What the user is shown of the stages, which run one at a time."""

    @property
    def live(self) -> bool:
        """Whether counts show while a stage runs (a bar): only then are they worth counting
        line by line."""
        ...

    def start(self, label: str, total: int | None, unit: str) -> None:
        """A stage begins: ``label`` says what it does ("parsing 5 pages"); ``total`` units,
        when known."""
        ...

    def total(self, total: int, unit: str) -> None:
        """The stage now knows how many units it has."""
        ...

    def advance(self, n: int) -> None: ...

    def detail(self, text: str) -> None:
        """What the stage is on now (a file name), or "" for nothing in particular."""
        ...

    def end(self, message: str | None, seconds: float) -> None:
        """The stage ended after ``seconds``: ``message`` says what it did, past tense; None
        when it failed or was interrupted."""
        ...

    def say(self, message: str) -> None:
        """A line of its own, between stages (a result, a note)."""
        ...


class Silent:
    """Shows nothing."""

    live = False

    def start(self, label: str, total: int | None, unit: str) -> None:
        pass

    def total(self, total: int, unit: str) -> None:
        pass

    def advance(self, n: int) -> None:
        pass

    def detail(self, text: str) -> None:
        pass

    def end(self, message: str | None, seconds: float) -> None:
        pass

    def say(self, message: str) -> None:
        pass


class Lines(Silent):
    """One line when a stage starts and one, with its time, when it ends: what a log needs
    (what is running now, what each stage did and took), with no control characters."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    def start(self, label: str, total: int | None, unit: str) -> None:
        self.write(label)

    def end(self, message: str | None, seconds: float) -> None:
        if message is not None:
            self.write(f"{message} in {duration(seconds)}")

    def say(self, message: str) -> None:
        self.write(message)


SILENT = Silent()


def renderer(progress: Progress | Callable[[str], None] | None) -> Progress:
    """A renderer from what a caller passed: one, a function taking lines (the older
    ``progress`` hook: it hears plain ``Lines``), or None (``Silent``)."""
    if progress is None:
        return SILENT
    if isinstance(progress, Progress):
        return progress
    return Lines(progress)


class Step:
    """The running stage, as its code sees it."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self.message: str | None = None

    @property
    def live(self) -> bool:
        return self._progress.live

    def advance(self, n: int = 1) -> None:
        self._progress.advance(n)

    def total(self, total: int, unit: str) -> None:
        self._progress.total(total, unit)

    def detail(self, text: str) -> None:
        self._progress.detail(text)

    def done(self, message: str) -> None:
        """What the stage did, told when it ends ("parsed 5 pages (89 records)")."""
        self.message = message


@contextmanager
def stage(
    progress: Progress | None,
    label: str,
    total: int | None = None,
    unit: str = "",
    clock: Callable[[], float] = time.perf_counter,
) -> Iterator[Step]:
    """Run a stage under ``progress``: started with ``label``, ended with what the block
    passed to ``Step.done`` (else the label) and the time it took; a block that raises
    (Ctrl-C too) ends the stage with no message before the error goes on."""
    shown = progress or SILENT
    started = clock()
    shown.start(label, total, unit)
    step = Step(shown)
    try:
        yield step
    except BaseException:
        shown.end(None, clock() - started)
        raise
    shown.end(step.message if step.message is not None else label, clock() - started)


def counted(items: Iterable[T], step: Step | None, every: int = 4096) -> Iterable[T]:
    """The items, advancing ``step`` by each ``every`` of them as they are taken (about 40 ns
    an item); with no live step, the items themselves, at no cost."""
    if step is None or not step.live:
        return items
    return _Counting(items, step, every)


class _Counting(Iterable[T]):
    """Counted items that can be read again, as the items themselves can: a writer that
    reads its input twice must see it whole both times (a generator here once gave a
    graph.ttl of prefixes alone, on a terminal only)."""

    def __init__(self, items: Iterable[T], step: Step, every: int) -> None:
        self.items, self.step, self.every = items, step, every

    def __iter__(self) -> Iterator[T]:
        iterator = iter(self.items)
        while batch := list(islice(iterator, self.every)):
            yield from batch
            self.step.advance(len(batch))


def duration(seconds: float) -> str:
    """``0.4 s``, ``12.3 s``, ``2 min 05 s``, ``1 h 02 min``: how long a stage took."""
    if seconds < 59.95:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def clock_time(seconds: float) -> str:
    """``0:07``, ``12:34``, ``1:02:03``: elapsed or remaining time on a bar."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
