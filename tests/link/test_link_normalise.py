"""kg.link.normalise: title and abstract keys, and how names fold (issue #19)."""

from __future__ import annotations

import pytest

from kg.link.normalise import (
    display_name,
    given_compatible,
    name_key,
    name_keys,
    same_person,
    title_key,
)


@pytest.mark.parametrize(
    ("page", "arxiv"),
    [
        (
            "Graphix-T5: Mixing Pre-Trained Transformers",
            "Graphix-T5: Mixing Pre-Trained\n  Transformers",
        ),
        ("f-Divergence Minimization", "$f$-Divergence  Minimization"),
        ("On LLMs' Hallucination", "On LLMs’ Hallucination"),
        ("Attention is All You Need", "\\emph{Attention} is \\textbf{All} You Need"),
        ("Müller's Café", "M\\\"uller's Caf\\'e"),
        ("Müller's Café", "M{\\\"u}ller's Caf\\'{e}"),
        ("Ćwiczenia", "\\'Cwiczenia"),
        ("Çalışma", "\\c{C}al\\i\\c{s}ma"),
        ("α-NeRF: β Splatting", "$\\alpha$-NeRF: $\\beta$ Splatting"),
        ("ε-greedy", "$\\varepsilon$-greedy"),
        ("Σ-Net", "$\\Sigma$-Net"),
        ("BrowseComp-V³", "BrowseComp-$V^3$"),
        ("Pages 10–20 — a note", "Pages 10--20 --- a note"),
        ("LLM × DATA", "LLM $\\times$ DATA"),
        ("ﬁne tuning", "fine tuning"),
        ("Ærø and Łódź", "\\AE r\\o{} and \\L\\'od\\'z"),
    ],
)
def test_a_page_title_meets_its_arxiv_form(page: str, arxiv: str) -> None:
    assert title_key(page) == title_key(arxiv)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "The Station: An Open-World Environment for AI-Driven Discovery",
            "The Station: An Open-World Environment for AI-Driven Science",
        ),
        ("Learning from Peers", "Learning from Peer"),
        ("GPT-4 Evaluation", "GPT-3 Evaluation"),
        ("$\\alpha$-Fold", "$\\beta$-Fold"),
    ],
)
def test_titles_that_differ_by_a_word_keep_apart(one: str, other: str) -> None:
    assert title_key(one) != title_key(other)


def test_a_key_keeps_letters_and_digits_only() -> None:
    assert (
        title_key("TTRL: Test-Time  Reinforcement\n  Learning!")
        == "ttrltesttimereinforcementlearning"
    )
    assert title_key("") == ""
    assert title_key("?!") == ""


def test_the_ascii_fast_path_is_the_same_key() -> None:
    for text in ("Can 1B LLM Surpass 405B LLM?", "A (Very) Short {Title}", "x^2_y~z"):
        from kg.link.normalise import _key, _untex

        assert title_key(text) == _key(_untex(text))


@pytest.mark.parametrize(
    ("printed", "family", "given"),
    [
        ("Xingtai Lv", "Lv", "Xingtai"),
        ("Lv Xingtai", "Lv", "Xingtai"),  # family first
        ("Xingtai Lv", "Xingtai", "Lv"),  # arXiv parsed the parts the other way round
        ("XINGTAI LV", "Lv", "Xingtai"),
        ("YIng Ai", "Ai", "Ying"),  # odd capitals (seeds/004)
        ("Jose Alvarez", "Álvarez", "José"),
        ("José Álvarez", "Alvarez", "Jose"),
        ("Jörg Müller", 'M\\"uller', 'J{\\"o}rg'),  # TeX accents in old records
        ("Chun-Han Yao", "Yao", "Chunhan"),
        ("Chunhan Yao", "Yao", "Chun-Han"),
        ("J. Smith", "Smith", "John"),
        ("John Smith", "Smith", "J."),
        ("J. R. Smith", "Smith", "John Robert"),
        ("J.R. Smith", "Smith", "John Robert"),
        ("John Smith", "Smith", "John R."),  # a middle initial left out
        ("Kirill V. Golubnichiy", "Golubnichiy", "Kirill V."),
        ("Hassan Abu Alhaija", "Alhaija", "Hassan Abu"),
        ("Juan de la Cruz", "de la Cruz", "Juan"),
        ("Neha", "Neha", ""),
        ("Sean O'Brien", "O’Brien", "Sean"),
    ],
)
def test_a_printed_name_is_the_records_person(printed: str, family: str, given: str) -> None:
    assert same_person(printed, family, given)


@pytest.mark.parametrize(
    ("printed", "family", "given"),
    [
        ("Xingtai Lv", "Lu", "Xingtai"),
        ("Kaiyan Zhang", "Zhang", "Kaiyuan"),
        ("J. Smith", "Smith", "Robert"),
        ("John Smith", "Smyth", "John"),
        ("Li Ming", "Lim", "Ing"),
        ("Ning Ding", "Ning", "Ding Ding"),
        ("", "Lv", "Xingtai"),
        ("Xingtai Lv", "", "Xingtai"),
    ],
)
def test_a_different_name_is_not_the_records_person(printed: str, family: str, given: str) -> None:
    assert not same_person(printed, family, given)


def test_given_names_with_initials() -> None:
    assert given_compatible("J.", "John")
    assert given_compatible("John", "J")
    assert given_compatible("J. R.", "John")  # one initial short
    assert not given_compatible("J. R.", "John Peter")
    assert not given_compatible("Jon", "John")
    assert given_compatible("", "John")  # the family name decided


def test_exact_name_keys_fold_accents_case_and_order_but_not_initials() -> None:
    assert name_key("José", "Álvarez") in name_keys("jose alvarez")
    assert name_key("Xingtai", "Lv") in name_keys("Lv Xingtai")
    assert name_key("Chun-Han", "Yao") in name_keys("Chun Han Yao")
    assert name_key("J.", "Smith") not in name_keys("John Smith")
    assert name_key("Ming", "Li") not in name_keys("Lim Ing")
    assert name_key("", "Neha") in name_keys("Neha")


@pytest.mark.parametrize(
    ("tex", "shown"),
    [
        ('M\\"uller', "Müller"),
        ('J{\\"o}rg', "Jörg"),
        ("Fran\\c{c}ois", "François"),
        ("Du\\v{s}an", "Dušan"),
        ("Jos\\'e", "José"),
        ("G\\'{e}rard", "Gérard"),
        ("Bj{\\o}rn", "Bjørn"),
        ("Stra\\ss e", "Straße"),
        ("  Zdeněk\n  Žabokrtský ", "Zdeněk Žabokrtský"),
        ("{Van} der Berg", "Van der Berg"),
    ],
)
def test_display_names_turn_tex_into_letters(tex: str, shown: str) -> None:
    assert display_name(tex) == shown
