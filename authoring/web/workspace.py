"""The reports open in the workbench: the YAML on disk stays the source of truth.

An open report is its text as edited (a `YamlDocument`) and what was on disk when it was read or
last saved. Saving writes atomically, in the file's own encoding and line breaks; a file someone
else changed meanwhile is never overwritten: the save is refused, and the page offers to reload
it or to keep both. Every change is also kept, a moment later, in a recovery file beside the
report (`.<name>.未保存`), so that closing the tab, the browser or the server loses no typing.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from authoring.decode import decode_text
from authoring.errors import AuthoringError, InputError, OutputError, reason
from authoring.fileio import write_atomic
from authoring.load import MAX_BYTES
from authoring.yamledit import YamlDocument

RECOVERY_SUFFIX = ".未保存"
# Which run of the server wrote a recovery file: only another run's is offered back (this run
# still holds the text itself).
_SESSION = secrets.token_hex(8)


class Conflict(OutputError):
    """The file on disk changed since the page read it; nothing was written."""


@dataclass
class DiskState:
    """What a file on disk held when the page last read or wrote it."""

    sha256: str
    mtime_ns: int
    size: int


def _read_bounded(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError("找不到这个文件；它可能已被移走或删除", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"无法读取这个文件（{exc.strerror}）", file=str(path)) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，不像是一份报告的 YAML；请检查是否选错了文件",
                         file=str(path))
    return raw


def _state(path: Path, raw: bytes) -> DiskState:
    st = path.stat()
    return DiskState(hashlib.sha256(raw).hexdigest(), st.st_mtime_ns, st.st_size)


class OpenReport:
    """One report YAML open in the page."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._recovery_timer: Optional[threading.Timer] = None
        self.load_error: Optional[AuthoringError] = None
        # Why the unsaved changes could not be kept in the recovery file (a full disk, a
        # read-only folder): the page then says they live only in the page and this server.
        self.unkept: Optional[str] = None
        self._read()

    # -- disk -------------------------------------------------------------------------------

    def _read(self) -> None:
        raw = _read_bounded(self.path)
        text, encoding, _notes = decode_text(raw, str(self.path))
        self.encoding = encoding
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.disk = _state(self.path, raw)
        self.saved_text = text.replace("\r\n", "\n")
        self._open_text(self.saved_text)

    def _open_text(self, text: str) -> None:
        """Make `text` the page's text; one that does not parse is kept for the YAML tab."""
        try:
            self.doc: Optional[YamlDocument] = YamlDocument(text, str(self.path))
            self.load_error = None
        except AuthoringError as exc:
            self.doc = None
            self.load_error = exc
        self._raw_text = text

    @property
    def text(self) -> str:
        """The text as the page has it now (what Save would write)."""
        return self.doc.text if self.doc is not None else self._raw_text

    @property
    def dirty(self) -> bool:
        """Whether the page holds changes not saved to the file."""
        return self.text != self.saved_text

    def changed_on_disk(self) -> bool:
        """Whether someone else changed (or removed) the file since the page read or saved it."""
        try:
            st = self.path.stat()
        except OSError:
            return True
        if st.st_mtime_ns == self.disk.mtime_ns and st.st_size == self.disk.size:
            return False
        try:
            return hashlib.sha256(_read_bounded(self.path)).hexdigest() != self.disk.sha256
        except InputError:
            return True

    def encode(self, text: str) -> bytes:
        """The text as the file's own bytes: its encoding, BOM and line breaks."""
        body = text.replace("\n", self.newline) if self.newline != "\n" else text
        if self.encoding == "utf-8-sig":
            return codecs.BOM_UTF8 + body.encode("utf-8")
        if self.encoding == "utf-16":
            return body.encode("utf-16")
        return body.encode(self.encoding if self.encoding in ("gb18030",) else "utf-8")

    def save(self) -> None:
        """Write the page's text to the file atomically; refuse (Conflict) if it changed meanwhile."""
        with self.lock:
            if self.changed_on_disk():
                raise Conflict(
                    "这个文件在您打开之后被其他程序或其他人修改过；为免丢失任何一方的修改，没有保存。"
                    "请选择“重新载入”（放弃本页的修改）或“两份都保留”（本页的修改另存为新文件）",
                    file=str(self.path),
                )
            data = self.encode(self.text)
            write_atomic(self.path, data)
            self.disk = _state(self.path, data)
            self.saved_text = self.text
            self.drop_recovery()

    def save_copy(self) -> Path:
        """Keep both: write the page's text to a new file beside the report and open that one."""
        with self.lock:
            n = 1
            while True:
                target = self.path.with_name(f"{self.path.stem}.网页修改-{n}{self.path.suffix}")
                if not target.exists():
                    break
                n += 1
            data = self.encode(self.text)
            write_atomic(target, data)
            self.drop_recovery()
            old = self.path
            self.path = target
            self.disk = _state(target, data)
            self.saved_text = self.text
            del old
            return target

    def reload(self) -> None:
        """Take the file as it is on disk now; the page's changes are dropped."""
        with self.lock:
            self.drop_recovery()
            self._read()

    # -- recovery ---------------------------------------------------------------------------

    @property
    def recovery_path(self) -> Path:
        """Where unsaved changes are kept between keystrokes and a save."""
        return self.path.with_name(f".{self.path.name}{RECOVERY_SUFFIX}")

    def changed(self) -> None:
        """Note an edit: the recovery file is written a moment later (one write per pause)."""
        with self.lock:
            if self._recovery_timer is not None:
                self._recovery_timer.cancel()
            self._recovery_timer = threading.Timer(0.5, self._recover_later)
            self._recovery_timer.daemon = True
            self._recovery_timer.start()

    def _recover_later(self) -> None:
        # The timer's thread: a failure here would print a traceback in the clerk's console.
        try:
            self.write_recovery()
        except Exception as exc:  # noqa: BLE001 — said on the page instead (unkept)
            self.unkept = f"暂存时出错（{type(exc).__name__}）"

    def write_recovery(self) -> None:
        """Keep the unsaved text now (also called when the server stops). A write pending for a
        moment later is not needed any more: it would write the same text again, or, once the
        page has saved, bring back a recovery file of changes already saved."""
        with self.lock:
            if self._recovery_timer is not None:
                self._recovery_timer.cancel()
                self._recovery_timer = None
            if not self.dirty:
                self.drop_recovery()
                return
            record = {"file": self.path.name, "base_sha256": self.disk.sha256, "text": self.text, "session": _SESSION,
                      "saved_at": _dt.datetime.now().isoformat(timespec="seconds")}
            try:
                write_atomic(self.recovery_path, json.dumps(record, ensure_ascii=False).encode("utf-8"))
                self.unkept = None
            except AuthoringError as exc:
                # A full disk, a read-only folder: the page still holds the text, and says that
                # it is kept nowhere else until it is saved; the system's reason, without the
                # command line's advice (-o) that the writer's message ends with.
                cause = exc.__cause__
                self.unkept = reason(cause) if isinstance(cause, OSError) else (exc.problems[0].message if exc.problems else str(exc))

    def drop_recovery(self) -> None:
        """Remove the recovery file (after a save, or when the changes are dropped)."""
        self.unkept = None
        if self._recovery_timer is not None:
            self._recovery_timer.cancel()
            self._recovery_timer = None
        try:
            self.recovery_path.unlink()
        except OSError:
            pass

    def recovery(self) -> Optional[dict[str, Any]]:
        """The unsaved changes a previous page left, if any differ from the file."""
        try:
            record = json.loads(self.recovery_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            return None
        if record.get("session") == _SESSION:
            return None  # this run's own, written a moment ago: the page holds these changes
        if record["text"] == self.saved_text:
            self.drop_recovery()
            return None
        record["disk_changed"] = record.get("base_sha256") != self.disk.sha256
        return record

    def restore(self) -> None:
        """Take the unsaved changes a previous page left."""
        with self.lock:
            record = self.recovery()
            if record is None:
                raise AuthoringError("没有可恢复的未保存修改", file=str(self.path))
            self._open_text(record["text"].replace("\r\n", "\n"))

    def set_text(self, text: str) -> None:
        """The YAML tab's whole text: taken even when it does not parse (the tab shows where)."""
        with self.lock:
            text = text.replace("\r\n", "\n")
            if self.doc is not None:
                try:
                    self.doc.replace_text(text)
                    self._raw_text = text
                    self.load_error = None
                    return
                except AuthoringError:
                    pass
            self._open_text(text)


class Workspace:
    """Everything the server holds: the reports open in the page, by their path."""

    def __init__(self) -> None:
        self.reports: dict[Path, OpenReport] = {}
        self.lock = threading.Lock()
        self.started = time.time()

    def open(self, path: Path) -> OpenReport:
        """The open report for a file (read on first use)."""
        with self.lock:
            report = self.reports.get(path)
            if report is None:
                report = self.reports[path] = OpenReport(path)
            return report

    def rename(self, report: OpenReport, old: Path) -> None:
        """A report now saved under another name (keep both)."""
        with self.lock:
            self.reports.pop(old, None)
            self.reports[report.path] = report

    def flush(self) -> None:
        """Write every pending recovery file (the server is stopping)."""
        for report in list(self.reports.values()):
            if report.dirty:
                report.write_recovery()
