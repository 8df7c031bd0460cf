"""Writing outputs without losing anything: atomic writes, backups, and a guard that refuses to
overwrite a report someone edited by hand (a .docx's stamp is docx/package.py's)."""
from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Optional, Union

from authoring.docx.package import is_unchanged, read_stamp
from authoring.errors import OutputError, reason

PathLike = Union[str, "os.PathLike[str]"]

# --- files: atomic write and overwrite guard -------------------------------------------------


def _fail(path: PathLike, message: str) -> OutputError:
    return OutputError(message, file=str(path))


class WriteFailed(OutputError):
    """An output not written: `why` says what happened, then the command line's way out (-o …);
    `kind` lets a place with other ways out say its own instead (the workbench: web/messages.py)."""

    def __init__(self, path: PathLike, why: str, advice: str, kind: str) -> None:
        super().__init__(why + advice, file=str(path))
        self.why = why
        self.kind = kind


class OverwriteRefused(OutputError):
    """An output not written over a file someone edited since (or one this tool did not make);
    `why` says which, without the command line's advice (the workbench offers buttons)."""

    def __init__(self, path: PathLike, why: str) -> None:
        super().__init__(why + "要保留两份，请用 -o 另一个文件名；要覆盖（原文件会先备份），请加 --force", file=str(path))
        self.why = why


def _explain(path: PathLike, exc: OSError, *, replacing: bool) -> OutputError:
    """Turn an OSError into a message a clerk can act on."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return WriteFailed(path, "磁盘空间不足，文件未写入（原有文件未改动）。",
                           "请清理磁盘空间后重试，或用 -o 保存到其他磁盘", "no-space")
    if isinstance(exc, IsADirectoryError):
        return WriteFailed(path, "这是一个文件夹，不是文件。", "请用 -o 指定要保存的文件名，如 -o 报告.docx", "folder")
    if isinstance(exc, FileNotFoundError):
        return WriteFailed(path, f"文件夹“{Path(path).parent}”不存在。", "请先创建该文件夹，或用 -o 保存到已有的文件夹",
                           "no-folder")
    if isinstance(exc, PermissionError):
        if replacing:
            # On Windows, replacing a file that Word or WPS has open fails exactly like this.
            return WriteFailed(path, "文件被占用或没有写权限，", "请先在 Word/WPS 中关闭该文件，或用 -o 另存为其他文件名",
                               "busy")
        return WriteFailed(path, "没有在该文件夹中写文件的权限。", "请用 -o 保存到有权限的文件夹（如“文档”或桌面）",
                           "no-permission")
    if exc.errno == errno.EROFS:
        return WriteFailed(path, "该位置是只读的。", "请用 -o 保存到可写的文件夹", "read-only")
    return WriteFailed(path, f"无法写入（{reason(exc)}），原有文件未改动。", "请检查路径，或用 -o 保存到其他位置", "other")


def write_atomic(path: PathLike, data: bytes) -> None:
    """Write bytes to path via a temp file in the same folder, so a failure never leaves half a file."""
    target = Path(path)
    if target.is_dir():
        raise _explain(path, IsADirectoryError(errno.EISDIR, "is a directory"), replacing=False)
    if not target.parent.is_dir():
        raise _explain(path, FileNotFoundError(errno.ENOENT, "no such directory"), replacing=False)
    _clean_stale_temps(target)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never clobber someone else's file; 0o666 lets the umask decide, as open() would.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except OSError as exc:
        raise _explain(path, exc, replacing=False) from exc
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise _explain(path, exc, replacing=False) from exc
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise _explain(path, exc, replacing=True) from exc
    except BaseException:
        # Whatever went wrong (even Ctrl-C), the temp goes and the old file stays as it was.
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_dir(target.parent)


# A temporary file of ours older than this was left by a write that was killed (SIGKILL, a
# power cut): no write takes an hour, so it is nobody's any more. Younger ones may be another
# render writing now.
STALE_TEMP_SECONDS = 3600


def _clean_stale_temps(target: Path) -> None:
    """Remove temporary files a killed write of this same target left behind (hidden: a clerk
    never sees them, and they were never cleaned)."""
    pattern = re.compile(r"\." + re.escape(target.name) + r"\.[0-9a-f]{8}\.tmp")
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
                os.unlink(entry.path)
        except OSError:
            pass


def _sync_dir(folder: Path) -> None:
    # Make the rename itself durable where the OS allows it (POSIX); Windows has no directory fds.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_path(path: PathLike, start: int = 1) -> Path:
    """The first free backup name beside path: 报告.bak-1.docx, 报告.bak-2.docx, ... A name held by
    a symbolic link is not free, even when the link points nowhere."""
    target = Path(path)
    n = start
    while True:
        candidate = target.with_name(f"{target.stem}.bak-{n}{target.suffix}")
        if not os.path.lexists(candidate):
            return candidate
        n += 1


def _backup(path: Path) -> Path:
    """Copy path to its first free backup name, atomically: a complete copy under that name, or
    nothing. The copy is written to a temporary file (exclusively created, fsynced) and then
    linked to the backup name, which never replaces or follows anything already there (a
    dangling symbolic link at the name made the copy land wherever it pointed, and render
    --force then looked for a free name forever)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
        with os.fdopen(fd, "wb") as dst, open(path, "rb") as src:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        try:
            shutil.copystat(path, tmp)  # keep the old file's dates on its backup
        except OSError:
            pass
        n = 1
        while True:
            dest = backup_path(path, n)
            try:
                _place(tmp, dest)
            except FileExistsError:  # another process took the name meanwhile: the next one
                n = int(dest.stem.rsplit(".bak-", 1)[1]) + 1
                continue
            return dest
    except OSError as exc:
        raise WriteFailed(path, f"无法备份原文件（{reason(exc)}），没有覆盖。", "请用 -o 另存为其他文件名", "backup") from exc
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _place(tmp: Path, dest: Path) -> None:
    """Give the complete file at tmp the name dest, never replacing anything at dest."""
    try:
        os.link(tmp, dest)  # atomic, and fails with FileExistsError on anything there
        return
    except FileExistsError:
        raise
    except (OSError, NotImplementedError, AttributeError):
        pass  # no hard links here (FAT or exFAT drives, some network shares)
    if os.name == "nt":
        os.rename(tmp, dest)  # on Windows rename never replaces an existing file
        return
    # Last resort: an exclusive copy, removed if it cannot be completed.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(dest, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as dst, open(tmp, "rb") as src:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        try:
            os.unlink(dest)
        except OSError:
            pass
        raise


