"""The data files kg ships: ``ontology/``, ``shapes/``, ``queries/`` and ``seeds/``.

The top-level folders of the source tree are the source of truth; ``kg/data/`` holds links
to them, which the wheel turns into copies. Everything reads them through
``importlib.resources``, so an installed ``kg`` works from any folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from kg.errors import KgError


def data_dir(name: str) -> Path:
    """The shipped data folder ``name`` as a real path (pyoxigraph and rdflib read paths)."""
    return package_path("data", name)


def package_path(*parts: str) -> Path:
    """A file or folder inside the installed package, as a real path."""
    folder = files("kg").joinpath(*parts)
    # kg is installed as files (a wheel or an editable checkout), never as a zip, so the
    # traversable is a real path; say so plainly if someone managed otherwise.
    if not isinstance(folder, Path):
        raise KgError(
            f"kg's bundled {'/'.join(parts)} is not on the file system ({folder}); reinstall kg"
        )
    return folder


ONTOLOGY_DIR = data_dir("ontology")
SHAPES_DIR = data_dir("shapes")
QUERIES_DIR = data_dir("queries")
SEEDS_DIR = data_dir("seeds")
REPORT_ASSETS_DIR = package_path("report", "assets")


def files_digest(seed: str, paths: Iterable[Path]) -> str:
    """SHA-256 of ``seed`` and of each file's name and bytes, in the order given: the
    fingerprint of the code or data a cache depends on (kg.read.cache, kg.rebuild)."""
    digest = hashlib.sha256(seed.encode())
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
