#!/usr/bin/env python3
"""Time ``kg report`` against ``kg build`` of the same corpus (issue #21).

    python benchmarks/report.py --sizes 1k,10k            # corpora, builds, reports, timings
    python benchmarks/report.py --sizes 100k              # ~4 min build, then the report
    python benchmarks/report.py --sizes 10k --build /tmp/o10k --label before
    python benchmarks/report.py --render-only             # RESULTS.md section from the JSON

For each size: the corpus from benchmarks/generate.py (the one benchmarks/run caches in
benchmarks/corpus/ is reused), ``kg build CORPUS -o WORK/out-SIZE -q`` (timed, kept: a second
run reuses it unless --rebuild), then ``kg report --out OUT -o SITE -q`` into a fresh folder,
measured from outside: wall and CPU time, the peak of the summed PSS of the report and every
process it starts (sampled from /proc every 0.2 s) and its own peak RSS; then the site: the
number and size of its files, its largest file and largest HTML file, and the time headless
Chromium needs to open the largest index page (papers, people and topics lists and their
parts) from file:// with the network cut off, minus the time it needs for an empty page.
Then ``kg report`` again over the site it just wrote (nothing changed) with the number of
files it rewrote (a file whose inode changed).

Results go to benchmarks/report.json (one entry per size and label, newest kept); the
section "kg report" of benchmarks/RESULTS.md is rendered from it (benchmarks/run keeps it).
``--kg PATH`` runs another checkout's kg (a folder holding the ``kg`` package): how the
"before" figures of the issue were taken.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS_DIR = HERE / "corpus"
RESULTS_JSON = HERE / "report.json"
RESULTS_MD = HERE / "RESULTS.md"
MIB = 1024 * 1024
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INDEX_PAGES = ("papers", "people", "topics")  # the lists, and their parts (papers-*.html ...)
SECTION_START = "<!-- report:start -->"
SECTION_END = "<!-- report:end -->"


def size_of(text: str) -> int:
    return int(float(text[:-1]) * 1000) if text.lower().endswith("k") else int(text)


def label_of(papers: int) -> str:
    return f"{papers // 1000}k" if papers % 1000 == 0 else str(papers)


# -- measuring a process tree ---------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:  # the kernel's own list (CONFIG_PROC_CHILDREN): no scan of every process
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
        return found
    except OSError:
        pass
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def tree_pss(pid: int) -> int:
    """Summed proportional set size (bytes) of a process and all its descendants, now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
        todo += _children(current)
    return total


