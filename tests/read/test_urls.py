"""URLs in abstracts: what is found, and how it is normalised."""

from __future__ import annotations

import pytest

from kg.read.urls import find_urls, normalise_url, repository_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("github.com/ICL.", "https://github.com/ICL"),  # no scheme, trailing full stop
        ("https://github.com/a/b.git", "https://github.com/a/b"),
        ("https://github.com/a/b.git.", "https://github.com/a/b"),
        ("https://github.com/a/b.GIT", "https://github.com/a/b"),
        ("https://ada.example.org/survey/.", "https://ada.example.org/survey/"),
        ("https://learning-from-peers.github.io/", "https://learning-from-peers.github.io/"),
        ("https://llm-stacking.github.io.", "https://llm-stacking.github.io"),
        ("https://x.org/a,", "https://x.org/a"),
        ("https://x.org/a;", "https://x.org/a"),
        ("https://x.org/a”", "https://x.org/a"),
        ("https://x.org/a)", "https://x.org/a"),  # a bracket the URL did not open
        ("https://x.org/a_(b)", "https://x.org/a_(b)"),  # one it did
        ("https://x.org/a_(b)).", "https://x.org/a_(b)"),
        ("http://x.org/a", "http://x.org/a"),  # the scheme is kept, not upgraded
        ("HTTPS://GitHub.com/Owner/Repo", "https://github.com/Owner/Repo"),  # path case kept
        ("www.example.com/page.", "https://www.example.com/page"),
        ("https://example.com/p?q=1&r=2#frag.", "https://example.com/p?q=1&r=2#frag"),
    ],
)
def test_normalise_url(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected
    assert normalise_url(expected) == expected  # idempotent


def test_find_urls_in_order_without_repeats() -> None:
    text = (
        "Code is at https://github.com/a/b.git. Data: huggingface.co/datasets/x/y, "
        "see also (https://a.io/x) and https://github.com/a/b again; github.com/ICL."
    )
    assert find_urls(text) == [
        "https://github.com/a/b",
        "https://huggingface.co/datasets/x/y",
        "https://a.io/x",
        "https://github.com/ICL",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "no links here.",
        "write to someone@github.com/x",  # the host is glued to an e-mail address
        "a bare https:// scheme",
        "foo.github.io without a scheme is not taken for a link",
        "the file model.git is not a URL",
    ],
)
def test_no_urls(text: str) -> None:
    assert find_urls(text) == []


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://github.com/a/b", ("github.com", "a/b")),
        ("https://github.com/a/b/tree/main/src", ("github.com", "a/b")),
        ("https://www.github.com/a/b", ("github.com", "a/b")),
        ("https://gitlab.com/group/project", ("gitlab.com", "group/project")),
        ("https://github.com/ICL", None),  # an organisation, not a repository
        ("https://llm-stacking.github.io", None),  # a project page
        ("https://a.io/x/y", None),
    ],
)
def test_repository_key(url: str, key: tuple[str, str] | None) -> None:
    assert repository_key(url) == key
