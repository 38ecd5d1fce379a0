"""An HTML checker for the report's tests (imported as ``htmlpage``; pytest puts
tests/report/ on the path): what the tests look at in a page, and its tag balance."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
SVG_SELF_CLOSING = {"line", "rect", "circle", "path", "polyline", "polygon", "ellipse", "use"}


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


class Page(HTMLParser):
    """Collects what the tests look at: links, resources, ids, the page's IRI, tag balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []  # a/@href
        self.resources: list[tuple[str, str]] = []  # (tag, url) loaded by the page
        self.ids: list[str] = []
        self.iri: str | None = None
        self.stack: list[tuple[str, int]] = []
        self.errors: list[str] = []
        self.doctype = False
        self.tags: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            self.ids.append(found["id"])
        if tag == "main" and "data-iri" in found:
            self.iri = found["data-iri"]
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        if tag in ("script", "img", "iframe", "source", "embed", "audio", "video", "image"):
            for key in ("src", "href", "xlink:href", "srcset"):
                if key in found:
                    self.resources.append((tag, found[key]))
        if tag == "link" and "href" in found:
            self.resources.append((tag, found["href"]))
        if tag == "object" and "data" in found:
            self.resources.append((tag, found["data"]))
        if "style" in found and "url(" in found["style"]:
            self.resources.append((tag, found["style"]))
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            if tag not in SVG_SELF_CLOSING:
                self.errors.append(f"line {self.getpos()[0]}: <{tag}/> is not a void element")
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            self.errors.append(f"line {self.getpos()[0]}: end tag for void element </{tag}>")
            return
        if not self.stack or self.stack[-1][0] != tag:
            top = self.stack[-1] if self.stack else None
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> closes {top}")
            return
        self.stack.pop()


def parse(path: Path) -> Page:
    parser = Page()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


class Element:
    """One element of a page: its tag, attributes, text (its descendants' too) and the
    positions of its open ancestors in ``elements()``'s list."""

    def __init__(self, tag: str, attrs: dict[str, str], parents: tuple[int, ...]) -> None:
        self.tag, self.attrs, self.parents = tag, attrs, parents
        self.chunks: list[str] = []

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self.open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(Element(tag, {k: v or "" for k, v in attrs}, tuple(self.open)))
        if tag not in VOID_ELEMENTS:
            self.open.append(len(self.found) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(Element(tag, {k: v or "" for k, v in attrs}, tuple(self.open)))

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.found[self.open[-1]].tag == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for index in self.open:
            self.found[index].chunks.append(data)


def elements(path: Path) -> list[Element]:
    """Every element of the page, in document order."""
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.found


def inside(found: list[Element], tag: str, **attrs: str) -> list[Element]:
    """The ``tag`` elements that have an ancestor with all the given attributes (``cls``
    for one of its classes)."""
    wanted = {("class" if k == "cls" else k): v for k, v in attrs.items()}

    def matches(element: Element) -> bool:
        return all(
            v in element.classes if k == "class" else element.attrs.get(k) == v
            for k, v in wanted.items()
        )

    return [
        element
        for element in found
        if element.tag == tag and any(matches(found[i]) for i in element.parents)
    ]
