"""hasim — a high-availability simulator.

Load a model, run a Monte Carlo study, read availability with confidence intervals::

    import hasim
    model = hasim.load_model("models/web-cluster.yaml")
    study = hasim.run_study(model, runs=1000, seed=1)
    study.summary()

The public names below are imported on first use, so that ``hasim --help`` starts without
loading numpy, pandas or scipy.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()
"""When hasim was first imported (for the start-up time the CLI reports)."""

import importlib  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

__version__ = "0.1.0"

_PUBLIC = {
    "HasimError": "hasim.errors",
    "ModelError": "hasim.errors",
    "Problem": "hasim.errors",
    "CompiledModel": "hasim.model.compile",
    "load_model": "hasim.model.compile",
    "model_from_dict": "hasim.model.compile",
    "model_from_yaml": "hasim.model.compile",
    "RunResult": "hasim.results",
    "StudyResult": "hasim.results",
    "run_study": "hasim.runner",
    "trace": "hasim.runner",
}

__all__ = [
    "CompiledModel",
    "HasimError",
    "ModelError",
    "Problem",
    "RunResult",
    "StudyResult",
    "__version__",
    "load_model",
    "model_from_dict",
    "model_from_yaml",
    "run_study",
    "trace",
]

if TYPE_CHECKING:
    from hasim.errors import HasimError, ModelError, Problem
    from hasim.model.compile import CompiledModel, load_model, model_from_dict, model_from_yaml
    from hasim.results import RunResult, StudyResult
    from hasim.runner import run_study, trace


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hasim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
