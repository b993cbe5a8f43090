from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# the first call of a numba kernel compiles it or loads it from the cache: no per-example deadline
settings.register_profile("hasim", deadline=None)
settings.load_profile("hasim")

ROOT = Path(__file__).resolve().parent.parent
MODELS = sorted((ROOT / "models").glob("*.yaml"))


@pytest.fixture
def write_model(tmp_path: Path):
    """Write YAML text to a model file in a temporary directory and return its path."""

    def write(text: str, name: str = "model.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


KERNEL_FREE = {"test_analysis.py", "test_exact_linalg.py", "test_exact_semantics.py",
               "test_exact_scale.py", "test_exact_processes_chain.py", "test_loader.py",
               "test_renewal.py", "test_rng.py", "test_units.py", "test_mutate_tool.py",
               "test_hostile_models.py", "test_events.py"}
"""Test files that (mostly) never call the numba kernel."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that need no numba kernel first (those of the SimPy engine, the exact solver,
    the loader): under `make test` the kernel is still compiling in the background meanwhile,
    and a test that calls it waits for it (``HASIM_KERNEL_LOCK``); the order is otherwise
    the files' (a stable sort)."""
    def needs_kernel(item: pytest.Item) -> bool:
        return not ("simpy" in item.nodeid or item.path.name in KERNEL_FREE)

    items.sort(key=needs_kernel)
