"""Pages with papers linked to arXiv records (issue #19), for the citation and ``kg why``
tests (imported as ``arxivcase``; tests/why loads it from here).

``LINKING`` is what the matcher must find; ``SNAPSHOT_LINES`` is a snapshot written from it
in arXiv's format, which ``build_linked`` gives to a real ``kg build --arxiv-metadata``. The
pages print one linked paper cut by "et al." on two captures that disagree (its category,
whether its year is printed), one linked paper whose year only the capture gives, and one
paper no record links.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kgtest import build

from kg.config import DEFAULT_BASE_IRI
from kg.graph.identity import Iris, key_hash
from kg.link.model import ArxivAuthor, Link, Linking, Snapshot
from kg.read.authors import title_key

DENSE = "Dense Maps of Sparse Worlds"
TINY = "Tiny Routers Route Tinily"
UNLINKED = "Is 42 the Answer?"
ABSTRACT = "We map sparse worlds densely. https://github.com/quill/dense-maps"

# page path -> text, in the order the merge reads them
PAGES = {
    "2026-11-24/a.txt": (
        f"CVMar 5, 2024Code\n{DENSE}Ada Quill, Ben Ortiz et al.\n{ABSTRACT}\n"
        f"LGFeb 9, 2023\n{UNLINKED}Gus Müller, Hal Jones\nWe ask. No code.\n"
    ),
    "2026-12-01/b.txt": (
        f"LGMar 5\n{DENSE}Ada Quill et al.\n{ABSTRACT}\n"
        f"LGMar 7\n{TINY}Cy Young, Dee Novak\nRouters, tiny ones.\n"
    ),
}
# what each listing of DENSE printed, in (page, line) order
DENSE_PRINTED = (("2026-11-24/a.txt", 1, "CV"), ("2026-12-01/b.txt", 1, "LG"))

IRIS = Iris(DEFAULT_BASE_IRI)


def paper(title: str) -> str:
    return IRIS.paper(key_hash(title_key(title)))


def _line(link: Link, created: str, updated: str) -> str:
    """``link`` as a record of the arXiv metadata snapshot (one JSON line)."""
    record = {
        "id": link.arxiv_id,
        "submitter": None,
        "authors": ", ".join(a.name for a in link.authors),
        "title": link.title,
        "comments": None,
        "journal-ref": None,
        "doi": link.doi,
        "report-no": None,
        "categories": " ".join(link.categories),
        "license": None,
        "abstract": "An abstract the pages do not print.",
        "versions": [{"version": "v1", "created": created}],
        "update_date": updated,
        "authors_parsed": [[a.family, a.given, ""] for a in link.authors],
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


DENSE_LINK = Link(
    paper=paper(DENSE),
    arxiv_id="2403.01234",
    doi="10.1000/dense.42",
    authors=(
        # the record spells out what the page printed: the printed name stays the citation's
        ArxivAuthor("Ada M. Quill", "Quill", "Ada M.", known_as="Ada Quill"),
        ArxivAuthor("Ben Ortiz", "Ortiz", "Ben", known_as="Ben Ortiz"),
        ArxivAuthor("Hal Jones", "Jones", "Hal", known_as="Hal Jones"),  # known from UNLINKED
        ArxivAuthor("Zoë Ångström", "Ångström", "Zoë"),  # new to the graph
    ),
    categories=("cs.LG", "cs.CV", "stat.ML"),
    submitted="2024-03-04",
    title=DENSE,
    matched_by="title",
    line=1,
)
TINY_LINK = Link(
    paper=paper(TINY),
    arxiv_id="hep-th/9901001",  # an old-style id
    doi=None,
    authors=(
        ArxivAuthor("Cy Young", "Young", "Cy", known_as="Cy Young"),
        ArxivAuthor("Dee Novak", "Novak", "Dee", known_as="Dee Novak"),
    ),
    categories=("hep-th",),
    submitted="2026-03-06",
    title=TINY,
    matched_by="title",
    line=2,
)
OTHER = Link(  # a record of no paper of the pages
    paper="",
    arxiv_id="2401.00001",
    doi=None,
    authors=(ArxivAuthor("Ann Other", "Other", "Ann"),),
    categories=("cs.AI",),
    submitted="2024-01-01",
    title="A Paper Nobody Here Wrote",
    matched_by="title",
    line=3,
)
SNAPSHOT_LINES = (
    _line(DENSE_LINK, "Mon, 4 Mar 2024 18:00:00 GMT", "2024-05-01"),
    _line(TINY_LINK, "Fri, 6 Mar 2026 09:30:00 GMT", "2026-03-06"),
    _line(OTHER, "Mon, 1 Jan 2024 10:00:00 GMT", "2024-01-02"),
)
SNAPSHOT_BYTES = "".join(SNAPSHOT_LINES).encode("utf-8")
SNAPSHOT = Snapshot(
    "arxiv-metadata-test.jsonl", hashlib.sha256(SNAPSHOT_BYTES).hexdigest(), "2026-03-06", 3
)
LINKING = Linking(
    SNAPSHOT,
    tuple(sorted((DENSE_LINK, TINY_LINK), key=lambda k: k.paper)),
    not_found=(paper(UNLINKED),),
)
# the names a linked paper is cited with: printed where printed, else the record's
DENSE_AUTHORS = ("Ada Quill", "Ben Ortiz", "Hal Jones", "Zoë Ångström")


def write_pages(folder: Path) -> Path:
    for name, text in PAGES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build_linked(pages: Path, out: Path, linking: Linking | None = LINKING) -> Path:
    """``kg build PAGES -o OUT --arxiv-metadata FILE`` with ``SNAPSHOT_LINES`` as the file
    (``linking`` None: a build without the option), checking that the matcher found
    ``LINKING``."""
    if linking is None:
        return build(pages, out, "--no-validate")
    metadata = out.parent / SNAPSHOT.name
    metadata.write_bytes(SNAPSHOT_BYTES)
    built = build(pages, out, "--no-validate", "--arxiv-metadata", str(metadata))
    found = json.loads((out / "linking.json").read_text(encoding="utf-8"))
    assert [(k["paper"], k["arxiv_id"]) for k in found["links"]] == [
        (k.paper, k.arxiv_id) for k in linking.links
    ]
    assert found["snapshot"]["sha256"] == SNAPSHOT.sha256
    return built
