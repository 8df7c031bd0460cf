"""The map in docs/architecture.md matches the code: every module is on it, the modules import
each other without a cycle, and no step reaches sideways into another inside a function."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "authoring"
MAP = ROOT / "docs" / "architecture.md"

# The entry layer: the modules that run jobs and may load a step only when a job needs it (a cold
# `authoring render` loads no reader, importer or comparer; `--help` loads no step at all): these,
# and every module the map's table puts in the entry layer (a command's run, cli_check.py; the
# files the jobs write, outputs.py), which load what a job needs only when it runs.
ENTRY = {"authoring.__main__", "authoring.cli", "authoring.crash", "authoring.main", "authoring.batch"}
ENTRY |= {"authoring." + path.replace("/", ".") for layer, path in
          re.findall(r"^\| (\w+) \| `([\w/]+)\.py` \|", MAP.read_text(encoding="utf-8"), re.M) if layer == "entry"}
ENTRY_PACKAGES = ("authoring.web.",)


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _targets(module: str, node: ast.Import | ast.ImportFrom, known: dict[str, Path]) -> set[str]:
    """The project modules an import statement loads (`from authoring.x import y` names x, or the
    module x.y where y is one)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = module.split(".")
        if node.level:
            package = base if known[module].name == "__init__.py" else base[:-1]
            base = package[: len(package) - node.level + 1]
            name = ".".join(base + ([node.module] if node.module else []))
        else:
            name = node.module or ""
        names = [f"{name}.{a.name}" for a in node.names if f"{name}.{a.name}" in known] or [name]
    return {n for n in names if n in known and n != module}


def _imports(module: str, path: Path, known: dict[str, Path]) -> tuple[set[str], list[tuple[int, str]]]:
    """(what the module imports when it is loaded, [(line, module) imported inside a function])."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    inner: list[tuple[int, str]] = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue  # for the type checker only: never loaded
        for sub in ast.walk(node):
            if not isinstance(sub, (ast.Import, ast.ImportFrom)):
                continue
            in_function = any(
                isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub in ast.walk(f)
                for f in ast.walk(node)
            )
            targets = _targets(module, sub, known)
            if in_function:
                inner += [(sub.lineno, t) for t in sorted(targets)]
            else:
                top |= targets
    return top, inner


@pytest.fixture(scope="module")
def graph() -> dict[str, tuple[set[str], list[tuple[int, str]]]]:
    known = _modules()
    return {m: _imports(m, p, known) for m, p in known.items()}


def test_every_module_is_on_the_map() -> None:
    """The map's table of modules names every module by its file (`docx/body.py`, `html.py`)."""
    named = set(re.findall(r"[\w/]+\.py", MAP.read_text(encoding="utf-8")))
    missing = [str(path.relative_to(PACKAGE)) for module, path in _modules().items()
               if path.name not in ("__init__.py", "__main__.py")
               and path.relative_to(PACKAGE).as_posix() not in named]
    assert missing == [], f"docs/architecture.md does not name: {', '.join(missing)}"


def test_the_map_names_no_module_that_is_gone() -> None:
    """Each module has one row in the table, and every file the map names is there: a module
    split, moved or removed takes its row and its mentions with it."""
    text = MAP.read_text(encoding="utf-8")
    rows = [path for _, path in re.findall(r"^\| (\w+) \| `([\w/]+)\.py` \|", text, re.M)]
    assert sorted(p for p in set(rows) if rows.count(p) > 1) == [], "modules with two rows"
    gone = sorted(name for name in set(re.findall(r"(?<![\w/<>*.])[\w/]+\.py\b", text))
                  if not (PACKAGE / name).is_file() and not (ROOT / name).is_file())
    assert gone == [], f"docs/architecture.md names files that are not there: {', '.join(gone)}"


def _main_api() -> set[str]:
    """What authoring.main offers: its public functions and the names it re-exports from
    outputs.py and userfiles.py (the files the jobs write)."""
    tree = ast.parse((PACKAGE / "main.py").read_text(encoding="utf-8"))
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in ("authoring.outputs", "authoring.userfiles"):
            names |= {a.asname or a.name for a in node.names if a.name[0].islower() and a.name.upper() != a.name}
    return names


def test_the_map_lists_every_function_of_the_public_api() -> None:
    """docs/architecture.md's tables of `authoring.main` name each of its functions, and only those."""
    listed = set(re.findall(r"^\| `(\w+)\(", MAP.read_text(encoding="utf-8"), re.M))
    api = _main_api()
    assert sorted(api - listed) == [], "functions of authoring.main the map does not list"
    assert sorted(listed - api) == [], "functions the map lists that authoring.main does not have"


def test_the_modules_import_each_other_without_a_cycle(graph: dict[str, tuple[set[str], list[tuple[int, str]]]]) -> None:
    edges = {m: top for m, (top, _) in graph.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def walk(m: str) -> None:
        state[m] = 1
        path.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                cycles.append(path[path.index(t):] + [t])
            elif t not in state:
                walk(t)
        path.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            walk(m)
    assert cycles == [], "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_no_step_imports_another_inside_a_function(graph: dict[str, tuple[set[str], list[tuple[int, str]]]]) -> None:
    """A step that needs another imports it at the top, where the map (and a cycle) shows; only
    the entry layer defers loading a step to the job that needs it."""
    sideways = [
        f"{m}:{line} imports {t}"
        for m, (_, inner) in sorted(graph.items())
        if m not in ENTRY and not m.startswith(ENTRY_PACKAGES)
        for line, t in inner
    ]
    assert sideways == []


def test_the_steps_do_not_call_up_into_the_entry_layer(graph: dict[str, tuple[set[str], list[tuple[int, str]]]]) -> None:
    up = [
        f"{m} imports {t}"
        for m, (top, inner) in sorted(graph.items())
        if m not in ENTRY and not m.startswith(ENTRY_PACKAGES)
        for t in sorted(top | {t for _, t in inner})
        if t in ENTRY or t.startswith(ENTRY_PACKAGES)
    ]
    assert up == []


# The map's layers, top to bottom: a module imports only modules of its own layer or below. The
# files helpers sit beside the steps (fileio reads the .docx stamp; load gives inputs its size limit).
RANK = {"entry": 3, "step": 2, "docx": 2, "files": 2, "model": 1, "facts": 1, "base": 1}


def _layers() -> dict[str, str]:
    """module → its layer, from the table of modules in docs/architecture.md."""
    rows = re.findall(r"^\| (\w+) \| `([\w/]+)\.py` \|", MAP.read_text(encoding="utf-8"), re.M)
    return {"authoring." + path.replace("/", "."): layer for layer, path in rows}


def test_no_module_imports_one_above_it_on_the_map(graph: dict[str, tuple[set[str], list[tuple[int, str]]]]) -> None:
    layers = _layers()
    assert set(layers.values()) <= set(RANK), set(layers.values()) - set(RANK)
    up = [
        f"{m} ({layers[m]}) imports {t} ({layers[t]})"
        for m, (top, inner) in sorted(graph.items()) if m in layers
        for t in sorted(top | {t for _, t in inner}) if t in layers and RANK[layers[t]] > RANK[layers[m]]
    ]
    assert up == []
