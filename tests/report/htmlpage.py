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
