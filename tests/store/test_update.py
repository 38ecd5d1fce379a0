"""Updating the embedded store by difference (issue #17): the old store with the merge of
two sorted graph.nq files applied holds exactly the new file's quads, and the old store
stays as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.store.embedded import load_file, write_store
from kg.store.update import difference, update_store


def quads_of(path: Path) -> set[str]:
    return {str(q) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)}


def stored(path: Path) -> set[str]:
    store = ox.Store.read_only(str(path))
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[Path, Path]:
    """graph.nq of the seeds without their last page, and of all of them."""
    from kg.config import Settings
    from kg.pipeline import build

    root = tmp_path_factory.mktemp("builds")
    fewer = root / "fewer-pages"
    fewer.mkdir()
    for page in sorted(seeds_dir.glob("*.txt"))[:-1]:
        shutil.copy(page, fewer)
    outs = []
    for name, pages in (("old", fewer), ("new", seeds_dir)):
        out = root / name
        build([pages], Settings(out_dir=out), validate=False)
        outs.append(out / "graph.nq")
    return outs[0], outs[1]


def test_the_difference_is_what_one_file_has_and_the_other_lacks(
    two_builds: tuple[Path, Path],
) -> None:
    old, new = two_builds
    change = difference(old, new)
    assert change is not None
    removed = quads_of_lines(change.removed)
    added = quads_of_lines(change.added)
    assert removed == quads_of(old) - quads_of(new)
    assert added == quads_of(new) - quads_of(old)
    assert added and removed  # a new page graph, and changed counts in the statistics
    assert change.old_lines == len(quads_of(old))
    same = difference(new, new)
    assert same is not None and same.removed == same.added == ()
    assert difference(old, new, limit=len(change.added) - 1) is None  # too many: load whole


def quads_of_lines(lines: tuple[str, ...]) -> set[str]:
    return {str(q) for q in ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS)}


def test_the_updated_store_holds_the_new_quads_and_the_old_is_untouched(
    two_builds: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = two_builds
    write_store(tmp_path / "old", old)
    change = difference(old, new)
    assert change is not None
    update_store(tmp_path / "new", tmp_path / "old", change)
    assert stored(tmp_path / "new") == quads_of(new)
    assert stored(tmp_path / "old") == quads_of(old)


def test_a_store_that_is_not_its_file_is_refused(
    two_builds: tuple[Path, Path], tmp_path: Path
) -> None:
    """Changed since (kg query --allow-update): the caller must load the file whole."""
    old, new = two_builds
    write_store(tmp_path / "old", old)
    store = ox.Store(str(tmp_path / "old"))
    store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o")))
    del store
    change = difference(old, new)
    assert change is not None
    with pytest.raises(StoreError, match="not the graph.nq"):
        update_store(tmp_path / "new", tmp_path / "old", change)
    assert not (tmp_path / "new").exists()


def test_a_store_loaded_in_parts_holds_every_quad(
    two_builds: tuple[Path, Path], tmp_path: Path
) -> None:
    # Oxigraph's bulk loader holds what one call gets: the build hands it bounded parts
    _, nquads = two_builds
    whole, parts = ox.Store(str(tmp_path / "whole")), ox.Store(str(tmp_path / "parts"))
    load_file(whole, nquads, ox.RdfFormat.N_QUADS, lines=10**9)
    load_file(parts, nquads, ox.RdfFormat.N_QUADS, lines=7)
    every = {str(q) for q in parts.quads_for_pattern(None, None, None, None)}
    assert every == {str(q) for q in whole.quads_for_pattern(None, None, None, None)}
    assert every == quads_of(nquads) and len(every) > 1000
