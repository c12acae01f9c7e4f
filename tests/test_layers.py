"""The structure, as rules the code must keep: imports point down, modules stay small.

    matching/   pure: imports nothing from store/, ingest/, cli/, web/, nor sqlite3, typer,
                datasette or the environment
    store/, ingest/   import nothing from cli/ or web/
    screening   the one service: cli/ and web/ screen only through it
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sanctions"
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def name_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module this file imports, absolute ('sanctions.store.schema', 'sqlite3')."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name_of(path) if path.name == "__init__.py" else name_of(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    return found


def layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


FORBIDDEN = {
    "matching": ("sanctions.store", "sanctions.ingest", "sanctions.cli", "sanctions.web",
                 "sanctions.screening", "sqlite3", "typer", "datasette", "os"),
    "store": ("sanctions.cli", "sanctions.web", "sanctions.ingest"),
    "ingest": ("sanctions.cli", "sanctions.web"),
    "sources": ("sanctions.cli", "sanctions.web", "sanctions.store", "sanctions.ingest",
                "sanctions.matching", "sanctions.screening"),
    "screening": ("sanctions.cli", "sanctions.web", "sanctions.ingest"),
}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    banned = FORBIDDEN.get(layer(path), ())
    bad = sorted(m for m in imports(path)
                 if any(m == b or m.startswith(b + ".") for b in banned))
    assert not bad, f"{layer(path)} must not import {bad}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines; split it by job"


def test_surfaces_screen_only_through_the_service() -> None:
    for surface in ("cli", "web"):
        for path in (PACKAGE / surface).rglob("*.py"):
            direct = sorted(m for m in imports(path) if m.startswith("sanctions.matching"))
            assert not direct, f"{path.name} calls the matcher directly: {direct}"


def test_the_rules_can_fail() -> None:
    # The checker itself sees a relative import across layers.
    index = PACKAGE / "store" / "index.py"
    assert "sanctions.matching" in imports(index)
    assert "sanctions.store" in imports(PACKAGE / "store" / "index.py")
