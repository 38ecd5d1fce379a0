"""The author-line reader and the name rules, on fixtures written for them (issue 2)."""

from __future__ import annotations

import pytest

from kg.read.authors import (
    AuthorLine,
    is_name,
    parse_author_line,
    split_tail,
    title_key,
)

# -- author lines and names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jane Doe", AuthorLine(("Jane Doe",), False, ())),
        ("Aditi", AuthorLine(("Aditi",), False, ())),
        ("NVIDIA, Jane Doe", AuthorLine(("NVIDIA", "Jane Doe"), False, ())),
        (
            "Shengding Hu, Ning Ding, Weilin Zhao et al. · tsinghua",
            AuthorLine(("Shengding Hu", "Ning Ding", "Weilin Zhao"), True, ("tsinghua",)),
        ),
        ("Jane Doe et al", AuthorLine(("Jane Doe",), True, ())),
        ("Jane  Doe ,  John Smith", AuthorLine(("Jane Doe", "John Smith"), False, ())),
        ("Jane Doe ·", AuthorLine(("Jane Doe",), False, ())),
        ("Jane Doe · pku, , mit", AuthorLine(("Jane Doe",), False, ("pku", "mit"))),
        (
            "Ludwig van Beethoven, Juan de la Cruz, Meng'en Li",
            AuthorLine(("Ludwig van Beethoven", "Juan de la Cruz", "Meng'en Li"), False, ()),
        ),
        ("J.-P. Sartre, J.R. Ewing", AuthorLine(("J.-P. Sartre", "J.R. Ewing"), False, ())),
        ("Martin Luther King Jr.", AuthorLine(("Martin Luther King Jr.",), False, ())),
        (
            "Omar al-Farsi, Nour ibn Saud, Ivan D'Souza",
            AuthorLine(("Omar al-Farsi", "Nour ibn Saud", "Ivan D'Souza"), False, ()),
        ),
        ("YIng Ai, Zoë Ångström", AuthorLine(("YIng Ai", "Zoë Ångström"), False, ())),
    ],
)
def test_author_line(line: str, expected: AuthorLine) -> None:
    assert parse_author_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "",
        "The scale of large pre-trained models poses significant challenges.",
        "Text.",  # a one-word abstract is not an author
        "Jane Doe, 2024",
        "Jane Doe, John Smith van",  # a particle does not end a name
        "Jane Doe and John Smith were here on a sunny day",
        "jane doe",
        "Jane Doe (MIT)",
        "CLMay 18",
    ],
)
def test_not_an_author_line(line: str) -> None:
    assert parse_author_line(line) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kirill V. Golubnichiy", True),
        ("J. R. R. Tolkien", True),
        ("Ka Man Lo", True),
        ("Jean-Pierre Sauvage", True),
        ("Sean O’Brien", True),
        ("One Two Three Four Five Six Seven", False),  # too long for a name
        ("Jane Doe1", False),
        ("Omar al-farsi", False),  # a particle before a lowercase word is no name
        ("al-Farsi", True),
        ("Doe.", False),
    ],
)
def test_is_name(name: str, expected: bool) -> None:
    assert is_name(name) is expected


def test_split_tail() -> None:
    assert split_tail("A, B et al. · pku, tsinghua") == ("A, B", True, ("pku", "tsinghua"))
    assert split_tail("A, B") == ("A, B", False, ())
    assert split_tail("A et  al.") == ("A", True, ())


def test_title_key_ignores_case_spacing_and_normal_form() -> None:
    assert title_key("Caf\u0065\u0301  Models") == title_key("café models")
