"""hasim — a high-availability simulator.

Load a model, run a Monte Carlo study, read availability with confidence intervals::

    import hasim
    model = hasim.load_model("models/web-cluster.yaml")
    study = hasim.run_study(model, runs=1000, seed=1)
    study.summary()
"""

from hasim.errors import HasimError, ModelError, Problem
from hasim.model.compile import CompiledModel, load_model, model_from_dict, model_from_yaml
from hasim.results import RunResult, StudyResult
from hasim.runner import run_study

__version__ = "0.1.0"

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
]
