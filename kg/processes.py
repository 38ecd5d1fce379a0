"""Worker processes that do not outlive the run that started them.

A build killed with SIGKILL cannot stop its workers; a worker that keeps filling a store
after its parent is gone holds memory and disk for nothing. On Linux each worker asks the
kernel to kill it when its parent dies; elsewhere it checks once at start.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.pool
import os
import signal
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int | None = None) -> None:
    """Pool initialiser: end this worker when the process that made it ends."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: no such call
        pass
    if parent is not None and os.getppid() != parent:  # it died before we asked
        os._exit(1)


def worker_pool(
    start_method: str,
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[object, ...] = (),
) -> multiprocessing.pool.Pool:
    """A pool whose workers end with the process that made it (see die_with_parent), each
    then running ``initializer(*initargs)`` (forked workers inherit the arguments unpickled)."""
    context = multiprocessing.get_context(start_method)
    setup = (os.getpid(), initializer, initargs)
    return context.Pool(workers, initializer=_start_worker, initargs=setup)


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[object, ...]
) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)
