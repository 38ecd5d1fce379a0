"""The saved queries as files (issue 5): each parses and documents itself, headers declare
typed parameters, and a declared Limit cuts the rows of the whole-graph listings."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from kgtest import build, run
from querytest import XSD, answer, columns

from kg.errors import UsageError
from kg.graph.layout import as_one_graph
from kg.sparql.header import parse_header
from kg.sparql.saved import (
    SavedQuery,
    bind,
    check_syntax,
    from_text,
    library,
    run_local,
    with_limit,
)

LIBRARY = library()
NAMES = [q.name for q in LIBRARY]


@pytest.mark.parametrize("query", LIBRARY, ids=NAMES)
def test_every_saved_query_parses_and_documents_itself(query: SavedQuery) -> None:
    check_syntax(query)
    assert query.form == "SELECT"
    assert query.title and query.question.endswith("?"), "a title and a one-sentence question"
    assert any(e.startswith(f"kg query {query.name}") for e in query.examples)
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    projection = body[body.index("SELECT") : body.index("WHERE")]
    for param in query.parameters:
        assert param.default is not None, f"{param.name}: every saved query runs without -p"
        # SEP-0007 substitution binds projected variables only (queries/README.md)
        assert re.search(rf"\?{param.name}\b", projection), f"project ?{param.name}"
    bind(query, [])  # every default is a valid value of its type


def test_parameters_change_the_answer(seed_store: ox.Store) -> None:
    wenyu = answer(seed_store, "coauthors", ("person", "Wenyu Du"))
    assert columns(wenyu, "coauthor", "papers")[:3] == [
        ("Tongxu Luo", "4"),  # Cut Your Losses, Learning from Peers, MIGU, Stacking
        ("Stephen Chung", "3"),  # Learning from Failures, Thinker, The Station
        ("Jiaxi Bi", "2"),
    ]
    direct = answer(seed_store, "connection", ("other", "Biqing Qi"))
    # Bingxiang He: the Survey of RL prints Kaiyan Zhang and him, and is on Biqing Qi's page
    assert columns(direct, "hops", "via_1")[:2] == [("1", ""), ("2", "Bingxiang He")]
    # Biqing Qi creates SDAR and SDAR-VL (page 004), printed with Shuang Cheng, who is printed
    # with Wenyu Du on Unlocking Continual Learning (page 003): the only route.
    wenyu_du = answer(seed_store, "connection", ("other", "Wenyu Du"))
    assert columns(wenyu_du, "hops", "via_1", "via_2") == [("3", "Biqing Qi", "Shuang Cheng")]
    # Graphix-T5 (Jinyang Li, Binyuan Hui, Reynold Cheng; page 003 only) is its own component
    assert answer(seed_store, "connection", ("other", "Jinyang Li")) == []
    cited = answer(seed_store, "top-authors-by-metric", ("metric", "kg:citationCount"))
    assert columns(cited, "name", "value") == [("Biqing Qi", "1387"), ("Xingtai Lv", "1150")]
    assert columns(answer(seed_store, "top-authors-by-metric", ("topic", "cs.LG")), "name") == []
    every = answer(seed_store, "shared-repositories", ("min_papers", "1"))
    repos = [r for r in every if r["level"] == "repository"]
    assert len(repos) == 14 and {r["papers"] for r in repos} == {"1"}
    strict = answer(seed_store, "collaboration-candidates", ("k", "3"))
    assert columns(strict, "candidate") == [("Che Jiang",), ("Junqi Gao",), ("Shang Qu",)]
    recent = answer(seed_store, "code-repositories", ("since", "2025-03-01"))
    assert sorted(r["issued"] for r in recent) == [
        "2025-03-04", "2025-04-01", "2025-04-22", "2025-05-12", "2025-05-27", "2025-09-10",
        "2025-10-05",
    ]  # fmt: skip
    cv = answer(seed_store, "code-repositories", ("topic", "CV"))  # an ambiguous site code
    assert {r["repository"] for r in cv} == {"", "https://github.com/OpenGVLab/ScaleCUA"}
    lu = answer(seed_store, "newest-papers", ("person", "Xingyu Lu"))  # the ambiguous name
    assert [r["issued"] for r in lu] == ["2026", "2025", "2024", "2024", "2024"]
    assert all(r["title"].startswith("(untitled) ") for r in lu)


# -- limits -------------------------------------------------------------------------------

LIMITED = [q for q in LIBRARY if q.limit is not None]


def test_the_whole_graph_listings_declare_a_limit() -> None:
    # the answers that grow with the graph (issue 7: 20-35 k rows at 100 k papers)
    assert {q.name for q in LIBRARY if q.limit is not None} == {
        "code-flag-disagreements",
        "code-repositories",
        "multi-page-papers",
        "organisation-pairs",
        "shared-repositories",
    }
    assert all(q.limit == 100 for q in LIMITED)


@pytest.mark.parametrize("query", LIMITED, ids=[q.name for q in LIMITED])
def test_a_limit_shows_the_first_rows_of_the_whole_answer(
    seed_store: ox.Store, query: SavedQuery
) -> None:
    given = [("min_papers", "1")] if query.name == "shared-repositories" else []
    bindings = bind(query, given)
    every = run_local(seed_store, with_limit(query, None), bindings).rows
    assert len(every) >= 2  # the seeds give each one an answer to cut
    assert run_local(seed_store, query, bindings).rows == every  # fewer than 100
    first = run_local(seed_store, with_limit(query, 1), bindings).rows
    # code-repositories cuts papers, so one paper may show with each of its repositories
    assert 1 <= len(first) < len(every) and set(first) <= set(every)
    if query.name != "multi-page-papers":  # cut on printed values, then sorted by title
        assert first == every[: len(first)]


def test_with_limit_rewrites_only_the_declared_clause() -> None:
    query = from_text(
        "# T\n#\n# Limit: 7 rows\n\n"
        'SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p "LIMIT 7" } LIMIT 7 } } # LIMIT 7\n'
    )
    assert query.limit == 7
    assert "} LIMIT 3 } }" in with_limit(query, 3).text
    unlimited = with_limit(query, None)
    assert unlimited.limit is None and "} LIMIT" not in unlimited.text
    assert '"LIMIT 7"' in unlimited.text and "# LIMIT 7" in unlimited.text
    check_syntax(unlimited)
    with pytest.raises(UsageError, match="declares no Limit"):
        with_limit(unlimited, 3)
    with pytest.raises(UsageError, match="not once"):
        from_text("# T\n#\n# Limit: 5\n\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 6\n")
    with pytest.raises(UsageError, match="Limit: N"):
        parse_header("# T\n#\n# Limit: many\n\nSELECT ?s WHERE { }\n", "q.rq")


def test_kg_query_limit_and_all(seed_out: Path) -> None:
    base = ("query", "organisation-pairs", "--out", str(seed_out), "--format", "tsv")
    code, default, stderr = run(*base)
    assert code == 0 and len(default.splitlines()) == 3  # header + the two pairs
    assert "--limit N or --all" not in stderr  # fewer rows than the Limit
    code, one, stderr = run(*base, "--limit", "1")
    assert code == 0 and one.splitlines() == default.splitlines()[:2]
    assert "the first 1 rows: --limit N or --all for more" in stderr
    assert run(*base, "--all")[1] == default
    code, _, stderr = run(*base, "--all", "--limit", "2")
    assert code == 2 and "not both" in stderr
    code, _, stderr = run("query", "coauthors", "--out", str(seed_out), "--limit", "2")
    assert code == 2 and "declares no Limit" in stderr


MULTI_PAGE = {
    "a.txt": "54.1CLApr 22, 2025Code\nShared Paper on ThingsAlice Smith, Bob Jones\nAbstract.\n",
    "b.txt": "CLApr 22, 2025\nShared Paper on ThingsAlice Smith, Bob Jones\nAbstract.\n",
    "c.txt": "61.5CLApr 22, 2025\nShared Paper on ThingsAlice Smith, Bob Jones\nAbstract.\n",
}


def test_multi_page_lists_the_values_printed_when_some_pages_print_none(
    tmp_path: Path,
) -> None:
    # Oxigraph's GROUP_CONCAT is unbound when one value is: page b prints no score, and the
    # scores of a and c must still show
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, text in MULTI_PAGE.items():
        (pages / name).write_text(text, encoding="utf-8")
    out = build(pages, tmp_path / "out")
    (row,) = answer(as_one_graph(ox.Store.read_only(str(out / "store"))), "multi-page-papers")
    assert row["title"] == "Shared Paper on Things" and row["pages"] == "3"
    assert row["scores"] == "54.1; 61.5" and row["code_flags"] == "false; true"
    assert row["dates"] == "2025-04-22" and row["categories"] == "CL"
    assert row["disagrees_on"] == "code flag; score"  # parts sorted by values()


# -- headers ------------------------------------------------------------------------------

HEADER = """\
# A title
#
# Question: Does it parse,
# over two lines?
#
# Parameters:
#   who    string  = "Kaiyan \\"KZ\\" Zhang"  a name
#   k      integer = 3                       a count,
#                                            continued
#   since  date    required                  a day
#   what   iri     = kg:hIndex               a property
#
# Example:
#   kg query x -p since 2024-01-01
#
# A note
# on two lines.
#
# Another note.

