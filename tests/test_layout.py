"""The engine's layout rules: what each part of geo/ may import, and how big it may grow."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parents[1] / "geo"

#: The order data flows in; a part may import only parts before it (and itself).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("geo.settings", "geo.vocab", "geo.errors", "geo.access"),
    ("geo.schema",),
    ("geo.io",),
    ("geo.geocoding",),
    ("geo.store",),
    ("geo.extract",),
    ("geo.view",),
    ("geo.render",),
    ("geo.geocode", "geo.ingest", "geo.query"),
)
TOP_LEVEL_LIMIT = 8
LINE_LIMIT = 600


def _part(module: str) -> str:
    """The layer entry a module belongs to: ``geo.io.formats`` -> ``geo.io``."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _rank(part: str) -> int:
    for rank, layer in enumerate(LAYERS):
        if part in layer:
            return rank
    raise AssertionError(f"{part} is in no layer of tests/test_layout.py")


def _module_name(path: Path) -> str:
    relative = path.relative_to(GEO.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


MODULES = sorted(GEO.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GEO)))
def test_imports_flow_one_way_and_never_into_streamlit(path):
    here = _module_name(path)
    wrong = []
    for line, name in _imports(path):
        if name.split(".")[0] in {"streamlit", "streamlit_folium"}:
            wrong.append(f"line {line}: {name} (no Streamlit below app.py and pages/)")
        if name == "geo" or not name.startswith("geo."):
            continue
        if _rank(_part(name)) > _rank(_part(here)):
            wrong.append(f"line {line}: {name} is downstream of {_part(here)}")
    assert not wrong, f"{here}: " + "; ".join(wrong)


def test_few_top_level_modules_and_documented_subpackages():
    top = sorted(p.stem for p in GEO.glob("*.py") if p.stem != "__init__")
    assert len(top) <= TOP_LEVEL_LIMIT, top
    packages = [p for p in GEO.iterdir() if (p / "__init__.py").exists()]
    assert len(packages) >= 4
    for package in packages:
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert doc and "May import" in doc, f"{package.name}/__init__.py says what it may import"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GEO)))
def test_no_module_over_the_line_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LINE_LIMIT, f"{path.relative_to(GEO)}: {lines} lines"
