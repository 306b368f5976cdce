"""The floors never point up: read the imports of every module of the project.

- no import cycle between modules (imports inside functions and under
  ``TYPE_CHECKING`` count too: a cycle held together by them is still a cycle);
- no package imports a package above it or beside it:
  ``core`` < ``index``, ``nlp`` < ``ingest``, ``legal`` < ``api`` < ``cli``.

The checker is tested on a small tree of its own, so it is known to catch both.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

LAYERS: dict[str, int] = {"core": 0, "index": 1, "nlp": 1, "ingest": 2, "legal": 2, "api": 3, "cli": 4}


@dataclass(frozen=True)
class Import:
    source: str  # module that imports
    target: str  # project module imported
    line: int
    type_only: bool  # under `if TYPE_CHECKING:`


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, packages: list[str]) -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            modules[module_name(root, path)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit_stmt(stmt, True)
                for stmt in child.orelse:
                    visit_stmt(stmt, type_only)
                continue
            visit_stmt(child, type_only)

    def visit_stmt(node: ast.AST, type_only: bool) -> None:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _resolve(name, modules)
            if target is not None and target != module:
                found.append(Import(module, target, getattr(node, "lineno", 0), type_only))
        if not isinstance(node, ast.Import | ast.ImportFrom):
            visit(node, type_only)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), False)
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0

    def strong(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                strong(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            strong(node)
    return sorted(result)


REPO_ROOT = Path(__file__).resolve().parents[1]


def _graph(root: Path) -> tuple[list[Import], dict[str, set[str]]]:
    modules = project_modules(root, [p for p in LAYERS if (root / p).is_dir()])
    found = [imp for module, path in modules.items() for imp in imports_of(module, path, modules)]
    edges: dict[str, set[str]] = {module: set() for module in modules}
    for imp in found:
        edges[imp.source].add(imp.target)
    return found, edges


def upward(found: list[Import]) -> list[str]:
    """Imports of a package above or beside the importer's (same package is fine)."""
    wrong = []
    for imp in found:
        source, target = imp.source.split(".")[0], imp.target.split(".")[0]
        if source != target and LAYERS[target] >= LAYERS[source]:
            wrong.append(f"{imp.source}:{imp.line} imports {imp.target}")
    return sorted(wrong)


def test_no_module_imports_a_package_above_it() -> None:
    found, _ = _graph(REPO_ROOT)
    assert len(found) > 300  # the whole project was read
    assert upward(found) == []


def test_no_import_cycle_between_modules() -> None:
    _, edges = _graph(REPO_ROOT)
    assert cycles(edges) == []


def test_core_imports_only_itself() -> None:
    found, _ = _graph(REPO_ROOT)
    assert {imp.target.split(".")[0] for imp in found if imp.source.split(".")[0] == "core"} == {"core"}


def test_the_checker_sees_cycles_and_upward_imports(tmp_path: Path) -> None:
    files = {
        "core/__init__.py": "",
        "core/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from core.b import B\n",
        "core/b.py": "def f():\n    from core import a\n",
        "index/__init__.py": "",
        "index/c.py": "from . import d\n",
        "index/d.py": "import core.a\n",
        "api/__init__.py": "",
        "api/e.py": "from index.c import thing\nimport cli.x\n",
        "cli/__init__.py": "",
        "cli/x.py": "from api import e\n",
        "nlp/__init__.py": "",
        "nlp/f.py": "from index import c\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found, edges = _graph(tmp_path)
    assert cycles(edges) == [["api.e", "cli.x"], ["core.a", "core.b"]]
    assert upward(found) == ["api.e:2 imports cli.x", "nlp.f:1 imports index.c"]
    assert Import("index.c", "index.d", 1, False) in found
