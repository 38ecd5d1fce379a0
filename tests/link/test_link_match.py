"""kg.link.match: one paper against the records sharing its key (issue #19). Never guess."""

from __future__ import annotations

from typing import Any

import pytest

from kg.diagnostics import Severity
from kg.link.match import EARLY, LATE, Decision, decide, known_index
from kg.link.model import Wanted
from kg.link.record import ArxivRecord, arxiv_record

TITLE = "TTRL: Test-Time Reinforcement Learning"
PEOPLE = ["Yuxin Zuo", "Kaiyan Zhang", "Li Sheng", "Shang Qu", "Biqing Qi"]


def record(arxiv_id: str = "2504.16084", **fields: Any) -> ArxivRecord:
    """A parsed snapshot record: TTRL by ``PEOPLE``, v1 on 2025-04-22, unless told."""
    names = fields.pop("names", PEOPLE)
    obj: dict[str, Any] = {
        "id": arxiv_id,
        "title": TITLE,
        "authors": ", ".join(names),
        "categories": "cs.CL cs.LG",
        "doi": None,
        "abstract": "An abstract.",
        "versions": [{"version": "v1", "created": "Tue, 22 Apr 2025 17:59:01 GMT"}],
        "update_date": "2025-04-23",
        "authors_parsed": [[n.split()[-1], " ".join(n.split()[:-1]), ""] for n in names],
    }
    obj.update(fields)
    made = arxiv_record(obj, 7)
    assert isinstance(made, ArxivRecord), made
    return made


def versions(*dates: str) -> list[dict[str, str]]:
    from datetime import date

    days = "Mon Tue Wed Thu Fri Sat Sun".split()
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    out = []
    for i, text in enumerate(dates, 1):
        d = date.fromisoformat(text)
        created = f"{days[d.weekday()]}, {d.day:02d} {months[d.month - 1]} {d.year} 10:00:00 GMT"
        out.append({"version": f"v{i}", "created": created})
    return out


def wanted(**fields: Any) -> Wanted:
    values: dict[str, Any] = {
        "iri": "https://kg.example.org/paper/ttrl",
        "title": TITLE,
        "abstract": None,
        "authors": ("Yuxin Zuo", "Kaiyan Zhang", "Li Sheng"),
        "et_al": True,
        "date": "2025-04-22",
        "date_inferred_year": False,
        "creators": ("Biqing Qi",),
        "source": "004.txt",
        "line": 47,
    }
    values.update(fields)
    return Wanted(**values)


NOBODY = known_index([])


def test_one_fitting_record_is_a_link() -> None:
    decision = decide(wanted(), [record("2504.16084v3", doi=" 10.1000/xyz ")], NOBODY)
    link = decision.link
    assert link is not None and not decision.diagnostics
    assert link.arxiv_id == "2504.16084"  # no version
    assert link.doi == "10.1000/xyz"
    assert link.categories == ("cs.CL", "cs.LG")
    assert link.submitted == "2025-04-22"
    assert link.title == TITLE and link.matched_by == "title" and link.line == 7
    assert [a.name for a in link.authors] == PEOPLE
    assert [a.known_as for a in link.authors] == [
        "Yuxin Zuo",
        "Kaiyan Zhang",
        "Li Sheng",
        None,
        None,
    ]


def test_a_doi_url_keeps_the_doi_only() -> None:
    link = decide(wanted(), [record(doi="https://doi.org/10.1000/XYZ")], NOBODY).link
    assert link is not None and link.doi == "10.1000/XYZ"


def test_categories_keep_order_primary_first_without_repeats() -> None:
    link = decide(wanted(), [record(categories="cs.LG  cs.CL cs.LG\nstat.ML")], NOBODY).link
    assert link is not None and link.categories == ("cs.LG", "cs.CL", "stat.ML")


def test_no_candidate_is_not_found_without_a_warning() -> None:
    assert decide(wanted(), [], NOBODY) == Decision(wanted().iri)


def test_two_records_that_fit_equally_are_ambiguous_and_named() -> None:
    decision = decide(wanted(), [record("2504.20000"), record("2504.16084")], NOBODY)
    assert decision.link is None
    assert decision.ambiguous == ("2504.16084", "2504.20000")
    (told,) = decision.diagnostics
    assert (told.source, told.line, told.severity) == ("004.txt", 47, Severity.WARNING)
    assert "arXiv:2504.16084" in told.message and "arXiv:2504.20000" in told.message


def test_the_same_id_twice_in_a_snapshot_is_one_record() -> None:
    decision = decide(wanted(), [record("2504.16084v1"), record("2504.16084v2")], NOBODY)
    assert decision.link is not None and decision.link.arxiv_id == "2504.16084"


