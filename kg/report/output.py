"""Writing the site: file by file into a staging folder, then swapped in whole (issue #21).

Pages are written as they are rendered, so the site is never held in memory. A file whose
bytes are the same as the previous report's is not written again: the old file is linked
into the new folder (same inode, same modification time), so after a build that changed a
few pages only those pages are new files, and tools that look at times or inodes (rsync, a
web server's cache) see only them change. The folder is still replaced in one step
(``kg.publish``): an interrupted run leaves the previous report whole, and files the new
report no longer has are gone with the old folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.errors import OutputError
from kg.heap import release_freed_memory
from kg.publish import output_lock, remove_leftovers, staging_beside, swap_in

# O_EXCL|O_NOFOLLOW: never write through a link, never over a file (each path once)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20
# files between two hand-backs of freed memory: pages come and go in a heap the store's
# reading left fragmented, and glibc keeps what they touched (measured at 100 k papers:
# 150 MB more by the end of the person pages without)
TRIM_EVERY = 5_000


@dataclass
class Counts:
    files: int = 0
    bytes: int = 0
    changed: int = 0  # written anew: not in the previous report, or different there
    removed: int = 0  # in the previous report, not in this one


class SiteWriter:
    """Writes files under ``staging``; reuses ``previous``'s file when the bytes match."""

    def __init__(self, staging: Path, previous: Path | None) -> None:
        self.staging = staging
        self.previous = previous if previous is not None and previous.is_dir() else None
        self.counts = Counts()
        self._folders: set[str] = {""}
        self._finished = False

    def write(self, relative: str, data: str | bytes) -> None:
        """One file of the site (``relative`` to its root, ``/``-separated)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        target = self._target(relative)
        self.counts.files += 1
        self.counts.bytes += len(raw)
        old = self._old(relative, len(raw))
        if old is not None and _same(old, raw) and _link(old, target):
            return
        self.counts.changed += 1
        with os.fdopen(os.open(target, _CREATE, 0o666), "wb") as handle:
            handle.write(raw)

    def write_chunks(self, relative: str, chunks: Iterable[str | bytes]) -> None:
        """A large file, written as it comes; the previous one is kept if it is the same."""
        target = self._target(relative)
        size = 0
        with os.fdopen(os.open(target, _CREATE, 0o666), "wb") as handle:
            for chunk in chunks:
                raw = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                handle.write(raw)
                size += len(raw)
        self.counts.files += 1
        self.counts.bytes += size
        old = self._old(relative, size)
        if old is not None and _same_files(old, target):
            spare = target.with_name(f".{target.name}.old")
            if _link(old, spare):
                os.replace(spare, target)
                return
        self.counts.changed += 1

    def write_file(self, relative: str, data: str | bytes | Iterable[str | bytes]) -> None:
        """A file from a renderer: text or bytes whole, else chunks (a large ``.bib``)."""
        if isinstance(data, str | bytes):
            self.write(relative, data)
        else:
            self.write_chunks(relative, data)
        if self.counts.files % TRIM_EVERY == 0:
            release_freed_memory()

    def add(self, other: Counts) -> None:
        """Count what another writer (a worker's, into the same folder) wrote."""
        self.counts.files += other.files
        self.counts.bytes += other.bytes
        self.counts.changed += other.changed

    def finish(self) -> Counts:
        """Count the previous report's files this one does not have (once)."""
        if self.previous is not None and not self._finished:
            self._finished = True
            for relative in _files(self.previous):
                if not os.path.lexists(self.staging / relative):
                    self.counts.removed += 1
        return self.counts

    def _target(self, relative: str) -> Path:
        folder, _, _ = relative.rpartition("/")
        if folder not in self._folders:
            (self.staging / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return self.staging / relative

    def _old(self, relative: str, size: int) -> Path | None:
        if self.previous is None:
            return None
        old = self.previous / relative
        try:
            info = os.lstat(old)
        except OSError:
            return None
        return old if stat.S_ISREG(info.st_mode) and info.st_size == size else None


def _same(old: Path, data: bytes) -> bool:
    try:
        with open(old, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def _same_files(old: Path, new: Path) -> bool:
    try:
        with open(old, "rb") as a, open(new, "rb") as b:
            while True:
                left, right = a.read(_CHUNK), b.read(_CHUNK)
                if left != right:
                    return False
                if not left:
                    return True
    except OSError:
        return False


def _link(old: Path, target: Path) -> bool:
    """Give the old file a second name in the new folder; False where that cannot be done
    (another file system, no hard links): the caller writes the bytes instead."""
    try:
        os.link(old, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def _files(root: Path) -> Iterator[str]:
    """Relative paths of the regular files and links under ``root``."""
    for folder, _, names in os.walk(root):
        base = os.path.relpath(folder, root)
        for name in names:
            yield name if base == "." else f"{base}/{name}"


@contextmanager
def publishing(folder: Path, before_swap: Callable[[], None] | None = None) -> Iterator[SiteWriter]:
    """A writer into a private staging folder beside ``folder`` (an unpredictable name,
    links never followed), swapped into place in one step when the block ends normally;
    the previous report in ``folder`` is where unchanged files are linked from."""
    with output_lock(folder):
        remove_leftovers(folder)
        with staging_beside(folder) as staging:
            writer = SiteWriter(staging, folder)
            try:
                yield writer
            except FileExistsError as exc:  # a path written twice: a bug, said plainly
                raise OutputError(f"the report wrote {exc.filename} twice") from exc
            writer.finish()
            if before_swap:
                before_swap()
            swap_in(staging, folder)