PREFIX kg: <https://w3id.org/kg/ns#>
SELECT ?who ?k ?since ?what WHERE { }
"""


def test_header_gives_title_question_parameters_examples_and_notes() -> None:
    title, question, params, examples, notes, limit = parse_header(HEADER)
    assert title == "A title"
    assert question == "Does it parse, over two lines?"
    assert [(p.name, p.type, p.default) for p in params] == [
        ("who", "string", '"Kaiyan \\"KZ\\" Zhang"'),
        ("k", "integer", "3"),
        ("since", "date", None),
        ("what", "iri", "kg:hIndex"),
    ]
    assert params[1].doc == "a count, continued"
    assert examples == ("kg query x -p since 2024-01-01",)
    assert notes == "A note on two lines.\nAnother note."
    query = from_text(HEADER)
    bound = bind(query, [("since", "2024-01-01")])
    assert bound["who"] == ox.Literal('Kaiyan "KZ" Zhang')
    assert bound["k"] == ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))
    assert bound["since"] == ox.Literal("2024-01-01", datatype=ox.NamedNode(XSD + "date"))
    assert bound["what"] == ox.NamedNode("https://w3id.org/kg/ns#hIndex")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#   who string = Kaiyan", "needs quotes"),
        ('#   k integer = "3"', "is quoted"),
        ("#   k integer = three", "bad default"),
        ("#   d date = 2024-02-30", "bad default"),
        ("#   k float = 3", "cannot read parameter line"),
        ("#   k integer", "cannot read parameter line"),
    ],
)
def test_a_bad_parameter_line_is_a_usage_error_naming_file_and_line(
    line: str, message: str
) -> None:
    text = f"# T\n#\n# Parameters:\n{line}\nSELECT * {{}}\n"
    with pytest.raises(UsageError, match=rf"q\.rq:4: .*{message}"):
        parse_header(text, "q.rq")


def test_a_parameter_declared_twice_is_an_error() -> None:
    text = '# T\n# Parameters:\n#   a string = ""\n#   a string = ""\nSELECT ?a {}\n'
    with pytest.raises(UsageError, match="declared twice"):
        parse_header(text)
