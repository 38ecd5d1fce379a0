#!/usr/bin/env python3
"""Time ``kg diff`` against reading the two ``graph.nq`` files once (issue #16).

    python benchmarks/diff.py --papers 10k                 # corpus, edited copy, builds, timings
    python benchmarks/diff.py --papers 10k --other-seed 8  # ... and two unrelated corpora
    python benchmarks/diff.py --papers 10k --json diff.json

The corpus comes from benchmarks/generate.py (the one benchmarks/run caches in
benchmarks/corpus/ is reused). Its *edited copy* differs the way a later capture would: on
every third page the metrics grow, one record goes, the first record of the next page is
copied in and one title is printed in other capitals. Both are built with ``kg build -q``
into the work folder (kept, so a second run only times), then three comparisons are timed:

  same      a build against itself: nothing changed
  edited    the corpus against its edited copy: what a week of scraping changes
  unrelated the corpus against one of another seed (--other-seed): everything changed

For each: the best of --runs of ``compare_builds`` in this process (the whole diff, summary
included, without printing it), of reading both files line by line (as text, the
reference: the issue asks for about that), and ``python -m kg diff --format json`` end to
end in a child process with its peak RSS.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS_DIR = HERE / "corpus"
KG = [sys.executable, "-m", "kg"]
sys.path.insert(0, str(ROOT))

# a record's first line: optional score, category code, a date, optional "Code"
META = re.compile(
    r"^(?:\d+(?:\.\d+)?)?[A-Za-z-]{2,12}(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{1,2}(?:, \d{4})?(?:Code)?$"
)
YEAR = re.compile(r"^\d{4}$")


def size_of(text: str) -> int:
    return int(float(text[:-1]) * 1000) if text.lower().endswith("k") else int(text)


def corpus(papers: int, seed: int, work: Path) -> Path:
    """The generated pages: benchmarks/run's cached corpus when there is one."""
    label = f"{papers // 1000}k" if papers % 1000 == 0 else str(papers)
    cached = CORPUS_DIR / f"{label}-seed{seed}"
    if (cached / "manifest.json").is_file():
        return cached
    out = work / f"pages-seed{seed}"
    if not (out / "manifest.json").is_file():
        generate = [sys.executable, str(HERE / "generate.py"), "--papers", str(papers)]
        subprocess.run([*generate, "--seed", str(seed), "--out", str(out)], check=True)
    return out


def records(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) line ranges of a page's records: from a META line to the next."""
    starts = [i for i, line in enumerate(lines) if META.match(line)]
    return list(zip(starts, [*starts[1:], len(lines)][: len(starts)], strict=True))


def edit_copy(pages: Path, out: Path) -> dict[str, int]:
    """The edited copy (see the module docstring); returns how many edits of each kind."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files = sorted(pages.glob("*.txt"))
    done = {"metrics": 0, "removed": 0, "copied": 0, "retitled": 0}
    for index, path in enumerate(files):
        text = path.read_text(encoding="utf-8")
        if index % 3 == 0:
            text = edit_page(text, files[(index + 1) % len(files)], done)
        (out / path.name).write_text(text, encoding="utf-8")
    return done


def edit_page(text: str, donor: Path, done: dict[str, int]) -> str:
    lines = text.split("\n")
    for at, line in enumerate(lines[:12]):
        if m := re.fullmatch(r"h-index(\d+)", line):
            lines[at] = f"h-index{int(m[1]) + 1}"
            done["metrics"] += 1
        elif m := re.fullmatch(r"([\d,]+)citations", line):
            lines[at] = f"{int(m[1].replace(',', '')) + 7:,}citations"
    spans = [s for s in records(lines) if not any(YEAR.match(x) for x in lines[s[0] : s[1]])]
    # other capitals in a title printed on its own line (a glued title would split anew)
    for start, _ in spans[:5]:
        if start + 2 < len(lines) and lines[start + 2] == "" and lines[start + 1]:
            words = lines[start + 1].split(" ")
            at = next((i for i, w in enumerate(words) if w.isalpha() and w.islower()), None)
            if at is not None:
                words[at] = words[at].capitalize()
                lines[start + 1] = " ".join(words)
                done["retitled"] += 1
                break
    if len(spans) > 3:
        start, end = spans[2]
        del lines[start:end]
        done["removed"] += 1
    donor_lines = donor.read_text(encoding="utf-8").split("\n")
    donor_spans = [
        s for s in records(donor_lines) if not any(YEAR.match(x) for x in donor_lines[s[0] : s[1]])
    ]
    if donor_spans:
        start, end = donor_spans[0]
        lines = [*lines, *([""] if lines[-1] else []), *donor_lines[start:end]]
        done["copied"] += 1
    return "\n".join(lines)


def fingerprint(pages: Path) -> str:
    """The pages' names, sizes and times: what a cached build must have been built from."""
    files = sorted(pages.glob("*.txt"))
    seen = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    return hashlib.sha256(json.dumps([str(pages), seen]).encode()).hexdigest()


