"""Issue #14, the reader's part: lookalike names, invisible and control characters, and the
terminal that never acts on what it prints.

Each test says which item of issue #14 it pins. They use pages of their own and the seeds.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from readtest import SEED_001, cli, messages, paper_records, parse_text

import kg.cli
import kg.cli.common
import kg.read.authors
from kg.config import DEFAULT_CAPTURE_DATE, Settings
from kg.diagnostics import Severity
from kg.pipeline import build_graph
from kg.read.pages import INVISIBLE, read_page, scrub
from kg.render import table

WritePage = Callable[..., Path]
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"


# -- 5. names that look the same are the same person --------------------------------------------


def test_invisible_character_in_the_profile_name_is_not_a_second_person(
    tmp_path: Path, seeds_dir: Path, write_page: WritePage
) -> None:
    """Issue #14 (5): ``Xingtai\\u200b Lv`` in the header became a second, identical-looking
    person who "wrote" all 17 papers of the page."""
    text = (seeds_dir / SEED_001).read_text("utf-8")
    assert text.startswith("Xingtai Lv\n")
    page = read_page(write_page(tmp_path, text.replace("Xingtai Lv", "Xingtai\u200b Lv", 1)))
    built = build_graph([page], Settings(capture_date=DEFAULT_CAPTURE_DATE))
    seed = build_graph(
        [read_page(seeds_dir / SEED_001)], Settings(capture_date=DEFAULT_CAPTURE_DATE)
    )

    def names(quads: list) -> dict[str, int]:  # name -> how many persons carry it
        found: dict[str, set[str]] = {}
        for q in quads:
            if q.predicate.value == FOAF_NAME:
                found.setdefault(q.object.value, set()).add(q.subject.value)
        return {name: len(subjects) for name, subjects in found.items()}

    assert names(built.quads) == names(seed.quads)
    assert "Xingtai\u200b Lv" not in names(built.quads)
    assert [str(d) for d in built.diagnostics] == [
        "page.txt:1: warning: invisible formatting characters removed: U+200B"
    ]


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("Xing\u200ctai L\u00adv", "Xingtai Lv"),  # ZWNJ, soft hyphen
        ("\u202eXingtai Lv\u202c", "Xingtai Lv"),  # a bidi override
        ("\ufeffXingtai\u2060 Lv", "Xingtai Lv"),  # BOM, word joiner
        ("Ｘｉｎｇｔａｉ Ｌｖ", "Xingtai Lv"),  # fullwidth
        ("Xingtai Lv\U000e0041", "Xingtai Lv"),  # a tag character
    ],
)
def test_lookalike_names_read_as_the_name(printed: str, read: str) -> None:
    """Issue #14 (5): invisible characters are removed and compatibility forms folded."""
    parsed = parse_text(f"CLJan 5, 2024\nA Title\n{printed}, Ann Lee\nText.")
    assert [r.authors for r in paper_records(parsed)] == [(read, "Ann Lee")]
    if not printed.isascii() and printed != "Ｘｉｎｇｔａｉ Ｌｖ":
        [found] = parsed.diagnostics
        assert (found.line, found.severity) == (3, Severity.WARNING)


def test_name_mixing_latin_and_cyrillic_is_a_warning() -> None:
    """Issue #14 (5): ``Xingtаi`` with a Cyrillic ``а`` is another person who looks the same."""
    parsed = parse_text("CLJan 5, 2024\nA TitleXingt\u0430i Lv, Ann Lee\nText.")
    assert [r.authors for r in paper_records(parsed)] == [("Xingt\u0430i Lv", "Ann Lee")]
    assert messages(parsed) == [
        "p.txt:2: warning: name 'Xingtаi Lv' mixes Latin, Cyrillic or Greek letters in "
        "'Xingtаi': a lookalike of another name?"
    ]
    other_scripts = "CLJan 5, 2024\nA TitleИван Петров, Νίκος Καζαντζάκης\nSome text."
    assert parse_text(other_scripts).diagnostics == ()


def test_titles_lose_invisibles_and_fullwidth_but_keep_their_symbols() -> None:
    """Issue #14 (5): no NFKC for titles: it would turn ``x²`` into ``x2`` and ``ℝ`` into
    ``R``, which mean something else. Fullwidth ASCII is only a wider ``A``."""
    parsed = parse_text("CLJan 5, 2024\nＶ³ in ℝ²: ﬁne\u200b ＬＬＭ\nJane Doe\nText.")
    assert [r.title for r in paper_records(parsed)] == ["V³ in ℝ²: ﬁne LLM"]


def test_joiners_that_spell_a_word_are_kept() -> None:
    """A ZWNJ is part of Persian spelling, a ZWJ of an emoji; only between Latin letters,
    where it can only hide, is it removed."""
    assert scrub("می\u200cخواهم").text == "می\u200cخواهم"
    assert scrub("👩\u200d💻 Xing\u200dtai").text == "👩\u200d💻 Xingtai"


