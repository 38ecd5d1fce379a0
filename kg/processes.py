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
from typing import TypeVar, cast

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


R = TypeVar("R")


class ProcessDied(RuntimeError):
    """A forked process ended without an answer (killed, or out of memory)."""


def run_forked(task: Callable[[], R]) -> R:
    """``task()`` in a forked child, its answer (or the exception it raised) sent back
    pickled. What the child allocates goes back to the system when it ends, which a process
    cannot do for itself (a Python heap stays fragmented). The child is no pool worker, so
    it may start workers of its own; it dies with its parent. Runs here where there is no
    fork."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return task()
    receive, send = context.Pipe(duplex=False)
    parent = os.getpid()

    def child() -> None:
        die_with_parent(parent)
        try:
            answer: tuple[bool, object] = (True, task())
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            answer = (False, exc)
        try:
            send.send(answer)
        except Exception as exc:  # an answer that does not pickle
            send.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        send.close()

    process = context.Process(target=child)
    process.start()
    send.close()
    try:
        ok, value = receive.recv()
    except EOFError:
        process.join()
        raise ProcessDied(f"a build process ended with exit code {process.exitcode}") from None
    except BaseException:  # interrupted here: the child must not go on alone
        process.terminate()
        process.join()
        raise
    finally:
        receive.close()
    process.join()
    if ok:
        return cast(R, value)
    assert isinstance(value, BaseException)
    raise value
