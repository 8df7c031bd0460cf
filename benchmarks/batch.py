"""Benchmark: `authoring render DIR -d OUT` over 1,000 reports through the command line, in one
process and with -j 2, against docxtpl rendering the same 1,000 reports in one process.

Each report is a copy of the example for another agency and year (bench.batch_files), so that
nothing is served from a cache that a real batch would not hit. Every side is a whole process
timed from the outside (what a clerk waits for), and writes every .docx to disk. The sides take
turns run by run, so a busy moment of the shared machine falls on each alike; the load average
is recorded before and after.

    python benchmarks/batch.py                  # 1,000 reports, 3 runs of each side
    python benchmarks/batch.py --count 50 --runs 1
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=HERE / "batch-results.json")
    args = parser.parse_args(argv)
    env = bytecode_env(None)
    authoring = [sys.executable, "-c", console_script()]  # what `pip install` puts on PATH
    with tempfile.TemporaryDirectory(prefix="authoring-batch-") as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        batch_files(args.count, folder)
        sides = {
            "authoring -j 1": lambda out: [*authoring, "render", str(folder), "-d", str(out), "-j", "1"],
            "authoring -j 2": lambda out: [*authoring, "render", str(folder), "-d", str(out), "-j", "2"],
            "docxtpl (one process)": lambda out: [sys.executable, "-c",
                                                  DOCXTPL_BATCH.format(here=str(HERE)), str(folder), str(out)],
        }
        times: dict[str, list[float]] = {name: [] for name in sides}
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        for run in range(args.runs):
            for name, cmd in sides.items():
                out = Path(tmp) / f"out-{run}-{len(times[name])}-{name.split()[0]}-{name[-1]}"
                times[name].append(_timed(cmd(out), env))
                made = len(list(out.glob("*.docx"))) - (1 if (out / "_template.docx").exists() else 0)
                assert made == args.count, (name, made)
        load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    med = {name: statistics.median(v) for name, v in times.items()}
    base = med["docxtpl (one process)"]
    print(f"{args.count} reports, median of {args.runs} runs (seconds; reports per second; vs docxtpl)")
    for name, seconds in med.items():
        print(f"  {name:24} {seconds:7.2f} s  {args.count / seconds:6.1f}/s  {base / seconds:5.2f}x")
    print(f"  -j 2 vs -j 1: {med['authoring -j 1'] / med['authoring -j 2']:.2f}x")
    print(f"  load average before {load_before}, after {load_after}")
    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "count": args.count, "runs": args.runs, "seconds": times, "median": med,
        "speedup_vs_docxtpl": {n: base / s for n, s in med.items()},
        "j2_vs_j1": med["authoring -j 1"] / med["authoring -j 2"],
        "load_before": load_before, "load_after": load_after, "machine": machine(),
    }
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
