"""Citations of papers linked to arXiv records (issue #19): the arXiv id, the DOI, the
record's primary category and its full author list, in each format as its readers expect;
a paper no record links is cited exactly as without the link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from arxivcase import (
    DENSE,
    DENSE_AUTHORS,
    DENSE_LINK,
    TINY,
    TINY_LINK,
    UNLINKED,
    build_linked,
    write_pages,
)
from citereaders import (
    latex_to_text,
    read_bibtexparser,
    read_csl,
    read_pybtex,
    read_ris,
    render_csl,
)
from kgtest import run

from kg.export.formats import CITATION_NAMES

FORMATS = CITATION_NAMES  # every citation format kg export writes


@pytest.fixture(scope="module")
def outs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(linked, unlinked): the same pages built with and without the arXiv link."""
    pages = write_pages(tmp_path_factory.mktemp("arxiv-pages"))
    linked = build_linked(pages, tmp_path_factory.mktemp("linked") / "out")
    plain = build_linked(pages, tmp_path_factory.mktemp("plain") / "out", linking=None)
    return linked, plain


def export(out: Path, fmt: str, *args: str) -> tuple[str, str]:
    code, stdout, stderr = run("export", "--out", str(out), "--format", fmt, *args)
    assert code == 0, stderr
    return stdout, stderr


def chunks(fmt: str, text: str) -> list[str]:
    """The entries of an export, each as its text."""
    if fmt == "csl-json":
        return [json.dumps(item, ensure_ascii=False) for item in json.loads(text)]
    return [c for c in text.split("\n\n") if c.strip()]


def test_bibtex_cites_the_eprint_its_class_doi_and_every_author(outs: tuple[Path, Path]) -> None:
    text, _ = export(outs[0], "bibtex")
    parsed = {e.title: e for e in read_bibtexparser(text)}
    assert {e.key for e in read_pybtex(text)} == {e.key for e in parsed.values()}
    dense = parsed[DENSE]
    assert tuple(map(latex_to_text, dense.authors)) == DENSE_AUTHORS  # no "others"
    assert dense.fields["eprint"] == DENSE_LINK.arxiv_id
    assert dense.fields["archiveprefix"] == "arXiv"
    assert dense.fields["primaryclass"] == DENSE_LINK.categories[0]  # the record's, not "CV"
    assert dense.fields["doi"] == DENSE_LINK.doi
    assert dense.fields["url"] == f"https://arxiv.org/abs/{DENSE_LINK.arxiv_id}"
    assert dense.fields["note"] == "Code: https://github.com/quill/dense-maps"
    tiny = parsed[TINY]
    assert tiny.fields["eprint"] == TINY_LINK.arxiv_id and "doi" not in tiny.fields
    assert "eprint" not in parsed[UNLINKED].fields


def test_csl_json_carries_the_number_zotero_gives_an_arxiv_preprint(
    outs: tuple[Path, Path],
) -> None:
    text, _ = export(outs[0], "csl-json")
    items = {e.title: e.fields for e in read_csl(text)}  # validated against the schema
    dense = items[DENSE]
    assert dense["number"] == f"arXiv:{DENSE_LINK.arxiv_id}"
    assert dense["DOI"] == DENSE_LINK.doi
    assert dense["URL"] == f"https://arxiv.org/abs/{DENSE_LINK.arxiv_id}"
    assert [n["family"] for n in dense["author"]] == [a.split()[-1] for a in DENSE_AUTHORS]
    assert "number" not in items[UNLINKED]
    rendered = render_csl(json.loads(text))  # the style links the DOI, else the URL
    assert sum(f"https://doi.org/{DENSE_LINK.doi}" in entry for entry in rendered) == 1
    assert sum(f"https://arxiv.org/abs/{TINY_LINK.arxiv_id}" in entry for entry in rendered) == 1


def test_ris_has_the_id_doi_and_abstract_page(outs: tuple[Path, Path]) -> None:
    text, _ = export(outs[0], "ris")
    records = {e.title: e for e in read_ris(text)}
    dense = records[DENSE]
    assert dense.authors == DENSE_AUTHORS  # no "et al."
    assert dense.fields["accession_number"] == f"arXiv:{DENSE_LINK.arxiv_id}"
    assert dense.fields["doi"] == DENSE_LINK.doi
    assert dense.fields["urls"] == [
        f"https://arxiv.org/abs/{DENSE_LINK.arxiv_id}",
        "https://github.com/quill/dense-maps",
    ]
    assert "accession_number" not in records[UNLINKED].fields


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_link_changes_nothing_else(outs: tuple[Path, Path], fmt: str) -> None:
    """An unlinked paper's entry is byte for byte what a build without the link writes;
    keys stay (a printed first author stays the first author)."""
    linked, plain = (chunks(fmt, export(out, fmt)[0]) for out in outs)
    assert [c for c in linked if UNLINKED in c] == [c for c in plain if UNLINKED in c] != []
    keys = [[e.key for e in read_ris(export(out, "ris")[0])] for out in outs]
    assert keys[0] == keys[1]


def test_a_year_from_the_capture_date_gives_way_to_the_v1_date(outs: tuple[Path, Path]) -> None:
    linked, plain = (export(out, "ris") for out in outs)
    tiny = {e.title: e.fields for e in read_ris(linked[0])}[TINY]
    assert tiny["date"] == str(TINY_LINK.submitted).replace("-", "/") + "/"
    assert "notes" not in tiny
    assert "the year 2026 is inferred" in plain[1]
    assert "inferred" not in linked[1]


def test_an_author_only_the_record_names_selects_the_paper(outs: tuple[Path, Path]) -> None:
    entries = read_ris(export(outs[0], "ris", "--person", "Zoë Ångström")[0])
    assert [e.title for e in entries] == [DENSE]
    assert read_ris(export(outs[1], "ris", "--person", "Zoë Ångström")[0]) == []
