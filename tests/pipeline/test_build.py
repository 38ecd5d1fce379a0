"""kg build / export / stats on the seeds: outputs, counts, determinism, round trips."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from kgtest import build, run

from kg.cli import main
from kg.config import Settings
from kg.export.formats import FORMATS, format_named
from kg.graph.layout import as_one_graph
from kg.pipeline import build as build_graph

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
KG = "https://w3id.org/kg/ns#"
BASE = "https://kg.example.org/"
SCHEMA = "https://schema.org/"
OX_FORMATS = {
    "graph.ttl": ox.RdfFormat.TURTLE,
    "graph.nt": ox.RdfFormat.N_TRIPLES,
    "graph.nq": ox.RdfFormat.N_QUADS,
    "graph.trig": ox.RdfFormat.TRIG,
    "graph.jsonld": ox.RdfFormat.JSON_LD,
}
DATASET_FILES = {"graph.nq", "graph.trig", "graph.jsonld"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    return build(SEEDS, out)


def store_quads(out: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(out / "store"))
    return {
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode)
    }


def query(out: Path, sparql: str) -> list[tuple[str, ...]]:
    store = as_one_graph(ox.Store.read_only(str(out / "store")))
    return sorted(
        tuple(term.value if term is not None else "" for term in row)
        for row in store.query(sparql)  # type: ignore[union-attr]
    )


def test_build_writes_every_output(built: Path) -> None:
    for name in (f.file_name for f in FORMATS):
        assert (built / name).stat().st_size > 1000, name
    assert (built / "store").is_dir()
    assert (built / "diagnostics.txt").read_text() == ""


def test_stats_agree_with_the_seed_counts(built: Path) -> None:
    code, stdout, _ = run("stats", "--out", str(built), "--format", "json")
    assert code == 0
    counts = json.loads(stdout)
    # 61 distinct titled papers in 81 listings, plus 5 untitled abstract-only papers.
    assert counts["papers"] == 66
    assert counts["records"] == 86
    assert counts["pages"] == 5
    assert counts["ambiguous persons"] == 1
    assert counts["organisations"] == 3
    assert counts["triples"] == len({q.triple for q in store_quads(built)})


def test_titled_papers_are_61(built: Path) -> None:
    rows = query(
        built,
        f"SELECT DISTINCT ?p WHERE {{ ?p a <{SCHEMA}ScholarlyArticle> ; "
        "<http://purl.org/dc/terms/title> ?t }",
    )
    assert len(rows) == 61


def test_a_paper_on_three_pages_has_one_node_and_three_listings(built: Path) -> None:
    rows = query(
        built,
        f"""
        SELECT ?paper ?file ?line WHERE {{
          ?paper <http://purl.org/dc/terms/title> ?t .
          FILTER(STRSTARTS(?t, "Fast and Slow Generating"))
          ?l <{KG}listedPaper> ?paper ; <{KG}onPage> ?page ; <{KG}line> ?line .
          ?page <http://purl.org/dc/terms/identifier> ?file }}""",
    )
    assert len({r[0] for r in rows}) == 1
    assert [(r[1][:3], r[2]) for r in rows] == [("001", "47"), ("002", "19"), ("004", "124")]


def test_code_conflict_follows_the_any_page_rule(built: Path) -> None:
    # 002 lists "Large Language Models as Biomedical Hypothesis Generators" without Code,
    # 004 with Code: the paper has code, and each listing keeps its own claim.
    rows = query(
        built,
        f"""
        SELECT ?has ?flag ?file WHERE {{
          ?paper <http://purl.org/dc/terms/title> ?t ; <{KG}hasCode> ?has .
          FILTER(STRSTARTS(?t, "Large Language Models as Biomedical"))
          ?l <{KG}listedPaper> ?paper ; <{KG}codeFlag> ?flag ; <{KG}onPage> ?page .
          ?page <http://purl.org/dc/terms/identifier> ?file }}""",
    )
    assert [(r[0], r[1], r[2][:3]) for r in rows] == [
        ("true", "false", "002"),
        ("true", "true", "004"),
    ]


def test_abstract_only_papers_point_at_an_ambiguous_creator(built: Path) -> None:
    rows = query(
        built,
        f"""
        SELECT ?who ?candidate WHERE {{
          ?who a <{KG}AmbiguousCreator> ; <{KG}possibleActualCreator> ?candidate .
          ?candidate a <{SCHEMA}Person> }}""",
    )
    assert rows == [
        (f"{BASE}person/Xingyu_Lu", f"{BASE}person/Xingyu_Lu/1"),
        (f"{BASE}person/Xingyu_Lu", f"{BASE}person/Xingyu_Lu/2"),
    ]
    papers = query(
        built,
        f"""
        SELECT ?paper ?year WHERE {{ ?paper <http://purl.org/dc/terms/creator>
          <{BASE}person/Xingyu_Lu> ; <http://purl.org/dc/terms/issued> ?year }}""",
    )
    assert sorted(y for _, y in papers) == ["2024", "2024", "2024", "2025", "2026"]


def test_topics_resolve_unambiguous_codes_and_model_ambiguous_ones(built: Path) -> None:
    rows = query(
        built,
        """
        SELECT DISTINCT ?topic WHERE { ?paper <http://purl.org/dc/terms/subject> ?topic }""",
    )
    topics = {r[0] for r in rows}
    assert "https://w3id.org/kg/arxiv/cs.CL" in topics
    assert f"{BASE}topic/CV" in topics  # cs.CV or math.CV: not guessed
    candidates = query(
        built,
        f"""
        SELECT ?c WHERE {{ <{BASE}topic/CV> <{KG}candidateCategory> ?c }}""",
    )
    assert candidates == [
        ("https://w3id.org/kg/arxiv/cs.CV",),
        ("https://w3id.org/kg/arxiv/math.CV",),
    ]


def test_one_named_graph_per_page_with_provenance(built: Path) -> None:
    rows = query(
        built,
        f"""
        SELECT ?g ?file ?sha ?captured WHERE {{ GRAPH ?g {{
          ?g a <{KG}SourcePage> ; <http://purl.org/dc/terms/identifier> ?file ;
             <{KG}sha256> ?sha ; <{KG}capturedOn> ?captured }} }}""",
    )
    assert [r[1] for r in rows] == sorted(p.name for p in SEEDS.glob("*.txt"))
    for graph, file, sha, captured in rows:
        assert graph == f"{BASE}page/{file}"
        import hashlib

        assert sha == hashlib.sha256((SEEDS / file).read_bytes()).hexdigest()
        assert captured == "2026-11-24"


@pytest.mark.parametrize("name", sorted(OX_FORMATS))
def test_every_export_parses_back_with_pyoxigraph(built: Path, name: str) -> None:
    quads = store_quads(built)
    parsed = set(ox.parse(path=str(built / name), format=OX_FORMATS[name]))
    if name in DATASET_FILES:
        assert parsed == quads
    else:
        assert {q.triple for q in parsed} == {q.triple for q in quads}


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    "name,fmt",
    [
        ("graph.ttl", "turtle"),
        ("graph.nt", "nt"),
        ("graph.nq", "nquads"),
        ("graph.trig", "trig"),
        ("graph.jsonld", "json-ld"),
    ],
)
def test_every_export_parses_back_with_rdflib(built: Path, name: str, fmt: str) -> None:
    expected = {q.triple for q in store_quads(built)}
    dataset = rdflib.Dataset()
    dataset.parse(built / name, format=fmt)  # JSON-LD: inline context, no network
    triples = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    assert len(triples) == len(expected)
    as_text = {(s.n3(), p.n3(), _n3(o)) for s, p, o in triples}
    assert as_text == {(str(t.subject), str(t.predicate), str(t.object)) for t in expected}


