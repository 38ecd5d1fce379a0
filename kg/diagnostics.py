"""Diagnostics: one finding about one place in one input file."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # something was skipped
    WARNING = "warning"  # read, but doubtful

    def __reduce_ex__(self, protocol: object) -> tuple[type[Severity], tuple[str]]:
        # Pickled by value (a build's cache): some Python 3.11 releases pickle a member
        # through builtins.getattr, which the cache's safe unpickler must not allow.
        return type(self), (self.value,)


@dataclass(frozen=True, order=True)
class Diagnostic:
    source: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.severity.value}: {self.message}"


def error(source: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(source, line, Severity.ERROR, message)


def warning(source: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(source, line, Severity.WARNING, message)


def anything_skipped(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
