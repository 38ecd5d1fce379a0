"""kg report (issue 8): a real headless browser opens the site from disk, offline."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from htmlpage import Page

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CONSOLE = re.compile(r":CONSOLE[:(]|Uncaught|Failed to load resource|Refused to", re.IGNORECASE)


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in (os.environ.get("KG_CHROMIUM", ""), *BROWSERS):
        found = shutil.which(name) if name else None
        if found:
            return found
    pytest.skip(
        "headless Chromium is not installed (Debian: apt-get install chromium; or set "
        "KG_CHROMIUM to the browser binary): the browser test of kg report is skipped"
    )


@dataclass(frozen=True)
class Visit:
    dom: str  # the browser's stdout: the DOM after the scripts ran, with --dump-dom
    console: list[str]  # console messages and failed or refused loads


def browse(binary: str, profile: Path, url: str, *action: str) -> Visit:
    """Run headless Chromium once on ``url`` with the network cut off."""
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--proxy-server=http://127.0.0.1:9",  # nothing listens there: any fetch fails...
        "--host-resolver-rules=MAP * ~NOTFOUND",  # ...and no name resolves
        "--enable-logging=stderr",
        "--v=0",
        *action,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    console = [line for line in done.stderr.splitlines() if CONSOLE.search(line)]
    assert done.returncode == 0, done.stderr[-2000:]
    return Visit(done.stdout, console)


def rendered(dom: str, cls: str) -> tuple[int, int]:
    match = re.search(rf'<svg class="{cls}"[^>]*data-rendered="(\d+)x(\d+)"', dom)
    assert match, f"no rendered svg.{cls} (report.js did not run?)"
    return int(match.group(1)), int(match.group(2))


@pytest.fixture(scope="module")
def busiest_person(site: Path, parsed: dict[Path, Page]) -> Path:
    """The person page with the largest co-author network."""
    pages = sorted((site / "people").glob("*.html"))
    return max(pages, key=lambda p: (p.read_text(encoding="utf-8").count('class="node'), p.name))


def test_browser_renders_the_site_offline(
    chromium: str, site: Path, busiest_person: Path, tmp_path: Path
) -> None:
    """Headless Chromium opens the pages from disk with the network cut off: the scripts
    run without a console message, the network and the charts are drawn, and screenshots
    come out (set KG_REPORT_SCREENSHOTS=DIR to keep them)."""
    started = time.monotonic()
    # The check must see console errors and blocked loads: a probe page that has both.
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html><head><title>probe</title><script src="https://example.org/x.js">'
        '</script></head><body><script>console.error("probe error")</script></body></html>',
        encoding="utf-8",
    )
    shots = Path(os.environ.get("KG_REPORT_SCREENSHOTS", "") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    sizes = {
        "report-person.png": (busiest_person, (1280, 2200)),
        "report-person-phone.png": (busiest_person, (390, 1800)),
        "report-index.png": (site / "index.html", (1280, 1800)),
    }
    results = {"probe": browse(chromium, tmp_path / "profile", probe.as_uri(), "--dump-dom")}
    # One browser at a time (each start is CPU-bound; in parallel they only queue), each one
    # dumping the DOM after the scripts ran and taking a screenshot.
    for name, (page, (w, h)) in sizes.items():
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)
        results[name] = browse(
            chromium,
            tmp_path / "profile",
            page.as_uri(),
            "--dump-dom",
            f"--screenshot={shots / name}",
            f"--window-size={w},{h}",
        )
    results["person"], results["index"] = results["report-person.png"], results["report-index.png"]

    assert results["probe"].console, "console messages are not captured; the browser test is blind"

    dom, console = results["person"].dom, results["person"].console
    assert not console, console
    assert '<html lang="en" data-js="ready">' in dom
    start = dom.index('<svg class="network"')
    network = dom[start : dom.index("</svg>", start)]
    assert network.count("<circle") >= 3 and network.count('class="edge"') >= 2
    width, height = rendered(dom, "network")
    assert width > 300 and height > 150
    chart_width, chart_height = rendered(dom, "bar-chart")  # topics over time
    assert chart_width > 300 and chart_height > 100

    dom, console = results["index"].dom, results["index"].console
    assert not console, console
    assert 'data-js="ready"' in dom and dom.count('class="bar"') > 3
    assert rendered(dom, "bar-chart")[0] > 300

    for name, (_, size) in sizes.items():
        assert not results[name].console, results[name].console
        data = (shots / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == size
        assert len(data) > 20_000, f"{name} looks blank"
    print(f"browser test: {time.monotonic() - started:.1f} s")


CLICK_COPY = """<script>
window.addEventListener("load", function () {
  document.querySelector("button.copy").click();
  setTimeout(function () {
    document.body.setAttribute("data-selection", String(window.getSelection()));
  }, 500);
});
</script>
</body>"""


def test_browser_copies_a_paper_bibtex(chromium: str, site: Path, tmp_path: Path) -> None:
    """Issue 18: report.js shows the copy button of a paper's BibTeX, and a click copies the
    entry (the Clipboard API) or, where the browser refuses that (headless, file://), selects
    it for Ctrl+C; either way without a console message. The click comes from a script added
    to a copy of the page."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = next(
        p
        for p in sorted((copy / "papers").glob("*.html"))
        if 'data-copy="bibtex-entry"' in p.read_text(encoding="utf-8")
    )
    entry = page.with_suffix(".bib").read_text(encoding="utf-8").strip()
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", CLICK_COPY), encoding="utf-8")
    visit = browse(
        chromium, tmp_path / "profile", page.as_uri(), "--dump-dom", "--virtual-time-budget=5000"
    )
    assert not visit.console, visit.console
    button = re.search(r"<button[^>]*data-copy=\"bibtex-entry\"[^>]*>", visit.dom)
    assert button and " hidden" not in button.group(0), "report.js did not show the button"
    state = re.search(r'data-state="(copied|selected)"', button.group(0))
    assert state, f"the click did nothing: {button.group(0)}"
    status = re.search(r'<span class="copy-status"[^>]*>([^<]+)</span>', visit.dom)
    assert status and status.group(1).strip()
    if state.group(1) == "selected":
        selected = re.search(r'<body data-selection="([^"]*)"', visit.dom)
        assert selected and html.unescape(selected.group(1)).strip() == entry


