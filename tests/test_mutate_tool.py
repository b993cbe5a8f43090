"""tools/mutate.py (``make mutate``): the list of mutations stays in step with the code, and the
tool refuses an ``old`` text that does not occur exactly once. Fast: no mutation is run here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_tool():
    spec = importlib.util.spec_from_file_location("hasim_mutate_tool", ROOT / "tools" / "mutate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


mutate = _load_tool()


def test_every_old_text_occurs_exactly_once_in_the_tree():
    mutations = mutate.load()
    assert len(mutations) >= 12
    mutate.check(mutations, ROOT)
    for m in mutations:
        assert (ROOT / m.file).is_file(), m.file
        assert mutate.mutated_source(m, ROOT) != (ROOT / m.file).read_text(encoding="utf-8")


def test_every_listed_test_file_exists():
    for m in mutate.load():
        for t in m.tests:
            path = t.split("::")[0]
            assert (ROOT / path).is_file(), f"{m.id}: no test file {path}"


@pytest.mark.parametrize(("text", "count"), [("a = 1\n", 0), ("x = 1\nx = 1\n", 2)])
def test_old_text_missing_or_twice_is_an_error(text, count):
    with pytest.raises(mutate.MutationError, match=f"occurs {count} times"):
        mutate.replace_once(text, "x = 1", "x = 2")
    assert mutate.replace_once("x = 1\ny = 1\n", "x = 1", "x = 2") == "x = 2\ny = 1\n"


def test_a_mutation_out_of_step_with_the_code_is_an_error(tmp_path):
    (tmp_path / "f.py").write_text("a = 1\na = 1\n")
    listed = tmp_path / "mutations.yaml"
    listed.write_text("- {id: m, file: f.py, old: 'a = 1', new: 'a = 2', tests: [t.py], why: w}\n")
    with pytest.raises(mutate.MutationError, match=r"m \(f\.py\).*occurs 2 times"):
        mutate.check(mutate.load(listed), tmp_path)
    with pytest.raises(mutate.MutationError, match="cannot read"):
        mutate.check(mutate.load(listed), tmp_path / "elsewhere")


@pytest.mark.parametrize("item", [
    "{id: m, file: f.py, old: a, new: b, tests: [t.py]}",  # no why
    "{id: m, file: f.py, old: a, new: b, tests: [t.py], why: w, extra: 1}",
    "{id: m, file: f.py, old: a, new: b, tests: [], why: w}",
    "{id: m, file: f.py, old: a, new: a, tests: [t.py], why: w}",
])
def test_malformed_lists_are_errors(tmp_path, item):
    listed = tmp_path / "mutations.yaml"
    listed.write_text(f"- {item}\n")
    with pytest.raises(mutate.MutationError):
        mutate.load(listed)
    listed.write_text(f"- {item}\n" * 2)
    with pytest.raises(mutate.MutationError):
        mutate.load(listed)


def test_outcomes_from_pytest_exit_status():
    out = "F\nFAILED tests/test_x.py::test_y - assert 1 == 2\n1 failed in 0.1s\n"
    killed = mutate.classify(1, out, 1.0)
    assert (killed.status, killed.detail) == ("killed", "tests/test_x.py::test_y")
    spaced = mutate.classify(1, "FAILED tests/t.py::test_v[standby cold]\n", 1.0)
    assert spaced.detail == "tests/t.py::test_v[standby cold]"
    assert mutate.classify(0, "1 passed", 1.0).status == "survived"
    assert mutate.classify(2, "ERROR collecting", 1.0).status == "error"
    assert mutate.classify(None, "", 600.0).detail == "timeout"


def test_the_copy_leaves_out_caches_and_hidden_entries(tmp_path):
    src = tmp_path / "src"
    for rel in ("hasim/a.py", "hasim/__pycache__/a.pyc", ".git/HEAD", "tests/t.py",
                "pkg.egg-info/PKG-INFO", ".hypothesis/x", "pyproject.toml"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("x")
    mutate.copy_project(src, tmp_path / "dst")
    copied = sorted(p.relative_to(tmp_path / "dst").as_posix()
                    for p in (tmp_path / "dst").rglob("*") if p.is_file())
    assert copied == ["hasim/a.py", "pyproject.toml", "tests/t.py"]
