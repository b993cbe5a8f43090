"""Every bundled model loads cleanly, matches the JSON Schema and runs (STYLE.md habit 11)."""

from __future__ import annotations

import jsonschema
import numpy as np
import pytest
import yaml

import hasim
from hasim.model.schema import json_schema

from .conftest import MODELS


def test_the_default_model_is_bundled():
    assert "web-cluster.yaml" in {p.name for p in MODELS}
    assert len(MODELS) >= 4


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_bundled_model(path):
    text = path.read_text()
    assert text.startswith("#"), "each model starts with a comment stating its design question"
    jsonschema.validate(yaml.safe_load(text), json_schema())
    m = hasim.load_model(path)
    assert m.warnings == ()
    s = hasim.run_study(m, runs=20, seed=1, workers=1)
    assert s.events > 0
    assert np.all((s.availability > 0) & (s.availability <= 1))