def test_a_record_submitted_on_the_printed_day_beats_one_that_is_only_near() -> None:
    near = record("2504.20000", versions=versions("2025-04-24"))
    decision = decide(wanted(), [near, record("2504.16084")], NOBODY)
    assert decision.link is not None and decision.link.arxiv_id == "2504.16084"


def test_a_year_alone_cannot_break_a_tie() -> None:
    near = record("2504.20000", versions=versions("2025-04-24"))
    decision = decide(wanted(date="2025"), [near, record("2504.16084")], NOBODY)
    assert decision.ambiguous == ("2504.16084", "2504.20000")


def test_a_same_title_record_by_other_people_is_passed_over() -> None:
    other = record("2504.99999", names=["Maria Rossi", "Kaiyan Zhang", "Li Sheng"])
    decision = decide(wanted(), [other, record()], NOBODY)
    assert decision.link is not None and decision.link.arxiv_id == "2504.16084"
    assert not decision.contradicted and not decision.diagnostics


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"authors": ("Kaiyan Zhang", "Yuxin Zuo", "Li Sheng")}, "printed author 1"),
        ({"authors": ("Yuxin Zuo", "Kaiyuan Zhang", "Li Sheng")}, "printed author 2"),
        ({"authors": ("Yuxin Zuo", "Kaiyan Zhang", "Li Sheng"), "et_al": False}, "all 3 authors"),
        ({"authors": tuple(PEOPLE) + ("Someone Else",), "et_al": False}, "prints 6 authors"),
        ({"creators": ("Ning Ding",)}, "'Ning Ding' is not among"),
        ({"date": "2024-04-22"}, "printed date 2024-04-22"),
        ({"date": "2023"}, "printed date 2023"),
    ],
)
def test_a_title_match_that_the_page_contradicts_is_no_link(
    changes: dict[str, Any], reason: str
) -> None:
    decision = decide(wanted(**changes), [record()], NOBODY)
    assert decision.link is None and not decision.ambiguous
    ((arxiv_id, why),) = decision.contradicted
    assert arxiv_id == "2504.16084" and reason in why
    (told,) = decision.diagnostics
    assert told.severity is Severity.WARNING and "arXiv:2504.16084" in told.message


def test_the_whole_printed_list_links_when_the_record_has_no_more() -> None:
    printed = tuple(PEOPLE)
    assert decide(wanted(authors=printed, et_al=False), [record()], NOBODY).link is not None


def test_a_paper_printed_without_authors_is_confirmed_by_its_owner_and_date() -> None:
    paper = wanted(title=None, abstract="An abstract.", authors=(), et_al=False, date="2025")
    link = decide(paper, [record()], NOBODY).link
    assert link is not None and link.matched_by == "abstract"
    assert all(a.known_as is None for a in link.authors)


# -- the date window ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "fits"),
    [
        ("2025-04-22", True),  # v1
        ("2025-04-20", True),  # EARLY days before: the page's time zone
        ("2025-04-19", False),
        ("2025-04-29", True),  # LATE days after: the announcement, over a holiday
        ("2025-04-30", False),
        ("2025-05-15", False),  # between the versions, near neither
        ("2025-06-01", True),  # v2
        ("2025-06-08", True),
        ("2025-06-09", False),
    ],
)
def test_the_date_window_edges(printed: str, fits: bool) -> None:
    assert (EARLY.days, LATE.days) == (2, 7)
    two = record(versions=versions("2025-04-22", "2025-06-01"))
    decision = decide(wanted(date=printed), [two], NOBODY)
    assert (decision.link is not None) is fits
    if fits:
        assert decision.link is not None and decision.link.submitted == "2025-04-22"


@pytest.mark.parametrize(
    ("printed", "submitted", "fits"),
    [
        ("2025", "2025-04-22", True),
        ("2024", "2025-04-22", False),
        ("2026", "2025-04-22", False),
        ("2025", "2024-12-30", True),  # announced in the new year
        ("2024", "2025-01-01", True),  # the page's time zone, a day behind
    ],
)
def test_a_year_alone_checks_the_year(printed: str, submitted: str, fits: bool) -> None:
    decision = decide(wanted(date=printed), [record(versions=versions(submitted))], NOBODY)
    assert (decision.link is not None) is fits


