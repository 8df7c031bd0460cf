"""Take the screenshots of docs/workbench.md: the workbench served on a copy of the largest
example, driven in Debian's headless chromium (Selenium), as a clerk sees it in a browser window of 1366 × 900.

    python docs/workbench/screenshots.py            # writes docs/workbench/*.png

Needs the test extra (selenium) and /usr/bin/chromium + /usr/bin/chromedriver. Not a test: it
asserts only that each page shows what its picture is about, so that a broken page is not
pictured silently.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from authoring.web.form import path_key  # noqa: E402
from authoring.web.server import Background  # noqa: E402

EXAMPLE = ROOT / "examples" / "chuxiong-zhzf-2024.yaml"
CORPUS = Path("/work/shared/corpus")
SIZE = (1366, 900)


def wait(driver: Any, condition: Callable[[Any], Any], what: str, seconds: float = 30) -> Any:
    """Wait for the page to show `what`, or stop with that said."""
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,)).until(condition)
    except Exception:
        raise SystemExit(f"the page did not show {what}") from None


def preview_text(driver: Any) -> str:
    return str(driver.execute_script(
        "const d = document.getElementById('preview').contentDocument; return d && d.body ? d.body.innerText : '';"))


def field(driver: Any, path: tuple) -> Any:
    return driver.find_element(By.CSS_SELECTOR, f"[data-edit='set'][data-path='{path_key(path)}']")


def scroll_form_to(driver: Any, element: Any) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); "
                          "document.getElementById('form-pane').scrollTop -= 12;", element)
    time.sleep(0.3)


def shoot(driver: Any, name: str) -> None:
    time.sleep(0.4)  # let the last repaint land
    target = HERE / f"{name}.png"
    driver.save_screenshot(str(target))
    print(f"wrote {target.relative_to(ROOT)}")


def browser(profile: Path, downloads: Path) -> Any:
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                 f"--window-size={SIZE[0]},{SIZE[1]}", f"--user-data-dir={profile}", "--lang=zh-CN"):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    driver.set_window_size(*SIZE)
    return driver


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "法治报告"
        folder.mkdir()
        shutil.copy(EXAMPLE, folder / "report-2024.yaml")
        driver = browser(Path(tmp) / "profile", Path(tmp) / "downloads")
        served = Background(folder, None)
        try:
            # 首页
            driver.get(served.url)
            wait(driver, lambda d: "新建报告" in d.find_element(By.TAG_NAME, "body").text, "the start page")
            driver.find_element(By.ID, "new-agency").send_keys("某市城市管理局")
            shoot(driver, "start")

            # 新建报告: the blank report, as pages at once
            driver.find_element(By.CSS_SELECTOR, "#new-form button[type=submit]").click()
            wait(driver, lambda d: "edit?file=report-" in d.current_url, "the new report")
            wait(driver, lambda d: "某市城市管理局关于" in preview_text(d).replace("\n", ""), "the new report's pages")
            shoot(driver, "new")

            # 起草 with the pages beside it
            driver.get(f"http://127.0.0.1:{served.port}/edit?file=report-2024.yaml")
            wait(driver, lambda d: "楚雄市综合行政执法局关于2024年度" in preview_text(d).replace("\n", ""), "the preview")
            shoot(driver, "editor")
            driver.find_element(By.CSS_SELECTOR, "#preview-fonts summary").click()
            wait(driver, lambda d: "正文" in d.find_element(By.CSS_SELECTOR, "#preview-fonts tbody").text, "the fonts")
            shoot(driver, "fonts")
            driver.find_element(By.CSS_SELECTOR, "#preview-fonts summary").click()

            # entries: move, delete, 一是、二是
            entry = driver.find_element(By.CSS_SELECTOR, f"article.entry[data-path='{path_key(('achievements', 1))}']")
            scroll_form_to(driver, entry)
            shoot(driver, "entries")

            # 第一责任人: the duties' facts, named as the 规定 names them
            facts = driver.find_element(By.CSS_SELECTOR, f"[data-edit-choices='{path_key(('first_responsible', 'duties', 0, 'facts'))}']")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", facts)
            shown = facts.text
            if "研究法治建设的会议" not in shown or "meetings" in shown:
                raise SystemExit("the duty's facts are not named in Chinese")
            shoot(driver, "first-responsible")

            # a problem beside its field, and in the list above the form
            value = field(driver, ("figures", "licenses"))
            scroll_form_to(driver, value)
            value.clear()
            value.send_keys("九百")
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#problems li.error"), "the problem")
            driver.execute_script("document.getElementById('form-pane').scrollTop = 0")
            time.sleep(0.2)
            row = driver.find_element(By.CSS_SELECTOR, f"tr[data-path='{path_key(('figures', 'licenses'))}']")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
            shoot(driver, "error")
            value = field(driver, ("figures", "licenses"))
            value.clear()
            value.send_keys("917")
            wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "#problems li.error"), "the problem gone")

            # YAML
            driver.find_element(By.CSS_SELECTOR, "[data-tab='yaml']").click()
            time.sleep(0.3)
            shoot(driver, "yaml")
            driver.find_element(By.CSS_SELECTOR, "[data-tab='form']").click()

            # Deliver: the Word file made and downloaded
            driver.find_element(By.CSS_SELECTOR, "[data-deliver='docx']").click()
            wait(driver, lambda d: "已生成" in d.find_element(By.ID, "toast").text, "the Word file made")
            shoot(driver, "deliver")

            # 检查: several reports, one row each, one opened
            driver.get(f"http://127.0.0.1:{served.port}/check")
            files = [folder / "report-2024.yaml"] + [p for p in sorted(CORPUS.glob("*.txt"))[:3]]
            driver.find_element(By.ID, "check-files").send_keys("\n".join(str(f) for f in files))
            wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.file-row")) == len(files), "every row", 120)
            shoot(driver, "check")
        finally:
            served.stop()
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
