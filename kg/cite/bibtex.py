"""Citations -> BibTeX, one ``@misc`` entry per chunk, UTF-8.

Written here, not with a library: pybtex's and bibtexparser's writers put a value between
braces as it is (a title with ``%``, ``$``, ``#`` or an unbalanced brace comes out broken),
and the LaTeX encoders (latexcodec, pylatexenc) turn every non-ASCII letter into a macro,
where we keep names and titles in UTF-8 for biber and modern BibTeX. So ``latex_text``
escapes the characters LaTeX treats as special with the text-mode commands that print them
(``\\%``, ``\\textbackslash{}``, ``\\textbraceleft{}``...): braces come out only as
``{}`` pairs, so every value stays balanced even in BibTeX's own brace counter, which
ignores backslashes. The ligatures LaTeX makes of ``--``, ``''`` and the like are broken
with ``{}`` so the text prints as the graph has it. Words of a title with a capital after
their first letter (``MoE``, ``LoRA``, ``BrowseComp-$V^3$``) are put in braces, so styles
that lower-case titles keep them.

An author list cut by ``et al.`` ends in ``and others``, BibTeX's own marker.

A paper linked to an arXiv record (issue #19) is cited the way arXiv's own BibTeX does:
``eprint`` (the id), ``archiveprefix`` and ``primaryclass`` (the record's primary category),
``doi`` when the record has one, and ``url`` its abstract page (its code repositories go to
the note); ``eprint``, ``doi`` and ``url`` are read verbatim by biblatex, so they get the
URL treatment, not LaTeX escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.cite.model import Citation, remarks

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# the ligatures of TeX's fonts: -- and --- (dashes), `` and '' (quotes), ?` and !` (Spanish)
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)|(?<=,)(?=,)")
_SPECIALS = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")
_AND = re.compile(r"(?i)(?:^|\s)(?:and|others)(?:\s|$)")
_URL_UNSAFE = re.compile(r"[{}\\\s%#]")


def latex_text(text: str) -> str:
    """Text as LaTeX that prints it unchanged: specials escaped, ligatures broken."""
    return _LIGATURE.sub("{}", _SPECIALS.sub(lambda m: _SPECIAL[m.group()], text))


def protected_title(title: str) -> str:
    """The title escaped, each word with a capital after its first letter in braces."""
    words = title.split(" ")
    return " ".join(
        "{" + latex_text(w) + "}" if any(c.isupper() for c in w[1:]) else latex_text(w)
        for w in words
    )


def bibtex_name(name: str) -> str:
    """A printed name for the author field. A name BibTeX would split (a comma, a word
    ``and``, or ``others``) is braced whole, i.e. read as one last name."""
    escaped = latex_text(name)
    return "{" + escaped + "}" if "," in name or _AND.search(name) else escaped


def url_text(url: str) -> str:
    """A URL for the url field (read verbatim): what could break it percent-encoded."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)


def bibtex_entry(citation: Citation) -> str:
    authors = [bibtex_name(name) for name in citation.authors]
    if citation.et_al:
        authors.append("others")
    fields: list[tuple[str, str]] = [("title", "{" + protected_title(citation.title) + "}")]
    if authors:
        fields.append(("author", "{" + " and ".join(authors) + "}"))
    if citation.year is not None:
        fields.append(("year", "{" + str(citation.year) + "}"))
    if citation.month is not None and 1 <= citation.month <= 12:
        fields.append(("month", MONTHS[citation.month - 1]))  # the style's own month name
    fields += [("howpublished", "{arXiv}"), ("publisher", "{arXiv}")]
    fields.append(("archiveprefix", "{arXiv}"))
    if citation.arxiv_id:
        fields.append(("eprint", "{" + url_text(citation.arxiv_id) + "}"))
    if citation.category:
        fields.append(("primaryclass", "{" + latex_text(citation.category) + "}"))
    if citation.doi:
        fields.append(("doi", "{" + url_text(citation.doi) + "}"))
    if citation.url:
        fields.append(("url", "{" + url_text(citation.url) + "}"))
    found = remarks(citation)
    if found:
        fields.append(("note", "{" + latex_text(". ".join(found)) + "}"))
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@misc{{{citation.key},\n{body}}}\n"


def bibtex_chunks(citations: Iterable[Citation]) -> Iterator[str]:
    """One entry per chunk, a blank line between; no citations: an empty file."""
    for index, citation in enumerate(citations):
        yield ("\n" if index else "") + bibtex_entry(citation)
