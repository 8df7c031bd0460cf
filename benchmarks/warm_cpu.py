"""Warm render per report in CPU time (process_time: the figure least moved when other work
shares the CPUs, where bench.py's wall-clock medians are not): authoring against docxtpl with
python-docx's template and with the lean one, taking turns, on the largest example.

    python benchmarks/warm_cpu.py            # 30 rounds
    python benchmarks/warm_cpu.py 100 examples/changzhou-cgj-2024.yaml
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402
from docxtpl_template import build_template  # noqa: E402

ex = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE.parent / "examples" / "chuxiong-zhzf-2024.yaml"
work = Path(tempfile.mkdtemp())
tpl = DocxTemplate(str(build_template(work / "t.docx")))
lean = DocxTemplate(str(build_template(work / "l.docx", lean=True)))
fns = {"ours": lambda: bench.ours_bytes(ex), "docxtpl": lambda: bench.docxtpl_bytes(ex, tpl),
       "docxtpl_lean": lambda: bench.docxtpl_bytes(ex, lean)}
for f in fns.values():  # warm: templates compiled, caches filled
    f()
    f()
cpu: dict[str, list[float]] = {n: [] for n in fns}
wall: dict[str, list[float]] = {n: [] for n in fns}
load = os.getloadavg()[0]
for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else 30):
    for n, f in fns.items():
        t, w = time.process_time(), time.perf_counter()
        f()
        cpu[n].append(time.process_time() - t)
        wall[n].append(time.perf_counter() - w)
m = {n: statistics.median(v) * 1000 for n, v in cpu.items()}
mn = {n: min(v) * 1000 for n, v in wall.items()}
print(f"{ex.name}: load {load:.1f} → {os.getloadavg()[0]:.1f}")
for n in fns:
    print(f"{n:13} cpu median {m[n]:6.1f} ms  wall fastest {mn[n]:6.1f} ms")
print(f"docxtpl/ours cpu {m['docxtpl']/m['ours']:.2f}x, lean/ours cpu {m['docxtpl_lean']/m['ours']:.2f}x; "
      f"fastest wall lean/ours {mn['docxtpl_lean']/mn['ours']:.2f}x")
