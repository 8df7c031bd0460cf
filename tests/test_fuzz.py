"""Property-based tests: whatever a clerk (or a broken editor) hands the loader, validator, renderer
or checker, it either works or fails with AuthoringError and a message — never another exception.

A short budget runs in CI. For a long run set AUTHORING_FUZZ_EXAMPLES, e.g.

    AUTHORING_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py
"""
from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from authoring.errors import AuthoringError, Problem
from authoring.load import LoadedReport
from authoring.main import load_report
from authoring.render import render_report
from authoring.validate import validate_report

EXAMPLES = int(os.environ.get("AUTHORING_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

CASES = Path(__file__).parent / "bad_inputs"
BASE = (CASES / "encoding_utf8_bom.yaml").read_bytes()[3:].decode("utf-8")  # a valid report

# Text a clerk's file may hold: CJK, ASCII, YAML's own punctuation, Jinja's, controls, surrogates.
_PUNCTUATION = list(":-#&*!|>'\"%@`{}[],?\t\n\r ") + ["\u3000", "：", "，"]
_ALPHABET = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(_PUNCTUATION + ["\x00", "\x01", "\ud800", "\ufeff"]),
    st.sampled_from(list("的法治政府建设年度报告一二三")),
)
# Text that loads (no control characters or surrogates): for prose and templates.
_TEXT = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), include_characters="\n"),
    st.sampled_from(_PUNCTUATION),
    st.sampled_from(list("的法治政府建设年度报告一二三")),
)
_FRAGMENTS = st.sampled_from([
    "{{ figures.licenses }}", "{{ figures.x }}", "{% for i in range(3) %}", "{% endfor %}", "{{", "}}",
    "{%", "%}", "{#", "- ", ": ", "\n  ", "\n- ", "&a ", "*a", "!!python/object ", "---\n", "...",
    "2025-02-30", "20245", ".nan", "~", "null", "true", "0x1F", "1e999", '"\\x01"', '"\\ud800"',
])
yaml_noise = st.lists(st.one_of(st.text(_ALPHABET, max_size=8), _FRAGMENTS), max_size=12).map("".join)


