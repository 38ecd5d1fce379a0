"""Writing files: every output goes through an atomic write so an interrupted run leaves the
previous file whole (write a temporary file beside it, fsync, then rename over)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import OutputError
from kg.mapping import line_key


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes) -> None:
    write_atomic_chunks(path, [data])


def write_atomic_chunks(path: Path, chunks: Iterable[str | bytes]) -> None:
    """Write the chunks as one file, atomically; text is encoded as UTF-8 chunk by chunk,
    so a big export never exists whole in memory."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


# -- RDF serialisation -------------------------------------------------------------------

FORMATS = {  # name -> (file name, pyoxigraph format or None for our own JSON-LD writer)
    "turtle": "graph.ttl",
    "ntriples": "graph.nt",
    "nquads": "graph.nq",
    "trig": "graph.trig",
    "jsonld": "graph.jsonld",
}
EXTENSIONS = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def format_for(path: Path) -> str | None:
    return EXTENSIONS.get(path.suffix.lower())


Pairs = list[tuple[str, str]]  # (graph "<g>", head "<s> <p> o"), sorted; see kg.mapping


def sorted_quads(quads: Iterable[ox.Quad]) -> tuple[Pairs, list[str]]:
    """Quads as term objects (from a store, or tests) -> the sorted text the build writes:
    the same pairs and union as ``kg.mapping.map_records`` gives for the same graph."""
    named: list[ox.Quad] = []
    default: list[ox.Triple] = []
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            default.append(q.triple)
        else:
            named.append(q)
    graphs: dict[str, set[str]] = {}
    text = (ox.serialize(named, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    # split on "\n" only: str.splitlines() would also split at U+2028 inside a literal
    for line in filter(None, text.split("\n")):
        head, graph, _ = line.rsplit(" ", 2)  # "<s> <p> o <g> ." (IRIs hold no spaces)
        graphs.setdefault(graph, set()).add(head)
    text = (ox.serialize(default, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    if default:
        graphs[""] = {line[:-2] for line in filter(None, text.split("\n"))}
    pairs = [(g, h) for g in sorted(graphs) for h in sorted(graphs[g], key=line_key)]
    return pairs, sorted(set().union(*graphs.values()), key=line_key)


# Lines per chunk: big enough that joining is cheap, small enough to keep memory flat.
CHUNK = 20_000


def nquads_chunks(pairs: Pairs) -> Iterator[str]:
    for start in range(0, len(pairs), CHUNK):
        yield "".join(
            f"{head} {graph} .\n" if graph else f"{head} .\n"
            for graph, head in pairs[start : start + CHUNK]
        )


def ntriples_chunks(heads: list[str]) -> Iterator[str]:
    for start in range(0, len(heads), CHUNK):
        yield " .\n".join(heads[start : start + CHUNK]) + " .\n"


def nquads_text(pairs: Pairs) -> bytes:
    return "".join(nquads_chunks(pairs)).encode("utf-8")


def prefixes_for(base_iri: str) -> dict[str, str]:
    """Standard prefixes plus short ones for our own data IRIs, in a fixed order."""
    from kg.vocab import PREFIXES

    data = {
        name: f"{base_iri}{name}/"
        for name in ("org", "page", "paper", "person", "repo", "topic", "venue")
    }
    return dict(sorted({**PREFIXES, **data}.items()))


def dumps(
    quads: Iterable[ox.Quad],
    fmt: str,
    prefixes: dict[str, str],
    context: dict[str, Any] | None = None,
) -> bytes:
    """Serialise deterministically: the same quads always give the same bytes."""
    pairs, union = sorted_quads(quads)
    return "".join(export_chunks(fmt, pairs, union, prefixes, context)).encode("utf-8")


def export_chunks(
    fmt: str,
    pairs: Pairs,
    union: list[str],
    prefixes: dict[str, str],
    context: dict[str, Any] | None = None,
) -> Iterator[str]:
    """One format, as text chunks, from the sorted quads and their union."""
    if fmt == "nquads":
        yield from nquads_chunks(pairs)
    elif fmt == "ntriples":
        yield from ntriples_chunks(union)
    elif fmt == "turtle":
        triples = "".join(ntriples_chunks(union)).encode("utf-8")
        parsed = (q.triple for q in ox.parse(triples, format=ox.RdfFormat.N_TRIPLES))
        body = ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
        yield _sorted_prefix_block(body, prefixes).decode("utf-8")
    else:
        ordered = ox.parse(nquads_text(pairs), format=ox.RdfFormat.N_QUADS)
        if fmt == "jsonld":
            yield dumps_jsonld(ordered, prefixes, context or {}).decode("utf-8")
        else:
            body = ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
            yield _sorted_prefix_block(body, prefixes).decode("utf-8")


def _sorted_prefix_block(body: bytes, prefixes: dict[str, str]) -> bytes:
    # Oxigraph writes @prefix lines in hash order; rewrite them sorted, and only those used.
    lines = body.split(b"\n")
    start = 0
    while start < len(lines) and lines[start].startswith(b"@prefix "):
        start += 1
    rest = b"\n".join(lines[start:])
    used = [(k, v) for k, v in sorted(prefixes.items()) if f"{k}:".encode() in rest]
    head = "".join(f"@prefix {k}: <{v}> .\n" for k, v in used).encode()
    return head + b"\n" + rest


def dumps_jsonld(
    quads: Iterable[ox.Quad], prefixes: dict[str, str], context: dict[str, Any]
) -> bytes:
    """Compact JSON-LD with the inline local context (no network), one object per graph.

    Keys use the context's terms (``title``, ``author``); values take the short form the
    term's type coercion allows and an explicit value object otherwise, so the document
    reads like Turtle and expands to exactly the same quads.
    """
    ctx = {**context, **{k: v for k, v in prefixes.items() if k not in context}}
    compact = _compactor(ctx)
    terms, classes = _term_tables(ctx)

    def value(coercion: str | None, term: object) -> Any:
        if isinstance(term, ox.NamedNode):
            iri = compact(term.value)
            return iri if coercion == "@id" else {"@id": iri}
        assert isinstance(term, ox.Literal)
        if term.language:
            return {"@value": term.value, "@language": term.language}
        dtype = term.datatype.value
        if dtype == _XSD + "boolean" and term.value in ("true", "false"):
            return term.value == "true"  # native JSON values are never coerced
        if dtype == _XSD + "integer" and term.value == str(_int_or_none(term.value)):
            return int(term.value)
        if coercion == dtype:
            return term.value
        if dtype == _XSD + "string" and coercion is None:
            return term.value
        return {"@value": term.value, "@type": compact(dtype)}

    graphs: dict[str, dict[str, dict[str, Any]]] = {}
    keys: dict[str, tuple[str, str | None]] = {}
    for q in quads:
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        nodes = graphs.get(graph)
        if nodes is None:
            nodes = graphs[graph] = {}
        subject = q.subject.value  # type: ignore[union-attr]
        obj = nodes.get(subject)
        if obj is None:
            obj = nodes[subject] = {"@id": compact(subject)}
        predicate = q.predicate.value
        if predicate == _RDF_TYPE and isinstance(q.object, ox.NamedNode):
            obj.setdefault("@type", []).append(
                classes.get(q.object.value) or compact(q.object.value)
            )
            continue
        found = keys.get(predicate)
        if found is None:
            found = keys[predicate] = terms.get(predicate, (compact(predicate), None))
        key, coercion = found
        obj.setdefault(key, []).append(value(coercion, q.object))
    # One node object per line: readable, diffable, and written by json's C encoder
    # (an indented dump goes through the slow pure-Python one).
    out = [
        '{\n"@context": ',
        json.dumps(ctx, ensure_ascii=False, indent=1, sort_keys=True),
        ',\n"@graph": [',
    ]
    for g_index, (graph, nodes) in enumerate(graphs.items()):
        out.append(",\n" if g_index else "\n")
        out.append(
            f'{{"@id": {json.dumps(compact(graph), ensure_ascii=False)}, "@graph": [\n'
            if graph
            else '{"@graph": [\n'
        )
        out.append(
            ",\n".join(
                json.dumps(
                    {
                        k: (v[0] if len(v) == 1 and k != "@type" else v)
                        if isinstance(v, list)
                        else v
                        for k, v in n.items()
                    },
                    ensure_ascii=False,
                    sort_keys=True,
                )
                for n in nodes.values()
            )
        )
        out.append("\n]}")
    out.append("\n]\n}\n")
    return "".join(out).encode("utf-8")


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _compactor(ctx: dict[str, Any]) -> Callable[[str], str]:
    namespaces = sorted(
        ((v, k) for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#"))),
        key=lambda kv: (-len(kv[0]), kv[1]),
    )

    @lru_cache(maxsize=1 << 18)
    def compact(iri: str) -> str:
        for namespace, prefix in namespaces:
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    return compact


def _expand(curie: str, ctx: dict[str, Any]) -> str:
    prefix, _, local = curie.partition(":")
    namespace = ctx.get(prefix)
    return namespace + local if isinstance(namespace, str) and local else curie


def _term_tables(ctx: dict[str, Any]) -> tuple[dict[str, tuple[str, str | None]], dict[str, str]]:
    """property IRI -> (term, coercion), and class IRI -> term, from the context."""
    properties: dict[str, tuple[str, str | None]] = {}
    classes: dict[str, str] = {}
    for term, definition in sorted(ctx.items()):
        if term.startswith("@") or (
            isinstance(definition, str) and definition.endswith(("/", "#"))
        ):
            continue
        if isinstance(definition, str):
            iri = _expand(definition, ctx)
            properties.setdefault(iri, (term, None))
            classes.setdefault(iri, term)
        elif isinstance(definition, dict) and "@id" in definition:
            iri = _expand(definition["@id"], ctx)
            coercion = definition.get("@type")
            if coercion and coercion != "@id":
                coercion = _expand(coercion, ctx)
            properties.setdefault(iri, (term, coercion))
    return properties, classes


def load_context(ontology_dir: Path) -> dict[str, Any]:
    path = ontology_dir / "context.jsonld"
    if not path.is_file():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    context = document.get("@context", {})
    return dict(context) if isinstance(context, dict) else {}


def write_exports(
    pairs: Pairs,
    union: list[str],
    out_dir: Path,
    prefixes: dict[str, str],
    context: dict[str, Any],
    formats: Iterable[str] = tuple(FORMATS),
) -> list[Path]:
    """Write the formats (default: every one) from the sorted quads and their union."""
    written = []
    for fmt in formats:
        path = out_dir / FORMATS[fmt]
        write_atomic_chunks(path, export_chunks(fmt, pairs, union, prefixes, context))
        written.append(path)
    return written


@contextmanager
def staging_folder(out_dir: Path) -> Iterator[Path]:
    """A private folder beside the outputs; removed whatever happens."""
    staging = out_dir / f".kg-staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        yield staging
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, out_dir: Path) -> None:
    """Move every staged file and folder into place, each with one rename."""
    for item in sorted(staging.iterdir()):
        target = out_dir / item.name
        if item.is_dir():
            old = out_dir / f".{item.name}.old-{os.getpid()}"
            if target.exists():
                os.replace(target, old)
            os.replace(item, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(item, target)
