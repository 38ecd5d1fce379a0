#!/usr/bin/env python3
"""Time the arXiv link (issue #19) on a large generated metadata snapshot.

    python benchmarks/arxiv.py                       # 1,000,000 lines (and 200,000), plain and .gz
    python benchmarks/arxiv.py --lines 100k --small 20k

Writes a snapshot of ``--lines`` JSON lines in arXiv's format (records of ~1.5 kB with
abstracts; mostly records that match nothing, ``--matches`` that are papers of ours, spread
through the file) and the papers that look for them (``--papers``: the matched ones, as a
page prints them, then papers found nowhere; one in twenty printed without a title, matched
by its abstract). Both are cached in benchmarks/corpus/ (git-ignored) per size and seed.

Each measurement runs in a fresh process, timed from outside with ``os.wait4``: wall time,
CPU (user + system), and peak RSS (the child's ``VmHWM``). Besides ``link_papers`` itself,
the floors it is measured against: reading the file line by line, and ``json.loads`` of
every line (what a naive reader would do). The same for a ``.gz`` copy, and for a smaller
snapshot (``--small``): the link's peak memory must not grow with the file. Results go to
benchmarks/arxiv.json; a markdown table is printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus"
RESULTS = HERE / "arxiv.json"
MIB = 1024 * 1024

WORDS = (
    "model models learning language large neural network networks data training inference "
    "graph attention transformer diffusion reasoning agents agent policy reward robust "
    "efficient scalable sparse dense retrieval generation vision multimodal benchmark "
    "evaluation dataset optimization gradient stochastic convex bayesian causal latent "
    "representation contrastive self supervised semi federated privacy adversarial "
    "quantum physics galaxy stellar spectral operator equation manifold topology algebra "
    "protein molecular clinical medical imaging segmentation detection tracking speech "
    "translation summarization alignment preference feedback memory context long short "
    "adaptive hierarchical probabilistic kernel spectral temporal spatial dynamic online"
).split()
FILLER = (
    "we the of and to in a is for that on with this by as are our which from an be can "
    "results show method approach propose paper problem performance novel existing based"
).split()
GIVEN = (
    "Wei Jing Yuxin Kaiyan Ning Li Hao Chen Maria Anna John David Sofia Lukas Ahmed Priya".split()
)
GIVEN += "Jörg José Zoë Søren Ivan Olga Kenji Yuki Minh Omar Fatima Lars Elena Pablo Chiara".split()
FAMILY = "Zhang Wang Li Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo".split()
FAMILY += "Müller Smith García Rossi Kowalski Novák Ivanov Tanaka Nguyen Kim Patel Singh".split()
FAMILY += "Dubois Jensen Andersson O'Brien van der Berg".split()
CATEGORIES = "cs.CL cs.LG cs.CV cs.AI stat.ML math.OC astro-ph.GA quant-ph eess.SP q-bio.BM".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


# -- the snapshot and the papers -------------------------------------------------------------


def parse_size(text: str) -> int:
    text = text.lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def _title(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(5, 13))
    name = "".join(rng.choices("ABCDEFGHKLMNPRSTVXZ", k=rng.randint(3, 6)))
    return f"{name}: " + " ".join(w.capitalize() if rng.random() < 0.5 else w for w in words)


def _abstract(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(120, 220)):
        words.append(rng.choice(WORDS) if rng.random() < 0.45 else rng.choice(FILLER))
    text = " ".join(words)
    out, line = [], ""
    for word in text.split():  # arXiv's own line wraps
        if line and len(line) + len(word) > 78:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*out, line]).capitalize() + "."


def _people(rng: random.Random) -> list[tuple[str, str]]:
    count = min(40, max(1, int(rng.expovariate(1 / 6))))
    return [(rng.choice(FAMILY), rng.choice(GIVEN)) for _ in range(count)]


def _rfc(day: date) -> str:
    return f"{DAYS[day.weekday()]}, {day.day:02d} {MONTHS[day.month - 1]} {day.year} 12:00:00 GMT"


def _record(
    rng: random.Random,
    number: int,
    title: str,
    abstract: str,
    people: list[tuple[str, str]],
    v1: date,
) -> str:
    cats = rng.sample(CATEGORIES, rng.randint(1, 3))
    versions = [v1] + [v1 + timedelta(days=rng.randint(5, 200)) for _ in range(rng.randint(0, 2))]
    return json.dumps(
        {
            "id": f"{v1:%y%m}.{number % 100000:05d}",
            "submitter": f"{people[0][1]} {people[0][0]}",
            "authors": ", ".join(f"{g} {f}" for f, g in people),
            "title": title,
            "comments": f"{rng.randint(4, 40)} pages, {rng.randint(1, 12)} figures",
            "journal-ref": None,
            "doi": None,
            "report-no": None,
            "categories": " ".join(cats),
            "license": "http://creativecommons.org/licenses/by/4.0/",
            "abstract": abstract,
            "versions": [
                {"version": f"v{i}", "created": _rfc(d)} for i, d in enumerate(versions, 1)
            ],
            "update_date": max(versions).isoformat(),
            "authors_parsed": [[f, g, ""] for f, g in people],
        },
        ensure_ascii=False,
    )


def generate(lines: int, matches: int, papers: int, seed: int, out: Path, wanted_out: Path) -> None:
    """The snapshot (``lines`` records, ``matches`` of them ours) and our papers."""
    rng = random.Random(seed)
    ours = sorted(rng.sample(range(lines), matches))
    wanted: list[dict[str, Any]] = []
    next_ours = 0
    temporary = out.with_suffix(".part")
    with temporary.open("w", encoding="utf-8") as target:
        for number in range(lines):
            title, abstract, people = _title(rng), _abstract(rng), _people(rng)
            v1 = date(2015, 1, 1) + timedelta(days=rng.randint(0, 4000))
            target.write(_record(rng, number, title, abstract, people, v1) + "\n")
            if next_ours < len(ours) and ours[next_ours] == number:
                next_ours += 1
                untitled = len(wanted) % 20 == 0
                printed = [f"{g} {f}" for f, g in people[:3]]
                wanted.append(
                    {
                        "iri": f"paper/{number}",
                        "title": None if untitled else title,
                        "abstract": " ".join(abstract.split()),
                        "authors": [] if untitled else printed,
                        "et_al": len(people) > 3 and not untitled,
                        "date": f"{v1.year}" if untitled else v1.isoformat(),
                        "date_inferred_year": False,
                        "creators": [printed[0]] if not untitled else [],
                    }
                )
    for extra in range(papers - matches):  # papers of ours that arXiv does not have
        people = _people(rng)
        wanted.append(
            {
                "iri": f"paper/unmatched-{extra}",
                "title": _title(rng) + " Revisited",
                "abstract": None,
                "authors": [f"{g} {f}" for f, g in people[:3]],
                "et_al": len(people) > 3,
                "date": "2021-06-01",
                "date_inferred_year": False,
                "creators": [],
            }
        )
    wanted_out.write_text(json.dumps(wanted))
    temporary.replace(out)


def corpus(lines: int, args: argparse.Namespace) -> tuple[Path, Path]:
    CORPUS.mkdir(exist_ok=True)
    stem = f"arxiv-{lines}-{args.matches}-{args.papers}-{args.seed}"
    path, wanted = CORPUS / f"{stem}.jsonl", CORPUS / f"{stem}.papers.json"
    if not path.exists() or not wanted.exists():
        started = time.perf_counter()
        generate(lines, args.matches, args.papers, args.seed, path, wanted)
        took = time.perf_counter() - started
        size = path.stat().st_size / MIB
        print(f"generated {path.name} ({size:,.0f} MiB) in {took:.0f} s", file=sys.stderr)
    return path, wanted


def gzipped(path: Path) -> Path:
    packed = path.with_name(path.name + ".gz")
    if not packed.exists():
        with path.open("rb") as source, gzip.open(packed.with_suffix(".part"), "wb", 6) as target:
            shutil.copyfileobj(source, target, 1 << 20)
        packed.with_suffix(".part").replace(packed)
    return packed


# -- the measured work (in a child) ----------------------------------------------------------


def _open(path: Path) -> Any:
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def work(task: str, path: Path, wanted_path: Path) -> dict[str, Any]:
    if task == "lines":
        with _open(path) as lines:
            return {"lines": sum(1 for _ in lines)}
    if task == "json":
        loads = json.loads
        with _open(path) as lines:
            return {"lines": sum(1 for line in lines if loads(line))}
    sys.path.insert(0, str(ROOT))
    from kg.link.model import Wanted
    from kg.link.run import link_papers

    wanted = [
        Wanted(**{**w, "authors": tuple(w["authors"]), "creators": tuple(w["creators"])})
        for w in json.loads(wanted_path.read_text())
    ]
    if task == "link-titles":
        wanted = [w for w in wanted if w.title]
    linking = link_papers(wanted, path)
    return {
        "papers": len(wanted),
        "linked": len(linking.links),
        "not_found": len(linking.not_found),
        "ambiguous": len(linking.ambiguous),
        "contradicted": len(linking.contradicted),
        "records": linking.snapshot.records,
        "snapshot": asdict(linking.snapshot),
    }


def peak_rss_kib() -> int | None:
    """This process's peak resident memory since it started (``VmHWM``): ``wait4``'s
    ``ru_maxrss`` would also count the parent's pages the child held between fork and exec."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    return next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM:")), None)


