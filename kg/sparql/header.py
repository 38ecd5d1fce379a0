"""The header of a saved query (its leading ``#`` lines: title, question, typed parameters,
examples, notes and an optional row limit) and its parameters' values as RDF terms;
queries/README.md describes the header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

import pyoxigraph as ox

from kg.errors import UsageError
from kg.sparql.text import XSD, Term

ParamType = Literal["iri", "string", "integer", "date"]


@dataclass(frozen=True)
class Parameter:
    name: str
    type: ParamType
    default: str | None  # as written in the header; None when required
    doc: str = ""

    def term(self, text: str, prefixes: Mapping[str, str]) -> Term:
        """The RDF term for a value given on the command line."""
        try:
            if self.type == "integer":
                return ox.Literal(str(int(text.strip())), datatype=ox.NamedNode(XSD + "integer"))
            if self.type == "date":
                iso = date.fromisoformat(text.strip()).isoformat()
                return ox.Literal(iso, datatype=ox.NamedNode(XSD + "date"))
            if self.type == "iri":
                return ox.NamedNode(expand_iri(text, prefixes))
            return ox.Literal(text)
        except ValueError as exc:
            raise UsageError(
                f"parameter {self.name} is {_ARTICLE[self.type]} {self.type}, got {text!r}: {exc}"
            ) from exc

    def default_term(self, prefixes: Mapping[str, str]) -> Term | None:
        if self.default is None:
            return None
        text = json.loads(self.default) if self.default.startswith('"') else self.default
        return self.term(text, prefixes)

    def __str__(self) -> str:
        default = "required" if self.default is None else f"= {self.default}"
        return f"{self.name} {self.type} {default}"


_ARTICLE = {"iri": "an", "string": "a", "integer": "an", "date": "a"}


_SECTION = re.compile(r"^(question|parameters|examples?|limit)\s*:\s*(.*)$", re.IGNORECASE)
_SECTIONS = {"question": "question", "parameters": "parameters", "example": "example"}
_SECTIONS |= {"examples": "example", "limit": "limit"}
_TYPES: dict[str, ParamType] = {
    "iri": "iri",
    "string": "string",
    "integer": "integer",
    "date": "date",
}
_PARAM = re.compile(
    r"""^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>iri|string|integer|date)\s+
    (?:=\s*(?P<default>"(?:[^"\\]|\\.)*"|<[^>\s]*>|\S+)|(?P<required>required))
    (?:\s+(?P<doc>.*))?$""",
    re.VERBOSE,
)


class Header(NamedTuple):
    """What the leading ``#`` lines of a query declare."""

    title: str
    question: str
    parameters: tuple[Parameter, ...]
    examples: tuple[str, ...]
    description: str  # the notes, a paragraph a line
    limit: int | None  # the rows shown by default, None: every row


def parse_header(text: str, source: str = "(query)") -> Header:
    """(title, question, parameters, examples, notes, limit) from the leading ``#`` lines.

    The first line is the title; ``Question:``, ``Parameters:`` and ``Example:`` start
    sections that end at a blank line; ``Limit: N ...`` gives the rows shown by default;
    any other paragraph is a note.
    """
    title, section = "", ""
    limit: int | None = None
    question: list[str] = []
    params: list[Parameter] = []
    examples: list[str] = []
    notes: list[list[str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.startswith("#"):
            break
        line = raw[1:].removeprefix(" ")
        stripped = line.strip()
        heading = _SECTION.match(stripped)
        if not stripped:
            section = ""
        elif heading:
            section = _SECTIONS[heading.group(1).lower()]
            rest = heading.group(2).strip()
            if section == "limit":
                limit = _limit_line(rest, f"{source}:{number}")
                section = ""
                continue
            if section == "parameters" and rest and rest.lower() != "none":
                raise UsageError(f"{source}:{number}: list parameters one per line below")
            if section != "parameters" and rest:
                (question if section == "question" else examples).append(rest)
        elif not title:
            title = stripped
        elif section == "question":
            question.append(stripped)
        elif section == "parameters":
            _parameter_line(params, line, stripped, f"{source}:{number}")
        elif section == "example":
            examples.append(stripped)
        else:
            if section != "notes":
                notes.append([])
            section = "notes"
            notes[-1].append(stripped)
    names = [p.name for p in params]
    for name in names:
        if names.count(name) > 1:
            raise UsageError(f"{source}: parameter {name} is declared twice")
    description = "\n".join(" ".join(paragraph) for paragraph in notes)
    return Header(title, " ".join(question), tuple(params), tuple(examples), description, limit)


def _limit_line(rest: str, where: str) -> int:
    number = re.match(r"(\d+)\b", rest)
    if number is None or int(number.group(1)) < 1:
        raise UsageError(f"{where}: write `Limit: N` with N the rows shown by default")
    return int(number.group(1))


def _parameter_line(params: list[Parameter], line: str, stripped: str, where: str) -> None:
    match = _PARAM.match(stripped)
    if match:
        default = None if match.group("required") else match.group("default")
        param = Parameter(match["name"], _TYPES[match["type"]], default, match["doc"] or "")
        if default is not None:
            _check_default(param, where)
        params.append(param)
    elif params and len(line) - len(line.lstrip()) > 4:  # a continued description
        last = params[-1]
        params[-1] = Parameter(last.name, last.type, last.default, f"{last.doc} {stripped}")
    else:
        raise UsageError(
            f"{where}: cannot read parameter line {stripped!r}; write "
            "`NAME TYPE = DEFAULT description` (TYPE: iri, string, integer, date; a string "
            "default in double quotes) or `NAME TYPE required description`"
        )


def _check_default(param: Parameter, where: str) -> None:
    assert param.default is not None
    if param.type == "string" and not param.default.startswith('"'):
        raise UsageError(f"{where}: the default of string parameter {param.name} needs quotes")
    if param.type != "string" and param.default.startswith('"'):
        raise UsageError(f"{where}: the default of {param.type} parameter {param.name} is quoted")
    if param.type != "iri":  # prefixed IRIs are checked against the query's prefixes later
        try:
            param.default_term({})
        except (UsageError, json.JSONDecodeError) as exc:
            raise UsageError(f"{where}: bad default for {param.name}: {exc}") from exc


def expand_iri(text: str, prefixes: Mapping[str, str]) -> str:
    """``<iri>``, an absolute IRI, or ``prefix:local`` with a prefix the query declares."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        text = prefixes[prefix] + local
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        raise ValueError("not an absolute IRI nor a prefixed name the query declares")
    return ox.NamedNode(text).value  # raises ValueError on characters an IRI cannot hold
