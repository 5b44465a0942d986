"""The apps depend one way: `actions` uses `inspections`, never the reverse."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_in_inspections_imports_actions():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "inspections").rglob("*.py")
        if any(name == "actions" or name.startswith("actions.") for name in _imports(path))
    ]
    assert offenders == []


def test_yjtracker_helpers_import_neither_app():
    helpers = ["ids.py", "forms.py"]
    for name in helpers:
        imported = _imports(ROOT / "yjtracker" / name)
        assert not any(n.split(".")[0] in {"actions", "inspections"} for n in imported), name
