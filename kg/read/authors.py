"""Author lines: the shape of a name list, and splitting a title glued to its authors (pure).

A listing page prints ``TitleFirst Author, Second Author, Third et al. · pku`` with no
separator between the title and the first name. We enumerate every place where the first
name could start, keep those where the rest is a well-formed name list, and score them with
what we know: names and titles printed cleanly elsewhere, and the shape of words at the seam.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

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
# The longest word a name may have (the longest real surnames run to about 35 letters). It
# bounds where the splitter looks for a seam, which keeps it linear in the line (issue #14).
MAX_NAME_TOKEN = 64
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

    def has_titles(self) -> bool:
        return bool(self.titles)

    def may_hold_title(self, letters: int) -> bool:
        """Whether a title of ``letters`` non-space characters could be known at all."""
        return letters <= _KEY_GROWTH * self.longest_title

    @cached_property
    def longest_title(self) -> int:
        return max(map(len, self.titles), default=0)


@dataclass(frozen=True)
class Split:
    title: str
    line: AuthorLine
    uncertain: str | None = None  # the runner-up split, when it scored too close


def title_key(title: str) -> str:
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


def normalise_name(name: str) -> str:
    """The form a name is compared and stored in: NFKC, single spaces (issue #14).

    NFKC folds compatibility forms (fullwidth ``Ｌｖ``, ligatures, superscripts) that look
    like, and so must be, the same name; a name has no formatting to lose.
    """
    if not name.isascii():
        name = unicodedata.normalize("NFKC", name)
    return " ".join(name.split())


_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
_GREEK_OR_CYRILLIC = re.compile("[\u0370-\u03ff\u0400-\u052f\u1c80-\u1c8f\u1f00-\u1fff]")


def mixed_script_words(name: str) -> list[str]:
    """The words of a name that mix Latin, Cyrillic and Greek letters (``Xingtаi`` with a
    Cyrillic ``а``): a lookalike of another name, or a typo no reader can see."""
    if name.isascii() or not _GREEK_OR_CYRILLIC.search(name):
        return []
    mixed = []
    for word in name.split():
        scripts = {
            script
            for ch in word
            if ch.isalpha()
            for script in _CONFUSABLE_SCRIPTS
            if unicodedata.name(ch, "").startswith(script)
        }
        if len(scripts) > 1:
            mixed.append(word)
    return mixed


def split_tail(text: str) -> tuple[str, bool, tuple[str, ...]]:
    """Peel ``· affiliations`` and ``et al.`` off the end of an author line."""
    affiliations: tuple[str, ...] = ()
    if AFFILIATION_SEP in text:
        text, _, affs = text.rpartition(AFFILIATION_SEP)
        affiliations = tuple(a.strip() for a in affs.split(",") if a.strip())
    elif text.rstrip().endswith("·"):
        text = text.rstrip()[:-1]
    # Only the tail can hold "et al.": searching a whole abstract line is the reader's
    # single biggest cost on a large corpus (and on a long run of spaces the pattern is
    # quadratic), so it is found and removed in the same last 24 characters.
    head, tail = text[:-24], text[-24:]
    et_al = bool(ET_AL.search(tail))
    if et_al:
        text = head + ET_AL.sub("", tail)
    return text.strip(), et_al, affiliations


def is_name_token(token: str) -> bool:
    if len(token) > MAX_NAME_TOKEN:
        return False
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
    return AuthorLine(tuple(normalise_name(n) for n in names), et_al, affiliations)


def split_glued(text: str, lexicon: Lexicon) -> Split | None:
    """Split ``TitleAuthor, Author et al. · affs`` into title and author line.

    Close to linear in the line's length (issue #14: a 40 KB line took minutes): the line is
    cut at its commas once, the name list is checked once from the right, and a seam is only
    looked for in the last few words before a comma, since a name has at most six words of
    at most ``MAX_NAME_TOKEN`` characters. Only the winner's pieces are built as strings.
    """
    body, et_al, affiliations = split_tail(text)
    view = _Body(body)
    scored: list[tuple[float, int, int]] = []  # (score, seam, segment)
    last = len(view.segments) - 1
    for j in range(last, -1, -1):
        start, end = view.segments[j]
        for seam in _seams_in(body, start, end):
            first = body[seam:end].strip()
            if is_name(first):
                scored.append((view.score(seam, first, last - j + 1, et_al, lexicon), seam, j))
        # A seam further left puts this whole segment in the name list: it must be a name.
        if not is_name(view.pieces[j].strip()):
            break
    if not scored:
        return None
    # On a tie the earlier seam wins: the title then holds no piece of the name list.
    scored.sort(key=lambda c: (-c[0], c[1]))
    best, uncertain = scored[0], None
    if len(scored) > 1 and best[0] - scored[1][0] < UNCERTAIN_MARGIN:
        runner = scored[1]
        uncertain = f"{body[: runner[1]]!r} / {view.names(runner[1], runner[2])[0]!r}"
    names = view.names(best[1], best[2])
    return Split(body[: best[1]], AuthorLine(names, et_al, affiliations), uncertain)


class _Body:
    """A glued line cut at its commas once, with what scoring a seam needs in O(1) or so."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.pieces = body.split(",")
        self.segments: list[tuple[int, int]] = []
        start = 0
        for piece in self.pieces:
            self.segments.append((start, start + len(piece)))
            start += len(piece) + 1
        self._quote_end: int | None = None  # where the first opening quote ends, when asked
        self._spaces: list[int] | None = None  # prefix counts of whitespace, built on demand

    def names(self, seam: int, segment: int) -> tuple[str, ...]:
        first = self.body[seam : self.segments[segment][1]]
        return tuple(normalise_name(n) for n in [first, *self.pieces[segment + 1 :]])

    def quote_opens_before(self, at: int) -> bool:
        """Whether a quote opens in body[:at] (``_OPENING_QUOTE`` finds it there)."""
        if self._quote_end is None:
            found = _OPENING_QUOTE.search(self.body)
            self._quote_end = found.end() if found else len(self.body) + 1
        return self._quote_end <= at

    def score(self, seam: int, first: str, count: int, et_al: bool, lexicon: Lexicon) -> float:
        """The seam's score: what ``_score`` gave for ``body[:seam]`` and its name list."""
        body = self.body
        # The title is body[:seam]: body is stripped, and a seam follows no whitespace.
        token_start = seam - 1
        while token_start > 0 and seam - token_start <= _LONGEST_TITLE_WORD:
            if body[token_start - 1].isspace():
                break
            token_start -= 1
        last_word = body[token_start:seam]  # only its short forms matter, so a long one is cut
        end = body[max(0, seam - 2) : seam]
        quoted = end[-1] in "'’\"”" and self.quote_opens_before(seam - 1)
        known = lexicon.has_titles() and self._may_be_known(seam, lexicon)
        return _score(end, last_word, quoted, known, first, count, et_al, lexicon)

    def _may_be_known(self, seam: int, lexicon: Lexicon) -> bool:
        # A title key keeps at least a quarter of the title's non-space characters (NFC
        # composes at most four code points into one; casefold never shortens), so a much
        # longer title cannot be in the lexicon and its key is not worth building.
        if seam > _KEY_GROWTH * lexicon.longest_title:
            if self._spaces is None:
                self._spaces = [0, *itertools.accumulate(ch.isspace() for ch in self.body)]
            if not lexicon.may_hold_title(seam - self._spaces[seam]):
                return False
        return lexicon.knows_title(self.body[:seam])


_LONGEST_TITLE_WORD = 8  # longer than any word _score looks at ("with", "Mac", ...)
_KEY_GROWTH = 4


def _seams_in(body: str, start: int, end: int) -> list[int]:
    """Where the first name could start within body[start:end] (a comma-separated segment).

    The first name starts at a letter that is not lowercase and is glued to what precedes.
    A name has at most six words of at most MAX_NAME_TOKEN characters, so in a long segment
    only its last six words are looked at (a short one is cheaper to scan whole).
    """
    low = start if end - start <= _SHORT_SEGMENT else _last_words_start(body, start, end)
    return [
        i
        for i in range(max(low, 1), end)
        if body[i].isalpha() and not body[i].islower() and not body[i - 1].isspace()
    ]


_SHORT_SEGMENT = 6 * (MAX_NAME_TOKEN + 1)


def _last_words_start(body: str, start: int, end: int) -> int:
    """Where the last six words of body[start:end] begin, or where a word too long for a
    name stops being one (only its last MAX_NAME_TOKEN characters can start a name)."""
    low, at = end, end
    for _ in range(6):
        while at > start and body[at - 1].isspace():
            at -= 1
        if at == start:
            break
        word_end = at
        while at > start and not body[at - 1].isspace() and word_end - at <= MAX_NAME_TOKEN:
            at -= 1
        if word_end - at > MAX_NAME_TOKEN:
            return word_end - MAX_NAME_TOKEN
        low = at
    return low


def _score(
    end: str,
    last_word: str,
    quoted: bool,
    known_title: bool,
    first: str,
    count: int,
    et_al: bool,
    lexicon: Lexicon,
) -> float:
    """How likely a seam is: ``end`` is the title's last two characters, ``last_word`` its
    last word (cut when long), ``quoted`` whether a quote opens before its last character,
    ``count`` the number of names after the seam."""
    first_token = first.split()[0]
    score = 0.0
    if known_title:
        score += 100
    if lexicon.knows_name(first):
        score += 30
    score += _token_shape(first_token)
    score -= 4 * sum(_inner_capital_after_lower(t) for t in first.split()[1:])
    score -= _title_end_penalty(end, last_word, quoted)
    if _SURNAME_PREFIX.fullmatch(last_word) and re.match(r"[A-Z][a-z]", first_token):
        score -= 6  # the seam cuts a name such as "McDonald" or "LeCun" in two
    if count > MAX_SHOWN_AUTHORS:
        score -= 10 * (count - MAX_SHOWN_AUTHORS)
    if et_al:
        # "et al." follows a full set of shown names; fewer means the title took some.
        score -= 3 * (MAX_SHOWN_AUTHORS - min(count, MAX_SHOWN_AUTHORS))
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


def _title_end_penalty(end: str, last_word: str, quoted: bool) -> float:
    penalty = 0.0
    if end[-1] in ",:;-–(&/‘“" or (end[-1] in "'’\"”" and not _closes_quote(end, quoted)):
        penalty += 10  # a title does not end mid-phrase
    before = end[-2] if len(end) > 1 else " "
    if end[-1].isupper() and not (before.isupper() or before.isdigit()):
        penalty += 8  # "SynergyY", "Matter!Y", "Hao, M": a capital that begins the next word
    if last_word.lower() in {"and", "of", "for", "with", "the", "a", "an", "in", "on", "to", "via"}:
        penalty += 6
    return penalty


_OPENING_QUOTE = re.compile(r"(?:^|\s)['’\"”]|[‘“]")


def _closes_quote(end: str, quoted: bool) -> bool:
    """``... 'Pretraining'`` ends by closing a quote; ``Sean O'`` ends inside a name.

    ``end`` is the title's last two characters; ``quoted`` whether a quote opens before the
    last one.
    """
    return len(end) > 1 and not end[-2].isspace() and quoted
