"""kg export --format bibtex|csl-json|ris on the seeds (issue #18): read back by maintained
readers, one entry per titled paper with the graph's authors, deterministic, selections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from citereaders import (
    Entry,
    latex_to_text,
    read_bibtexparser,
    read_csl,
    read_pybtex,
    read_ris,
    render_csl,
)
from graphtruth import by_title
from kgtest import SEEDS, build, run

from kg.errors import EXIT_USAGE
from kg.export.formats import CITATION_NAMES

FORMATS = CITATION_NAMES  # every citation format kg export writes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SEEDS, tmp_path_factory.mktemp("out"))


def export(built: Path, *args: str) -> tuple[str, str]:
    code, stdout, stderr = run("export", "--out", str(built), *args)
    assert code == 0, stderr
    return stdout, stderr


def read_back(fmt: str, text: str) -> list[Entry]:
    """The entries, titles and authors as the maintained readers see them (BibTeX: both
    readers must agree; LaTeX decoded to text)."""
    if fmt == "bibtex":
        parsed, other = read_bibtexparser(text), read_pybtex(text)
        assert [(e.key, e.title, e.authors) for e in parsed] == [
            (e.key, e.title, e.authors) for e in other
        ]
        return [
            Entry(e.key, latex_to_text(e.title), tuple(map(latex_to_text, e.authors)), e.fields)
            for e in parsed
        ]
    return read_csl(text) if fmt == "csl-json" else read_ris(text)


ET_AL = {"bibtex": "others", "csl-json": "others", "ris": "et al."}


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_entry_per_titled_paper_with_the_graphs_authors(built: Path, fmt: str) -> None:
    text, stderr = export(built, "--format", fmt)
    entries = read_back(fmt, text)
    truth = by_title(built)
    assert len(entries) == len(truth) == 61
    assert {e.title for e in entries} == set(truth)
    for entry in entries:
        names, et_al = truth[entry.title]
        assert entry.authors == names + ((ET_AL[fmt],) if et_al else ()), entry.key
    assert sum(truth[e.title][1] for e in entries) > 10  # the seeds cut many lists
    assert len({e.key for e in entries}) == len(entries)
    assert [e.key for e in entries] == sorted(e.key for e in entries)
    assert "61 papers" in stderr


def test_bibtex_entries_are_arxiv_preprints(built: Path) -> None:
    text, _ = export(built, "--format", "bibtex")
    entry = {e.key: e for e in read_pybtex(text)}["lv2026posttrained"]
    assert text.count("@misc{") == 61
    assert entry.fields["year"] == "2026" and entry.fields["month"] == "May"
    assert entry.fields["publisher"] == "arXiv" and entry.fields["archiveprefix"] == "arXiv"
    assert entry.fields["primaryclass"] == "cs.LG"
    assert "inferred from the capture date" in entry.fields["note"]
    assert entry.authors == ("Xingtai Lv", "Li Sheng", "Kaiyan Zhang", "others")
    assert "{Post-Trained} {MoE} Can Skip" in entry.title  # capitals protected


def test_csl_json_validates_and_renders_in_a_standard_style(built: Path) -> None:
    text, _ = export(built, "--format", "csl-json")
    items = json.loads(text)
    read_csl(text)  # validates against the csl-data schema
    rendered = render_csl(items)
    assert len(rendered) == 61
    assert any(r.startswith("Lv, X. et al. (2026)") for r in rendered), rendered[:5]
    item = next(i for i in items if i["id"] == "lv2026posttrained")
    assert item["type"] == "article-journal" and item["publisher"] == "arXiv"
    assert item["issued"] == {"date-parts": [[2026, 5, 18]]}
    assert item["keyword"] == "cs.LG"


def test_ris_records_carry_year_date_category_and_code(built: Path) -> None:
    text, _ = export(built, "--format", "ris")
    records = {e.key: e.fields for e in read_ris(text)}
    assert len(records) == 61
    record = next(r for r in records.values() if r.get("urls"))
    assert record["type_of_reference"] == "JOUR" and record["publisher"] == "arXiv"
    assert all(url.startswith("https://") for url in record["urls"])
    assert records["lv2026posttrained"]["year"] == "2026"
    assert records["lv2026posttrained"]["date"] == "2026/05/18/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_byte_identical_and_atomic(built: Path, tmp_path: Path, fmt: str) -> None:
    first, _ = export(built, "--format", fmt)
    second, _ = export(built, "--format", fmt)
    target = tmp_path / "papers.out"
    export(built, "--format", fmt, "-o", str(target))
    assert first == second == target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["papers.out"]  # no temporary left


def test_the_suffix_chooses_bib_and_ris_but_json_stays_json_ld(built: Path, tmp_path: Path) -> None:
    export(built, "-o", str(tmp_path / "a.bib"))
    export(built, "-o", str(tmp_path / "a.ris"))
    export(built, "-o", str(tmp_path / "a.json"))
    assert (tmp_path / "a.bib").read_text().startswith("@misc{")
    assert (tmp_path / "a.ris").read_text().startswith("TY  - JOUR")
    assert '"@context"' in (tmp_path / "a.json").read_text()


def test_untitled_papers_are_skipped_with_a_note(built: Path) -> None:
    text, stderr = export(built, "--format", "bibtex")
    assert stderr.count("an untitled paper") == 5
    assert "title = {}" not in text


def test_an_inferred_year_is_exported_with_a_note(built: Path) -> None:
    _, stderr = export(built, "--format", "ris")
    assert "lv2026posttrained: the year 2026 is inferred from the capture date of " in stderr


def test_person_topic_and_since_narrow_the_selection(built: Path) -> None:
    everything = {e.key for e in read_ris(export(built, "--format", "ris")[0])}
    person = read_ris(export(built, "--format", "ris", "--person", "Xingtai Lv")[0])
    assert 0 < len(person) < len(everything)
    assert {e.key for e in person} <= everything  # the keys do not depend on the selection
    assert "lv2026posttrained" in {e.key for e in person}
    topic = read_ris(export(built, "--format", "ris", "--topic", "cs.CL")[0])
    assert topic and all(e.fields["keywords"] == ["cs.CL"] for e in topic)
    assert {e.key for e in topic} == {
        e.key for e in read_ris(export(built, "--format", "ris", "--topic", "cl")[0])
    }
    since = read_ris(export(built, "--format", "ris", "--since", "2025-06-01")[0])
    assert since and all(e.fields["date"] >= "2025/06/01/" for e in since)
    both = read_ris(
        export(built, "--format", "ris", "--person", "Xingtai Lv", "--since", "2025-06-01")[0]
    )
    assert {e.key for e in both} == {e.key for e in person} & {e.key for e in since}


def test_a_saved_query_selects_the_papers_in_its_paper_column(built: Path, tmp_path: Path) -> None:
    query = tmp_path / "by-person.rq"
    query.write_text(
        "# Papers of a person\n#\n# Parameters:\n"
        '#   person  string = "Nobody"  the person\n\n'
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
        "SELECT ?title ?paper ?person WHERE {\n"
        "  ?who foaf:name ?person . ?paper dcterms:creator ?who ; dcterms:title ?title }\n"
    )
    by_query, _ = export(
        built, "--format", "bibtex", "--query", str(query), "-p", "person", "Xingtai Lv"
    )
    by_person, _ = export(built, "--format", "bibtex", "--person", "Xingtai Lv")
    assert by_query == by_person and by_query.count("@misc{") > 3


def test_a_query_without_a_paper_column_is_a_usage_error(built: Path) -> None:
    code, stdout, stderr = run(
        "export", "--out", str(built), "--format", "ris", "--query", "papers-per-topic-year"
    )
    assert code == EXIT_USAGE and stdout == ""
    assert "no column of paper IRIs" in stderr


@pytest.mark.parametrize(("fmt", "empty"), [("bibtex", ""), ("csl-json", "[]\n"), ("ris", "")])
def test_an_empty_selection_writes_a_valid_empty_file_and_says_so(
    built: Path, tmp_path: Path, fmt: str, empty: str
) -> None:
    target = tmp_path / "none.out"
    _, stderr = export(built, "--format", fmt, "--person", "Nobody At All", "-o", str(target))
    text = target.read_text(encoding="utf-8")
    assert text == empty
    assert read_back(fmt, text) == []
    assert "no papers selected" in stderr


@pytest.mark.parametrize("option", [["--person", "X"], ["--topic", "cs.CL"], ["-p", "a", "b"]])
def test_selection_options_need_a_citation_format(built: Path, option: list[str]) -> None:
    code, stdout, stderr = run("export", "--out", str(built), "--format", "turtle", *option)
    assert code == EXIT_USAGE and stdout == ""
    assert "citation format" in stderr


def test_a_bad_since_date_is_a_usage_error(built: Path) -> None:
    code, _, stderr = run("export", "--out", str(built), "--format", "ris", "--since", "May")
    assert code == EXIT_USAGE
    assert "--since" in stderr
