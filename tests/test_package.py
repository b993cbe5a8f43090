"""The package's shape: the public API and the direction of imports (STYLE.md habits 8, 14)."""

from __future__ import annotations

import ast
from pathlib import Path

import hasim

PACKAGE = Path(hasim.__file__).parent
COMMON = ("hasim.model", "hasim.units", "hasim.rng", "hasim.errors", "hasim.events",
          "hasim.limits")
ALLOWED = {
    # module prefix: hasim modules it may import (besides COMMON and the package root)
    "hasim.cli": ("hasim.report", "hasim.output", "hasim.runner", "hasim.engines",
                  "hasim.results", "hasim.analysis"),
    "hasim.report": ("hasim.results", "hasim.plotting", "hasim.analysis"),
    "hasim.plotting": ("hasim.results", "hasim.analysis"),
    # a sweep runs studies
    "hasim.analysis": ("hasim.analysis", "hasim.results", "hasim.runner"),
    "hasim.output": ("hasim.results",),
    "hasim.runner": ("hasim.engines", "hasim.results"),
    "hasim.results": (),
    # engines fill the RunResult container defined beside StudyResult
    "hasim.engines": ("hasim.engines", "hasim.results", "hasim.kernels"),
    "hasim.kernels": ("hasim.kernels",),
    "hasim.model": (),
    "hasim.units": (),
    "hasim.errors": (),
    "hasim.limits": (),
    "hasim.rng": (),
    "hasim.events": (),
}
LEAVES = ("hasim.units", "hasim.errors", "hasim.rng", "hasim.events")
"""Modules that import nothing of hasim; every ``hasim.kernels`` module imports only other
kernel modules (checked below)."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hasim"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("hasim"))
    return out


def test_imports_point_one_way():
    bad = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        if name in ("hasim", "hasim.__main__"):
            continue
        rule = next((v for k, v in ALLOWED.items() if name == k or name.startswith(k + ".")),
                    None)
        assert rule is not None, f"{name} has no import rule in this test"
        leaf = any(name == k for k in LEAVES) or name.startswith("hasim.kernels")
        for imported in _imports(path):
            ok = imported == "hasim" or imported.startswith(rule) if rule else imported == "hasim"
            if not leaf:
                ok = ok or imported.startswith(COMMON)
            if not ok:
                bad.append(f"{name} imports {imported}")
    assert bad == []


def test_public_api():
    for name in hasim.__all__:
        assert getattr(hasim, name) is not None
    assert (PACKAGE / "py.typed").exists()
    assert hasim.__version__
