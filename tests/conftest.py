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