def expect_ours(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Run `call`: a result, or an AuthoringError that carries at least one message."""
    try:
        return call(*args, **kwargs)
    except AuthoringError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        assert exc.exit_code in (1, 2)
        return None


def validate_then_render(report: LoadedReport) -> None:
    """Validation gives only our problems; where it finds no error, rendering works (or fails
    with our error), never crashes."""
    problems = validate_report(report)
    assert all(isinstance(p, Problem) and str(p) for p in problems)
    if not any(p.severity == "error" for p in problems):
        blocks = expect_ours(render_report, report)
        assert blocks is None or blocks


# -- loader -------------------------------------------------------------------------------------


@FUZZ
@given(st.text(_ALPHABET, max_size=400))
def test_load_any_text(text: str) -> None:
    expect_ours(load_report, "fuzz.yaml", text=text)


@FUZZ
@given(st.binary(max_size=400))
def test_load_any_bytes(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(raw)
        expect_ours(load_report, path)


@FUZZ
@given(st.integers(0, len(BASE)), st.integers(0, 40), yaml_noise)
def test_load_a_report_with_a_splice(start: int, length: int, noise: str) -> None:
    # A real report with a piece cut out and noise put in: the mistakes a clerk makes in an editor.
    text = BASE[:start] + noise + BASE[start + length:]
    report = expect_ours(load_report, "fuzz.yaml", text=text)
    if report is not None:
        problems = validate_report(report)
        assert all(isinstance(p, Problem) and str(p) for p in problems)


# Text that survives PyYAML's own dump → load (it reads NEL and U+2028/9 as line breaks).
printable = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\x85\ufeff")
plain_data = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(printable, max_size=20),
              st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1))),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(printable, min_size=1, max_size=10), children, max_size=4)),
    max_leaves=30,
)


@FUZZ
@given(st.dictionaries(st.text(printable, min_size=1, max_size=12), plain_data, max_size=6))
def test_load_what_yaml_dumps_gives_back_the_same_data(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    report = expect_ours(load_report, "fuzz.yaml", text=text)
    if report is not None:
        assert report.data == data
        # Every field has a place, so every message can name a line.
        assert all(line >= 1 and col >= 1 for line, col in report.positions.values())


# -- validator ----------------------------------------------------------------------------------

_KEYS = ["agency", "name", "short_name", "year", "title", "preamble", "figures", "licenses", "achievements",
         "heading", "text", "items", "points", "table", "first_responsible", "leader", "duties",
         "shortcomings", "plans", "other", "signature", "date", "layout", "order", "headings", "fonts"]
report_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(_ALPHABET, max_size=30),
              st.dates(), st.datetimes(), st.sampled_from(["{{ figures.licenses }}", "{% if %}", "二月", "2024"])),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(_KEYS), st.text(max_size=8), st.integers()), children, max_size=5),
    ),
    max_leaves=40,
)


@FUZZ
@given(st.dictionaries(st.one_of(st.sampled_from(_KEYS), st.text(max_size=10)), report_like, max_size=10))
def test_validate_any_data(data: dict[Any, Any]) -> None:
    problems = validate_report(LoadedReport("fuzz.yaml", data))
    assert all(isinstance(p, Problem) and str(p) for p in problems)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, path + (index,))
    return out


def _replace(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = _replace(data[path[0]], path[1:], new)
    return copy


BASE_DATA = load_report("base.yaml", text=BASE).data


@FUZZ
@given(st.data())
def test_validate_then_render_a_report_with_one_field_replaced(data: st.DataObject) -> None:
    # Wrong types everywhere: one field of a valid report becomes anything at all. When validate
    # finds no error, rendering must work (or fail with our error), never crash.
    path = data.draw(st.sampled_from(_paths(BASE_DATA)))
    new = data.draw(report_like)
    changed = _replace(BASE_DATA, path, new)
    assume(isinstance(changed, dict))
    validate_then_render(LoadedReport("fuzz.yaml", changed))


# -- renderer -----------------------------------------------------------------------------------

prose = st.lists(
    st.one_of(
        st.text(_TEXT, max_size=20),
        st.sampled_from([
            "{{ figures.licenses }}", "{{ figures.rate }}", "{{ year }}", "{{ agency }}", "{{ next_year }}",
            "{{ figures.licenses * 2 }}", "{{ figures.rate|round(1) }}", "{% if figures.licenses > 10 %}多{% endif %}",
            "{{ figures.licenses / 0 }}", "{{ figures.missing }}", "{{ '%d'|format(figures.licenses) }}",
            "{{ figures.licenses ~ '件' }}", "{% for i in range(3) %}{{ i }}{% endfor %}", "{{ figures }}",
            "{{ short_name[:2] }}", "{{ figures.licenses|string|length }}", "{{ 'x' * figures.licenses }}",
        ]),
    ),
    max_size=6,
).map("".join)
entry = st.one_of(
    prose.filter(str.strip),
    st.fixed_dictionaries(
        {"heading": st.text(min_size=1, max_size=15).filter(str.strip)},
        optional={"text": prose.filter(str.strip), "points": st.lists(prose.filter(str.strip), min_size=1, max_size=3)},
    ),
)


@FUZZ
@given(
    name=st.text(min_size=1, max_size=20).filter(str.strip),
    year=st.integers(2000, 2100),
    licenses=st.one_of(st.none(), st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False)),
    rate=st.floats(0, 100),
    parts=st.lists(st.lists(entry, min_size=1, max_size=3), min_size=4, max_size=4),
    date=st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2101, 12, 31))),
)
def test_render_any_valid_report(name: str, year: int, licenses: Any, rate: float, parts: list[Any],
                                 date: Any) -> None:
    data = {
        "agency": {"name": name},
        "year": year,
        "figures": {"licenses": licenses, "rate": rate},
        "achievements": parts[0],
        "first_responsible": {"leader": "局长", "duties": parts[1]},
        "shortcomings": parts[2],
        "plans": parts[3],
        "signature": {"date": date},
    }
    validate_then_render(LoadedReport("fuzz.yaml", data))


# -- checker ------------------------------------------------------------------------------------


@FUZZ
@given(st.lists(st.one_of(st.text(_ALPHABET, max_size=40), st.sampled_from([
    "一、主要举措和成效", "二、党政主要负责人履行推进法治建设第一责任人职责情况", "三、存在的不足和原因",
    "四、2025年度推进法治政府建设的主要安排", "（一）强化组织领导。", "1.深学笃行。", "某市城市管理局",
    "2025年2月20日", "2024年，共办理行政许可917件，同比增长120%。", "党的二十大和二十届三中全会",
    "某市城市管理局关于2024年度法治政府建设情况的报告", "一是加强学习。二是严格执法。", "", "   ",
])), max_size=30), st.sampled_from([".txt", ".md", ".html"]), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_check_any_text_document(lines: list[str], suffix: str, encoding: str) -> None:
    from authoring.main import check_path

    text = "\n".join(lines)
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode("utf-8", errors="surrogatepass")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_bytes(raw)
        report = check_path(path)  # an unreadable file is a report too, never an exception
        assert all(f.message for f in report.findings)


@lru_cache(maxsize=1)
def _good_docx() -> bytes:
    import io

    import docx

    real = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("某市城市管理局关于2024年度法治政府建设情况的报告")
    document.save(real)
    return real.getvalue()


@FUZZ
@given(st.binary(max_size=2000), st.integers(0, 3))
def test_check_any_docx_bytes(noise: bytes, how: int) -> None:
    # Damaged Word files: random bytes, or a real .docx with bytes flipped, cut or appended.
    from authoring.main import check_path

    good = _good_docx()
    rng = random.Random(noise)
    if how == 0:
        raw = noise
    elif how == 1:
        flipped = bytearray(good)
        for _ in range(max(1, len(noise) // 50)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        raw = bytes(flipped)
    elif how == 2:
        raw = good[: rng.randrange(len(good))]
    else:
        raw = good + noise
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.docx"
        path.write_bytes(raw)
        report = check_path(path)
        assert all(f.message for f in report.findings)


# -- user templates -----------------------------------------------------------------------------

template_text = st.lists(
    st.one_of(
        st.text(_TEXT, max_size=10),
        st.sampled_from([
            "{{ title }}", "{% for x in order %}", "{% endfor %}", "{% if year %}", "{% else %}", "{% endif %}",
            "{{ report.achievements[0].heading }}", "{% include 'parts/plans.j2' %}", "{% include 'report.j2' %}",
            "{% extends 'report.j2' %}", "{% import 'macros.j2' as m %}{{ m.entry(report.plans[0], 2) }}",
            "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "{{ figures|dictsort }}", "{{ headings|tojson }}",
            "{% set ns = namespace(a=1) %}{{ ns.a }}", "{{ 1/0 }}", "{{ no_such_variable }}", "{% raw %}",
            "{% endraw %}", "{#", "#}", "{{", "}}", "{%", "%}", "@title ", "@h1 ", "@h4 ", "@p ", "@row a\tb",
            "@table", "@sign 某局", "@date 2025年2月20日", "@lead2 标题", "@lead3", "\n", "{{ signature.date }}",
            "{{ report.first_responsible.duties|map(attribute='heading')|join('、') }}", "{{ year|cn_number }}",
            "{{ report.plans|length * 1000000 }}", "{{ 'x'|indent(9999) }}", "{% for i in range(99999) %}",
            "{{ first_responsible_opening|wordwrap(5) }}", "{{ title|truncate(10) }}", "{{ preamble|paragraphs }}",
        ]),
    ),
    max_size=15,
).map("".join)


@FUZZ
@given(st.sampled_from(["report.j2", "parts/plans.j2", "macros.j2", "parts/achievements.j2"]), template_text)
def test_render_with_any_user_template(name: str, text: str) -> None:
    import authoring.render

    with tempfile.TemporaryDirectory() as folder:
        mine = Path(folder) / "mine"
        (mine / name).parent.mkdir(parents=True)
        (mine / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        before = authoring.render.MAX_SECONDS
        authoring.render.MAX_SECONDS = 0.5  # an endless loop is expected now and then: stop it soon
        try:
            blocks = expect_ours(render_report, LoadedReport("fuzz.yaml", BASE_DATA), templates=mine)
        finally:
            authoring.render.MAX_SECONDS = before
            authoring.render._ENVIRONMENTS.clear()  # one environment per temporary folder: drop them
        assert blocks is None or isinstance(blocks, list)


# -- the whole pipeline, to a Word file ---------------------------------------------------------


layouts = st.fixed_dictionaries({}, optional={
    "fonts": st.dictionaries(st.sampled_from(["body", "title", "heading1", "heading2", "heading3", "page_number", "latin"]),
                             st.text(_ALPHABET, max_size=12), max_size=3),
    "headings": st.dictionaries(st.sampled_from(["achievements", "first_responsible", "shortcomings", "plans"]),
                                st.text(_ALPHABET, max_size=20), max_size=2),
    "heading3_bold": st.booleans(),
})


@FUZZ
@given(st.lists(entry, min_size=1, max_size=3), st.text(_TEXT, min_size=1, max_size=30).filter(str.strip),
       st.sampled_from([".docx", ".txt"]), layouts)
def test_build_any_valid_report_to_a_file(plans: list[Any], name: str, suffix: str, layout: dict[str, Any]) -> None:
    from authoring.main import build_report

    data = dict(BASE_DATA, plans=plans, agency={"name": name}, layout=layout)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.yaml"
        source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8", errors="surrogatepass")
        target = Path(folder) / f"报告{suffix}"
        result = expect_ours(build_report, source, target, draft=True)  # a draft: the writer, whatever is left
        # Written whole or not at all: never a half file, never a temporary file left behind.
        assert target.exists() == (result is not None)
        assert sorted(p.name for p in Path(folder).iterdir()) == sorted(["report.yaml"] + ([target.name] if result else []))


# -- init --from: next year's draft from any report -----------------------------------------------


@FUZZ
@example(path=("agency",), new=[[[]]])
@example(path=("plans",), new=["\x1b"])
@given(st.sampled_from(_paths(BASE_DATA)), report_like)
def test_draft_next_year_from_a_report_with_one_field_replaced(path: tuple[Any, ...], new: Any) -> None:
    # The @examples are what this property found: a ValueError (3d99fb8), a ReaderError (3260267).
    from authoring.main import init_from

    changed = _replace(BASE_DATA, path, new)
    assume(isinstance(changed, dict))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.yaml"
        try:
            text = yaml.safe_dump(changed, allow_unicode=True)
            source.write_text(text, encoding="utf-8")
        except (UnicodeEncodeError, yaml.YAMLError):
            assume(False)
        expect_ours(init_from, source)


# -- issue 16: values are data at the template → blocks seam; numbers are decimal -----------------

# Text a value may hold besides prose: every line break str.splitlines knows, tabs, the markup's
# own "@", and the private-use characters the seam escapes with. ({{ and {% are prose's template
# code by design, so they are left out.)
_SEAM = st.lists(st.one_of(st.text(_TEXT, max_size=6), st.sampled_from([
    "\n", "\r", "\x85", "\u2028", "\u2029", "\t", "@", "@h1 ", "\n@sign ", "\ue000", "\ue001", "\ue002", "\ue004",
    "@row ", "\n@title "])), max_size=10).map("".join)
# Where the value goes, and where to read it back (PyYAML itself folds some line breaks).
_SEAT = {
    "heading": (lambda d, v: d["achievements"][0].__setitem__("heading", v), lambda d: d["achievements"][0]["heading"]),
    "point": (lambda d, v: d["achievements"][0].__setitem__("points", [v]), lambda d: d["achievements"][0]["points"][0]),
    "cell": (lambda d, v: d["achievements"][0].__setitem__("table", [["项目", "件数"], [v, 1]]),
             lambda d: d["achievements"][0]["table"][1][0]),
    "title": (lambda d, v: d.__setitem__("title", v), lambda d: d["title"]),
    "signature": (lambda d, v: d["signature"].__setitem__("name", v), lambda d: d["signature"]["name"]),
    "agency": (lambda d, v: d["agency"].__setitem__("name", v), lambda d: d["agency"]["name"]),
    "layout-heading": (lambda d, v: d.setdefault("layout", {}).setdefault("headings", {}).__setitem__("plans", v),
                       lambda d: d["layout"]["headings"]["plans"]),
}


@FUZZ
@example(seat="heading", value="强化\n@h1 伪造\n@sign 伪造单位")
@example(seat="cell", value="甲\t乙")
@given(st.sampled_from(sorted(_SEAT)), _SEAM)
def test_a_value_is_never_document_structure(seat: str, value: str) -> None:
    import copy

    from authoring.blocks import Heading, Signature, Table, Title, block_text
    from authoring.load import load_text

    assume("{" not in value and value.strip())
    data = copy.deepcopy(BASE_DATA)
    put, get = _SEAT[seat]
    put(data, value)
    report = load_text(yaml.safe_dump(data, allow_unicode=True), "fuzz.yaml")
    assume(not [p for p in validate_report(report) if p.severity == "error"])
    value = get(report.data)

    blocks = render_report(report)

    assert sum(isinstance(b, Heading) and b.level == 1 for b in blocks) == 4
    assert sum(isinstance(b, Signature) for b in blocks) == 1
    assert sum(isinstance(b, Title) for b in blocks) == 1
    assert all(len(row) == 2 for b in blocks if isinstance(b, Table) for row in b.rows)
    assert any(value.strip() in block_text(b) for b in blocks), (value, blocks)


_NUMBERISH = st.text(st.sampled_from(list("0123456789_:.+-xXbBoOeEaF")), min_size=1, max_size=10)


@FUZZ
@example("1:30")
@example("010")
@example("0x1F")
@example("1_000")
@given(_NUMBERISH)
def test_a_number_is_read_as_the_decimal_it_spells_or_as_text(written: str) -> None:
    import math
    import re

    from authoring.load import load_text

    report = expect_ours(load_text, f"x: {written}\n", "fuzz.yaml")
    value = report.data["x"] if report else None
    if isinstance(value, bool) or value is None or isinstance(value, (str, dt.date)):
        return
    # A number only where the text is a plain decimal, and then exactly that decimal.
    assert re.fullmatch(r"[-+]?(?:0|[1-9][0-9]*)|[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", written), written
    assert value == float(written) or (math.isinf(value) and math.isinf(float(written)))


_BRACES = st.lists(st.one_of(st.text(_TEXT, max_size=5), st.sampled_from([
    "{", "}", "{{", "}}", "{%", "%}", "{#", "#}", "{% endraw %}", "{% raw %}", "{{ 7*7 }}", '{{ "{" }}', "{%-", "-%}",
])), max_size=12).map("".join)


@FUZZ
@example("{% endraw %}{{ 7*7 }}{% raw %}")
@given(_BRACES)
def test_text_read_from_a_document_is_never_template_code(text: str) -> None:
    # What import writes for a document's text renders back to exactly that text (issue 16,
    # finding 4: a {% raw %} wrapping was broken out of by "{% endraw %}").
    from authoring.markup import literal_prose
    from authoring.render import _environment_for, template_search_path

    assume("\r" not in text)  # Jinja reads template text with its line breaks normalised
    env = _environment_for(tuple(str(p) for p in template_search_path())).prose_environment
    assert env.from_string(literal_prose(text)).render(figures={}) == text


@FUZZ
@given(st.text(st.sampled_from(list("(),;!?:/ \t\n\u3000依法a1：“《。")), max_size=40))
def test_tidy_punctuation_is_what_its_regexes_made(text: str) -> None:
    # The rules as they were first written (issue 16 made them linear: these backtracked
    # quadratically on a long bracket that never closes or a long run of spaces).
    import re

    from authoring.importtext import _CJK, tidy_punctuation

    expected = re.sub(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)", r"（\1）", text)
    for mark, wide in ((",", "，"), (";", "；"), ("!", "！"), ("?", "？")):
        expected = re.sub(rf"(?<={_CJK})\s*{re.escape(mark)}\s*|\s*{re.escape(mark)}\s*(?={_CJK})", wide, expected)
    expected = re.sub(rf"(?<={_CJK}):(?!//)\s*", "：", expected)
    assert tidy_punctuation(text) == expected


def _context_as_written(prose: str, name: str) -> str:
    """draft's note on a figure as first written: the whole prose re-substituted for each name."""
    import re

    marked = re.sub(r"\{\{\s*figures\.%s\s*\}\}" % re.escape(name), "\x00", prose, count=1)
    marked = re.sub(r"\{\{.*?\}\}", "…", marked)
    at = marked.find("\x00")
    if at < 0:
        return ""
    before = re.split(r"[。；\n]", marked[:at])[-1][-12:]
    after = re.split(r"[。；，\n]", marked[at + 1:])[0][:6]
    return f"：……{before}□{after}……"


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(["{{ figures.a }}", "{{ figures.b }}", "{{figures.a}}", "{{ x }}", "。", "；",
                                           "，", "\n"]), st.text(_TEXT, max_size=8)), max_size=14).map("".join))
