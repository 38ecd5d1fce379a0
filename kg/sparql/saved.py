"""Saved SPARQL queries: ``queries/*.rq`` -> SavedQuery, typed parameters, and running them
on a store the caller opened (``kg.store.embedded.open_store``); ``kg.sparql.endpoint`` runs
them on a remote SPARQL 1.1 endpoint.

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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError, UsageError
from kg.graph.layout import Graph
from kg.resources import QUERIES_DIR
from kg.sparql.header import Parameter, parse_header
from kg.sparql.results import Results, collect
from kg.sparql.text import (
    Term,
    declared_prefixes,
    limit_spans,
    query_form,
    service_targets,
    without_service,
)


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
    header = parse_header(text, source)
    limit = header.limit
    if limit is not None and len(limit_spans(text, limit)) != 1:
        raise UsageError(f"{source}: declares Limit: {limit} but holds LIMIT {limit} not once")
    return SavedQuery(
        name,
        text,
        header.title,
        header.question,
        header.parameters,
        header.examples,
        header.description,
        source,
        limit,
    )


def with_limit(query: SavedQuery, limit: int | None) -> SavedQuery:
    """The query showing ``limit`` rows (None: every row) instead of its declared Limit.

    Every row of a query that declares no Limit is itself (``--all`` asks nothing more);
    ``--limit N`` there is a usage error: the query has no clause to change."""
    if query.limit is None:
        if limit is None:
            return query
        raise UsageError(
            f"{query.name} declares no Limit, so --limit cannot change it: it shows every row"
        )
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
    store: Graph,
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
    with store_errors(query):
        return collect(store.query(query.text, substitutions=substitutions or None))


@contextmanager
def store_errors(query: SavedQuery) -> Iterator[None]:
    """What running ``query`` on the embedded store raises, as kg's errors naming it."""
    try:
        yield
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


def run_update(store: Graph, query: SavedQuery, bindings: Mapping[str, Term]) -> Results:
    if bindings:
        raise UsageError(f"{query.source}: parameters cannot be bound in an update")
    try:
        store.update(query.text)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"{query.source}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"{query.source}: the update failed: {exc}") from exc
    return Results("update")


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


def refuse_update(query: SavedQuery, allow_update: bool) -> None:
    """A usage error for an update unless ``allow_update``: kg query is read-only by default."""
    if query.form == "UPDATE" and not allow_update:
        raise UsageError(
            f"{query.source} is a SPARQL update and kg query is read-only by default: "
            "pass --allow-update to run it"
        )


def check_for_store(query: SavedQuery, allow_service: bool = False) -> None:
    """What the embedded store refuses, checked before it is opened (so no store is needed
    to hear of it): ``SERVICE`` unless ``allow_service``, then a syntax error."""
    if not allow_service:
        refuse_service(query)
    check_syntax(query)


def describe_library(queries: Sequence[SavedQuery], fmt: str = "text") -> str:
    """The library as `kg queries` prints it: blocks of text, or JSON."""
    if fmt == "json":
        documents = [
            {
                "name": q.name,
                "title": q.title,
                "question": q.question,
                "parameters": [
                    {"name": p.name, "type": p.type, "default": p.default, "doc": p.doc}
                    for p in q.parameters
                ],
                "examples": list(q.examples),
                "limit": q.limit,
                "file": q.source,
            }
            for q in queries
        ]
        return json.dumps(documents, ensure_ascii=False, indent=2) + "\n"
    blocks = []
    for q in queries:
        lines = [f"{q.name}  {q.title}", f"    {q.question}"]
        lines += [f"    -p {p}  {p.doc}".rstrip() for p in q.parameters]
        if q.limit is not None:
            lines.append(f"    the first {q.limit} rows (--limit N, --all)")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
