"""Nothing lost: atomic writes, clear messages when a file cannot be written, and no overwriting
of a report someone edited by hand."""
from __future__ import annotations

import errno
import io
import os
import zipfile
from pathlib import Path

import pytest

from authoring import fileio
from authoring.docx import package
from authoring.blocks import Heading, Paragraph, Signature, Title
from authoring.errors import OutputError
from authoring.fileio import guard_overwrite, is_unchanged, read_stamp, write_atomic
from authoring.main import write_docx

BLOCKS = [Title("某局关于2024年度法治政府建设情况的报告"), Heading(1, "主要举措和成效", "一、"),
          Paragraph("全年办理行政许可917件。"), Signature("某市某局", "2025年2月20日")]
KEEP_BOTH = "要保留两份，请用 -o 另一个文件名；要覆盖（原文件会先备份），请加 --force"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- write_atomic ----------------------------------------------------------------------------


def test_write_atomic_writes_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "报告.docx"
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    write_atomic(target, b"newer")
    assert target.read_bytes() == b"newer"
    assert leftovers(tmp_path) == []


def test_a_file_held_open_by_word_is_left_intact(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old")

    def locked(src, dst):  # what Windows says when Word has the file open
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as err:
        write_atomic(target, b"new")
    assert str(err.value) == (f"{target}: 文件被占用或没有写权限，请先在 Word/WPS 中关闭该文件，"
                              "或用 -o 另存为其他文件名")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_full_disk_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as err:
        write_atomic(target, b"new" * 1000)
    assert str(err.value) == (f"{target}: 磁盘空间不足，文件未写入（原有文件未改动）。"
                              "请清理磁盘空间后重试，或用 -o 保存到其他磁盘")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_an_interrupted_write_removes_the_temp(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    target = tmp_path / "没有的文件夹" / "报告.docx"
    with pytest.raises(OutputError) as err:
        write_atomic(target, b"x")
    assert str(err.value) == (f"{target}: 文件夹“{target.parent}”不存在。"
                              "请先创建该文件夹，或用 -o 保存到已有的文件夹")


def test_a_folder_given_as_the_output_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "报告.docx"
    folder.mkdir()
    with pytest.raises(OutputError) as err:
        write_atomic(folder, b"x")
    assert str(err.value) == f"{folder}: 这是一个文件夹，不是文件。请用 -o 指定要保存的文件名，如 -o 报告.docx"


def test_a_folder_without_write_permission_is_named(tmp_path: Path, monkeypatch) -> None:
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    # Simulated: the tests may run as root, who may write anywhere.
    monkeypatch.setattr(os, "open", denied)
    target = tmp_path / "报告.docx"
    with pytest.raises(OutputError) as err:
        write_atomic(target, b"x")
    assert str(err.value) == (f"{target}: 没有在该文件夹中写文件的权限。"
                              "请用 -o 保存到有权限的文件夹（如“文档”或桌面）")
    assert not target.exists()


# --- stamp and overwrite guard -------------------------------------------------------------


def edit_in_word(path: Path) -> None:
    """Change the text inside the .docx and keep its custom properties, as Word does on save."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        "917".encode(), "918".encode())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())


def test_our_unchanged_file_is_overwritten_silently(tmp_path: Path) -> None:
    target = write_docx(BLOCKS, tmp_path / "报告.docx")
    assert is_unchanged(target)
    assert guard_overwrite(target, force=False) is None
    write_docx(BLOCKS[:2], target)
    assert [p.name for p in tmp_path.iterdir()] == ["报告.docx"]


def test_an_edited_report_is_refused(tmp_path: Path) -> None:
    target = write_docx(BLOCKS, tmp_path / "报告.docx")
    edit_in_word(target)
    assert read_stamp(target) is not None and not is_unchanged(target)
    before = target.read_bytes()
    with pytest.raises(OutputError) as err:
        write_docx(BLOCKS, target)
    assert str(err.value) == (f"{target}: 该文件生成后被修改过（可能在 Word/WPS 中编辑过），"
                              "为免丢失修改，没有覆盖。" + KEEP_BOTH)
    assert target.read_bytes() == before


def test_a_file_not_made_by_us_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "报告.docx"
    target.write_bytes(b"PK\x03\x04 not really ours")
    with pytest.raises(OutputError) as err:
        guard_overwrite(target, force=False)
    assert str(err.value) == f"{target}: 该文件已存在且不是本工具生成的，为免丢失内容，没有覆盖。" + KEEP_BOTH


def test_force_keeps_every_old_version(tmp_path: Path) -> None:
    target = write_docx(BLOCKS, tmp_path / "报告.docx")
    edit_in_word(target)
    edited = target.read_bytes()
    backups: list[Path] = []
    write_docx(BLOCKS, target, force=True, on_backup=backups.append)
    assert backups == [tmp_path / "报告.bak-1.docx"]
    assert backups[0].read_bytes() == edited
    assert is_unchanged(target)
    edit_in_word(target)
    edited_again = target.read_bytes()
    write_docx(BLOCKS, target, force=True, on_backup=backups.append)
    assert backups[1] == tmp_path / "报告.bak-2.docx"
    assert backups[0].read_bytes() == edited  # an existing backup is never overwritten
    assert backups[1].read_bytes() == edited_again


def test_force_does_not_back_up_an_unchanged_file(tmp_path: Path) -> None:
    target = write_docx(BLOCKS, tmp_path / "报告.docx")
    backups: list[Path] = []
    write_docx(BLOCKS[:2], target, force=True, on_backup=backups.append)
    assert backups == []


def test_damaged_files_have_no_stamp(tmp_path: Path) -> None:
    for name, data in (("empty.docx", b""), ("text.docx", b"hello"),
                       ("zip.docx", _zip({"a.txt": b"x"})),
                       ("badxml.docx", _zip({package.CUSTOM_PART: b"<not xml"}))):
        path = tmp_path / name
        path.write_bytes(data)
        assert read_stamp(path) is None, name
        assert not is_unchanged(path), name
    assert read_stamp(tmp_path / "missing.docx") is None


def test_the_stamp_covers_every_part_but_itself(tmp_path: Path) -> None:
    target = write_docx(BLOCKS, tmp_path / "报告.docx")
    with zipfile.ZipFile(target) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    assert package.content_hash(parts) == read_stamp(target)["hash"]
    parts["word/styles.xml"] += b" "
    assert package.content_hash(parts) != read_stamp(target)["hash"]


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_backup_that_cannot_be_written_stops_everything(tmp_path: Path, monkeypatch) -> None:
    target = write_docx(BLOCKS, tmp_path / "报告.docx")
    edit_in_word(target)
    edited = target.read_bytes()

    def full(src, dst, *args, **kwargs):
        dst.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.shutil, "copyfileobj", full)
    with pytest.raises(OutputError) as err:
        write_docx(BLOCKS, target, force=True)
    assert str(err.value) == f"{target}: 无法备份原文件（磁盘空间不足），没有覆盖。请用 -o 另存为其他文件名"
    assert target.read_bytes() == edited
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx"]


def test_read_parts_stops_at_the_budget_whatever_the_zip_declares(tmp_path: Path) -> None:
    data = _zip({"word/document.xml": b"0" * 50_000})
    # Make the zip lie: declare 1 KB in the central directory for a 50 KB part.
    lying = data.replace((50_000).to_bytes(4, "little"), (1_000).to_bytes(4, "little"))
    for blob in (data, lying):
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            with pytest.raises((package.TooLarge, zipfile.BadZipFile)):
                package.read_parts(zf, 10_000)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert package.read_parts(zf, 60_000) == {"word/document.xml": b"0" * 50_000}
