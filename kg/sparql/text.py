"""The text of a SPARQL query, read with a small lexer: its form, its prefixes, where its
WHERE group opens, and how parameters are written into it for a remote endpoint (a VALUES
block of terms, each escaped so that no value can end it early). Pure: the bottom of
kg.sparql, which the header, the results and the saved queries build on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import UsageError

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple  # a value in a result or a binding
XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = tuple("INSERT DELETE LOAD CLEAR CREATE DROP COPY MOVE ADD WITH".split())


_TOKEN = re.compile(
    r'''(?P<space>\s+)
    |(?P<comment>\#[^\r\n]*)
    |(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
        |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$]\w+)
    |(?P<word>[\w:][\w\-.:%]*)
    |(?P<other>.)''',
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    end: int

    @property
    def start(self) -> int:
        return self.end - len(self.text)


def _tokens(text: str) -> list[_Token]:
    return [
        _Token(m.lastgroup or "", m.group(), m.end())
        for m in _TOKEN.finditer(text)
        if m.lastgroup not in ("space", "comment")
    ]


def _form_index(tokens: Sequence[_Token]) -> int | None:
    i = 0
    while i < len(tokens):
        word = tokens[i].text.upper() if tokens[i].kind == "word" else ""
        if word == "BASE":
            i += 2
        elif word == "PREFIX":
            i += 3
        else:
            return i if word in QUERY_FORMS or word in UPDATE_WORDS else None
    return None


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE, ASK, UPDATE, or None when the text says neither."""
    tokens = _tokens(text)
    index = _form_index(tokens)
    if index is None:
        return None
    word = tokens[index].text.upper()
    return word if word in QUERY_FORMS else "UPDATE"


def _services(tokens: Sequence[_Token]) -> list[int]:
    """Indexes of the ``SERVICE`` keywords: a bare word (a prefixed name such as
    ``ex:service`` is one word token, and strings, IRIs and comments are tokens of their own),
    not a language tag (``"x"@service``)."""
    return [
        i
        for i, token in enumerate(tokens)
        if token.kind == "word"
        and token.text.upper() == "SERVICE"
        and not (i and tokens[i - 1].text == "@")
    ]


def reads_named_graphs(text: str) -> bool:
    """Whether the query names graphs itself (a ``GRAPH`` or ``FROM`` keyword, not inside a
    string, an IRI or a comment, and not a language tag)."""
    tokens = _tokens(text)
    return any(
        token.kind == "word"
        and token.text.upper() in ("GRAPH", "FROM")
        and not (i and tokens[i - 1].text == "@")
        for i, token in enumerate(tokens)
    )


def service_targets(text: str) -> list[str]:
    """What each ``SERVICE`` clause names (an IRI, a prefixed name or a variable), in order;
    empty when the query federates nothing."""
    tokens = _tokens(text)
    targets = []
    for i in _services(tokens):
        j = i + 1
        if j < len(tokens) and tokens[j].text.upper() == "SILENT":
            j += 1
        targets.append(tokens[j].text if j < len(tokens) else "")
    return targets


def without_service(text: str) -> str:
    """The text with each ``SERVICE [SILENT]`` written ``GRAPH`` and padded to the same
    length: the same grammar (VarOrIri GroupGraphPattern) and the same line:column for every
    other token, but nothing an engine sends over the network (for a syntax check)."""
    tokens = _tokens(text)
    spans: list[tuple[int, int, str]] = []
    for i in _services(tokens):
        spans.append((tokens[i].start, tokens[i].end, "GRAPH".ljust(len(tokens[i].text))))
        if i + 1 < len(tokens) and tokens[i + 1].text.upper() == "SILENT":
            spans.append((tokens[i + 1].start, tokens[i + 1].end, " " * len("SILENT")))
    for start, end, replacement in reversed(spans):
        text = text[:start] + replacement + text[end:]
    return text


