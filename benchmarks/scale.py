#!/usr/bin/env python3
"""The issue #17 rows: `kg build` against the store's floor, its memory, and its rebuilds.

    python benchmarks/scale.py --sizes 10k,100k            # corpora, builds, rebuilds
    python benchmarks/scale.py --sizes 1000k --skip-rebuild --lean   # the 1 M-paper row
    python benchmarks/scale.py --render-only               # RESULTS.md section from the JSON

For each size, in a work folder (a hard-linked copy of the corpus from benchmarks/generate.py,
so a page can be added without touching the cached one), measured from outside in the same
run: ``kg build CORPUS -o OUT -q`` into a new folder, with validation (wall and CPU seconds,
the peak of the summed PSS of the build and every process it starts, sampled every 0.2 s);
pyoxigraph's own ``Store(path).bulk_load`` of that build's graph.nq into a fresh disk store
(the floor); the quads in the store against the distinct triples (lines of graph.nt); then
``kg build`` again with nothing changed, and again after adding one new page (the smallest
page of a corpus of another seed, a few records).

Results go to benchmarks/scale.json (one entry per size and label, newest kept) and the
section "kg build at scale" of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from report import _now, corpus, label_of, load_results, measured, save_result, size_of

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "scale.json"
RESULTS_MD = HERE / "RESULTS.md"
SECTION_START = "<!-- scale:start -->"
SECTION_END = "<!-- scale:end -->"
ADDED_PAGE = "zz-added-page.txt"

FLOOR = """
import sys, pyoxigraph as ox
ox.Store(sys.argv[2]).bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
"""
COUNT = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
print(len(store))
"""


def pages_copy(source: Path, target: Path) -> Path:
    """``source``'s pages hard-linked into ``target`` (a page added there leaves it alone)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for page in source.rglob("*.txt"):
        into = target / page.relative_to(source)
        into.parent.mkdir(parents=True, exist_ok=True)
        os.link(page, into)
    return target


def new_page(work: Path, seed: int) -> Path:
    """The smallest page of a small corpus of another seed: a page no build has seen."""
    other = corpus(300, seed + 1000, work)
    return min(other.rglob("*.txt"), key=lambda p: (p.stat().st_size, p.name))


def lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))


def run_size(args: argparse.Namespace, papers: int) -> dict[str, Any]:
    work: Path = args.work / label_of(papers)
    work.mkdir(parents=True, exist_ok=True)
    pages = pages_copy(corpus(papers, args.seed, args.work), work / "pages")
    out, floor_store = work / "out", work / "floor-store"
    shutil.rmtree(out, ignore_errors=True)
    kg = [sys.executable, "-m", "kg"]
    validate = [] if args.validate else ["--no-validate"]
    result: dict[str, Any] = {"papers": papers, "label": args.label, "date": _now()}
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    result["code"] = _head()
    build = [*kg, "build", str(pages), "-o", str(out), "-q", *validate]
    result["build"] = measured(build, cwd=work)
    _progress(result)
    result["triples"] = lines(out / "graph.nt")
    if args.lean:  # the disk holds the floor's store only without the other exports
        for name in ("graph.nt", "graph.ttl", "graph.trig", "graph.jsonld"):
            (out / name).unlink(missing_ok=True)
    shutil.rmtree(floor_store, ignore_errors=True)
    result["floor"] = measured(
        [sys.executable, "-c", FLOOR, str(out / "graph.nq"), str(floor_store)], cwd=work
    )
    shutil.rmtree(floor_store, ignore_errors=True)
    counted = subprocess.run(
        [sys.executable, "-c", COUNT, str(out / "store")], capture_output=True, text=True
    )
    result["quads"] = int(counted.stdout) if counted.returncode == 0 else None
    _progress(result)
    if not args.skip_rebuild:
        result["again"] = measured(build, cwd=work)
        shutil.copyfile(new_page(args.work, args.seed), pages / ADDED_PAGE)
        result["one_page"] = measured(build, cwd=work)
        _progress(result)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _progress(result: dict[str, Any]) -> None:
    print(json.dumps(result), file=sys.stderr, flush=True)


def _head() -> str:
    found = subprocess.run(
        ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() or "?"


def _ratio(part: float | None, whole: float | None, percent: bool = False) -> str:
    if not part or not whole:
        return "-"
    return f"{100 * part / whole:.1f} %" if percent else f"{part / whole:.2f}×"


def render(results: dict[str, Any]) -> str:
    """The "kg build at scale" section of RESULTS.md."""
    rows = [
        SECTION_START,
        "## kg build at scale (issue #17)",
        "",
        "Written by `benchmarks/scale.py`, each row in one run on this machine: `kg build -q` "
        "of the corpus into a new folder (validation included unless the row says otherwise), "
        "pyoxigraph's own `Store(path).bulk_load` of that build's graph.nq into a fresh disk "
        "store (the floor), the quads in the build's store per line of graph.nt (distinct "
        "triples), the peak of the summed PSS of the build's processes (sampled every "
        "0.2 s), and `kg build` again over the same folder: with nothing changed, and after "
        "adding one new page (a few records). Targets: quads per triple ≤ 1.02; build ≤ 2× "
        "the floor; PSS at 100 k ≤ 1.5× the PSS at 10 k; rebuilds ≤ 15 % (one page) and "
        "≤ 5 % (nothing) of the build.",
        "",
        "| papers | code | validated | build s | CPU s | floor s | × floor | quads / triple "
        "| peak PSS MiB | max RSS MiB | again s | again % | one page s | one page % "
        "| load avg |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for entry in results.values():
        build, floor = entry["build"], entry.get("floor", {})
        again, one = entry.get("again", {}), entry.get("one_page", {})
        quads, triples = entry.get("quads"), entry.get("triples")
        per = f"{quads / triples:.3f}" if quads and triples else "-"
        rows.append(
            f"| {label_of(entry['papers'])} | {entry.get('code', entry['label'])} "
            f"| {'no' if entry.get('validated') is False else 'yes'} "
            f"| {build['wall']:,} | {build['cpu']:,} | {floor.get('wall', '-')} "
            f"| {_ratio(build['wall'], floor.get('wall'))} | {per} "
            f"| {build['peak_pss_mib']:,.0f} | {build['max_rss_mib']:,.0f} "
            f"| {again.get('wall', '-')} | {_ratio(again.get('wall'), build['wall'], True)} "
            f"| {one.get('wall', '-')} | {_ratio(one.get('wall'), build['wall'], True)} "
            f"| {', '.join(str(x) for x in entry.get('load_average', []))} |"
        )
    rows += ["", SECTION_END]
    return "\n".join(rows)


def write_results_md(results: dict[str, Any]) -> None:
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.is_file() else ""
    section = render(results)
    if SECTION_START in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n\n" + section + "\n"
    RESULTS_MD.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-scale"))
    parser.add_argument("--label", default="after")
    parser.add_argument("--no-validate", dest="validate", action="store_false")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--lean", action="store_true", help="delete the other exports before the floor's load"
    )
    parser.add_argument("--render-only", action="store_true")
    args = parser.parse_args()
    if not args.render_only:
        for size in args.sizes.split(","):
            result = run_size(args, size_of(size))
            result["validated"] = args.validate
            save_result(result, RESULTS_JSON)
            write_results_md(load_results(RESULTS_JSON))
    write_results_md(load_results(RESULTS_JSON))


if __name__ == "__main__":
    main()
