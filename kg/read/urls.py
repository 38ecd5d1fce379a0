"""URLs found in abstracts: extraction and normalisation (pure)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A URL with a scheme, or a bare host of a known code forge ("github.com/x/y").
_URL = re.compile(
    r"(?:https?://|(?<![\w@./-])(?:www\.|(?:github|gitlab)\.com/|bitbucket\.org/|"
    r"codeberg\.org/|gitee\.com/|huggingface\.co/))[^\s<>\"']+",
    re.IGNORECASE,
)
# Every URL the pattern finds contains one of these; most abstracts have none, and a
# substring test is a hundred times cheaper than the pattern's scan.
_HINTS = ("http://", "https://", "www.", ".com/", ".org/", ".co/")
_TRAILING = ".,;:!?'\"»”’"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

CODE_HOSTS = frozenset(
    {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "sourceforge.net"}
)


_SCHEME_HOST = re.compile(r"^https?://[^/?#]*", re.IGNORECASE)


def normalise_url(raw: str) -> str:
    """Add a missing scheme; drop trailing punctuation (the ``.`` of ``/.`` too) and ``.git``.

    Scheme and host are case-insensitive, so they are lowercased (RFC 3986, 6.2.2.1): the
    same repository printed two ways is one URL.
    """
    url = raw
    while True:
        before = url
        # "…/survey/." is the URL "…/survey/" and a full stop: the slash is the URL's own.
        url = url.rstrip(_TRAILING)
        if url and url[-1] in _CLOSERS and url.count(_CLOSERS[url[-1]]) < url.count(url[-1]):
            url = url[:-1]  # a closing bracket that the URL did not open
        if url.lower().endswith(".git"):
            url = url[:-4]
        if url == before:
            break
    if not re.match(r"https?://", url, re.IGNORECASE):
        url = "https://" + url
    return _SCHEME_HOST.sub(lambda m: m.group(0).lower(), url, count=1)


def find_urls(text: str) -> list[str]:
    """Every URL in the text, normalised, in order of appearance, without repeats."""
    seen: dict[str, None] = {}
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINTS):
        return []
    for match in _URL.finditer(text):
        url = normalise_url(match.group(0))
        if urlsplit(url).hostname:
            seen.setdefault(url, None)
    return list(seen)


def repository_key(url: str) -> tuple[str, str] | None:
    """(host, owner/name) when the URL points into a code repository on a known forge."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host not in CODE_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None  # a user or organisation page, not a repository
    return host, "/".join(segments[:2])
