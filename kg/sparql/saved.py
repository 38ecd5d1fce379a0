"""Saved SPARQL queries: ``queries/*.rq`` -> SavedQuery, typed parameters, and running them
on the embedded store or on a remote SPARQL 1.1 endpoint (through ``kg.load.http``, the
client ``kg load`` uses: credentials for the endpoint's origin only, no redirect elsewhere).

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

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from kg.errors import StoreError, UsageError
from kg.load.remote import Remote, RemoteError, endpoints_for
from kg.resources import QUERIES_DIR
from kg.sparql.header import Parameter as Parameter
from kg.sparql.header import ParamType as ParamType
from kg.sparql.header import expand_iri as expand_iri
from kg.sparql.header import parse_header as parse_header
from kg.sparql.results import Results, Term, collect
from kg.sparql.text import QUERY_FORMS as QUERY_FORMS
from kg.sparql.text import UPDATE_WORDS as UPDATE_WORDS
from kg.sparql.text import XSD as XSD
from kg.sparql.text import declared_prefixes as declared_prefixes
from kg.sparql.text import limit_spans, service_targets, without_service
from kg.sparql.text import query_form as query_form
from kg.sparql.text import sparql_term as sparql_term
from kg.sparql.text import where_offset as where_offset
from kg.sparql.text import with_values as with_values
from kg.store.embedded import open_store, store_path

T = TypeVar("T")


class QuerySyntaxError(UsageError):
    """The query does not parse; the message has the parser's line and column."""


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


# -- running ------------------------------------------------------------------------------


def check_syntax(query: SavedQuery) -> None:
    """Parse a query with pyoxigraph, for an error with line and column, contacting nothing.

    pyoxigraph 0.5 has no parse-only call: the text goes to an empty in-memory store, which
    starts evaluating it, and a ``SERVICE`` there contacted its server (issue #14). So every
    ``SERVICE [SILENT]`` is first turned into ``GRAPH`` padded to the same length (the same
    grammar: VarOrIri GroupGraphPattern), which keeps every line:column, and the results
    are never read: the empty store reads no data and nothing leaves the process.
    """
    if query.form == "UPDATE":
        return
    try:
        ox.Store().query(without_service(query.text))
    except SyntaxError as exc:
        raise QuerySyntaxError(f"{query.source}: {exc}") from exc


def refuse_service(query: SavedQuery) -> None:
    """A usage error when the query (or update) holds ``SERVICE``: evaluated here, it would
    make this process send a query to whatever server it names (issue #14)."""
    targets = service_targets(query.text)
    if targets:
        raise UsageError(
            f"{query.source} uses SERVICE {', '.join(targets)}: run on the embedded store it "
            "would send a query to that server, which kg does not do unless asked: pass "
            "--allow-service to allow it"
        )


def run_local(
    store: ox.Store,
    query: SavedQuery,
    bindings: Mapping[str, Term],
    allow_service: bool = False,
) -> Results:
    """Run a query on a store, parameters bound through SEP-0007 substitution; ``SERVICE``
    is refused unless ``allow_service``."""
    if not allow_service:
        refuse_service(query)
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

    kg.store.embedded opens stores read-only; this belongs there as
    ``open_store(path, writable=True)``.
    """
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --out DIR)")
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path} for writing: {exc}") from exc
    yield store
    store.flush()


_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


def run_remote(
    endpoint: str, query: SavedQuery, bindings: Mapping[str, Term], timeout: float = 120
) -> Results:
    """Run a query on a SPARQL 1.1 endpoint; parameters bound by a VALUES block.

    ``endpoint`` is read as ``kg load`` reads it: a server root or a ``.../query`` URL gets
    Oxigraph's layout (updates to ``.../update``); credentials come from KG_ENDPOINT_USER /
    KG_ENDPOINT_PASSWORD or netrc, never from the command line, and go to that origin only:
    the request goes through ``kg.load.http``, which refuses a redirect to another server.
    The form comes from kg's lexer, which skips comments and strings (SPARQLWrapper's regex
    read "dcterms:creator" in a note as CREATE and sent the query to the update endpoint).
    """
    urls = endpoints_for(endpoint)
    remote = Remote(urls, timeout=timeout, retries=0, protocol="update")
    form = query.form
    if form == "UPDATE":
        if bindings:
            raise UsageError(f"{query.source}: parameters cannot be bound in an update")
        _ask(urls.update, lambda: remote.update(query.text, idempotent=False))
        return Results("update")
    check_syntax(query)
    graph = form in ("CONSTRUCT", "DESCRIBE")
    text = with_values(query.text, bindings)
    data, media_type = _ask(
        urls.query, lambda: remote.query(text, _GRAPH_ACCEPT if graph else _RESULTS_ACCEPT)
    )
    try:
        if graph:
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
            return Results("graph", triples=tuple(q.triple for q in ox.parse(data, rdf_format)))
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        return collect(ox.parse_query_results(data, results_format or ox.QueryResultsFormat.JSON))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{urls.query} answered with results that cannot be read: {exc}") from exc


def _ask(endpoint: str, send: Callable[[], T]) -> T:
    """The request's answer; its failure as a usage error when the server rejects the query
    (HTTP 400), else as a failure naming the endpoint."""
    try:
        return send()
    except RemoteError as exc:
        if exc.status == 400:
            raise UsageError(f"{endpoint} rejected the query: {exc.message}") from exc
        raise StoreError(f"{endpoint}: {exc.message}") from exc
    except StoreError as exc:  # unreachable, timed out, TLS, a redirect elsewhere
        raise StoreError(f"cannot query {endpoint}: {exc.message}") from exc


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
    allow_service: bool = False,
) -> Results:
    """Run a bound query on the embedded store in ``out_dir``, or on ``endpoint``.

    ``SERVICE`` is refused on the embedded store unless ``allow_service``; an endpoint
    applies its own policy (``kg serve`` refuses it too, unless started with the flag)."""
    if query.form == "UPDATE" and not allow_update:
        raise UsageError(
            f"{query.source} is a SPARQL update and kg query is read-only by default: "
            "pass --allow-update to run it"
        )
    if endpoint:
        return run_remote(endpoint, query, bindings)  # checks the syntax first, once
    if not allow_service:
        refuse_service(query)
    check_syntax(query)
    path = store_path(out_dir)
    if query.form == "UPDATE":
        with writable_store(path) as store:
            return run_update(store, query, bindings)
    with open_store(path) as store:
        return run_local(store, query, bindings, allow_service=True)  # refused above