@pytest.mark.parametrize(
    ("printed", "submitted", "fits"),
    [
        ("2026-04-22", "2025-04-22", True),  # the year is the capture's, not the paper's
        ("2026-04-22", "2023-04-24", True),
        ("2026-05-22", "2025-04-22", False),
        ("2026-01-03", "2025-12-30", True),  # the window runs into the next year
        ("2026-02-29", "2024-02-29", True),  # a leap day, though the capture year has none
        ("2026-02-29", "2025-02-27", False),
    ],
)
def test_a_date_with_an_inferred_year_checks_month_and_day(
    printed: str, submitted: str, fits: bool
) -> None:
    paper = wanted(date=printed, date_inferred_year=True)
    decision = decide(paper, [record(versions=versions(submitted))], NOBODY)
    assert (decision.link is not None) is fits


def test_a_record_without_dates_is_decided_by_its_authors() -> None:
    assert decide(wanted(), [record(versions=[])], NOBODY).link is not None


# -- names -----------------------------------------------------------------------------------


def test_printed_names_are_reconciled_with_the_records_by_position() -> None:
    parsed = [["Zuo", "Y.", ""], ["Zhang", "Kai-Yan", ""], ["Sheng", "Li", ""], ["Qu", "Shang", ""]]
    printed = ("Yuxin Zuo", "Zhang Kaiyan", "LI SHENG")
    link = decide(
        wanted(authors=printed, creators=()), [record(authors_parsed=parsed)], NOBODY
    ).link
    assert link is not None
    assert [(a.name, a.known_as) for a in link.authors] == [
        ("Y. Zuo", "Yuxin Zuo"),
        ("Kai-Yan Zhang", "Zhang Kaiyan"),
        ("Li Sheng", "LI SHENG"),
        ("Shang Qu", None),
    ]


def test_other_authors_take_the_one_known_name_that_is_theirs() -> None:
    parsed = [
        ["Zuo", "Yuxin", ""],
        ["Zhang", "Kaiyan", ""],
        ["Sheng", "Li", ""],
        ["Qü", "Shang", ""],  # accents
        ["Qi", "Biqing", ""],  # the other order
        ["Ding", "N.", ""],  # initials only: a guess
        ["Cui", "Ganqu", ""],  # two known names are this name
        ["Hua", "Ermo", "Jr"],
    ]
    known = known_index(
        ["Shang Qu", "Qi Biqing", "Ning Ding", "Ganqu Cui", "Cui Ganqu", "Ermo Hua", "Li Sheng"]
    )
    link = decide(wanted(creators=()), [record(authors_parsed=parsed)], known).link
    assert link is not None
    assert [a.known_as for a in link.authors[3:]] == [
        "Shang Qu",
        "Qi Biqing",
        None,
        None,
        "Ermo Hua",
    ]
    assert link.authors[7].name == "Ermo Hua Jr"
    assert (link.authors[7].family, link.authors[7].given) == ("Hua", "Ermo")


def test_a_group_author_is_not_a_person() -> None:
    names = ["Zhaoyang Liu", "Jingjing Xie", "Zichen Ding", "Biqing Qi"]
    group = record(
        authors="OpenGVLab: " + ", ".join(names),
        authors_parsed=[["OpenGVLab", "", ""]] + [[n.split()[1], n.split()[0], ""] for n in names],
    )
    assert group.group == "OpenGVLab" and len(group.authors) == 4
    link = decide(wanted(authors=tuple(names[:3])), [group], NOBODY).link
    assert link is not None and link.group == "OpenGVLab"
    assert [a.known_as for a in link.authors] == [*names[:3], None]
    # a page that prints the group first
    link = decide(wanted(authors=("OpenGVLab", "Zhaoyang Liu")), [group], NOBODY).link
    assert link is not None and [a.known_as for a in link.authors][:2] == ["Zhaoyang Liu", None]


def test_a_one_word_person_is_no_group() -> None:
    single = record(
        authors="Neha, Yuxin Zuo", authors_parsed=[["Neha", "", ""], ["Zuo", "Yuxin", ""]]
    )
    assert single.group is None and single.authors[0] == ("Neha", "", "")


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("id", 2504, "'id'"),
        ("title", None, "'title'"),
        ("authors_parsed", "Zuo, Yuxin", "authors_parsed"),
        ("authors_parsed", [["Zuo", 1, ""]], "authors_parsed"),
        ("versions", [{"version": "v1"}], "versions"),
        ("categories", ["cs.CL"], "categories"),
        ("abstract", 3, "abstract"),
    ],
)
def test_a_record_with_a_wrong_field_says_which(field: str, value: Any, why: str) -> None:
    obj = {"id": "1", "title": "T", "authors_parsed": [], "versions": [], field: value}
    made = arxiv_record(obj, 1)
    assert isinstance(made, str) and why in made
    assert isinstance(arxiv_record([obj], 1), str)