def guard_overwrite(path: PathLike, force: bool, *, same_as: Optional[bytes] = None) -> Optional[Path]:
    """Refuse to overwrite a file this tool did not make or that was edited since; with force,
    back it up first and return the backup's path.

    `same_as`: for files that carry no stamp (plain text), the bytes about to be written; an
    existing file with exactly these bytes is overwritten silently.
    """
    target = Path(path)
    if not target.exists():
        return None
    if target.is_dir():
        raise _explain(path, IsADirectoryError(errno.EISDIR, "is a directory"), replacing=False)
    if same_as is not None:
        if _has_bytes(target, same_as):
            return None
        made_by_us, edited = False, False
    else:
        made_by_us = read_stamp(target) is not None
        edited = made_by_us and not is_unchanged(target)
        if made_by_us and not edited:
            return None
    if not force:
        if edited:
            why = "该文件生成后被修改过（可能在 Word/WPS 中编辑过），为免丢失修改，没有覆盖。"
        elif same_as is not None:
            why = "该文件已存在且内容与本次生成的不同，为免丢失内容，没有覆盖。"
        else:
            why = "该文件已存在且不是本工具生成的，为免丢失内容，没有覆盖。"
        raise OverwriteRefused(path, why)
    return _backup(target)


def _has_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_new_file(path: PathLike, data: bytes, force: bool) -> Optional[Path]:
    """Write a file a clerk goes on to edit (a report YAML): never over an existing file unless
    `force`, and then only after copying it to a backup, whose path is returned."""
    target = Path(path)
    backup = None
    if target.is_dir():
        raise _explain(path, IsADirectoryError(errno.EISDIR, "is a directory"), replacing=False)
    if target.exists():
        if not force:
            raise _fail(path, "文件已存在，为避免覆盖已填写的内容，未写入；请用 -o 另一个文件名，或加 --force 覆盖（原文件会先备份）")
        backup = _backup(target)
    write_atomic(target, data)
    return backup
