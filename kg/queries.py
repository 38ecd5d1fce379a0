"""Saved SPARQL queries: ``queries/*.rq`` -> SavedQuery, typed parameters, and running them
on the embedded store or on a remote SPARQL 1.1 endpoint (the only SPARQLWrapper import).

A saved query's leading ``#`` lines are its header (queries/README.md)::

    # Co-authors of a person, weighted by shared papers
    #
    # Question: Who has written papers with this person, and how many papers has each shared?
    #
    # Parameters:
    #   person  string  = "Kaiyan Zhang"  the person, by name as printed (foaf:name)
    #   since   date    required          ...
    #
    # Example:
    #   kg query coauthors -p person "Wenyu Du"

A query whose full answer is a list over the whole graph declares ``# Limit: N`` and holds
``LIMIT N`` exactly once, where cutting the rows saves the most work (often inside a
sub-select, before the strings are read). ``with_limit`` changes or removes that clause:
``kg query --limit N`` / ``--all``. The number is an int the command line has checked, and a
clause of the query, not a value of it, so it is written into the text.

Parameters are bound, never spliced into the query text:

* on the embedded store through pyoxigraph's ``substitutions`` (SPARQL-dev SEP-0007): the
  engine pre-binds the variable. SEP-0007 wants the variable in the SELECT projection, so
  saved queries project their parameters (tables hide those columns);
* on an endpoint, which has no parameters in SPARQL 1.1, through a ``VALUES`` block put at the
  start of the top-level WHERE group, each value written as an RDF term in which every
  character that could end the term is escaped. The block joins the whole top-level group,
  which is what the substitution does there, so saved queries use their parameters in the
  top-level group (not only inside a UNION branch or a sub-select).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from kg.errors import StoreError, UsageError
from kg.remote import credentials_for, endpoints_for
from kg.results import Results, Term, collect
from kg.sparql_text import QUERY_FORMS as QUERY_FORMS
from kg.sparql_text import UPDATE_WORDS as UPDATE_WORDS
from kg.sparql_text import XSD as XSD
from kg.sparql_text import declared_prefixes as declared_prefixes
from kg.sparql_text import limit_spans
from kg.sparql_text import query_form as query_form
from kg.sparql_text import sparql_term as sparql_term
from kg.sparql_text import where_offset as where_offset
from kg.sparql_text import with_values as with_values
from kg.store import open_store, store_path

QUERIES_DIR = Path(__file__).resolve().parents[1] / "queries"
ParamType = Literal["iri", "string", "integer", "date"]


class QuerySyntaxError(UsageError):
    """The query does not parse; the message has the parser's line and column."""


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


@dataclass(frozen=True)
class SavedQuery:
    name: str
    text: str
    title: str = ""
    question: str = ""
    parameters: tuple[Parameter, ...] = ()
    examples: tuple[str, ...] = ()
    description: str = ""
    source: str = "(query)"  # the file, for messages
    limit: int | None = None  # the rows shown by default (``# Limit: N``), None: every row

    @property
    def form(self) -> str | None:
        return query_form(self.text)

    @property
    def prefixes(self) -> dict[str, str]:
        return declared_prefixes(self.text)


# -- reading ------------------------------------------------------------------------------


def library(directory: Path = QUERIES_DIR) -> list[SavedQuery]:
    """Every saved query in ``directory``, by name."""
    return [load_file(path) for path in sorted(directory.glob("*.rq"))]


def load(name_or_file: str, directory: Path = QUERIES_DIR) -> SavedQuery:
    """A saved query by name (``coauthors``) or a ``.rq`` file by path."""
    path = Path(name_or_file)
    if path.suffix in (".rq", ".sparql") or "/" in name_or_file or os.sep in name_or_file:
        if not path.is_file():
            raise UsageError(f"no query file {name_or_file}")
        return load_file(path)
    candidate = directory / f"{name_or_file}.rq"
    if not candidate.is_file():
        known = ", ".join(p.stem for p in sorted(directory.glob("*.rq")))
        raise UsageError(f"no saved query {name_or_file!r} in {directory}/; known: {known}")
    return load_file(candidate)


