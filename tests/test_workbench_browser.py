"""The workbench driven in a real browser (Debian's headless chromium through Selenium), as a
clerk uses it: open the report, type, see the pages change, make a mistake and see it beside the
field, save and find the YAML with its comments, download the Word file, drop reports on 检查.

Skipped, with the reason, where chromium or chromedriver is not installed (CI installs both)."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from authoring.web.form import path_key  # noqa: E402
from authoring.web.server import Background  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHUXIONG = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromedriver are not installed "
                                "(Debian: apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1366,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[Background]:
    shutil.copy(CHUXIONG, tmp_path / "report.yaml")
    server = Background(tmp_path, tmp_path / "report.yaml")
    yield server
    server.stop()


def _wait(driver: Any, condition: Callable[[Any], Any], seconds: float = 15, message: str = "") -> Any:
    try:
        # The form is rebuilt after an edit that changes its shape: an element found a moment ago
        # may be gone; look again.
        return WebDriverWait(driver, seconds, poll_frequency=0.05,
                             ignored_exceptions=(StaleElementReferenceException,)).until(condition)
    except TimeoutException:
        raise AssertionError(message or "timed out") from None


def _preview_text(driver: Any) -> str:
    return str(driver.execute_script(
        "const d = document.getElementById('preview').contentDocument; return d && d.body ? d.body.innerText : '';"))


def _field(driver: Any, path: tuple) -> Any:
    return driver.find_element(By.CSS_SELECTOR, f"[data-edit='set'][data-path='{path_key(path)}']")


def _type(driver: Any, element: Any, text: str) -> None:
    element.clear()
    element.send_keys(text)


def _open(driver: Any, server: Background) -> None:
    driver.get(server.url)
    _wait(driver, lambda d: "楚雄市综合行政执法局关于2024年度" in _preview_text(d).replace("\n", ""),
          message="the preview did not show the report")


def test_open_edit_and_see_the_pages_change(browser: Any, served: Background) -> None:
    _open(browser, served)
    assert browser.current_url.endswith("/edit?file=report.yaml")  # the secret left the address bar
    name = _field(browser, ("agency", "name"))
    _type(browser, name, "楚雄市测试局")
    _wait(browser, lambda d: "楚雄市测试局关于2024年度" in _preview_text(d).replace("\n", ""),
          message="the preview did not follow the typing")
    assert "有未保存的修改" in browser.find_element(By.ID, "status").text


def test_a_mistake_shows_beside_its_field_and_the_list_jumps_to_it(browser: Any, served: Background) -> None:
    _open(browser, served)
    value = _field(browser, ("figures", "licenses"))
    _type(browser, value, "九百")
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-path='{path_key(('figures', 'licenses'))}']")
    slot = row.find_element(By.XPATH, "following-sibling::tr[1]")
    _wait(browser, lambda d: "应为整数或数字，实际是文字“九百”" in slot.text, message="no message beside the figure")
    item = browser.find_element(By.CSS_SELECTOR, "#problems li.error")
    assert item.text == "错误　数据 › licenses：应为整数或数字，实际是文字“九百”"  # the place as the form names it
    browser.find_element(By.CSS_SELECTOR, "[data-tab='yaml']").click()
    browser.find_element(By.CSS_SELECTOR, "[data-tab='form']").click()
    browser.find_element(By.CSS_SELECTOR, "#problems li.error").click()
    _wait(browser, lambda d: d.switch_to.active_element == _field(d, ("figures", "licenses")),
          message="the problem list did not jump to the field")
    assert "1 个错误" in browser.find_element(By.ID, "counts").text


def test_the_duties_still_to_write_name_the_fields_the_clerk_sees(browser: Any, served: Background) -> None:
    _open(browser, served)
    said = "“第一责任人”部分未提及：行政机关负责人出庭应诉；请填写“行政机关负责人出庭应诉”，或在“履职情况”中写明"
    items = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#problems li.warning")]
    assert "警告　二、第一责任人：" + said in items
    part = browser.find_element(By.CSS_SELECTOR, f"[data-path='{path_key(('first_responsible',))}']")  # beside the part
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", part)
    assert said in part.text
    shown = browser.find_element(By.ID, "problems").text + part.text
    assert "first_responsible" not in shown and "duties" not in shown


def test_save_writes_the_yaml_with_its_comments(browser: Any, served: Background) -> None:
    _open(browser, served)
    before = (served.folder / "report.yaml").read_text(encoding="utf-8")
    _type(browser, _field(browser, ("agency", "short_name")), "市执法局")
    _wait(browser, lambda d: "有未保存的修改" in d.find_element(By.ID, "status").text)
    browser.find_element(By.ID, "save").click()
    _wait(browser, lambda d: d.find_element(By.ID, "status").text == "已保存", message="not saved")
    after = (served.folder / "report.yaml").read_text(encoding="utf-8")
    assert [ln for ln in after.splitlines() if ln.lstrip().startswith("#")] == \
        [ln for ln in before.splitlines() if ln.lstrip().startswith("#")]
    assert after == before.replace("  short_name: 市综合行政执法局", "  short_name: 市执法局")


def test_add_an_entry_and_move_it(browser: Any, served: Background) -> None:
    _open(browser, served)
    add = browser.find_element(By.CSS_SELECTOR, f"[data-edit='insert'][data-path='{path_key(('plans',))}'][data-kind='entry']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", add)
    add.click()
    heading = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-edit='set'][data-path='{path_key(('plans', 6, 'heading'))}']"))
    _wait(browser, lambda d: d.switch_to.active_element.get_attribute("data-path") in
          (path_key(("plans", 6, "heading")), path_key(("plans", 6, "text"))), message="the new entry is not focused")
    _type(browser, heading[0], "新增的一项安排")
    _wait(browser, lambda d: "新增的一项安排" in _preview_text(d))
    up = browser.find_element(By.CSS_SELECTOR, f"[data-edit='move'][data-path='{path_key(('plans', 6))}']")
    up.click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-path='{path_key(('plans', 5, 'heading'))}']")
          and _field(d, ("plans", 5, "heading")).get_attribute("value") == "新增的一项安排", message="not moved")


def test_download_the_word_file_and_read_it_back(browser: Any, served: Background, downloads: Path) -> None:
    from docx import Document

    _open(browser, served)
    for old in downloads.glob("*"):
        old.unlink()
    browser.find_element(By.CSS_SELECTOR, "[data-deliver='docx']").click()
    _wait(browser, lambda d: (downloads / "report.docx").exists() and not list(downloads.glob("*.crdownload")),
          seconds=30, message="the Word file was not downloaded")
    document = Document(str(downloads / "report.docx"))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[0].replace("\n", "") == "楚雄市综合行政执法局关于2024年度法治政府建设情况的报告"
    assert (downloads / "report.docx").read_bytes() == (served.folder / "report.docx").read_bytes()
    # and it is a report `authoring check` passes: the four parts, no error
    from authoring.main import check_named

    checked = check_named((downloads / "report.docx").read_bytes(), "report.docx")
    assert checked.count("error") == 0 and not checked.missing


def test_drop_reports_on_check_and_see_their_parts(browser: Any, served: Background, tmp_path: Path) -> None:
    corpus = Path("/work/shared/corpus")
    files = [served.folder / "report.yaml"]
    if (corpus / "jiulongpo-cgj-2023.txt").exists():
        files.append(corpus / "jiulongpo-cgj-2023.txt")
    browser.get(served.url)
    browser.get(f"http://127.0.0.1:{served.port}/check")
    chooser = browser.find_element(By.ID, "check-files")
    chooser.send_keys("\n".join(str(f) for f in files))
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.file-row")) == len(files), seconds=60,
          message="not every file got a row")
    first = browser.find_element(By.CSS_SELECTOR, "tr.file-row")
    assert "楚雄市综合行政执法局" in first.text and first.text.count("✓") == 4
    details = browser.find_element(By.CSS_SELECTOR, "tr.details")
    assert "✓ 主要举措和成效" in details.text and "✓ 第一责任人" in details.text


def test_the_browser_is_refused_without_the_secret_and_outside_the_folder(browser: Any, tmp_path: Path) -> None:
    shutil.copy(CHUXIONG, tmp_path / "report.yaml")
    server = Background(tmp_path, tmp_path / "report.yaml")
    try:
        browser.delete_all_cookies()
        browser.get(f"http://127.0.0.1:{server.port}/?token=wrong")
        assert "缺少或错误的访问口令" in browser.find_element(By.TAG_NAME, "body").text
        browser.get(f"http://127.0.0.1:{server.port}/edit?file=report.yaml")
        assert "缺少或错误的访问口令" in browser.find_element(By.TAG_NAME, "body").text
        browser.get(server.url)
        browser.get(f"http://127.0.0.1:{server.port}/edit?file=../../etc/passwd")
        assert "工作台只能打开和保存这些文件夹中的文件" in browser.find_element(By.TAG_NAME, "body").text
        # A page of another site (another port is another origin) cannot make the workbench act.
        other = f"http://localhost:{server.port}/edit?file=report.yaml"
        browser.get(other)
        assert "缺少或错误的访问口令" in browser.find_element(By.TAG_NAME, "body").text
    finally:
        server.stop()


def test_closing_the_tab_loses_no_typing(browser: Any, served: Background) -> None:
    _open(browser, served)
    field = _field(browser, ("agency", "short_name"))
    field.clear()
    field.send_keys("关页前输入")
    browser.get("about:blank")  # the page goes away straight after the typing
    recovery = served.folder / ".report.yaml.未保存"
    deadline = time.monotonic() + 10
    while not (recovery.exists() and "关页前输入" in recovery.read_text(encoding="utf-8")):
        assert time.monotonic() < deadline, "the typing was not kept"
        time.sleep(0.1)
    _open(browser, served)
    assert "有未保存的修改" in browser.find_element(By.ID, "status").text
    assert _field(browser, ("agency", "short_name")).get_attribute("value") == "关页前输入"


def test_the_page_names_no_address_outside_this_server(browser: Any, served: Background) -> None:
    _open(browser, served)
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([...document.querySelectorAll('[src],[href]')].map(e => e.src || e.href));")
    outside = [u for u in urls if u and not u.startswith((f"http://127.0.0.1:{served.port}/", "about:", "javascript:"))]
    assert outside == []
    assert os.path.exists(served.folder / "report.yaml")


def test_a_click_on_the_pages_goes_to_the_field_it_came_from(browser: Any, served: Background) -> None:
    _open(browser, served)
    browser.switch_to.frame(browser.find_element(By.ID, "preview"))
    paragraph = next(p for p in browser.find_elements(By.CSS_SELECTOR, "[data-field]")
                     if p.get_attribute("data-field") == "achievements[6]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", paragraph)
    paragraph.click()
    browser.switch_to.default_content()
    _wait(browser, lambda d: (d.switch_to.active_element.get_attribute("data-path") or "").startswith(
        path_key(("achievements", 5))[:-1]), message="the click did not reach the form")


def test_a_dutys_facts_are_ticked_by_their_chinese_names(browser: Any, tmp_path: Path) -> None:
    # jiulongpo's first duty takes the sentences of two facts (facts: [leading_group, meetings]):
    # the clerk sees them by the names the form gives the facts above, and unticks one.
    shutil.copy(ROOT / "examples" / "jiulongpo-cgj-2023.yaml", tmp_path / "report.yaml")
    server = Background(tmp_path, tmp_path / "report.yaml")
    try:
        browser.get(server.url)
        _wait(browser, lambda d: "九龙坡区城市管理局" in _preview_text(d), message="the preview did not show the report")
        key = path_key(("first_responsible", "duties", 0, "facts"))
        box = browser.find_element(By.CSS_SELECTOR, f"[data-edit-choices='{key}']")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        shown = box.find_element(By.CSS_SELECTOR, "ol").text
        assert "法治建设领导小组" in shown and "研究法治建设的会议" in shown and "年终述法" in shown
        assert "leading_group" not in shown and "meetings" not in shown
        ticked = [li.text.strip() for li in box.find_elements(By.CSS_SELECTOR, "li")
                  if li.find_element(By.CSS_SELECTOR, "input").is_selected()]
        assert [t.rstrip("↑↓ ").strip() for t in ticked] == ["法治建设领导小组", "研究法治建设的会议"]
        meetings = next(li for li in box.find_elements(By.CSS_SELECTOR, "li") if li.get_attribute("data-value") == "meetings")
        meetings.find_element(By.CSS_SELECTOR, "input").click()
        _wait(browser, lambda d: "有未保存的修改" in d.find_element(By.ID, "status").text, message="the untick was not sent")
        browser.find_element(By.ID, "save").click()
        _wait(browser, lambda d: d.find_element(By.ID, "status").text == "已保存", message="not saved")
        import yaml

        saved = yaml.safe_load((tmp_path / "report.yaml").read_text(encoding="utf-8"))
        assert saved["first_responsible"]["duties"][0]["facts"] == ["leading_group"]
    finally:
        server.stop()


def test_the_preview_says_which_fonts_this_machine_lacks_and_what_it_shows_instead(browser: Any, served: Background) -> None:
    from authoring.fonts import installed_families

    _open(browser, served)
    summary = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#preview-fonts summary").is_displayed()
                    and d.find_element(By.CSS_SELECTOR, "#preview-fonts summary"), message="no fonts line")
    have = {f.casefold() for f in installed_families()}
    assert ("本机都有" in summary.text) == ("仿宋_gb2312" in have and "方正小标宋简体" in have and "黑体" in have
                                         and "楷体_gb2312" in have and "宋体" in have)
    summary.click()
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#preview-fonts tbody tr")]
    assert rows[0].startswith("正文 仿宋_GB2312")
    assert "Word 文件写的是报告的字体" in browser.find_element(By.CSS_SELECTOR, "#preview-fonts .fonts-box").text


def test_a_word_file_edited_since_is_not_overwritten_and_both_can_be_kept(browser: Any, served: Background) -> None:
    from docx import Document

    _open(browser, served)
    target = served.folder / "report.docx"
    browser.find_element(By.CSS_SELECTOR, "[data-deliver='docx']").click()
    _wait(browser, lambda d: target.exists() and "已生成" in d.find_element(By.ID, "toast").text, seconds=60,
          message="the Word file was not made")
    edited = Document(str(target))
    edited.add_paragraph("副局长在 Word 中加的一段")
    edited.save(str(target))
    before = target.read_bytes()
    browser.find_element(By.CSS_SELECTOR, "[data-deliver='docx']").click()
    dialog = _wait(browser, lambda d: d.find_element(By.ID, "dialog").is_displayed() and d.find_element(By.ID, "dialog"),
                   seconds=60, message="no question before overwriting")
    assert "生成后被修改过" in dialog.text and "--force" not in dialog.text
    buttons = {b.text: b for b in dialog.find_elements(By.CSS_SELECTOR, "button")}
    assert set(buttons) == {"覆盖（原文件先备份）", "另存为 report-2.docx", "取消"}
    buttons["另存为 report-2.docx"].click()
    _wait(browser, lambda d: (served.folder / "report-2.docx").exists(), seconds=60, message="not saved as a new file")
    assert target.read_bytes() == before


def test_a_count_that_names_a_figure_shows_its_value_and_follows_it(browser: Any, tmp_path: Path) -> None:
    # jiulongpo: meetings.party is "{{ figures.party_meetings }}" (28)
    shutil.copy(ROOT / "examples" / "jiulongpo-cgj-2023.yaml", tmp_path / "report.yaml")
    server = Background(tmp_path, tmp_path / "report.yaml")
    try:
        browser.get(server.url)
        _wait(browser, lambda d: "九龙坡区城市管理局" in _preview_text(d), message="the preview did not show the report")
        holder = browser.find_element(By.CSS_SELECTOR, f".field[data-path='{path_key(('first_responsible', 'meetings', 'party'))}']")
        assert "＝ 数据表中 party_meetings 的数值：28" in holder.text
        _type(browser, _field(browser, ("figures", "party_meetings")), "30")
        _wait(browser, lambda d: "＝ 数据表中 party_meetings 的数值：30" in d.find_element(
            By.CSS_SELECTOR, f".field[data-path='{path_key(('first_responsible', 'meetings', 'party'))}']").text,
            message="the value beside the count did not follow the figure")
    finally:
        server.stop()


def test_the_page_says_so_when_the_workbench_is_gone(browser: Any, tmp_path: Path) -> None:
    shutil.copy(CHUXIONG, tmp_path / "report.yaml")
    server = Background(tmp_path, tmp_path / "report.yaml")
    try:
        _open(browser, server)
    finally:
        server.stop()
    _type(browser, _field(browser, ("agency", "short_name")), "关闭后输入")
    _wait(browser, lambda d: "无法连接工作台" in d.find_element(By.ID, "toast").text, message="no word that the server is gone")
    assert browser.find_element(By.ID, "status").text == "未连接工作台：最近的修改没有收到"


def test_a_failure_of_the_server_is_said_and_what_was_typed_is_saved_once_it_is_mended(
        browser: Any, served: Background, monkeypatch: pytest.MonkeyPatch) -> None:
    from jinja2 import FileSystemLoader

    monkeypatch.chdir(served.folder)  # where the report of the failure goes
    before = (served.folder / "report.yaml").read_text(encoding="utf-8")
    _open(browser, served)
    browser.find_element(By.CSS_SELECTOR, "[data-tab='yaml']").click()
    _wait(browser, lambda d: "short_name: 市综合行政执法局" in d.find_element(By.ID, "yaml").get_attribute("value"))
    # The page templates gone from the installation: the YAML tab's answer (it renders the form) fails.
    wb = served.app.app.state.workbench  # type: ignore[attr-defined]
    kept = wb.env.loader
    (served.folder / "empty").mkdir()
    wb.env.loader = FileSystemLoader(str(served.folder / "empty"))
    wb.env.cache.clear()
    browser.execute_script("const box = document.getElementById('yaml');"
                           "box.value = box.value.replace('short_name: 市综合行政执法局', 'short_name: 出错时输入的简称');"
                           "box.dispatchEvent(new Event('input', {bubbles: true}));")
    _wait(browser, lambda d: "工作台遇到了意外的内部错误（TemplateNotFound）" in d.find_element(By.ID, "toast").text,
          message="the failure was not said")
    assert "详细信息已写入" in browser.find_element(By.ID, "toast").text
    assert browser.find_element(By.ID, "status").text == "工作台出错：最近的修改还只在本页中，没有暂存，也没有保存"
    browser.find_element(By.ID, "save").click()
    _wait(browser, lambda d: "所以没有保存" in d.find_element(By.ID, "toast").text, message="saved what the server did not take")
    assert (served.folder / "report.yaml").read_text(encoding="utf-8") == before
    # Mended (the clerk reinstalls): Save sends the text again, and the file has it.
    wb.env.loader = kept
    browser.find_element(By.ID, "save").click()
    _wait(browser, lambda d: d.find_element(By.ID, "status").text == "已保存", message="not saved once mended")
    assert (served.folder / "report.yaml").read_text(encoding="utf-8") == before.replace(
        "short_name: 市综合行政执法局", "short_name: 出错时输入的简称")


def test_typing_while_an_entry_moves_reaches_no_other_entry(browser: Any, served: Background,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The clerk moves an entry up and types into it before the form comes back (a busy machine
    # takes a second): the field on the page still has the entry's old place, which the server
    # now gives to the entry that was above it.
    import yaml

    plans = yaml.safe_load((served.folder / "report.yaml").read_text(encoding="utf-8"))["plans"]
    _open(browser, served)
    wb = served.app.app.state.workbench  # type: ignore[attr-defined]
    update = wb.update

    def busy(report: Any, **kw: Any) -> Any:
        if kw.get("with_form"):
            time.sleep(1)
        return update(report, **kw)

    monkeypatch.setattr(wb, "update", busy)
    field = _field(browser, ("plans", 3, "text"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    browser.find_element(By.CSS_SELECTOR, f"[data-edit='move'][data-path='{path_key(('plans', 3))}']").click()
    try:
        field.send_keys("移动时输入")
    except Exception:  # noqa: BLE001 — the form refuses the keys while it waits: that is the point
        pass
    _wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "#form-pane.reshaping")
          and _field(d, ("plans", 2, "text")).get_attribute("value") == plans[3]["text"], message="not moved")
    browser.find_element(By.ID, "save").click()
    _wait(browser, lambda d: d.find_element(By.ID, "status").text == "已保存", message="not saved")
    saved = yaml.safe_load((served.folder / "report.yaml").read_text(encoding="utf-8"))["plans"]
    assert saved[2]["text"].startswith(plans[3]["text"]) and saved[3]["text"] == plans[2]["text"]


def test_a_full_disk_is_said_and_the_typing_is_saved_once_there_is_room(browser: Any, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    disk = tmp_path / "disk"
    disk.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("a full disk is made with a small tmpfs: needs Linux and root (CI runs as root)")
    monkeypatch.chdir(tmp_path)
    try:
        shutil.copy(CHUXIONG, disk / "report.yaml")
        server = Background(disk, disk / "report.yaml")
        try:
            _open(browser, server)
            with open(disk / "filler", "wb", buffering=0) as filler:
                try:
                    while True:
                        filler.write(b"\0" * 4096)
                except OSError:
                    pass
            _type(browser, _field(browser, ("agency", "short_name")), "磁盘满时输入")
            _wait(browser, lambda d: "未能暂存：磁盘空间不足" in d.find_element(By.ID, "status").text,
                  message="the page did not say that the typing is kept nowhere else")
            browser.find_element(By.ID, "save").click()
            _wait(browser, lambda d: "本页的修改都还在工作台中，没有丢失" in d.find_element(By.ID, "toast").text,
                  message="the failed save did not say what to do")
            assert "磁盘空间不足" in browser.find_element(By.ID, "toast").text
            (disk / "filler").unlink()
            browser.find_element(By.ID, "save").click()
            _wait(browser, lambda d: d.find_element(By.ID, "status").text == "已保存", message="not saved once there was room")
            assert "  short_name: 磁盘满时输入" in (disk / "report.yaml").read_text(encoding="utf-8")
        finally:
            server.stop()
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_the_import_note_and_a_failed_new_report_speak_the_pages_words(browser: Any, served: Background,
                                                                       tmp_path: Path) -> None:
    # Last year's report with no year and a date no one can read: the note names the form's fields.
    source = tmp_path / "去年的报告.txt"
    source.write_text("关于法治政府建设情况的报告\n\n一、主要举措和成效\n（一）规范执法\n"
                      "全年行政机关负责人出庭应诉率100%。\n二、存在的不足和原因\n执法力量不足。\n\n"
                      "某某市某某局\n2025年二月三十五日\n", encoding="utf-8")
    browser.get(served.url)
    browser.get(f"http://127.0.0.1:{served.port}/?start=1")
    browser.find_element(By.ID, "import-file").send_keys(str(source))
    _wait(browser, lambda d: "/edit?file=" in d.current_url and d.find_elements(By.CSS_SELECTOR, "details.note li"),
          seconds=30, message="the imported report did not open with its note")
    items = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "details.note li")]
    assert "未能从标题、正文或落款识别报告年度，请填写“年度”" in items
    assert "落款日期“2025年二月三十五日”无法识别，已略去；请在“成文日期”按 2025-02-20 的形式填写" in items
    assert any("识别出第一责任人履职事实“行政机关负责人出庭应诉”" in i and "已列入“已在正文中写明的事实”" in i for i in items)
    assert not [i for i in items[1:] if "signature" in i or "in_text" in i or "first_responsible" in i]
    # A new report named into a folder that does not exist: what to do here, not -o.
    browser.get(f"http://127.0.0.1:{served.port}/?start=1")
    browser.find_element(By.ID, "new-agency").send_keys("某某市某某局")
    browser.find_element(By.ID, "new-name").send_keys("没有的文件夹/报告.yaml")
    browser.find_element(By.CSS_SELECTOR, "#new-form button[type=submit]").click()
    _wait(browser, lambda d: "不存在" in d.find_element(By.ID, "toast").text, message="no word of the missing folder")
    said = browser.find_element(By.ID, "toast").text
    assert "请先在资源管理器中创建该文件夹，再重试" in said and "文件名也可以只写名字" in said
    assert "用 -o" not in said and not (served.folder / "没有的文件夹").exists()
