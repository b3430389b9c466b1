"""The layers import-linter cannot see: app.py and web.py are single modules beside pages/ (the contracts in
pyproject.toml cover readiness/ and pages/). Like the pages, they get database sessions from ui.py only."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DATABASE_LAYER = ("readiness.core.db", "sqlalchemy", "sqlmodel")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


@pytest.mark.parametrize("script", ["app.py", "web.py"])
def test_the_entry_modules_never_import_the_database_layer(script):
    names = imported(ROOT / script)
    assert names, f"{script} imports nothing: the check reads the wrong file"
    assert not {name for name in names if name.startswith(DATABASE_LAYER)}


def test_the_check_sees_a_database_import():
    assert "readiness.core.db" in imported(ROOT / "ui.py")