def load_file(path: Path) -> SavedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    return from_text(text, path.stem, str(path))


def from_text(text: str, name: str = "query", source: str = "(query)") -> SavedQuery:
    """A query from its text; the header, if any, declares title, question and parameters."""
    title, question, parameters, examples, description, limit = parse_header(text, source)
    if limit is not None and len(limit_spans(text, limit)) != 1:
        raise UsageError(f"{source}: declares Limit: {limit} but holds LIMIT {limit} not once")
    return SavedQuery(name, text, title, question, parameters, examples, description, source, limit)


def with_limit(query: SavedQuery, limit: int | None) -> SavedQuery:
    """The query showing ``limit`` rows (None: every row) instead of its declared Limit."""
    if query.limit is None:
        raise UsageError(f"{query.name} shows every row already: it declares no Limit")
    if limit == query.limit:
        return query
    ((start, end),) = limit_spans(query.text, query.limit)
    replacement = f"LIMIT {limit}" if limit is not None else ""
    return replace(query, text=query.text[:start] + replacement + query.text[end:], limit=limit)


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

Header = tuple[str, str, tuple[Parameter, ...], tuple[str, ...], str, int | None]


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
    return title, " ".join(question), tuple(params), tuple(examples), description, limit


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


# -- binding ------------------------------------------------------------------------------


def bind(query: SavedQuery, given: Sequence[tuple[str, str]]) -> dict[str, Term]:
    """Typed terms for every declared parameter: the value given, else the default."""
    declared = {p.name: p for p in query.parameters}
    values: dict[str, str] = {}
    for name, value in given:
        if name not in declared:
            takes = ", ".join(declared) if declared else "none"
            raise UsageError(f"unknown parameter {name!r} for {query.name} (it takes: {takes})")
        if name in values:
            raise UsageError(f"parameter {name!r} is given twice")
        values[name] = value
    prefixes = query.prefixes
    bound: dict[str, Term] = {}
    for param in query.parameters:
        term = (
            param.term(values[param.name], prefixes)
            if param.name in values
            else param.default_term(prefixes)
        )
        if term is None:
            raise UsageError(
                f"missing parameter {param.name!r} ({param.type}) for {query.name}: "
                f"pass -p {param.name} VALUE"
            )
        bound[param.name] = term
    return bound


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


# -- running ------------------------------------------------------------------------------


def check_syntax(query: SavedQuery) -> None:
    """Parse a query with pyoxigraph (on an empty store), for an error with line and column."""
    if query.form == "UPDATE":
        return
    try:
        ox.Store().query(query.text)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"{query.source}: {exc}") from exc


def run_local(store: ox.Store, query: SavedQuery, bindings: Mapping[str, Term]) -> Results:
    """Run a query on a store, parameters bound through SEP-0007 substitution."""
    if query.form == "UPDATE":
        return run_update(store, query, bindings)
    substitutions = {ox.Variable(name): term for name, term in bindings.items()}
    try:
        return collect(store.query(query.text, substitutions=substitutions or None))
    except SyntaxError as exc:
        raise QuerySyntaxError(f"{query.source}: {exc}") from exc
    except RuntimeError as exc:
        if "projection" in str(exc):
            raise UsageError(
                f"{query.source}: every parameter must be in the SELECT projection: {exc}"
            ) from exc
        raise StoreError(f"{query.source}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"{query.source}: cannot read the store: {exc}") from exc


def run_update(store: ox.Store, query: SavedQuery, bindings: Mapping[str, Term]) -> Results:
    if bindings:
        raise UsageError(f"{query.source}: parameters cannot be bound in an update")
    try:
        store.update(query.text)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"{query.source}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"{query.source}: the update failed: {exc}") from exc
    return Results("update")


@contextmanager
def writable_store(path: Path) -> Iterator[ox.Store]:
    """The built store opened for writing (only for ``--allow-update``).

    kg.store opens stores read-only; this belongs there as ``open_store(path, writable=True)``.
    """
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --out DIR)")
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path} for writing: {exc}") from exc
    yield store
    store.flush()


