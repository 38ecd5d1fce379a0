"""Publishing outputs whole: a file by an atomic rename, a folder by a swap in one step.

Every command that writes a folder (``kg build -o DIR``, ``kg report -o DIR``) goes through
here, so that at every instant a reader of DIR sees one whole output, the old or the new:

- ``output_lock`` lets one kg at a time write a target (a second one fails at once, naming
  the process that holds it); the lock dies with its process, so it never goes stale.
- ``staging_beside`` makes the staging folder with an unpredictable name (``mkdtemp``) in the
  target's own folder, so a pre-planted file or link cannot redirect what we write.
- ``swap_in`` exchanges staging and target with one ``renameat2(RENAME_EXCHANGE)`` where the
  kernel has it (Linux), else with two renames (a moment with no target, never a mix).
- ``claim`` refuses to replace a folder kg did not write: ours carry a marker file that lists
  what we wrote there; anything else in it is carried over to the new folder untouched.
- ``remove_leftovers`` deletes the staging folders of runs that were killed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import io
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import OutputError

MARKER = ".kg-output.json"
_STAGING = "kg-staging"
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


@dataclass(frozen=True)
class Claim:
    """What may be done with an existing target: the entries to carry over (not ours)."""

    carried: tuple[str, ...]


def resolved_target(folder: Path, what: str) -> Path:
    """The folder to replace, as an absolute path (a link to a folder is followed once,
    here: the user named it). Never the working folder or one that holds it: replacing
    that would pull the ground from under the user's shell."""
    target = folder.resolve()
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise OutputError(
            f"{folder} is the current folder or holds it; give the {what} a folder of its own"
        )
    return target


def lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.kg-lock"


@contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Hold the target's lock for the block; another holder makes this fail at once."""
    path = lock_path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: a link planted under the lock's name is refused, not followed
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot lock {target} ({path}): {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputError(
                f"{target} is being written by another kg run (process {holder}); "
                "wait for it to finish or write elsewhere"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (deleting a lock file races)


def staging_name_prefix(target: Path) -> str:
    return f".{target.name}.{_STAGING}-"


@contextmanager
def staging_beside(target: Path) -> Iterator[Path]:
    """A private folder in the target's folder (same file system, so the swap is a rename);
    removed whatever happens, unless it became the target."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=staging_name_prefix(target), dir=target.parent))
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700; outputs are ordinary
    except OSError as exc:
        raise OutputError(f"cannot write to {target.parent}: {exc.strerror or exc}") from exc
    try:
        yield staging
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        remove(staging)


def remove_leftovers(target: Path) -> list[Path]:
    """Delete the staging folders that killed runs left beside ``target``. Call it only
    while holding the target's lock: then no live run owns one."""
    prefix = staging_name_prefix(target)
    try:
        found = sorted(p for p in target.parent.iterdir() if p.name.startswith(prefix))
    except OSError:
        return []
    for leftover in found:
        remove(leftover)
    return found


def remove(path: Path) -> None:
    """Delete a file, link or folder; a link is removed itself, never what it points to."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def claim(
    target: Path,
    writes: Iterable[str],
    what: str,
    unmarked_ok: Callable[[Path], bool] = lambda _: False,
) -> Claim:
    """Check that ``target`` is ours to replace: missing, empty, or marked by an earlier run,
    or unmarked but passing ``unmarked_ok`` (a folder kg wrote before markers existed).
    Entries we did not write are carried over, unless the new output needs their name."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputError(f"{target} is not a folder; give a folder for the {what}")
    if not target.exists():
        return Claim(())
    try:
        entries = sorted(p.name for p in target.iterdir())
    except OSError as exc:
        raise OutputError(f"cannot read {target}: {exc.strerror or exc}") from exc
    names = set(writes) | {MARKER}
    ours = marked_entries(target)
    if ours is None and entries:
        if not unmarked_ok(target):
            raise OutputError(
                f"{target} is not empty and was not written by kg ({_few(entries)}); "
                f"choose a new or empty folder for the {what}"
            )
        ours = set(entries) & names
    ours = ours or set()
    carried = tuple(name for name in entries if name not in ours and name != MARKER)
    clashes = [name for name in carried if name in names]
    if clashes:
        raise OutputError(
            f"{target} holds {_few(clashes)}, which kg did not write there and would "
            "replace; move it away first"
        )
    return Claim(carried)


def marked_entries(folder: Path) -> set[str] | None:
    """The names a marked folder says kg wrote; None when it carries no (readable) marker."""
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return {str(name) for name in data["wrote"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def mark(staging: Path, generator: str) -> None:
    """Record what the staging folder holds, so a later run knows what is ours."""
    wrote = sorted(p.name for p in staging.iterdir() if p.name != MARKER)
    text = json.dumps({"generator": generator, "wrote": wrote}, indent=1) + "\n"
    (staging / MARKER).write_text(text, encoding="utf-8")


def carry_over(claimed: Claim, target: Path, staging: Path) -> None:
    """Move what the old target held that was not ours into the new one (one rename each)."""
    for name in claimed.carried:
        os.rename(target / name, staging / name)


def swap_in(staging: Path, target: Path) -> None:
    """Make ``staging`` the ``target``; what was the target is deleted afterwards."""
    try:
        if not os.path.lexists(target):
            os.rename(staging, target)
            return
        if _exchange(staging, target):
            remove(staging)  # the old output, now under the staging name
            return
        old = Path(tempfile.mkdtemp(prefix=staging_name_prefix(target), dir=target.parent))
        os.rename(target, old / "old")
        os.rename(staging, target)
        remove(old)
    except OSError as exc:
        raise OutputError(f"cannot replace {target}: {exc.strerror or exc}") from exc


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def write_atomic(path: Path, data: str | bytes) -> None:
    write_atomic_chunks(path, [data])


def write_atomic_chunks(path: Path, chunks: Iterable[str | bytes]) -> None:
    """Write the chunks as one file, atomically (a temporary file beside it, fsync, then a
    rename over it): an interrupted run leaves the previous file whole. Text is encoded as
    UTF-8 chunk by chunk, so a big export never exists whole in memory."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _few(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_pickled(path: Path, allowed: Mapping[tuple[str, str], type]) -> object | None:
    """What an earlier run pickled at ``path`` (a cache in an output folder), built from
    the ``allowed`` (module, name) types only: a crafted file cannot run code. None when
    there is no such file or it cannot be read: a cache is never worth an error."""
    try:
        data = path.read_bytes()
        found: object = _Unpickler(io.BytesIO(data), allowed).load()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None
    return found


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, allowed: Mapping[tuple[str, str], type]) -> None:
        super().__init__(file)
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} may not be unpickled here")
        return found