def test_every_format_character_is_removed_or_kept_on_purpose() -> None:
    """The list of invisible characters covers Unicode's format characters (category Cf)."""
    removed = set(re.findall(f"[{INVISIBLE}]", "".join(map(chr, range(sys.maxunicode + 1)))))
    kept = "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"  # visible marks
    kept += "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"  # layout
    kept_set = set(re.findall(f"[{kept}]", "".join(map(chr, range(sys.maxunicode + 1)))))
    cf = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert cf - kept_set <= removed
    assert "\u200c" in removed and "\u200d" in removed  # (kept only between joining letters)


# -- 6. control characters never reach the graph or the terminal -------------------------------

HOSTILE = "Title \x1b]0;pwned\x07\x1b[2Jwith\x9b controls"  # (a NUL makes a file binary)


def test_control_characters_are_removed_with_a_warning() -> None:
    """Issue #14 (6): NUL, ESC, BEL, C1: removed from every field, the line named."""
    parsed = parse_text(f"CLJan 5, 2024\n{HOSTILE}\nJa\x00ne Doe\x1b\nAn\tabstract\x07.")
    [record] = paper_records(parsed)
    assert record.title == "Title ]0;pwned[2Jwith controls"
    assert (record.authors, record.abstract) == (("Jane Doe",), "An abstract.")
    assert messages(parsed) == [
        "p.txt:2: warning: control characters removed: U+001B, U+0007, U+009B",
        "p.txt:3: warning: control characters removed: U+0000, U+001B",
        "p.txt:4: warning: control characters removed: U+0007",
    ]


def test_kg_parse_prints_no_control_character(
    tmp_path: Path, write_page: WritePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #14 (6): ``kg parse`` on a terminal printed the title's escape sequences raw."""
    # (A long abstract: a short file this dense in controls would be read as binary.)
    path = write_page(tmp_path, f"CLJan 5, 2024\n{HOSTILE}Jane Doe\n{'Text. ' * 100}\n")
    monkeypatch.setattr(kg.cli.common, "stdout_is_terminal", lambda: True)
    for args in [(), ("--format", "jsonl"), ("--format", "json")]:
        result = cli("parse", path, *args)
        assert result.exit_code == 0
        shown = result.stdout + result.stderr
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), (args, shown)


def test_table_shows_control_characters_as_escapes() -> None:
    """Issue #14 (6): rows from a remote endpoint can carry anything; a table cell shows a
    control or bidi character as an escape instead of sending it to the terminal."""
    text = table(["t\x1bitle"], [["a\x1b[2Jb\x07"], ["\x9b6n\u202eevil"], [["x\x00", "y"]]])
    assert "\\x1b[2J" in text and "\\x07" in text and "\\x9b6n" in text and "\\u202e" in text
    assert "t\\x1bitle" in text and "x\\x00, y" in text
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text)


def test_json_escapes_c0_controls_and_the_reader_removes_the_rest() -> None:
    """Issue #14 (6): json.dumps escapes C0 controls but not DEL or C1 (``\\x9b`` is a CSI on
    some terminals): JSON output is safe because no record carries them."""
    assert json.dumps("\x1b", ensure_ascii=False) == '"\\u001b"'
    assert json.dumps("\x9b", ensure_ascii=False) == '"\x9b"'  # why the reader must remove it
    [record] = paper_records(parse_text(f"CLJan 5, 2024\n{HOSTILE}\x7fJane Doe\nText."))
    assert not re.search("[\x00-\x1f\x7f-\x9f]", json.dumps(record.to_json(), ensure_ascii=False))


def test_query_output_on_a_terminal_never_acts_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #14: `kg query` printed a title holding an escape sequence raw to the terminal.
    The reader strips controls, but an ad-hoc query or a remote endpoint can return any."""
    from kgtest import SEEDS, build, run

    out = build(SEEDS, tmp_path / "out", "--no-validate")
    hostile = tmp_path / "hostile.rq"
    hostile.write_text(
        'SELECT ?title WHERE { BIND("A\\u001b]0;owned\\u0007\\u001b[2J\\u009b" AS ?title) }\n'
    )
    monkeypatch.setattr(kg.cli.common, "stdout_is_terminal", lambda: True)
    for fmt in ("table", "csv", "tsv", "json", "md"):
        code, stdout, stderr = run("query", str(hostile), "--out", str(out), "--format", fmt)
        assert code == 0, stderr
        assert not any(ch in stdout for ch in "\x1b\x07\x9b"), (fmt, stdout)
        assert "owned" in stdout
    monkeypatch.setattr(kg.cli.common, "stdout_is_terminal", lambda: False)
    code, stdout, _ = run("query", str(hostile), "--out", str(out), "--format", "csv")
    assert "\x1b]0;owned\x07" in stdout  # for a program, the data is the data
