"""Machines with other fonts, made here: a private fontconfig that sees only one folder, holding
free fonts or copies of them renamed (fontTools) to the names a clerk's machine has.

The proprietary fonts (仿宋_GB2312, 方正小标宋简体, FangSong…) cannot be installed here; what
matters to Word, WPS and LibreOffice when they choose a font is its family name, so a renamed
copy of a free font of the same kind stands in: Noto Serif CJK for 仿宋 and 宋 faces, AR PL UKai
for 楷体, Noto Sans CJK for 黑体. Copies are cut down to the characters a test prints."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import pytest

NOTO = Path("/usr/share/fonts/opentype/noto")
ARPHIC = Path("/usr/share/fonts/truetype/arphic")
WQY = Path("/usr/share/fonts/truetype/wqy")
LIBERATION = Path("/usr/share/fonts/truetype/liberation")

# (file, face number in a collection) of the free fonts used, by what they look like.
SOURCES = {
    "serif": (NOTO / "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "serif-bold": (NOTO / "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    "sans": (NOTO / "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    "kai": (ARPHIC / "ukai.ttc", "AR PL UKai CN"),
    "ming": (ARPHIC / "uming.ttc", "AR PL UMing CN"),
    "zenhei": (WQY / "wqy-zenhei.ttc", "WenQuanYi Zen Hei"),
}

# The machines: family names (English, Chinese) → the free font a copy is made from. A name
# given as None is the free font itself, installed as it is.
SETUPS: dict[str, dict[tuple[str, Optional[str]], str]] = {
    # The fonts GB/T 9704 names (方正公文字体 and the GB2312 fonts of old Windows).
    "gb2312": {("FangSong_GB2312", "仿宋_GB2312"): "serif", ("KaiTi_GB2312", "楷体_GB2312"): "kai",
               ("SimHei", "黑体"): "sans", ("FZXiaoBiaoSong-B05S", "方正小标宋简体"): "serif-bold",
               ("SimSun", "宋体"): "ming"},
    # A Chinese Windows: 仿宋, 楷体, 黑体, 宋体 and no GB2312 or 方正 fonts.
    "windows": {("FangSong", "仿宋"): "serif", ("KaiTi", "楷体"): "kai", ("SimHei", "黑体"): "sans",
                ("SimSun", "宋体"): "ming"},
    # A Linux or 信创 desktop with free fonts only.
    "free": {("Noto Serif CJK SC", None): "serif", ("Noto Sans CJK SC", None): "sans",
             ("AR PL UKai CN", None): "kai", ("AR PL UMing CN", None): "ming",
             ("WenQuanYi Zen Hei", None): "zenhei"},
    # No Chinese serif at all: sans faces only.
    "sans-only": {("Noto Sans CJK SC", None): "sans", ("WenQuanYi Zen Hei", None): "zenhei"},
}


def _face(path: Path, family: str) -> int:
    from fontTools.ttLib import TTCollection

    if path.suffix.lower() != ".ttc":
        return 0
    for i, font in enumerate(TTCollection(str(path), lazy=True).fonts):
        if any(n.nameID == 1 and n.toUnicode() == family for n in font["name"].names):
            return i
    raise LookupError(f"{family} not in {path}")


def _copy(kind: str, names: tuple[str, Optional[str]], text: str, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path, family = SOURCES[kind]
    if not path.exists():
        pytest.skip(f"{path} is not installed (fonts-noto-cjk, fonts-arphic-*, fonts-wqy-zenhei)")
    font = TTFont(str(path), fontNumber=_face(path, family))
    options = subset.Options()
    options.name_IDs, options.name_languages, options.notdef_outline = ["*"], ["*"], True
    options.layout_features = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(text=text)
    sub.subset(font)
    english, chinese = names
    if chinese is not None:
        table = font["name"]
        ps = "".join(ch for ch in english if ch.isalnum() or ch == "-")
        table.names = [n for n in table.names if n.nameID not in (1, 3, 4, 6, 16, 17)]
        for lang, name in ((0x409, english), (0x804, chinese)):
            for name_id, value in ((1, name), (4, name), (16, name)):
                table.setName(value, name_id, 3, 1, lang)
        table.setName(ps, 6, 3, 1, 0x409)
        table.setName(f"{ps}-authoring-test", 3, 3, 1, 0x409)
        if "CFF " in font:  # the name a PDF shows for a CFF font is the CFF's own
            cff = font["CFF "].cff
            cff.fontNames = [ps]
            top = cff.topDictIndex[0]
            for fd in getattr(top, "FDArray", []) or []:
                fd.FontName = ps
    suffix = ".otf" if "CFF " in font else ".ttf"
    font.save(str(target / f"{english.replace(' ', '')}{suffix}"))


def make_setup(name: str, text: str, root: Path) -> dict[str, str]:
    """A folder of fonts and a fontconfig file that sees only it; returns the environment for
    LibreOffice and fc-match (FONTCONFIG_FILE, a fresh cache)."""
    folder = root / name / "fonts"
    folder.mkdir(parents=True)
    for names, kind in SETUPS[name].items():
        _copy(kind, names, text, folder)
    latin = LIBERATION / "LiberationSerif-Regular.ttf"
    if latin.exists():
        (folder / latin.name).write_bytes(latin.read_bytes())
    conf = root / name / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f"  <dir>{folder}</dir>\n  <cachedir>{root / name / 'cache'}</cachedir>\n"
        "  <include ignore_missing=\"yes\">/etc/fonts/conf.d</include>\n"
        f"  <include ignore_missing=\"yes\">{root / name / 'aliases.conf'}</include>\n"
        "</fontconfig>\n", encoding="utf-8")
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(conf)
    env.pop("FONTCONFIG_PATH", None)
    env["XDG_CONFIG_HOME"] = str(root / name / "xdg")  # not the real user's rules
    return env
