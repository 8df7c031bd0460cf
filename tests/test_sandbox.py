"""Hostile user templates (`render --templates DIR`): the known sandbox escapes, runaway loops,
huge outputs and memory bombs are each refused quickly, with a Chinese message naming the
template file and line, and nothing is written."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from authoring.cli import cli

CASES = Path(__file__).parent / "bad_inputs"
REPORT = (CASES / "encoding_utf8_bom.yaml").read_bytes()[3:].decode("utf-8")  # a valid report
SUMMARY = "发现 1 个错误，未生成任何文件"

UNSAFE = "模板试图访问不安全的内容，已拒绝（{}）；模板只能使用报告数据"
LIMIT = "模板超出限制：{}；请检查模板中的循环和重复"

# (case id, the template's second line, the message the clerk reads)
HOSTILE = [
    # Attribute walks to Python internals.
    ("cycler-globals", "{{ cycler.__init__.__globals__ }}", UNSAFE.format("“type”对象的属性“__init__”")),
    ("joiner-globals", "{{ joiner.__init__.__globals__['os'] }}", UNSAFE.format("“type”对象的属性“__init__”")),
    ("self-dict", "{{ self.__dict__ }}", UNSAFE.format("“TemplateReference”对象的属性“__dict__”")),
    ("self-globals", "{{ self._TemplateReference__context.environment }}",
     UNSAFE.format("“TemplateReference”对象的属性“_TemplateReference__context”")),
    ("str-mro", "{{ ''.__class__.__mro__[1].__subclasses__() }}", UNSAFE.format("“str”对象的属性“__class__”")),
    ("data-class", "{{ report.__class__ }}", UNSAFE.format("“dict”对象的属性“__class__”")),
    ("loop-frame", "{% for x in [1] %}{{ loop.__class__ }}{% endfor %}",
     UNSAFE.format("“LoopContext”对象的属性“__class__”")),
    ("getattr-filter", "{{ report|attr('__class__') }}", UNSAFE.format("“dict”对象的属性“__class__”")),
    # Format-string tricks: the attribute walk hides in the format string.
    ("format-method", "{{ '{0.__class__}'.format(title) }}", UNSAFE.format("“str”对象的属性“__class__”")),
    ("format-filter", "{{ '%s'|format(title.__class__) }}", UNSAFE.format("“str”对象的属性“__class__”")),
    ("format-width", "{{ '%099999999d'|format(1) }}", LIMIT.format("格式宽度过大")),
    # Mutating what the template was given.
    ("dict-update", "{% set d = {} %}{{ d.update({'a': 1}) }}", UNSAFE.format("“dict”对象的属性“update”")),
    ("list-append", "{{ report.achievements.append(1) }}", UNSAFE.format("“list”对象的属性“append”")),
    # Huge values in one step.
    ("range-billion", "{% for i in range(10**9) %}x{% endfor %}",
     "模板超出限制：range() 最多生成 100000 个数，或数字过大；请检查模板中的循环"),
    ("repeat-string", "{{ 'x' * 10**8 }}", LIMIT.format("重复生成的内容过大")),
    ("repeat-tuple", "{{ (title,) * 10**7 }}", LIMIT.format("重复生成的内容过大")),
    ("power", "{{ 2 ** 100000 }}", LIMIT.format("乘方的指数过大")),
    ("power-tower", "{{ 2 ** 64 ** 64 ** 64 }}", LIMIT.format("计算结果的数字过大")),
    ("center", "{{ title|center(10**8) }}", LIMIT.format("过滤器 center 的参数 100000000 过大")),
    ("join-bomb", "{{ range(100000)|join('x' * 100000) }}", LIMIT.format("join 生成的内容过大")),
    ("replace-bomb", "{{ ('x' * 100000)|replace('x', 'x' * 1000) }}", LIMIT.format("replace 生成的内容过大")),
    ("str-join-method", "{{ ('x' * 100000).join(['a'] * 100000) }}", UNSAFE.format("“str”对象的属性“join”")),
    ("lipsum", "{{ lipsum(100000) }}",
     "模板中使用了不存在的变量（'lipsum' is undefined）；请检查拼写，可用的变量见 templates/README.md"),
    # Doubling in a loop: every step is small, the tenth is not.
    ("concat-doubling", "{% set ns = namespace(s='x' * 1000) %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     LIMIT.format("拼接生成的内容过大")),
    ("plus-doubling", "{% set ns = namespace(s=['x'] * 1000) %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
     LIMIT.format("拼接生成的内容过大")),
    ("integer-squaring", "{% set ns = namespace(x=3) %}{% for i in range(64) %}{% set ns.x = ns.x * ns.x %}{% endfor %}",
     LIMIT.format("计算结果的数字过大")),
    # Recursion.
    ("macro-recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "模板递归过深（宏调用了自身？），已停止"),
]


def rss_bytes() -> int:
    """Peak resident memory of this process so far (0 on Windows, which has no `resource`)."""
    try:
        import resource
    except ImportError:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def render(tmp_path: Path, templates: dict[str, str]) -> tuple[Any, float, Path]:
    """Render the report with these user templates (name → text); the result, seconds, folder.
    A draft (--draft): the test templates make reports without the mandated parts, which the
    verdict reports and, without --draft, refuses (issue 12)."""
    mine = tmp_path / "mine"
    for name, text in templates.items():
        (mine / name).parent.mkdir(parents=True, exist_ok=True)
        (mine / name).write_text(text, encoding="utf-8")
    (tmp_path / "report.yaml").write_text(REPORT, encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(
        cli, ["render", str(tmp_path / "report.yaml"), "--templates", str(mine), "-o", str(tmp_path / "out.txt"),
              "--draft"]
    )
    return result, time.monotonic() - started, mine.resolve()


def assert_refused(result: Any, tmp_path: Path, first_line: str) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.output.splitlines() == [first_line, SUMMARY]
    assert result.exit_code == 1
    assert not (tmp_path / "out.txt").exists()


@pytest.mark.parametrize("body, message", [pytest.param(b, m, id=i) for i, b, m in HOSTILE])
def test_a_hostile_template_is_refused(body: str, message: str, tmp_path: Path) -> None:
    result, seconds, mine = render(tmp_path, {"report.j2": "@title 标题\n" + body + "\n"})
    assert_refused(result, tmp_path, f"{mine / 'report.j2'}:2: {message}")
    assert seconds < 5.0
    assert rss_bytes() < 1536 * 1024 * 1024


def test_a_loop_that_never_ends_is_stopped_by_the_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("authoring.render.MAX_SECONDS", 1.0)
    body = "@title 标题\n{% for i in range(100000) %}\n{% for j in range(100000) %}{{ '' }}{% endfor %}\n{% endfor %}\n"
    result, seconds, mine = render(tmp_path, {"report.j2": body})
    assert_refused(result, tmp_path, f"{mine / 'report.j2'}:3: " + LIMIT.format("模板运行超过 1 秒（可能是死循环）"))
    assert seconds < 3.0


def test_a_huge_output_names_the_user_template_and_line(tmp_path: Path) -> None:
    # Each chunk is small; the sum passes the output cap, which names where the template stood.
    body = "@title 标题\n{% for i in range(100000) %}\n{{ 'x' * 900000 }}\n{% endfor %}\n"
    result, seconds, mine = render(tmp_path, {"report.j2": body})
    assert_refused(result, tmp_path, f"{mine / 'report.j2'}:3: " + LIMIT.format("输出超过 5000000 个字符"))
    assert seconds < 5.0


def test_a_huge_output_from_an_included_part_names_that_part(tmp_path: Path) -> None:
    # Only parts/plans.j2 is the user's; the shipped report.j2 includes it.
    body = "@h1 下一步\n\n{% for i in range(100000) %}\n@p {{ '安排' * 400000 }}\n{% endfor %}\n"
    result, seconds, mine = render(tmp_path, {"parts/plans.j2": body})
    assert_refused(result, tmp_path, f"{mine / 'parts' / 'plans.j2'}:4: " + LIMIT.format("输出超过 5000000 个字符"))
    assert seconds < 5.0


def test_an_endless_included_part_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("authoring.render.MAX_SECONDS", 1.0)
    body = "@h1 下一步\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
    result, seconds, mine = render(tmp_path, {"parts/plans.j2": body})
    assert_refused(result, tmp_path, f"{mine / 'parts' / 'plans.j2'}:2: " + LIMIT.format("模板运行超过 1 秒（可能是死循环）"))
    assert seconds < 3.0


def test_a_refused_render_leaves_the_previous_output_alone(tmp_path: Path) -> None:
    (tmp_path / "out.txt").write_text("上次生成的报告", encoding="utf-8")
    result, _, _ = render(tmp_path, {"report.j2": "@title 标题\n{{ self.__dict__ }}\n"})
    assert result.exit_code == 1
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "上次生成的报告"


def test_the_sandbox_still_lets_a_template_do_its_job(tmp_path: Path) -> None:
    # The limits must not get in the way of ordinary template code.
    body = (
        "@title {{ title }}\n"
        "@p {{ [agency, short_name]|join('、') }}{{ ' ' ~ year }}{{ (year + 1)|string }}"
        "{{ ('a' * 3)|replace('a', 'b') }}{{ 'x y'|wordwrap(1) }}{{ figures.licenses * 2 }}{{ 2 ** 10 }}\n"
        "{% set ns = namespace(n=0) %}{% for i in range(1000) %}{% set ns.n = ns.n + i %}{% endfor %}@p {{ ns.n }}\n"
    )
    result, _, _ = render(tmp_path, {"report.j2": body})
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    # .txt: a blank line between paragraphs. The line break wordwrap makes is an expression's
    # output, data like any value: it stays inside its paragraph (issue 16, class 2), never
    # starts a new one.
    assert "某市城市管理局、市城管局 20242025bbbx\ny18341024\n\n499500\n" in text


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
@pytest.mark.parametrize("name", ["report.j2", "parts/plans.j2"])
def test_a_template_saved_by_notepad_in_another_encoding_is_named(name: str, encoding: str, tmp_path: Path) -> None:
    # An agency clerk edits a template in Notepad and saves it as "ANSI" or "Unicode".
    mine = tmp_path / "mine"
    (mine / name).parent.mkdir(parents=True)
    (mine / name).write_bytes("@h1 下一年度安排\n".encode(encoding))
    result, _, folder = render(tmp_path, {})
    assert_refused(result, tmp_path, f"{folder / name}: 模板文件不是 UTF-8 编码，无法读取；"
                                     "请在编辑器中另存为 UTF-8（记事本：“另存为”→ 编码选 UTF-8）")


def test_a_template_saved_as_utf8_with_bom_renders_like_without(tmp_path: Path) -> None:
    # Notepad's "UTF-8 with BOM": the BOM once glued itself to @title, which became body text.
    shipped = (Path(__file__).parent.parent / "templates" / "report.j2").read_text(encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.j2").write_text(shipped, encoding="utf-8-sig")
    result, _, _ = render(tmp_path, {})
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert text.startswith("某市城市管理局关于2024年度法治政府建设情况的报告\n")
    assert "@title" not in text and "\ufeff" not in text


def test_compiled_templates_are_cached_per_version_of_the_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The bounds are compiled into the code (intercepted * ** +, guarded ~): a cache entry made by
    # another render.py must not be reused, or a bound added later would not apply to it.
    import hashlib

    import authoring.render

    if sys.platform == "win32":
        pytest.skip("the cache folder is found through XDG_CACHE_HOME here")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AUTHORING_NO_CACHE", raising=False)
    monkeypatch.setattr("authoring.render._ENVIRONMENTS", {})
    result, _, _ = render(tmp_path, {"report.j2": "@title {{ title }}\n"})
    assert result.exit_code == 0, result.output

    made_by = hashlib.sha1(Path(authoring.render.__file__).read_bytes()).hexdigest()[:12]
    names = [p.name for p in (tmp_path / "cache").rglob("*.cache")]
    assert names and all(n.startswith(f"__authoring_{made_by}_") for n in names)


# -- the sandbox's shortcuts give what its own checks give ----------------------------------------------


def _sandbox() -> Any:
    from authoring.render import _make_environment, template_search_path

    return _make_environment(template_search_path(None))


def _loops() -> Iterator[Any]:
    """Loop objects at every position of a loop of three (and of one, and of none left)."""
    from jinja2.runtime import LoopContext

    env = _sandbox()
    for items, steps in [([1, 2, 3], 0), ([1, 2, 3], 1), ([1, 2, 3], 3), (["a"], 1), ([], 0)]:
        loop = LoopContext(iter(items), env.undefined, None, 0)
        for _ in range(steps):
            next(loop)
        yield items, steps, loop


def test_the_plain_attributes_are_what_the_sandbox_would_give() -> None:
    """render_sandbox looks these up without the sandbox's checks: each must come out exactly as
    the sandbox's own lookup gives it (not refused, not wrapped), and none may be a loop item."""
    from jinja2.runtime import LoopContext
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from authoring.render_sandbox import _plain_attributes

    env = _sandbox()
    table = _plain_attributes()
    assert set(table) == {dict, LoopContext}
    assert not {"previtem", "nextitem", "cycle", "changed"} & table[LoopContext]
    data = {"a": 1, "b": [2]}
    for name in table[dict]:
        assert env.getattr(data, name) == ImmutableSandboxedEnvironment.getattr(env, data, name) == getattr(data, name)
        assert env.getattr({name: "数据"}, name) == "数据"  # data first, as before
    for name in table[LoopContext]:
        for items, steps, _ in list(_loops()):
            fresh = [next(loop for i, s, loop in _loops() if (i, s) == (items, steps)) for _ in range(3)]
            general = ImmutableSandboxedEnvironment.getattr(env, fresh[0], name)
            assert env.getattr(fresh[1], name) == general == getattr(fresh[2], name)
            assert type(general) in (int, bool), (name, general)


def test_the_callables_called_without_asking_are_ones_the_sandbox_finds_safe() -> None:
    env = _sandbox()
    macro = env.from_string("{% macro m(x, caller=None) %}<{{ x }}>{% endmacro %}").module.m
    assert env.is_safe_callable(macro) and env.is_safe_callable({}.get) and env.is_safe_callable({}.items)
    shown = env.from_string("{% macro m(x) %}<{{ x }}>{% endmacro %}{% macro w(x) %}<{{ x }}{{ caller() }}>"
                            "{% endmacro %}{{ m(1) }}{{ d.get('k') }}{{ d.get('z', 2) }}{% call w(3) %}c{% endcall %}"
                            ).render(d={"k": "v"})
    assert shown == "<1>v2<3c>"
    with pytest.raises(Exception, match="namespace"):  # nothing can mark a macro unsafe
        env.from_string("{% macro m() %}{% endmacro %}{% set m.unsafe_callable = true %}").render()