def measure(task: str, path: Path, wanted: Path) -> dict[str, Any]:
    """Run ``task`` in a fresh interpreter: wall, CPU and peak RSS from ``wait4``."""
    command = [sys.executable, __file__, "--worker", task, str(path), str(wanted)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{task} on {path.name} failed ({status})")
    size = path.stat().st_size
    result = json.loads(output)
    peak = result.pop("peak_rss_kib", None) or usage.ru_maxrss  # both KiB on Linux
    return {
        "task": task,
        "file": path.name,
        "bytes": size,
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mib": round(peak / 1024, 1),
        "mb_per_s": round(size / 1e6 / wall, 1),
        "result": result,
    }


TASKS = {
    "lines": "read lines (floor)",
    "json": "json.loads every line",
    "link": "link_papers",
    "link-titles": "link_papers, titled papers only",
}


def table(rows: Sequence[dict[str, Any]]) -> str:
    out = [
        "| file | lines | MB (as stored) | what | wall s | CPU s | MB/s | peak RSS MiB | linked |",
        "|---|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        result = row["result"]
        linked = f"{result['linked']:,} of {result['papers']:,}" if "linked" in result else ""
        out.append(
            f"| {'.gz' if row['file'].endswith('.gz') else 'plain'} | {row['lines']:,} "
            f"| {row['bytes'] / 1e6:,.0f} | {TASKS[row['task']]} | {row['wall_s']:.1f} "
            f"| {row['cpu_s']:.1f} | {row['mb_per_s']:,.0f} | {row['peak_rss_mib']:,.0f} "
            f"| {linked} |"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=parse_size, default=1_000_000, help="snapshot lines")
    parser.add_argument(
        "--small", type=parse_size, default=200_000, help="the smaller snapshot (0: none)"
    )
    parser.add_argument(
        "--matches", type=parse_size, default=2_000, help="records that are papers of ours"
    )
    parser.add_argument("--papers", type=parse_size, default=10_000, help="papers of ours")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--no-gz", action="store_true", help="skip the .gz runs")
    parser.add_argument(
        "--worker", nargs=3, metavar=("TASK", "FILE", "PAPERS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        task, path, wanted = args.worker
        result = work(task, Path(path), Path(wanted))
        print(json.dumps(result | {"peak_rss_kib": peak_rss_kib()}))
        return 0
    rows = []
    sizes = [s for s in (args.small, args.lines) if s]
    for lines in sizes:
        path, wanted = corpus(lines, args)
        files = [path] if args.no_gz or lines != args.lines else [path, gzipped(path)]
        for file in files:
            tasks = ["lines", "json", "link"]
            if lines == args.lines and file == path:
                tasks.append("link-titles")
            for task in tasks:
                row = measure(task, file, wanted) | {"lines": lines}
                print(
                    f"{file.name}: {TASKS[task]}: {row['wall_s']} s, {row['peak_rss_mib']} MiB",
                    file=sys.stderr,
                )
                rows.append(row)
    document = {
        "format": "kg-bench-arxiv",
        "version": 1,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "python": sys.version.split()[0],
        "cores": os.cpu_count(),
        "options": {k: v for k, v in vars(args).items() if k != "worker"},
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
