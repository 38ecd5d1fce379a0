#!/usr/bin/env python3
"""Time kg's Turtle, TriG and JSON-LD writers against pyoxigraph's own serialisers, on the
graph of one build output folder (the issue's target: each within 2x of pyoxigraph).

    .venv/bin/python benchmarks/exports.py /tmp/exp/out-100k
    .venv/bin/python benchmarks/exports.py out --formats trig --repeat 2
    .venv/bin/python benchmarks/exports.py out --check golden/   # also cmp kg's files
    .venv/bin/python benchmarks/exports.py out --profile prof/   # cProfile each kg writer
    .venv/bin/python benchmarks/exports.py out --ox-bytes        # pyoxigraph to bytes too

kg's side is ``kg.export.files.write_exports`` for one format, exactly as ``kg build`` calls
it: Turtle from graph.nt, TriG and JSON-LD from graph.nq, both read back line by line
(``ExportedLines``), written atomically into a temporary folder. pyoxigraph's side parses the
same file first (untimed: graph.nt as triples for Turtle, graph.nq as quads for the others),
then times ``pyoxigraph.serialize`` of that list to a file in the same temporary folder, with
the same prefixes. Each is run --repeat times, alternating, and the minimum wall and CPU
(``time.process_time``: the machine may be shared) time is kept; the ratio is kg / pyoxigraph.
"kg +MiB" is how much kg's writer raised the process's peak RSS (the most of the runs).
--ox-bytes also times pyoxigraph serialising to a bytes object in memory, as benchmarks/run's
reference does (slower than to a file: the ratios against it are lower).
"""

from __future__ import annotations

import argparse
import cProfile
import filecmp
import gc
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pyoxigraph as ox  # noqa: E402

from kg.config import Settings  # noqa: E402
from kg.export.files import ExportedLines, load_context, prefixes_for, write_exports  # noqa: E402
from kg.export.formats import NQUADS, NTRIPLES, format_named  # noqa: E402
from kg.heap import release_freed_memory  # noqa: E402
from kg.resources import ONTOLOGY_DIR  # noqa: E402

OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def timed(func: Callable[[], Any]) -> tuple[float, float, float]:
    """(wall s, CPU s, MiB the peak RSS grew by) of one call, after a collection so no
    earlier garbage counts (the peak is reset first where Linux allows it, else 0)."""
    gc.collect()
    release_freed_memory()  # so that what an earlier run freed is not counted as free now
    before = _reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    grown = _status_kib("VmHWM") - before if before else 0
    return wall, cpu, grown / 1024


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> int:
    """Reset the peak RSS to the current one; that, in KiB (0 if it cannot be reset)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return 0
    return _status_kib("VmRSS")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a kg build output folder (graph.nq, graph.nt)")
    parser.add_argument("--formats", default="turtle,trig,jsonld")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the minimum kept")
    parser.add_argument("--base-iri", default=Settings().base_iri, help="the build's base IRI")
    parser.add_argument("--skip-ox", action="store_true", help="time kg's writers only")
    parser.add_argument("--check", type=Path, help="compare kg's files with those in this folder")
    parser.add_argument("--profile", type=Path, help="cProfile one more run of each kg writer")
    parser.add_argument("--ox-bytes", action="store_true", help="pyoxigraph to bytes too")
    args = parser.parse_args()

    nq, nt = args.out / NQUADS.file_name, args.out / NTRIPLES.file_name
    prefixes, context = prefixes_for(args.base_iri), load_context(ONTOLOGY_DIR)
    pairs, union = ExportedLines(nq), ExportedLines(nt)
    rows = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="kg-exports-", dir=args.out.parent) as tmp:
        work = Path(tmp)
        for name in args.formats.split(","):
            fmt = format_named(name)
            data: list[Any] = []
            if not args.skip_ox:
                source = nq if fmt.named_graphs else nt
                rdf_format = ox.RdfFormat.N_QUADS if fmt.named_graphs else ox.RdfFormat.N_TRIPLES
                data = list(ox.parse(path=str(source), format=rdf_format))
            ox_file = work / f"ox{fmt.suffixes[0]}"

            def ours(fmt: Any = fmt) -> None:
                write_exports(pairs, union, work, prefixes, context, [fmt])

            def theirs(data: list[Any] = data, name: str = name, ox_file: Path = ox_file) -> None:
                ox.serialize(data, str(ox_file), OX_FORMATS[name], prefixes=prefixes)

            def in_memory(data: list[Any] = data, name: str = name) -> None:
                ox.serialize(data, None, OX_FORMATS[name], prefixes=prefixes)

            kg_runs, ox_runs, bytes_runs = [], [], []
            for _ in range(args.repeat):
                kg_runs.append(timed(ours))
                if not args.skip_ox:
                    ox_runs.append(timed(theirs))
                    if args.ox_bytes:
                        bytes_runs.append(timed(in_memory))
            del data, theirs, in_memory  # the parsed graph: before the next format's
            kg_wall, kg_cpu, _ = map(min, zip(*kg_runs, strict=True))
            kg_mib = max(run[2] for run in kg_runs)
            ox_wall, ox_cpu, _ = map(min, zip(*ox_runs, strict=True)) if ox_runs else (0, 0, 0)
            in_bytes = min(run[1] for run in bytes_runs) if bytes_runs else 0.0
            same = ""
            if args.check is not None:
                ok = filecmp.cmp(work / fmt.file_name, args.check / fmt.file_name, shallow=False)
                failed |= not ok
                same = "same" if ok else "DIFFERENT"
            if args.profile is not None:
                args.profile.mkdir(parents=True, exist_ok=True)
                profile = cProfile.Profile()
                profile.runcall(ours)
                with open(args.profile / f"{name}.txt", "w") as report:
                    stats = pstats.Stats(profile, stream=report)
                    stats.sort_stats("tottime").print_stats(30)
                    stats.sort_stats("cumulative").print_stats(30)
            rows.append((name, kg_wall, kg_cpu, kg_mib, ox_wall, ox_cpu, in_bytes, same))
            print(f"{name}: kg {kg_cpu:.2f} s CPU, pyoxigraph {ox_cpu:.2f} s CPU", file=sys.stderr)

    print(f"{args.out}: best of {args.repeat}; ratio = kg / pyoxigraph")
    header = ["format", "kg s", "kg CPU s", "kg +MiB", "pyoxigraph s", "pyoxigraph CPU s"]
    header += ["ratio", "CPU ratio"]
    if args.ox_bytes:
        header += ["pyoxigraph to bytes CPU s", "CPU ratio to that"]
    if args.check is not None:
        header.append("vs --check")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for name, kg_wall, kg_cpu, kg_mib, ox_wall, ox_cpu, in_bytes, same in rows:
        cells = [name, f"{kg_wall:.2f}", f"{kg_cpu:.2f}", f"{kg_mib:.0f}"]
        cells += [f"{ox_wall:.2f}", f"{ox_cpu:.2f}"]
        cells += [f"{kg_wall / ox_wall:.2f}x", f"{kg_cpu / ox_cpu:.2f}x"] if ox_cpu else ["", ""]
        if args.ox_bytes:
            cells += [f"{in_bytes:.2f}", f"{kg_cpu / in_bytes:.2f}x"] if in_bytes else ["", ""]
        print(" | ".join(cells + ([same] if same else [])))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
