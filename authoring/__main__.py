"""The `authoring` command and `python -m authoring`: start-up tuned for a short process, then
the command-line interface (authoring.cli).

A command is one short process that imports some 300 modules (click, Jinja2, PyYAML, lxml,
cerberus) and ends. Two settings of Python's cyclic garbage collector, and nothing else, are
changed for it, here and not in the library (which leaves the collector to its caller):

- the first-generation threshold is raised from 700 to 50,000 allocations, so that importing
  does not set off dozens of collections that each walk every object loaded so far and find
  nothing (module objects live until the end). A command still running after half a second
  is a long one (a folder of reports to check or render): a timer thread then gives Python's
  own thresholds back. With 50,000 for the whole run, python-docx documents (reference cycles
  holding lxml trees, whose memory Python does not count as allocations) piled up between
  collections: 260 MiB for 1,000 Word files (issue 17), 46 MiB with Python's thresholds.
- at exit, everything still alive is frozen (gc.freeze) before the interpreter shuts down, so
  that shut-down does not walk every module's objects again only to free a process that is
  ending anyway.

Measured with benchmarks/bench.py (docs/performance.md): about 40-60 ms of a 300 ms cold
`authoring render`. Objects in reference cycles that are still alive at exit are not finalized
by the collector at shut-down; every file the tool writes is closed and renamed into place
before the command returns (fileio.py), so nothing depends on that.
"""
from __future__ import annotations

import atexit
import gc
import os
import threading

FIRST_GENERATION_THRESHOLD = 50_000
SHORT_PROCESS_S = 0.5


def main() -> None:
    """Entry point of the `authoring` command (pyproject's [project.scripts])."""
    default = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, default[1], default[2])
    timer = threading.Timer(SHORT_PROCESS_S, gc.set_threshold, default)
    timer.daemon = True  # a short command ends without waiting for it
    timer.start()
    # A worker forked for `check -j` or `render -d -j` (often within the first half second)
    # does the long work but has no timer of its own: it starts with Python's thresholds.
    if hasattr(os, "register_at_fork"):  # not on Windows, whose workers start a fresh Python
        os.register_at_fork(after_in_child=lambda: gc.set_threshold(*default))
    atexit.register(gc.freeze)
    try:
        from authoring.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        # Ctrl-C while some 300 modules are still being imported, before the command line's own
        # handler exists: a traceback through importlib, once. Nothing has been written yet.
        import sys

        sys.stderr.write("已中断，未写入任何文件\n")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 — the command line itself could not be loaded
        # (a damaged installation: a module missing or broken). The command line's own
        # catch-all (cli._Group.main) covers everything once it runs; this covers its import.
        import sys

        from authoring.crash import EXIT_INTERNAL, handle

        text = handle(exc) + "\n"
        try:
            sys.stderr.write(text)
        except UnicodeEncodeError:  # a console whose code page lacks a character of the path
            sys.stderr.write(text.encode(sys.stderr.encoding or "ascii", "replace").decode(sys.stderr.encoding or "ascii"))
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
