"""What one build leaves for the next (issue #17): the fingerprint of everything a build's
output depends on, with the summary the build reported, so a build over the same pages with
the same kg and settings finds its output already there and does nothing.

The fingerprint covers the pages (name and SHA-256 of each), the settings that reach the
graph, whether it was validated, kg's version and its own code and data (a changed mapping
on the same version is another build). The record is pickled and read back by an unpickler
that builds only the types below: an output folder is not trusted to run code.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg import __version__
from kg.config import Settings
from kg.diagnostics import Diagnostic
from kg.diagnostics import Severity as DiagnosticSeverity
from kg.publish import read_pickled
from kg.resources import ONTOLOGY_DIR, SHAPES_DIR, files_digest
from kg.shacl.report import Report, Result
from kg.shacl.report import Severity as ResultSeverity

LAST_BUILD = "last-build.pickle"


@dataclass(frozen=True)
class LastBuild:
    fingerprint: str
    counts: dict[str, int]
    diagnostics: tuple[Diagnostic, ...]
    report: Report | None


def build_fingerprint(pages: Iterable[tuple[str, str]], settings: Settings, validate: bool) -> str:
    """The fingerprint of a build of ``pages`` ((name, SHA-256) pairs) with ``settings``."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(f"{settings.base_iri}\n{settings.capture_date}\n{validate}\n".encode())
    if settings.arxiv_metadata is not None:
        digest.update(f"arxiv\0{file_identity(settings.arxiv_metadata)}\n".encode())
    for source, sha256 in sorted(pages):
        digest.update(f"{source}\0{sha256}\n".encode())
    return digest.hexdigest()


def file_identity(path: Path) -> str:
    """A large input file known without reading it: its name, size and modification time.
    Hashing a 4.5 GB snapshot on every build would cost more than the build it may save;
    a copy with new bytes has a new size or time (the build hashes what it reads anyway)."""
    try:
        status = path.stat()
    except OSError:
        return f"{path.name}\0missing"  # the build itself says what is wrong with it
    return f"{path.name}\0{status.st_size}\0{status.st_mtime_ns}"


@cache
def code_fingerprint() -> str:
    """kg's version, and every file of its code and of the data a build reads."""
    package = Path(__file__).parent
    files = sorted(package.rglob("*.py")) + _files(ONTOLOGY_DIR) + _files(SHAPES_DIR)
    return files_digest(__version__, files)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(str(folder)).rglob("*") if p.is_file())


def read_last_build(folder: Path) -> LastBuild | None:
    """The record the build in ``folder`` left; None when there is none or it is unreadable."""
    found = read_pickled(folder / LAST_BUILD, _ALLOWED)
    return found if isinstance(found, LastBuild) else None


def last_build_bytes(record: LastBuild) -> bytes:
    return pickle.dumps(record, protocol=5)


_ALLOWED: dict[tuple[str, str], type] = {
    ("kg.rebuild", "LastBuild"): LastBuild,
    ("kg.diagnostics", "Diagnostic"): Diagnostic,
    ("kg.diagnostics", "Severity"): DiagnosticSeverity,
    ("kg.shacl.report", "Report"): Report,
    ("kg.shacl.report", "Result"): Result,
    ("kg.shacl.report", "Severity"): ResultSeverity,
}
