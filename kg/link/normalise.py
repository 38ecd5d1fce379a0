"""Match keys (pure): titles and abstracts folded so a page and arXiv meet, and names.

A key keeps only letters and digits: TeX markup, accents, case, line wraps, spacing and
punctuation all fold away, so ``Graph-Aware`` meets ``Graph Aware`` and ``$\\alpha$-NeRF``
meets ``α-NeRF``. Names fold per part (given, family) so that ``Lv Xingtai`` meets
``Xingtai Lv`` and ``Jos\\'e`` meets ``José``, but ``Li Ming`` never meets ``Lim Ing``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Commands that only format their argument: ``\emph{x}`` is ``x``.
_FORMATTING = frozenset(
    """emph textbf textit texttt textsc textrm textsf textup textnormal textsl text mathrm
    mathbf mathit mathcal mathbb mathsf mathtt mathfrak mathscr mathnormal boldsymbol bm
    operatorname mbox hbox rm bf it em tt sc sf sl cal underline overline hat tilde bar vec
    widetilde widehat dot ddot breve check acute grave left right big Big bigl bigr Bigl
    Bigr displaystyle textstyle scriptstyle mathop mathbin mathrel ensuremath url href
    footnote thanks small large Large tiny normalsize footnotesize""".split()
)
# Letter-named accent commands (``\c{c}``, ``\v s``): the letter stays, the command goes.
_LETTER_ACCENT = re.compile(r"\\[cvuHkrdbt](?:\s*\{|\s+(?=[A-Za-z]))")
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*")
# Special letters, as TeX commands and as characters NFKD leaves whole.
_TEX_LETTERS = {"ss": "ss", "o": "o", "O": "o", "aa": "a", "AA": "a", "ae": "ae", "AE": "ae"}
_TEX_LETTERS |= {"oe": "oe", "OE": "oe", "l": "l", "L": "l", "i": "i", "j": "j"}
_TEX_SYMBOLS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varpi": "pi"}
_TEX_SYMBOLS |= {"varrho": "rho", "varsigma": "sigma", "rightarrow": "to", "to": "to"}
_TEX_SYMBOLS |= {"infty": "infinity", "le": "leq", "ge": "geq"}
_CHARACTERS = {"æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "œ": "oe"}
_CHARACTERS |= {"ı": "i", "ŀ": "l", "×": "times", "→": "to", "∞": "infinity"}
_CHARACTERS |= {"≤": "leq", "≥": "geq"}


def title_key(title: str) -> str:
    """The key a title is matched by: letters and digits only, folded (see the module)."""
    if title.isascii() and "\\" not in title:
        return _ascii_key(title)  # the common case, ~20x faster, and the same key
    return _key(_untex(title))


def abstract_key(abstract: str) -> str:
    """An abstract's key: the same folding as a title's."""
    return title_key(abstract)


_ASCII_DROP = bytes(c for c in range(128) if not chr(c).isalnum())


def _ascii_key(text: str) -> str:
    return text.encode("ascii").lower().translate(None, _ASCII_DROP).decode("ascii")


def _untex(text: str) -> str:
    """TeX commands folded to words: formatting dropped, ``\\alpha`` -> ``alpha``."""
    text = _LETTER_ACCENT.sub("{", text)
    return _COMMAND.sub(_command_word, text)


def _command_word(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _FORMATTING:
        return ""
    return _TEX_LETTERS.get(name) or _TEX_SYMBOLS.get(name) or f" {name} "


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(_fold_character(c) for c in decomposed if c.isalnum() or c in _CHARACTERS)


@lru_cache(maxsize=4096)
def _fold_character(c: str) -> str:
    if c in _CHARACTERS:
        return _CHARACTERS[c]
    if c.isascii():
        return c
    if unicodedata.combining(c):
        return ""
    name = unicodedata.name(c, "")
    if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
        return name.rsplit(" ", 1)[-1].lower()  # α and \alpha both "alpha"
    return c


# -- names --------------------------------------------------------------------------------

_PARTS = re.compile(r"[\s.\-‐‑–]+")


def fold_part(part: str) -> str:
    """A name part (a family name, given names) as compared: letters only, folded, so
    ``Chun-Han`` is ``Chun Han`` is ``chunhan``."""
    return _key(_untex(part)) if not part.isascii() or "\\" in part else _ascii_key(part)


def given_parts(given: str) -> tuple[str, ...]:
    """Given names cut into parts for comparing initials: ``J.R.`` -> (``j``, ``r``)."""
    return tuple(p for p in (fold_part(w) for w in _PARTS.split(given)) if p)


def splits(name: str) -> tuple[tuple[str, str], ...]:
    """Every way to read a printed name as (given, family), as printed: the family is the
    last words or, in family-first order, the first words; one word is a family name."""
    words = name.split()
    if not words:
        return ()
    found: dict[tuple[str, str], None] = {("", words[0]): None} if len(words) == 1 else {}
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        found[(head, tail)] = None  # given first: "Xingtai Lv"
        found[(tail, head)] = None  # family first: "Lv Xingtai"
    return tuple(found)


def given_compatible(printed: str, recorded: str) -> bool:
    """Two given names agree: the same when folded, or where one side gives initials,
    each initial the first letter of the other side's part (``J. R.`` and ``John Robert``;
    a missing middle initial too). An empty side agrees: the family name decided."""
    if not printed.strip() or not recorded.strip():
        return True
    if fold_part(printed) == fold_part(recorded):
        return True
    one, other = given_parts(printed), given_parts(recorded)
    if not one or not other:
        return False
    shorter, longer = sorted((one, other), key=len)
    for a, b in zip(shorter, longer, strict=False):
        if a != b and not (_initial_of(a, b) or _initial_of(b, a)):
            return False
    extra = longer[len(shorter) :]
    return all(len(p) == 1 for p in extra) or all(len(p) == 1 for p in shorter)


def _initial_of(initial: str, part: str) -> bool:
    return len(initial) == 1 and part.startswith(initial)


def same_person(printed: str, family: str, given: str) -> bool:
    """A printed name is the record's (family, given): the family names agree (folded),
    the given names agree or are initials of each other, in either order of the parts."""
    family_key = fold_part(family)
    if not family_key:
        return False
    return any(
        fold_part(f) == family_key and given_compatible(g, given) for g, f in splits(printed)
    )


def name_key(given: str, family: str) -> tuple[str, str]:
    """The exact key of a name: (given, family), each folded. No initials: two names with
    one key are the same name written differently (accents, case, hyphens)."""
    return fold_part(given), fold_part(family)


def name_keys(name: str) -> frozenset[tuple[str, str]]:
    """The keys a printed name could have, in either order of its parts."""
    return frozenset((fold_part(g), fold_part(f)) for g, f in splits(name))


def fold_spaces(text: str) -> str:
    """Runs of whitespace (arXiv's line wraps ``"\\n  "`` too) as one space, no outer ones."""
    return " ".join(text.split())


_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303"}
_ACCENTS |= {"=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b"}
_ACCENTS |= {"c": "\u0327", "k": "\u0328", "r": "\u030a"}
_TEX_ACCENT = re.compile(
    r"\{?\\(?:([`'^\"~=.])\s*|([uvHckr])(?:\s+|(?=\{)))\{?([A-Za-z]|\\i)\}?\}?"
)
_LETTER_NAMES = "ss|aa|AA|ae|AE|oe|OE|o|O|l|L"
# ``{\o}``, ``\o{}``, ``\ss e`` (a space after a command word is TeX's, not the name's)
_TEX_LETTER = re.compile(
    rf"\{{\\({_LETTER_NAMES})\}}|\\({_LETTER_NAMES})(?:\{{\}}|\s+(?=[A-Za-z])|(?![A-Za-z]))"
)
_LETTERS = {"ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ"}
_LETTERS |= {"o": "ø", "O": "Ø", "l": "ł", "L": "Ł"}


def display_name(text: str) -> str:
    """A name from the metadata as shown: TeX accents as letters (``M\\"uller`` ->
    ``Müller``), braces gone, whitespace folded, NFC."""
    if "\\" in text:
        text = _TEX_ACCENT.sub(_accented, text)
        text = _TEX_LETTER.sub(lambda m: _LETTERS[m.group(1) or m.group(2)], text)
    if "{" in text or "}" in text:
        text = text.replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", fold_spaces(text))


def _accented(match: re.Match[str]) -> str:
    letter = "i" if match.group(3) == "\\i" else match.group(3)
    return letter + _ACCENTS[match.group(1) or match.group(2)]
