"""The Python heap during a build: pause the cyclic garbage collector while the stages
allocate, hand freed memory back to the system afterwards.

A build allocates tens of millions of long-lived strings, tuples and lists and frees almost
nothing cyclic. CPython's cyclic collector runs whenever container allocations pile up, and
every full pass walks the whole heap again: at 100 k papers that was a third of the map
stage (81 s with the collector, 55 s without; benchmarks/). Reference counting still frees
everything that is not in a cycle, so pausing the collector costs no memory in practice.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(stage: Callable[P, R]) -> Callable[P, R]:
    """Run ``stage`` with the cyclic collector paused (it is restored after, even when the
    stage raises; nested stages leave it to the outermost)."""

    @functools.wraps(stage)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return stage(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


def release_freed_memory() -> None:
    """Hand memory Python has freed back to the system (glibc keeps it otherwise), so the
    store process beside the build has it. Measured at 100k papers: see benchmarks/."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, looked up once: ``ctypes.util.find_library`` runs ``ldconfig``
    in a child process each time, a child that shares the parent's memory until it runs the
    program (a sampler of the processes' PSS then counts that memory twice)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        return None