def _n3(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.Literal) and term.datatype is None and term.language is None:
        return ox.Literal(str(term)).__str__()
    if isinstance(term, rdflib.Literal):
        return str(
            ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            if term.datatype
            else ox.Literal(str(term), language=term.language)
        )
    return term.n3()


def test_output_is_byte_identical_whatever_the_input_order(built: Path, tmp_path: Path) -> None:
    shuffled = tmp_path / "pages"
    shuffled.mkdir()
    files = sorted(SEEDS.glob("*.txt"), reverse=True)
    for f in files:
        shutil.copy(f, shuffled / f.name)
    out = tmp_path / "out"
    code, _, _ = run("build", *[str(shuffled / f.name) for f in files], "-o", str(out))
    assert code == 0
    for name in (f.file_name for f in FORMATS):
        assert (out / name).read_bytes() == (built / name).read_bytes(), name


def test_export_from_the_store_matches_the_build_files(built: Path, tmp_path: Path) -> None:
    for fmt, name in ((f.name, f.file_name) for f in FORMATS):
        target = tmp_path / name
        code, _, stderr = run("export", "--out", str(built), "--format", fmt, "-o", str(target))
        assert code == 0, stderr
        assert target.read_bytes() == (built / name).read_bytes(), fmt


def test_export_to_stdout_streams_the_same_bytes(built: Path) -> None:
    for fmt in ("trig", "jsonld"):
        code, stdout, stderr = run("export", "--out", str(built), "--format", fmt)
        assert code == 0, stderr
        assert stdout.encode("utf-8") == (built / format_named(fmt).file_name).read_bytes(), fmt