def run_remote(
    endpoint: str, query: SavedQuery, bindings: Mapping[str, Term], timeout: int = 120
) -> Results:
    """Run a query on a SPARQL 1.1 endpoint; parameters bound by a VALUES block.

    ``endpoint`` is read as ``kg load`` reads it: a server root or a ``.../query`` URL gets
    Oxigraph's layout (updates to ``.../update``); credentials come from KG_ENDPOINT_USER /
    KG_ENDPOINT_PASSWORD or netrc, never from the command line.
    """
    urls = endpoints_for(endpoint)
    client = SPARQLWrapper(urls.query, updateEndpoint=urls.update)
    credentials = credentials_for(urls.query)
    if credentials:
        client.setCredentials(credentials.user, credentials.password)
    client.setMethod(POST)
    client.setTimeout(timeout)
    form = query.form
    if form == "UPDATE":
        if bindings:
            raise UsageError(f"{query.source}: parameters cannot be bound in an update")
        client.setQuery(query.text)
        _send(client, urls.update).read()
        return Results("update")
    check_syntax(query)
    client.setQuery(with_values(query.text, bindings))
    # SPARQLWrapper guesses the form with a regex that also reads comments (it removes only
    # every other line of a block of # lines) and matches inside words: "dcterms:creator" in
    # a note reads as CREATE and the query went to the update endpoint. The lexer knows.
    client.queryType = form
    graph = form in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph else JSON)
    response = _send(client, urls.query)
    data = response.read()
    media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    try:
        if graph:
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
            return Results("graph", triples=tuple(q.triple for q in ox.parse(data, rdf_format)))
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        return collect(ox.parse_query_results(data, results_format or ox.QueryResultsFormat.JSON))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{urls.query} answered with results that cannot be read: {exc}") from exc


def _send(client: SPARQLWrapper, endpoint: str) -> Any:
    try:
        return client.query().response
    except QueryBadFormed as exc:
        raise UsageError(f"{endpoint} rejected the query: {exc}") from exc
    except SPARQLWrapperException as exc:
        raise StoreError(f"{endpoint}: {exc}") from exc
    except OSError as exc:  # URLError, HTTPError, timeouts
        raise StoreError(f"cannot query {endpoint}: {getattr(exc, 'reason', exc)}") from exc


# -- what the CLI calls -------------------------------------------------------------------


def prepare(
    name: str | None, text: str | None, given: Sequence[tuple[str, str]]
) -> tuple[SavedQuery, dict[str, Term]]:
    """The query a command line names (a saved name, a .rq file, or -e TEXT), bound."""
    if name and text:
        raise UsageError("give a query NAME|FILE.rq or -e TEXT, not both")
    if not name and not text:
        raise UsageError("give a query: NAME|FILE.rq (see `kg queries`) or -e TEXT")
    query = from_text(text, "query", "-e") if text else load(name or "")
    return query, bind(query, given)


def run(
    query: SavedQuery,
    bindings: Mapping[str, Term],
    out_dir: Path,
    endpoint: str | None = None,
    allow_update: bool = False,
) -> Results:
    """Run a bound query on the embedded store in ``out_dir``, or on ``endpoint``."""
    if query.form == "UPDATE" and not allow_update:
        raise UsageError(
            f"{query.source} is a SPARQL update and kg query is read-only by default: "
            "pass --allow-update to run it"
        )
    check_syntax(query)
    if endpoint:
        return run_remote(endpoint, query, bindings)
    path = store_path(out_dir)
    if query.form == "UPDATE":
        with writable_store(path) as store:
            return run_update(store, query, bindings)
    with open_store(path) as store:
        return run_local(store, query, bindings)