def measured(
    command: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> dict[str, Any]:
    """Run ``command`` in ``cwd`` (not the checkout: ``python -m kg`` would import the kg
    there, whatever --kg says): wall and CPU seconds, peak RSS (os.wait4) and the sampled
    peak of the summed PSS."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command), env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            peak[0] = max(peak[0], tree_pss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_reader = threading.Thread(target=process.stdout.read, daemon=True)  # type: ignore[union-attr]
    out_reader.start()
    stderr = process.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr.decode()}")
    return {
        "wall": round(wall, 2),
        "cpu": round(usage.ru_utime + usage.ru_stime, 2),
        "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "peak_pss_mib": round(peak[0] / MIB, 1),
    }


# -- the site -------------------------------------------------------------------------------


def site_figures(site: Path) -> dict[str, Any]:
    files = [p for p in site.rglob("*") if p.is_file()]
    sizes = {p: p.stat().st_size for p in files}
    html = {p: s for p, s in sizes.items() if p.suffix == ".html"}
    largest = max(sizes, key=lambda p: (sizes[p], str(p)))
    largest_html = max(html, key=lambda p: (html[p], str(p)))
    over = sorted(str(p.relative_to(site)) for p, s in html.items() if s > 1_000_000)
    return {
        "files": len(files),
        "html_files": len(html),
        "bytes": sum(sizes.values()),
        "largest": str(largest.relative_to(site)),
        "largest_bytes": sizes[largest],
        "largest_html": str(largest_html.relative_to(site)),
        "largest_html_bytes": html[largest_html],
        "html_over_1mb": len(over),
        "html_over_1mb_examples": over[:5],
    }


def index_pages(site: Path) -> list[Path]:
    """The lists of papers, people and topics, and their parts, wherever they live."""
    found = [
        p for p in site.rglob("*.html") if p.parent == site and p.stem.split("-")[0] in INDEX_PAGES
    ]
    return sorted(found)


def chromium() -> str | None:
    for name in (os.environ.get("KG_CHROMIUM", ""), *BROWSERS):
        found = shutil.which(name) if name else None
        if found:
            return found
    return None


def open_seconds(binary: str, url: str, work: Path) -> float:
    """Seconds headless Chromium needs to load ``url`` and dump its DOM (scripts run)."""
    return _chromium(binary, url, work)[0]


SEARCH_WORDS = "learning"  # a title word of every generated corpus
_RESULTS = re.compile(r'<ol([^>]*\bid="search-results"[^>]*)>')


def search_figures(binary: str, site: Path, work: Path) -> dict[str, Any]:
    """``search.html?q=SEARCH_WORDS`` from file://: the milliseconds from the page's start to
    its first results (the page writes them into ``data-ms``), and how many it found."""
    url = (site / "search.html").as_uri() + "?q=" + SEARCH_WORDS
    timings = []
    for _ in range(2):
        dom = _chromium(binary, url, work, "--virtual-time-budget=20000")[1]
        found = _RESULTS.search(dom)
        attributes = dict(re.findall(r'data-([a-z]+)="([^"]*)"', found.group(1) if found else ""))
        if attributes.get("state") != "done":
            return {"search_query": SEARCH_WORDS, "search_error": "no results list in the DOM"}
        timings.append((int(attributes["ms"]), int(attributes.get("count", "0"))))
    ms, count = min(timings)
    return {"search_query": SEARCH_WORDS, "search_ms": ms, "search_results": count}


def _chromium(binary: str, url: str, work: Path, *extra: str) -> tuple[float, str]:
    """Headless Chromium on ``url`` with the network cut off: seconds and the DOM dumped."""
    profile = work / "chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--dump-dom",
        *extra,
        url,
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, timeout=600, check=True, text=True)
    return time.perf_counter() - started, done.stdout


def browser_figures(site: Path, work: Path) -> dict[str, Any]:
    binary = chromium()
    pages = index_pages(site)
    if binary is None or not pages:
        return {}
    largest = max(pages, key=lambda p: (p.stat().st_size, str(p)))
    empty = work / "empty.html"
    empty.write_text("<!DOCTYPE html><title>empty</title><p>empty", encoding="utf-8")
    base = min(open_seconds(binary, empty.as_uri(), work) for _ in range(2))
    runs = [open_seconds(binary, largest.as_uri(), work) for _ in range(2)]
    return {
        "largest_index": str(largest.relative_to(site)),
        "largest_index_bytes": largest.stat().st_size,
        "chromium_open_s": round(min(runs), 2),
        "chromium_empty_s": round(base, 2),
        **search_figures(binary, site, work),
    }


def inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


# -- a run ----------------------------------------------------------------------------------


def corpus(papers: int, seed: int, work: Path) -> Path:
    cached = CORPUS_DIR / f"{label_of(papers)}-seed{seed}"
    if (cached / "manifest.json").is_file():
        return cached
    folder = work / f"corpus-{label_of(papers)}-seed{seed}"
    if not (folder / "manifest.json").is_file():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--papers", str(papers)]
            + ["--seed", str(seed), "--out", str(folder), "--no-truth"],
            check=True,
        )
    return folder


def run_size(args: argparse.Namespace, papers: int) -> dict[str, Any]:
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    size = label_of(papers)
    env = dict(os.environ)
    if args.kg:
        env["PYTHONPATH"] = str(args.kg)
    kg = [sys.executable, "-m", "kg"]
    result: dict[str, Any] = {"papers": papers, "label": args.label, "date": _now()}
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    out = args.build or work / f"out-{size}"
    if args.build is None and (args.rebuild or not (out / "store").is_dir()):
        pages = corpus(papers, args.seed, work)
        print(f"{size}: kg build {pages} -o {out}", file=sys.stderr)
        result["build"] = measured([*kg, "build", str(pages), "-o", str(out), "-q"], env, work)
    elif args.build_seconds:
        result["build"] = {"wall": args.build_seconds, "note": "given with --build-seconds"}
    else:
        result["build"] = _previous_build(size)
    site = work / f"site-{size}-{args.label}"
    shutil.rmtree(site, ignore_errors=True)
    print(f"{size}: kg report --out {out} -o {site}", file=sys.stderr)
    report = [*kg, "report", "--out", str(out), "-o", str(site), "-q"]
    result["report"] = measured(report, env, work)
    build_wall = (result.get("build") or {}).get("wall")
    if build_wall:
        result["report"]["ratio_to_build"] = round(result["report"]["wall"] / build_wall, 2)
    result["site"] = site_figures(site)
    result["browser"] = browser_figures(site, work)
    if not args.no_again:
        before = inodes(site)
        result["again"] = measured(report, env, work)
        after = inodes(site)
        result["again"]["rewritten"] = sum(1 for k, v in after.items() if before.get(k) != v)
        result["again"]["files"] = len(after)
    print(json.dumps(result, indent=1), file=sys.stderr)
    if not args.keep_site:
        shutil.rmtree(site, ignore_errors=True)
    return result


def _previous_build(size: str) -> dict[str, Any] | None:
    for entry in load_results().values():
        if entry.get("papers") and label_of(entry["papers"]) == size and entry.get("build"):
            build = entry["build"]
            return build if isinstance(build, dict) and "wall" in build else None
    return None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- results --------------------------------------------------------------------------------


def load_results(path: Path = RESULTS_JSON) -> dict[str, Any]:
    if path.is_file():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    return {}


def save_result(result: dict[str, Any], path: Path = RESULTS_JSON) -> None:
    """One entry per size and label (the newest), sorted by size, then label."""
    results = load_results(path)
    results[f"{label_of(result['papers'])}/{result['label']}"] = result
    ordered = dict(sorted(results.items(), key=lambda kv: (kv[1]["papers"], kv[1]["label"])))
    path.write_text(json.dumps(ordered, indent=1) + "\n", encoding="utf-8")


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB"


def render(results: dict[str, Any]) -> str:
    """The "kg report" section of RESULTS.md."""
    lines = [
        SECTION_START,
        "## kg report (issue #21)",
        "",
        "Written by `benchmarks/report.py`: `kg report -q` into a new folder after "
        "`kg build -q` of the same corpus, on the same machine; peak memory is the summed "
        "PSS of the report's processes, sampled every 0.2 s (and the largest RSS). Chromium: "
        "headless, from file://, the largest list page (papers, people, topics and their "
        "parts), minus the time it takes for an empty page; search: `search.html?q=learning` "
        "from file://, milliseconds from the page's start to its first results (the page's "
        "own `data-ms`), and how many. *Again*: the same report run over the site it wrote.",
        "",
        "| papers | code | build s | report s | × build | peak PSS MiB | max RSS MiB | files "
        "| size | largest HTML | HTML > 1 MB | largest list | Chromium s | search ms "
        "| again s | rewritten |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|---|--:|--:|--:|--:|",
    ]
    for entry in results.values():
        build, report, site = entry.get("build") or {}, entry["report"], entry["site"]
        browser, again = entry.get("browser") or {}, entry.get("again") or {}
        opened = (
            f"{browser['chromium_open_s'] - browser['chromium_empty_s']:.2f}" if browser else "-"
        )
        lines.append(
            f"| {label_of(entry['papers'])} | {entry['label']} | {build.get('wall', '-')} "
            f"| {report['wall']} | {report.get('ratio_to_build', '-')} "
            f"| {report['peak_pss_mib']:,.0f} | {report['max_rss_mib']:,.0f} "
            f"| {site['files']:,} | {_mb(site['bytes'])} "
            f"| {_mb(site['largest_html_bytes'])} (`{site['largest_html']}`) "
            f"| {site['html_over_1mb']} "
            f"| {_mb(browser['largest_index_bytes']) if browser else '-'} "
            f"(`{browser.get('largest_index', '-')}`) | {opened} "
            f"| {_search(browser)} "
            f"| {again.get('wall', '-')} | {again.get('rewritten', '-')} |"
        )
    lines += ["", SECTION_END]
    return "\n".join(lines) + "\n"


def _search(browser: dict[str, Any]) -> str:
    if "search_ms" not in browser:
        return "-"
    return f"{browser['search_ms']} ({browser['search_results']:,} found)"


def write_section(results: dict[str, Any]) -> None:
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.is_file() else ""
    section = render(results)
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS_MD.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k", help="corpora, e.g. 1k,10k,100k")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kg-report")
    parser.add_argument("--build", type=Path, help="an existing kg build output to report on")
    parser.add_argument("--build-seconds", type=float, help="the build's time, with --build")
    parser.add_argument("--rebuild", action="store_true", help="build again even if built")
    parser.add_argument("--kg", type=Path, help="a folder holding another kg package to run")
    parser.add_argument("--label", default="after", help="names the code measured: before ...")
    parser.add_argument("--keep-site", action="store_true")
    parser.add_argument("--no-again", action="store_true", help="skip the second report")
    parser.add_argument("--render-only", action="store_true")
    args = parser.parse_args(argv)
    if not args.render_only:
        for papers in (size_of(s) for s in args.sizes.split(",") if s):
            save_result(run_size(args, papers))
    write_section(load_results())


if __name__ == "__main__":
    main()
