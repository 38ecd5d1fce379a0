"""Plain-text tables for a terminal (pure): the readable form of rows and records.

Every cell is made safe to print: a control character (an escape sequence, a bell, a
backspace) or a bidi control would act on the terminal instead of showing, so it is shown as
an escape such as ``\\x1b`` (issue #14). Data from a remote endpoint can carry anything.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence

# C0, DEL and C1 controls, and the bidi embeddings, overrides, isolates and marks that can
# reorder what a terminal shows ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """The text with every control character shown as an escape, never acted on."""
    return _UNSAFE.sub(_escape, text)


def terminal_text(text: str) -> str:
    """Output bound for a terminal: like ``safe``, but line ends and tabs still act."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in "\n\t" else _escape(m), text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], max_width: int | None = None
) -> str:
    """A left-aligned text table; the widest column shrinks to fit the terminal."""
    headers = [safe(h) for h in headers]
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    limit = max_width or shutil.get_terminal_size((160, 24)).columns
    while sum(widths) + 2 * (len(widths) - 1) > limit and max(widths) > 12:
        widest = widths.index(max(widths))
        widths[widest] -= 1

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(clip(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()

    lines = [fmt(list(headers)), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(r) for r in cells)
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return safe(", ".join(str(v) for v in value))
    return safe(" ".join(str(value).split()))
