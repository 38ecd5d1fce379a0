"""Plain-text tables for a terminal (pure): the readable form of rows and records."""

from __future__ import annotations

import shutil
from collections.abc import Sequence


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], max_width: int | None = None
) -> str:
    """A left-aligned text table; the widest column shrinks to fit the terminal."""
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
        return ", ".join(str(v) for v in value)
    return " ".join(str(value).split())