def test_export_guesses_the_format_from_the_file_name(built: Path, tmp_path: Path) -> None:
    code, _, _ = run("export", "--out", str(built), "-o", str(tmp_path / "x.nq"))
    assert code == 0
    assert (tmp_path / "x.nq").read_bytes() == (built / "graph.nq").read_bytes()


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    code, _, _ = run(
        "build",
        str(SEEDS / "003_1e15edc5c0b8441e.txt"),
        "-o",
        str(tmp_path),
        "--base-iri",
        "http://example.org/mykg/",
    )
    assert code == 0
    text = (tmp_path / "graph.nt").read_text()
    assert "<http://example.org/mykg/paper/" in text
    assert "kg.example.org" not in text


@pytest.mark.parametrize("base", ["not-an-iri", "http://ex ample.org/", "https://a<b>/"])
def test_a_bad_base_iri_is_a_usage_error(tmp_path: Path, base: str) -> None:
    code, _, stderr = run("build", str(SEEDS), "-o", str(tmp_path), "--base-iri", base)
    assert code == 2
    assert "base IRI" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "graph.nq").exists()


def test_stats_without_a_store_says_how_to_fix_it(tmp_path: Path) -> None:
    code, _, stderr = run("stats", "--out", str(tmp_path / "nothing"))
    assert code == 3
    assert "run `kg build` first" in stderr
    assert "Traceback" not in stderr


MARKER, STAGING = ".kg-output.json", "kg-staging"


def copy_of_output(built: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    return out, {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def assert_unchanged(out: Path, before: dict[str, bytes], built: Path) -> None:
    """No staging left behind, every file as before, and the old store whole."""
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [MARKER]
    assert [p.name for p in out.parent.iterdir() if STAGING in p.name] == []
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert store_quads(out) == store_quads(built)


def test_an_interrupted_build_leaves_the_previous_output(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, before = copy_of_output(built, tmp_path)
    import kg.store.embedded

    load_file = kg.store.embedded.load_file

    def crash(store: object, path: Path, fmt: object) -> None:
        if path.suffix == ".nq":  # as if the user pressed Ctrl-C while the store fills
            raise KeyboardInterrupt
        load_file(store, path, fmt)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.store.embedded, "load_file", crash)
    result = CliRunner().invoke(
        main, ["build", str(SEEDS / "003_1e15edc5c0b8441e.txt"), "-o", str(out)]
    )
    assert result.exit_code != 0
    monkeypatch.undo()
    assert_unchanged(out, before, built)


def test_the_store_filled_in_a_second_process_is_the_same(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    settings = Settings(out_dir=out)  # a second process even for the seeds:
    assert build_graph([SEEDS], settings, validate=False, background_store_min_bytes=0).written
    assert store_quads(out) == store_quads(built)
    for name in ("graph.nq", "graph.ttl", "graph.jsonld"):
        assert (out / name).read_bytes() == (built / name).read_bytes()


def test_a_failed_export_stops_the_store_process_and_keeps_the_old_output(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    import kg.export.files

    out, before = copy_of_output(built, tmp_path)
    write = kg.export.files.write_atomic_chunks

    def crash(path: Path, chunks: Iterable[str | bytes]) -> None:
        if path.name == "graph.jsonld":  # written while the other process fills the store
            raise KeyboardInterrupt
        write(path, chunks)

    monkeypatch.setattr(kg.export.files, "write_atomic_chunks", crash)
    with pytest.raises(KeyboardInterrupt):  # the store fills in a second process meanwhile
        build_graph([SEEDS], Settings(out_dir=out), background_store_min_bytes=0, incremental=False)
    assert multiprocessing.active_children() == []
    assert_unchanged(out, before, built)


def test_line_separators_in_text_survive_the_exports_written_from_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Turtle, TriG and JSON-LD are written from graph.nq/graph.nt read back line by line:
    a literal holding U+2028, U+0085 or U+001C must not be split there."""
    text = (SEEDS / "003_1e15edc5c0b8441e.txt").read_text(encoding="utf-8")
    odd = text.replace("Graphix-T5", "Graph\u2028ix\u2029T5", 1)
    assert odd != text
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "odd.txt").write_bytes(odd.encode("utf-8"))
    out = tmp_path / "out"
    # the path big graphs take: the store in a second process, the rest from the files
    built = build_graph([pages], Settings(out_dir=out), background_store_min_bytes=0)
    assert built.written and not built.skipped
    quads = set(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    titles = {q.object.value for q in quads if q.predicate.value.endswith("/title")}
    assert any("\u2028" in t and "\u2029" in t for t in titles), titles
    for name in ("graph.trig", "graph.jsonld"):
        assert set(ox.parse(path=str(out / name), format=OX_FORMATS[name])) == quads, name
    triples = {q.triple for q in quads}
    for name in ("graph.ttl", "graph.nt"):
        parsed = ox.parse(path=str(out / name), format=OX_FORMATS[name])
        assert {q.triple for q in parsed} == triples, name