FOLLOW_NEXT = """<script>
window.addEventListener("load", function () {
  document.querySelector('a[rel="next"]').click();
});
</script>
</body>"""


def test_browser_opens_a_part_of_a_long_list_and_follows_next(
    chromium: str, small_parts: Path, tmp_path: Path
) -> None:
    """Issue 21: a part of the list of papers opens from file:// with its script and its
    links to the other parts; a click on its next link opens the next part. The click comes
    from a script added to a copy of the part."""
    overview = (small_parts / "papers.html").read_text(encoding="utf-8")
    first, second = re.findall(r'<a href="(papers-[^"]+\.html)"', overview)[:2]
    visit = browse(chromium, tmp_path / "profile", (small_parts / first).as_uri(), "--dump-dom")
    assert not visit.console, visit.console
    assert 'data-js="ready"' in visit.dom and f'<a rel="next" href="{second}">' in visit.dom
    assert visit.dom.count("<tr>") > 2
    copy = tmp_path / "site"
    shutil.copytree(small_parts, copy)
    part = copy / first
    part.write_text(
        part.read_text(encoding="utf-8").replace("</body>", FOLLOW_NEXT), encoding="utf-8"
    )
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
    visit = browse(
        chromium, tmp_path / "profile", part.as_uri(), "--dump-dom", "--virtual-time-budget=5000"
    )
    assert not visit.console, visit.console
    title = re.search(r"<h1>([^<]+)</h1>", visit.dom)
    expected = re.search(r"<h1>([^<]+)</h1>", (small_parts / second).read_text(encoding="utf-8"))
    assert title and expected and title.group(1) == expected.group(1), "next was not followed"
    assert f'<a rel="prev" href="{first}">' in visit.dom