def test_draft_notes_on_figures_are_what_they_were(prose: str) -> None:
    from authoring.draft import _contexts

    assume("{{" not in prose.replace("{{ figures.a }}", "").replace("{{ figures.b }}", "")
           .replace("{{figures.a}}", "").replace("{{ x }}", ""))  # well-formed tags only
    assume("}}" not in prose.replace("{{ figures.a }}", "").replace("{{ figures.b }}", "")
           .replace("{{figures.a}}", "").replace("{{ x }}", ""))
    found = _contexts(prose)
    for name in ("a", "b"):
        assert found.get(name, "") == _context_as_written(prose, name)


def _cosine_as_written(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    """compare's cosine as first written, pair by pair (issue 16 made it an index)."""
    import math

    dot = sum(a[g] * b[g] * idf.get(g, 1.0) ** 2 for g in a.keys() & b.keys())
    na = math.sqrt(sum((n * idf.get(g, 1.0)) ** 2 for g, n in a.items()))
    nb = math.sqrt(sum((n * idf.get(g, 1.0)) ** 2 for g, n in b.items()))
    return dot / (na * nb) if na and nb else 0.0


@FUZZ
@given(st.lists(st.text(st.sampled_from(list("依法行政执法改革 ab")), max_size=12), min_size=1, max_size=6),
       st.text(st.sampled_from(list("依法行政执法改革 ab")), max_size=12))
def test_compare_cosines_are_what_they_were(texts: list[str], query_text: str) -> None:
    import math

    from authoring.plans import _bigrams, _Vectors

    docs = [_bigrams(t) for t in texts]
    idf = {g: math.log((1 + len(docs)) / (1 + df)) + 1 for g, df in Counter(g for d in docs for g in d).items()}
    query = _bigrams(query_text)
    found = _Vectors(docs, idf).cosines(query)
    assert found == pytest.approx([_cosine_as_written(query, d, idf) for d in docs], abs=1e-12)


@FUZZ
@given(st.text(st.sampled_from(list("依法 行政a1yesnoNULLtrue:#-.{}[],%'\"!|>@`~_\t（）“”…—·、。，") + ["\u3000", "\u00a0", "\u2028"]),
               max_size=16))
@example("null")
@example("yes")
@example("依法 #行政")
@example("依法: 行政")
@example("依法:")
def test_plain_scalars_known_without_loading_load_back(text: str) -> None:
    # yamlout._plain_ok decides most scalars without loading them (issue 16: init --from spent
    # its time loading each); it must never say plain where loading says otherwise.
    from authoring.yamlout import _plain_loads, _plain_ok

    assert _plain_ok(text) == (_plain_ok(text) and _plain_loads(text))
    if _plain_ok(text):
        assert yaml.safe_load(f"k: {text}\n") == {"k": text}
        assert yaml.safe_load(f"{text}: 1\n") == {text: 1}