def build(pages: Path, out: Path) -> None:
    """``kg build -q`` unless the folder already holds a build of these very pages."""
    stamp = out / ".bench-pages"
    if stamp.is_file() and stamp.read_text() == fingerprint(pages) and (out / "graph.nq").is_file():
        return
    started = time.perf_counter()
    done = subprocess.run([*KG, "build", str(pages), "-o", str(out), "-q"], capture_output=True)
    if done.returncode not in (0, 1):  # 1: some page skipped or a finding; the graph is there
        raise SystemExit(f"kg build {pages} failed:\n{done.stderr.decode()}")
    stamp.write_text(fingerprint(pages))
    print(f"  built {pages.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def read_lines(path: Path) -> int:
    count = 0
    with open(path, encoding="utf-8", newline="\n") as lines:
        for _ in lines:
            count += 1
    return count


def best(runs: int, work: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def end_to_end(old: Path, new: Path) -> tuple[float, float]:
    """``kg diff --format json`` in a child: wall seconds and peak RSS in MiB."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen([*KG, "diff", str(old), str(new), "--format", "json"], stdout=sink)
        _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kg diff {old} {new} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def measure(name: str, old: Path, new: Path, runs: int) -> dict[str, Any]:
    from kg.diff.builds import compare_builds

    read_s, lines = best(runs, lambda: read_lines(old / "graph.nq") + read_lines(new / "graph.nq"))
    diff_s, diff = best(runs, lambda: compare_builds(old, new))
    cli_s, cli_mib = end_to_end(old, new)
    size = sum((folder / "graph.nq").stat().st_size for folder in (old, new))
    return {
        "comparison": name,
        "lines": lines,
        "mb": round(size / 1e6, 1),
        "read_s": round(read_s, 3),
        "diff_s": round(diff_s, 3),
        "ratio": round(diff_s / read_s, 2),
        "cli_s": round(cli_s, 3),
        "cli_peak_mib": round(cli_mib),
        "removed": diff.removed,
        "added": diff.added,
        "people": len(diff.people),
        "papers": len(diff.papers),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", default="10k", help="corpus size (10k, 100k, 2500)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--other-seed", type=int, help="also compare with a corpus of this seed")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    parser.add_argument("--work", type=Path, help="[default: benchmarks/corpus/diff-SIZE]")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    papers = size_of(args.papers)
    work = args.work or CORPUS_DIR / f"diff-{args.papers}-seed{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    pages = corpus(papers, args.seed, work)
    edited = work / "pages-edited"
    if not (edited / ".bench-edits").is_file():
        edits = edit_copy(pages, edited)
        (edited / ".bench-edits").write_text(json.dumps(edits))
    edits = json.loads((edited / ".bench-edits").read_text())
    print(f"edited copy of {pages}: {edits}", file=sys.stderr)
    build(pages, work / "old")
    build(edited, work / "edited")
    comparisons = [("same", work / "old", work / "old"), ("edited", work / "old", work / "edited")]
    if args.other_seed is not None:
        other = corpus(papers, args.other_seed, work)
        build(other, work / "other")
        comparisons.append(("unrelated", work / "old", work / "other"))
    rows = [measure(name, old, new, args.runs) for name, old, new in comparisons]
    header = f"{'comparison':<10} {'lines':>10} {'MB':>7} {'read s':>7} {'diff s':>7}"
    print(f"{header} {'x read':>6} {'CLI s':>6} {'CLI MiB':>7}  changes")
    for r in rows:
        print(
            f"{r['comparison']:<10} {r['lines']:>10,} {r['mb']:>7} {r['read_s']:>7.3f} "
            f"{r['diff_s']:>7.3f} {r['ratio']:>6.2f} {r['cli_s']:>6.2f} {r['cli_peak_mib']:>7}"
            f"  -{r['removed']:,} +{r['added']:,} triples, {r['people']:,} people, "
            f"{r['papers']:,} papers"
        )
    if args.json:
        args.json.write_text(json.dumps({"papers": papers, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
