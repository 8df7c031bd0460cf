"""Benchmark: `authoring render DIR -d OUT` over 1,000 reports through the command line, in one
process and with -j 2, against the library's floor (one process, no command line, plain writes:
issue 17 wants the batch within 2x of it, with flat memory) and docxtpl rendering the same 1,000
reports in one process. Peak RSS of each side, at each count given.

Each report is a copy of the example for another agency and year (bench.batch_files), so that
nothing is served from a cache that a real batch would not hit. Every side is a whole process
timed from the outside (what a clerk waits for), and writes every .docx to disk. The sides take
turns run by run, so a busy moment of the shared machine falls on each alike; the load average
is recorded before and after.

    python benchmarks/batch.py                  # 1,000 reports, 3 runs of each side
    python benchmarks/batch.py --count 50 --runs 1
    python benchmarks/batch.py --count 100,1000 --runs 1 --no-docxtpl   # the floor and the memory curve
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import batch_files, bytecode_env, console_script, machine  # noqa: E402

# The docxtpl side: what an agency would write with docxtpl for a folder of reports, one
# process, one template loaded once, each report rendered and saved.
DOCXTPL_BATCH = """
import sys, yaml
from pathlib import Path
sys.path.insert(0, {here!r})
from docxtpl import DocxTemplate
from docxtpl_render import render_bytes
from docxtpl_template import build_template
src, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
template = build_template(out / "_template.docx")
for path in sorted(src.glob("*.yaml")):
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    (out / (path.stem + ".docx")).write_bytes(render_bytes(template, data))
"""


# The floor (issue 17): the library in one process, no command line, no pool, no fsync: each
# report loaded, validated, rendered and its .docx written with a plain write.
FLOOR = """
import sys
from pathlib import Path
from authoring.main import build_blocks, output_bytes
src, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for path in sorted(src.glob("*.yaml")):
    (out / (path.stem + ".docx")).write_bytes(output_bytes(build_blocks(path), "docx"))
"""


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, the largest process of the tree: wait4's ru_maxrss)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(cmd[:3])}\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", default="1000", help="reports in the batch; several (100,1000) for the memory curve")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-docxtpl", action="store_true", help="leave docxtpl out (it is the slowest side)")
    parser.add_argument("--json", type=Path, default=HERE / "batch-results.json")
    args = parser.parse_args(argv)
    counts = [int(c) for c in str(args.count).split(",")]
    env = bytecode_env(None)
    authoring = [sys.executable, "-c", console_script()]  # what `pip install` puts on PATH
    result: dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds"),
                              "command": " ".join(["python", "benchmarks/batch.py", *(argv or sys.argv[1:])]),
                              "runs": args.runs, "machine": machine(), "batches": {}}
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="authoring-batch-") as tmp:
        for count in counts:
            folder = Path(tmp) / f"reports-{count}"
            folder.mkdir()
            batch_files(count, folder)
            sides = {
                "library floor (one process)": lambda out: [sys.executable, "-c", FLOOR, str(folder), str(out)],
                "authoring -j 1": lambda out: [*authoring, "render", str(folder), "-d", str(out), "-j", "1"],
                "authoring -j 2": lambda out: [*authoring, "render", str(folder), "-d", str(out), "-j", "2"],
            }
            if not args.no_docxtpl:
                sides["docxtpl (one process)"] = lambda out: [sys.executable, "-c", DOCXTPL_BATCH.format(here=str(HERE)),
                                                              str(folder), str(out)]
            times: dict[str, list[float]] = {name: [] for name in sides}
            rss: dict[str, list[float]] = {name: [] for name in sides}
            loads: list[float] = []
            for run in range(args.runs):
                for i, (name, cmd) in enumerate(sides.items()):
                    out = Path(tmp) / f"out-{count}-{run}-{i}"
                    wall, peak = _timed(cmd(out), env)
                    times[name].append(wall)
                    rss[name].append(peak)
                    loads.append(os.getloadavg()[0])
                    made = len(list(out.glob("*.docx"))) - (1 if (out / "_template.docx").exists() else 0)
                    assert made == count, (name, made)
                    shutil.rmtree(out)
            med = {name: statistics.median(v) for name, v in times.items()}
            floor = med["library floor (one process)"]
            print(f"{count} reports, median of {args.runs} runs (seconds; reports per second; vs the floor; peak RSS)")
            for name, seconds in med.items():
                print(f"  {name:28} {seconds:7.2f} s  {count / seconds:6.1f}/s  {seconds / floor:5.2f}x floor  "
                      f"{max(rss[name]):6.1f} MiB")
            print(f"  -j 2 vs -j 1: {med['authoring -j 1'] / med['authoring -j 2']:.2f}x · load {min(loads):.1f}–{max(loads):.1f}")
            result["batches"][str(count)] = {
                "count": count, "seconds": times, "median": med, "peak_rss_mib": rss, "loads": loads,
                "vs_floor": {n: s / floor for n, s in med.items()},
                "j2_vs_j1": med["authoring -j 1"] / med["authoring -j 2"],
            }
            if "docxtpl (one process)" in med:
                base = med["docxtpl (one process)"]
                result["batches"][str(count)]["speedup_vs_docxtpl"] = {n: base / s for n, s in med.items()}
            result["load_before"] = load_before
            result["load_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
