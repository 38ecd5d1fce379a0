"""Author lines: the shape of a name list, and splitting a title glued to its authors (pure).

A listing page prints ``TitleFirst Author, Second Author, Third et al. · pku`` with no
separator between the title and the first name. We enumerate every place where the first
name could start, keep those where the rest is a well-formed name list, and score them with
what we know: names and titles printed cleanly elsewhere, and the shape of words at the seam.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

ET_AL = re.compile(r"\s*\bet\s+al\.?\s*$")
AFFILIATION_SEP = " · "
# Lowercase name particles (van de, de la, bin, ...): allowed inside a name, not alone.
PARTICLES = frozenset(
    "van von der den de del della di da dos das du la le zu ten ter bin binti ibn bint al el "
    "y e".split()
)
# A lowercase particle glued to a capitalised name: "al-Rashid", "el-Amin", "d'Alembert".
_PARTICLE_PREFIX = re.compile(
    r"^(?:(?:al|el|ad|ar|as|at|az|ash|ibn|bin)[-‐]|(?:d|l|dell|dall|degli)['’])(?=[^\W\d_])"
)
NAME_PUNCT = frozenset("'’.-‐")
# A dot only ends an initial or a short abbreviation: "J.", "J.R.", "J.-P.", "Jr.", "St."
_ABBREVIATED = re.compile(r"^(?:[^\W\d_]{1,2}\.[-‐]?)+$")
MAX_SHOWN_AUTHORS = 3  # the site prints the first three names, then "et al."
UNCERTAIN_MARGIN = 3.0


@dataclass(frozen=True)
class AuthorLine:
    authors: tuple[str, ...]
    et_al: bool
    affiliations: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """What the clean pages taught us: names and titles printed on their own."""

    names: frozenset[str] = field(default=frozenset())
    titles: frozenset[str] = field(default=frozenset())

    def knows_name(self, name: str) -> bool:
        return name in self.names

    def knows_title(self, title: str) -> bool:
        return title_key(title) in self.titles


@dataclass(frozen=True)
class Split:
    title: str
    line: AuthorLine
    uncertain: str | None = None  # the runner-up split, when it scored too close


def title_key(title: str) -> str:
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


def split_tail(text: str) -> tuple[str, bool, tuple[str, ...]]:
    """Peel ``· affiliations`` and ``et al.`` off the end of an author line."""
    affiliations: tuple[str, ...] = ()
    if AFFILIATION_SEP in text:
        text, _, affs = text.rpartition(AFFILIATION_SEP)
        affiliations = tuple(a.strip() for a in affs.split(",") if a.strip())
    elif text.rstrip().endswith("·"):
        text = text.rstrip()[:-1]
    # Only the tail can hold "et al.": searching a whole abstract line is the reader's
    # single biggest cost on a large corpus.
    et_al = bool(ET_AL.search(text[-24:]))
    if et_al:
        text = ET_AL.sub("", text)
    return text.strip(), et_al, affiliations


def is_name_token(token: str) -> bool:
    if token.lower() in PARTICLES and token.islower():
        return True
    token = _PARTICLE_PREFIX.sub("", token)
    if not token or not all(ch.isalpha() or ch in NAME_PUNCT for ch in token):
        return False
    if "." in token and not _ABBREVIATED.match(token):
        return False  # "J.", "J.-P." and "Jr." are names; "Text." ends a sentence
    first = token[0]
    return first.isalpha() and not first.islower()


def is_name(name: str) -> bool:
    tokens = name.split()
    if not 1 <= len(tokens) <= 6:
        return False
    if tokens[-1].islower() and tokens[-1] in PARTICLES:
        return False
    return all(is_name_token(t) for t in tokens)


def parse_author_line(text: str) -> AuthorLine | None:
    """A line that is nothing but a name list (with optional et al. and affiliations)."""
    body, et_al, affiliations = split_tail(text)
    names = [n.strip() for n in body.split(",")]
    if not body or not all(is_name(n) for n in names):
        return None
    return AuthorLine(tuple(" ".join(n.split()) for n in names), et_al, affiliations)


def split_glued(text: str, lexicon: Lexicon) -> Split | None:
    """Split ``TitleAuthor, Author et al. · affs`` into title and author line."""
    body, et_al, affiliations = split_tail(text)
    scored: list[tuple[float, int, str, tuple[str, ...]]] = []
    for start in _seam_candidates(body):
        title, names = body[:start].strip(), [n.strip() for n in body[start:].split(",")]
        if not title or not all(is_name(n) for n in names):
            continue
        score = _score(title, names, et_al, lexicon)
        scored.append((score, start, title, tuple(" ".join(n.split()) for n in names)))
    if not scored:
        return None
    # On a tie the earlier seam wins: the title then holds no piece of the name list.
    scored.sort(key=lambda c: (-c[0], c[1]))
    best, uncertain = scored[0], None
    if len(scored) > 1 and best[0] - scored[1][0] < UNCERTAIN_MARGIN:
        runner = scored[1]
        uncertain = f"{runner[2]!r} / {runner[3][0]!r}"
    return Split(best[2], AuthorLine(best[3], et_al, affiliations), uncertain)


def _seam_candidates(body: str) -> list[int]:
    # The first name starts at a letter that is not lowercase and is glued to what precedes.
    return [
        i
        for i in range(1, len(body))
        if body[i].isalpha() and not body[i].islower() and not body[i - 1].isspace()
    ]


def _score(title: str, names: list[str], et_al: bool, lexicon: Lexicon) -> float:
    first = names[0]
    first_token = first.split()[0]
    score = 0.0
    if lexicon.knows_title(title):
        score += 100
    if lexicon.knows_name(first):
        score += 30
    score += _token_shape(first_token)
    score -= 4 * sum(_inner_capital_after_lower(t) for t in first.split()[1:])
    score -= _title_end_penalty(title)
    if _SURNAME_PREFIX.fullmatch(title.split()[-1]) and re.match(r"[A-Z][a-z]", first_token):
        score -= 6  # the seam cuts a name such as "McDonald" or "LeCun" in two
    if len(names) > MAX_SHOWN_AUTHORS:
        score -= 10 * (len(names) - MAX_SHOWN_AUTHORS)
    if et_al:
        # "et al." follows a full set of shown names; fewer means the title took some.
        score -= 3 * (MAX_SHOWN_AUTHORS - min(len(names), MAX_SHOWN_AUTHORS))
    if len(first.split()) > 4:
        score -= 3
    return score


def _token_shape(token: str) -> float:
    """How name-like the seam token is: ``Xuekai`` yes, ``MXuekai`` or ``LearningYuxin`` no."""
    letters = [ch for ch in token if ch.isalpha()]
    if not letters:
        return -5
    if len(letters) == 1 and token == letters[0] + ".":
        return 4  # an initial, as in "J. R. R. Tolkien"
    if len(letters) == 1:
        return -3  # a bare letter is rarely a whole first name; more often a title's end
    if all(not ch.islower() for ch in letters):
        return 0  # NVIDIA: possible, but it cannot be told from an acronym in the title
    leading_caps = 0
    for ch in letters:
        if ch.islower():
            break
        leading_caps += 1
    if _inner_capital_after_lower(token):
        return -5
    if leading_caps == 1:
        return 5
    return -2 * (leading_caps - 1)  # YIng is odd but possible; MXuekai is worse


_SURNAME_PREFIX = re.compile(r"Mc|Mac|Le|La|De|Di|Da|Du|Van|Von|O'|D'|O’|D’")
_NAME_PREFIX = re.compile(rf"^(?:{_SURNAME_PREFIX.pattern})(?=[A-Z][a-z])")


def _inner_capital_after_lower(token: str) -> bool:
    """``LearningYuxin`` (two words run together); ``McDonald`` and ``LeCun`` are names."""
    token = _NAME_PREFIX.sub("", token)
    return any(a.islower() and b.isupper() for a, b in zip(token, token[1:], strict=False))


def _title_end_penalty(title: str) -> float:
    last = title.split()[-1]
    penalty = 0.0
    if title[-1] in ",:;-–(&/‘“" or (title[-1] in "'’\"”" and not _closes_quote(title)):
        penalty += 10  # a title does not end mid-phrase
    before = title[-2] if len(title) > 1 else " "
    if title[-1].isupper() and not (before.isupper() or before.isdigit()):
        penalty += 8  # "SynergyY", "Matter!Y", "Hao, M": a capital that begins the next word
    if last.lower() in {"and", "of", "for", "with", "the", "a", "an", "in", "on", "to", "via"}:
        penalty += 6
    return penalty


_OPENING_QUOTE = re.compile(r"(?:^|\s)['’\"”]|[‘“]")


def _closes_quote(title: str) -> bool:
    """``... 'Pretraining'`` ends by closing a quote; ``Sean O'`` ends inside a name."""
    return len(title) > 1 and not title[-2].isspace() and bool(_OPENING_QUOTE.search(title[:-1]))
