"""Settings, resolved once: flag, then ``KG_*`` environment, then ``[tool.kg]``, then defaults."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kg.errors import UsageError

# The seeds were captured in 2026; pages print "May 18" without a year. A fixed default keeps
# output byte-identical from one day to the next; pass --capture-date for other captures.
DEFAULT_CAPTURE_DATE = date(2026, 11, 24)
DEFAULT_BASE_IRI = "https://kg.example.org/"


@dataclass(frozen=True)
class Settings:
    capture_date: date = DEFAULT_CAPTURE_DATE
    base_iri: str = DEFAULT_BASE_IRI
    out_dir: Path = Path("out")
    seeds_dir: Path | None = None  # None: ./seeds if there is one, else the bundled seeds
    # an arXiv metadata snapshot (JSON lines, plain or .gz) to link the papers to (issue #19)
    arxiv_metadata: Path | None = None


def parse_capture_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"capture date must be YYYY-MM-DD, got {text!r}") from exc


def check_base_iri(text: str) -> str:
    problem = ""
    if not (text.startswith(("http://", "https://", "urn:")) and text[-1] in "/#:"):
        problem = "must be absolute and end in '/', '#' or ':'"
    else:
        import pyoxigraph as ox  # here, not at the top: `kg --help` must stay cheap

        try:  # every IRI the graph mints starts with it: check it once, as RDF parsers will
            ox.NamedNode(text + "x")
        except ValueError as exc:
            problem = f"is not a valid IRI ({exc})"
    if problem:
        raise UsageError(f"base IRI {problem} (got {text!r}); for example https://kg.example.org/")
    return text


_CONVERT: dict[str, Callable[[str], Any]] = {
    "capture_date": parse_capture_date,
    "base_iri": check_base_iri,
    "out_dir": Path,
    "seeds_dir": Path,
    "arxiv_metadata": Path,
}


def _from_pyproject(start: Path) -> dict[str, Any]:
    """``[tool.kg]`` of the nearest pyproject.toml, checked: a broken file or a wrong key is
    a usage error naming the file and the key, never a traceback."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return _kg_table(candidate)
    return {}


def _kg_table(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc}); fix or remove [tool.kg]") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    tool = document.get("tool", {})
    table = tool.get("kg", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.kg] must be a table of settings")
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            allowed = ", ".join(sorted(n.replace("_", "-") for n in known))
            raise UsageError(f"{path}: unknown key {key!r} in [tool.kg] (known: {allowed})")
        if name == "capture_date" and isinstance(value, date) and not isinstance(value, datetime):
            value = value.isoformat()  # TOML's own date literal: capture-date = 2026-11-24
        if not isinstance(value, str):
            raise UsageError(
                f"{path}: [tool.kg] {key} must be a string, got {type(value).__name__} {value!r}"
            )
        values[name] = _converted(name, value, f"{path}: [tool.kg] {key}")
    return values


def _converted(name: str, value: str, where: str) -> Any:
    try:
        return _CONVERT[name](value)
    except UsageError as exc:
        raise UsageError(f"{where}: {exc.message}") from exc


def resolve(flags: dict[str, Any], cwd: Path | None = None) -> Settings:
    """Merge the four layers; flags left as None fall through to the next layer. Each
    layer's values are checked where they come from, so an error names the file or
    variable to fix."""
    environment = {
        f.name: _converted(f.name, os.environ[f"KG_{f.name.upper()}"], f"KG_{f.name.upper()}")
        for f in fields(Settings)
        if f"KG_{f.name.upper()}" in os.environ and f.name in _CONVERT
    }
    given = {
        name: _CONVERT[name](value) if isinstance(value, str) else value
        for name, value in flags.items()
        if value is not None and name in _CONVERT
    }
    layers = {**_from_pyproject(cwd or Path.cwd()), **environment, **given}
    return replace(Settings(), **layers)
