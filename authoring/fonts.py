"""Which of the fonts a report names this machine has, and what stands in for the others.

Word and WPS replace a missing font with the font table's w:altName (the first entry of
`font_substitutes` in layout.yaml); LibreOffice and WPS on Linux ask fontconfig, which knows
nothing of 仿宋_GB2312 and falls back to a sans face. `font_report` says, for each role in
`layout.fonts`, whether the font is installed, what Word/WPS would use and (where fontconfig
is present) what LibreOffice would use; `fontconfig_aliases` writes the substitutes as
fontconfig rules, so that LibreOffice follows the same order.

Installed fonts come from `fc-list` where fontconfig is present, otherwise from the font files
themselves (their name tables): on Windows the system font folder and the per-user one.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence
from xml.sax.saxutils import escape

from .resources import data_dir

__all__ = ["FontStatus", "installed_families", "font_report", "fontconfig_aliases",
           "ROLE_NAMES"]

# The roles of layout.fonts, as a clerk knows them.
ROLE_NAMES = {
    "body": "正文", "title": "标题", "heading1": "一级标题（一、）", "heading2": "二级标题（（一））",
    "heading3": "三、四级标题（1. （1））", "page_number": "页码", "latin": "数字和西文",
}
_FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


@dataclass(frozen=True)
class FontStatus:
    """One role's font on this machine."""

    role: str
    font: str
    installed: bool
    word: Optional[str]          # what the font table tells Word/WPS to use instead (altName)
    word_installed: bool         # whether this machine has that font
    libreoffice: Optional[str]   # what fontconfig gives LibreOffice (None: no fontconfig)
    suggestion: Optional[str]    # the best installed substitute, for layout.fonts

    @property
    def role_name(self) -> str:
        """The role in Chinese (正文, 标题…)."""
        return ROLE_NAMES.get(self.role, self.role)


# --- what is installed ---------------------------------------------------------------------


