"""A plain `pip install .` (a wheel, not an editable install) must carry templates and schemas."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{done.stdout}\n{done.stderr}")
    (path,) = out.glob("authoring-*.whl")
    return path


def test_wheel_carries_templates_schemas_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"authoring/templates/{p.relative_to(ROOT / 'templates').as_posix()}" for p in (ROOT / "templates").rglob("*") if p.is_file()}
    shipped |= {f"authoring/schemas/{p.name}" for p in (ROOT / "schemas").iterdir()}
    shipped |= {f"authoring/data/{p.name}" for p in (ROOT / "authoring" / "data").glob("*.yaml")}
    assert shipped - names == set()


def test_installed_wheel_renders_away_from_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)], check=True)
    example = ROOT / "examples" / "changzhou-cgj-2024.yaml"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import authoring.resources as r\n"
        "assert r.templates_dir().parent.name == 'authoring', r.templates_dir()\n"
        "from authoring.main import build_blocks\n"
        "from authoring.schema import json_schema\n"
        "blocks = build_blocks(sys.argv[2]).blocks\n"
        "print(r.templates_dir().is_relative_to(sys.argv[1]), len(blocks) > 20, 'properties' in json_schema())\n"
    )
    # Run from an empty folder so that the checkout's own package and templates cannot be picked up.
    done = subprocess.run([sys.executable, "-c", script, str(site), str(example)], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]


def test_the_wheel_carries_the_workbench_pages_scripts_and_styles(wheel: Path, tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    web = ROOT / "authoring" / "web"
    shipped = {f"authoring/web/{p.relative_to(web).as_posix()}" for p in web.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped - names == set()
    # Installed away from the checkout, the page and its script are served from the package.
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)], check=True)
    script = (
        "import sys, shutil; sys.path.insert(0, sys.argv[1])\n"
        "import warnings; warnings.simplefilter('ignore')\n"
        "from pathlib import Path\n"
        "from starlette.testclient import TestClient\n"
        "from authoring.web.app import Config, build_app\n"
        "from authoring.web.security import Folders\n"
        "import authoring.web.app as a; assert Path(a.__file__).is_relative_to(sys.argv[1])\n"
        "shutil.copy(sys.argv[2], 'r.yaml')\n"
        "c = TestClient(build_app(Config(Folders(['.']), 't', 9, report=Path('r.yaml').resolve())), base_url='http://127.0.0.1:9')\n"
        "h = {'x-authoring-token': 't'}\n"
        "page = c.get('/edit?file=r.yaml', headers=h)\n"
        "js = c.get('/static/editor.js', headers=h)\n"
        "print(page.status_code, '常州市城市管理局' in page.text, js.status_code, 'sendBeacon' in js.text)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(site), str(ROOT / "examples" / "changzhou-cgj-2024.yaml")],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "True", "200", "True"]
