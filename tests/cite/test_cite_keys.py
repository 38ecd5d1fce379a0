"""Citation keys and BibTeX escaping, unit by unit (issue #18)."""

from __future__ import annotations

from citereaders import latex_to_text

from kg.cite.bibtex import bibtex_name, latex_text, protected_title
from kg.cite.keys import base_key, suffix, unique_keys


def test_a_key_is_family_year_and_first_title_word() -> None:
    assert base_key(("Xingtai Lv", "Li Sheng"), 2026, "Post-Trained MoE Can Skip") == (
        "lv2026posttrained"
    )
    assert base_key(("Zoë Müller",), 2024, "A Survey of Things") == "muller2024survey"
    assert base_key((), None, "王 Title") == "anonndtitle"


def test_suffixes_count_in_letters() -> None:
    assert [suffix(n) for n in (0, 1, 2, 26, 27, 28)] == ["", "a", "b", "z", "aa", "ab"]


def test_keys_are_disambiguated_by_order_and_never_take_another_base_key() -> None:
    bases = {"p1": "lv2026post", "p2": "lv2026post", "p3": "lv2026posta"}
    order = {"p1": ("2026-02",), "p2": ("2026-01",), "p3": ("2026-03",)}
    assert unique_keys(bases, order) == {
        "p2": "lv2026post",
        "p1": "lv2026postb",
        "p3": "lv2026posta",
    }


def test_latex_specials_are_escaped_and_decode_back() -> None:
    for text in ["BrowseComp-$V^3$", "C++", "50%", "a_b", "{x", "y}", "\\", "#&~", "--", "``''"]:
        escaped = latex_text(text)
        assert escaped.count("{") == escaped.count("}"), escaped
        assert latex_to_text(escaped) == text


def test_capitals_after_the_first_letter_are_protected() -> None:
    assert protected_title("Post-Trained MoE can") == "{Post-Trained} {MoE} can"


def test_names_bibtex_would_split_are_braced_whole() -> None:
    assert bibtex_name("Smith, John") == "{Smith, John}"
    assert bibtex_name("Tom and Jerry") == "{Tom and Jerry}"
    assert bibtex_name("Zoë Ürün") == "Zoë Ürün"