def _fc(*args: str, env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    exe = shutil.which(args[0])
    if exe is None:
        return None
    try:
        # fontconfig writes UTF-8 whatever the locale (a GBK locale would not decode its names)
        return subprocess.run([exe, *args[1:]], capture_output=True, encoding="utf-8", errors="replace",
                              timeout=60, check=True, env=dict(env) if env is not None else None).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def windows_font_dirs(environ: Mapping[str, str] = os.environ) -> list[Path]:
    """The system font folder and the per-user one (Windows 10 1809+ installs fonts there)."""
    dirs = [Path(environ.get("WINDIR") or environ.get("SystemRoot") or r"C:\Windows") / "Fonts"]
    local = environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def installed_families(*, font_dirs: Optional[Sequence[Path]] = None,
                       platform: str = sys.platform,
                       env: Optional[Mapping[str, str]] = None) -> set[str]:
    """Every family name (in every language the fonts give) installed on this machine."""
    if font_dirs is None and platform != "win32":
        out = _fc("fc-list", ":", "family", env=env)
        if out is not None:
            return {name.strip().replace("\\-", "-") for line in out.splitlines() for name in line.split(",")
                    if name.strip()}
    if font_dirs is None:
        font_dirs = windows_font_dirs(env or os.environ) if platform == "win32" \
            else [Path("/usr/share/fonts"), Path.home() / ".local" / "share" / "fonts",
                  Path.home() / ".fonts"]
    names: set[str] = set()
    for folder in font_dirs:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.suffix.lower() in _FONT_SUFFIXES and path.is_file():
                names |= font_file_families(path)
    return names


def font_file_families(path: Path) -> set[str]:
    """The family names (name IDs 1 and 16, all languages) in a .ttf/.otf/.ttc file; empty for a
    file that is not a font. Read directly: fontconfig is not there on Windows."""
    try:
        data = path.read_bytes()
    except OSError:
        return set()
    offsets = [0]
    if data[:4] == b"ttcf" and len(data) >= 12:
        count = struct.unpack(">I", data[8:12])[0]
        offsets = list(struct.unpack(f">{count}I", data[12:12 + 4 * count]))
    names: set[str] = set()
    for start in offsets:
        try:
            names |= _families_at(data, start)
        except (struct.error, UnicodeDecodeError, IndexError):
            continue
    return names


def _families_at(data: bytes, start: int) -> set[str]:
    (num_tables,) = struct.unpack(">H", data[start + 4:start + 6])
    for i in range(num_tables):
        tag, _, offset, _ = struct.unpack(">4sIII", data[start + 12 + 16 * i:start + 28 + 16 * i])
        if tag != b"name":
            continue
        _, count, strings = struct.unpack(">HHH", data[offset:offset + 6])
        out: set[str] = set()
        for j in range(count):
            rec = data[offset + 6 + 12 * j:offset + 18 + 12 * j]
            platform, _, _, name_id, length, str_off = struct.unpack(">HHHHHH", rec)
            if name_id not in (1, 16):
                continue
            raw = data[offset + strings + str_off:offset + strings + str_off + length]
            if platform in (0, 3):
                out.add(raw.decode("utf-16-be").strip("\0 "))
            elif platform == 1:
                out.add(raw.decode("latin-1").strip("\0 "))
        return {n for n in out if n}
    return set()


def fontconfig_match(font: str, env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The family fontconfig (and so LibreOffice on Linux) draws Chinese text in for a font name:
    the first of fontconfig's ranked matches that has Chinese characters (LibreOffice takes a
    Latin-only best match too, then draws the Chinese from the next font that has them)."""
    ranked = _fc("fc-match", "-s", f"{font}:lang=zh-cn", "family", env=env)
    chinese = _fc("fc-list", ":charset=4e2d", "family", env=env)
    if not ranked or chinese is None:
        return None
    has_han = {n.strip().replace("\\-", "-") for line in chinese.splitlines()
               for n in line.split(",")}
    for line in ranked.splitlines():
        names = [n.strip().replace("\\-", "-") for n in line.split(",") if n.strip()]
        if names and any(n in has_han for n in names):
            return names[0]
    return None


# --- the report ----------------------------------------------------------------------------


def _present(name: str, families: set[str]) -> bool:
    folded = {f.casefold() for f in families}
    return name.casefold() in folded


def font_report(layout: Mapping[str, Any], *, families: Optional[set[str]] = None,
                platform: str = sys.platform,
                env: Optional[Mapping[str, str]] = None) -> list[FontStatus]:
    """The state of each role's font (layout.fonts) on this machine."""
    if families is None:
        families = installed_families(platform=platform, env=env)
    use_fc = platform != "win32" and shutil.which("fc-match") is not None
    substitutes: Mapping[str, Sequence[str]] = layout.get("font_substitutes") or {}
    out = []
    for role, font in (layout.get("fonts") or {}).items():
        font = str(font)
        installed = _present(font, families)
        chain = [str(s) for s in substitutes.get(font, [])]
        best = next((s for s in chain if _present(s, families)), None)
        # Word and WPS try the font table's altName (the chain's first entry), then any font
        # of the same charset; the Latin font has no altName.
        word = _alt_names().get(font) or (chain[0] if chain and role != "latin" else None)
        libreoffice = fontconfig_match(font, env) if use_fc else None
        out.append(FontStatus(role, font, installed, word,
                              bool(word) and _present(str(word), families), libreoffice,
                              None if installed else best))
    return out


def _alt_names() -> dict[str, str]:
    """w:altName of each font the base font table describes (what Word and WPS fall back to)."""
    import re

    xml = (data_dir() / "docx" / "fontTable.xml").read_text(encoding="utf-8")
    return dict(re.findall(r'<w:font w:name="([^"]+)">\s*<w:altName w:val="([^"]+)"/>', xml))


def fontconfig_aliases(layout: Mapping[str, Any], fonts: Optional[Iterable[str]] = None) -> str:
    """A fontconfig file that makes each missing font resolve to its substitutes, in order.

    `accept` puts the substitutes right after the font itself: where the font is installed it
    still wins; where not, the first installed substitute does, before fontconfig's default
    sans-serif."""
    substitutes: Mapping[str, Sequence[str]] = layout.get("font_substitutes") or {}
    wanted = list(dict.fromkeys(fonts if fonts is not None
                                else [str(f) for f in (layout.get("fonts") or {}).values()]))
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
             # (No double hyphen: XML comments may not hold one.)
             "<!-- Written by authoring fonts (option: fontconfig): what stands in for the",
             "     fonts of GB/T 9704 reports; LibreOffice and WPS on Linux ask fontconfig. -->",
             "<fontconfig>"]
    for font in wanted:
        chain = [s for s in substitutes.get(font, []) if s != font]
        if not chain:
            continue
        lines.append(f'  <alias binding="same">\n    <family>{escape(font)}</family>\n    <accept>')
        lines.extend(f"      <family>{escape(s)}</family>" for s in chain)
        lines.append("    </accept>\n  </alias>")
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def user_fontconfig_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where a user's own fontconfig rules live (read by fontconfig's 50-user.conf)."""
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fontconfig" / "conf.d" / "60-authoring-gbt9704.conf"
