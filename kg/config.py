"""Settings, resolved once: flag, then ``KG_*`` environment, then ``[tool.kg]``, then defaults."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

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
    seeds_dir: Path = Path("seeds")


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
}


def _from_pyproject(start: Path) -> dict[str, Any]:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            with candidate.open("rb") as handle:
                table = tomllib.load(handle).get("tool", {}).get("kg", {})
            return {k.replace("-", "_"): v for k, v in table.items()}
    return {}


def resolve(flags: dict[str, Any], cwd: Path | None = None) -> Settings:
    """Merge the four layers; flags left as None fall through to the next layer."""
    settings = Settings()
    layers: list[dict[str, Any]] = [
        _from_pyproject(cwd or Path.cwd()),
        {
            f.name: os.environ[f"KG_{f.name.upper()}"]
            for f in fields(Settings)
            if f"KG_{f.name.upper()}" in os.environ
        },
        {k: v for k, v in flags.items() if v is not None},
    ]
    for layer in layers:
        for name, value in layer.items():
            if name in _CONVERT:
                converted: Any = value if not isinstance(value, str) else _CONVERT[name](value)
                settings = replace(settings, **{name: converted})
    return settings