def limit_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) of each ``LIMIT limit`` clause, comments and strings aside."""
    tokens = _tokens(text)
    return [
        (tokens[i].start, tokens[i + 1].end)
        for i in range(len(tokens) - 1)
        if tokens[i].kind == "word"
        and tokens[i].text.upper() == "LIMIT"
        and tokens[i + 1].text == str(limit)
    ]


def declared_prefixes(text: str) -> dict[str, str]:
    tokens = _tokens(text)
    return {
        tokens[i + 1].text[:-1]: tokens[i + 2].text[1:-1]
        for i in range(len(tokens) - 2)
        if tokens[i].kind == "word"
        and tokens[i].text.upper() == "PREFIX"
        and tokens[i + 1].text.endswith(":")
        and tokens[i + 2].kind == "iri"
    }


def where_offset(text: str) -> int:
    """The offset just after the ``{`` that opens the query's top-level WHERE group."""
    tokens = _tokens(text)
    index = _form_index(tokens)
    if index is None:
        raise UsageError("cannot find the query form (SELECT, CONSTRUCT, DESCRIBE, ASK)")
    i = index + 1
    if tokens[index].text.upper() == "CONSTRUCT":
        if i < len(tokens) and tokens[i].text.upper() == "WHERE":
            raise UsageError(
                "cannot bind parameters remotely in the short form CONSTRUCT WHERE { ... }: "
                "write CONSTRUCT { template } WHERE { pattern }"
            )
        depth = 0
        while i < len(tokens):  # skip the template
            depth += {"{": 1, "}": -1}.get(tokens[i].text, 0)
            i += 1
            if depth == 0 and tokens[i - 1].text == "}":
                break
    parens = 0
    for token in tokens[i:]:
        if token.kind == "other":
            parens += {"(": 1, ")": -1}.get(token.text, 0)
            if token.text == "{" and parens == 0:
                return token.end
    raise UsageError("the query has no WHERE group to bind parameters in")


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with a VALUES block binding the parameters at the start of its WHERE group.

    The block goes on the same line as the brace, so the parser's line numbers still point
    into the file. Safe because each value is a single RDF term (``sparql_term``).

    A sub-select that projects a parameter (and sits only in sub-selects that project it
    too) gets a block for it as well, as SEP-0007 substitution binds it there: the answer is
    the same, since the outer block keeps only the rows with that value anyway, but a
    server then reads one person's papers instead of everyone's, and a LIMIT in the
    sub-select counts that person's rows only.
    """
    if not bindings:
        return text
    at = where_offset(text)
    blocks = [(at, dict(bindings))]
    blocks += [
        (offset, {n: bindings[n] for n in names})
        for offset, names in _subselect_groups(text, list(bindings))
    ]
    out, last = [], 0
    for offset, values in sorted(blocks, key=lambda block: block[0]):
        names = " ".join(f"?{name}" for name in values)
        terms = " ".join(sparql_term(term) for term in values.values())
        out += [text[last:offset], f" VALUES ({names}) {{ ({terms}) }}"]
        last = offset
    return "".join(out) + text[last:]


@dataclass(frozen=True)
class _Scope:
    closes_at: int  # the brace depth below which the sub-select has ended
    names: set[str]  # the parameters it projects


def _subselect_groups(text: str, params: Sequence[str]) -> list[tuple[int, list[str]]]:
    """(offset after the ``{`` of its WHERE group, parameters it projects) for each
    sub-select that projects parameters its enclosing sub-selects project too."""
    tokens = _tokens(text)
    index = _form_index(tokens)
    if index is None:
        return []
    found: list[tuple[int, list[str]]] = []
    scopes = [_Scope(0, set(params))]
    depth, i = 0, index + 1
    while i < len(tokens):
        token = tokens[i]
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
            while len(scopes) > 1 and depth < scopes[-1].closes_at:
                scopes.pop()
        elif token.kind == "word" and token.text.upper() == "SELECT" and depth > 0:
            projected: set[str] = set()
            star, parens, i = False, 0, i + 1
            while i < len(tokens) and not (tokens[i].text == "{" and parens == 0):
                t = tokens[i]
                parens += {"(": 1, ")": -1}.get(t.text, 0)
                if t.kind == "var" and parens == 0:
                    projected.add(t.text[1:])
                star = star or (t.text == "*" and parens == 0)
                i += 1
            names = set(scopes[-1].names) if star else scopes[-1].names & projected
            scopes.append(_Scope(depth, names))
            if i < len(tokens) and names:
                found.append((tokens[i].end, [name for name in params if name in names]))
            continue  # the group's brace is read on the next turn
        i += 1
    return found


_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def sparql_term(term: Term) -> str:
    """A term in SPARQL syntax, escaped so that no value can end it early."""
    if isinstance(term, ox.NamedNode):
        if re.search(r'[<>"{}|^`\\\x00-\x20]', term.value):
            raise UsageError(f"cannot write {term.value!r} as an IRI")
        return f"<{term.value}>"
    if not isinstance(term, ox.Literal):
        raise UsageError("only IRIs and literals can be bound to parameters")
    body = "".join(_ECHAR.get(c, c) for c in term.value)
    # SPARQL decodes \uXXXX escapes across the whole query text before parsing (SPARQL 1.1,
    # 19.2). A value's own backslash is already doubled; writing the "u" after it as \u0075
    # keeps the text "\u0022" meaning just that, whichever order a parser decodes in.
    body = body.replace("\\\\u", "\\\\\\u0075").replace("\\\\U", "\\\\\\u0055")
    if term.language:
        return f'"{body}"@{term.language}'
    if term.datatype.value == XSD + "string":
        return f'"{body}"'
    return f'"{body}"^^<{term.datatype.value}>'
