"""What-if sweeps: one key of the model varied, a study per value, results side by side."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

from hasim.model.compile import CompiledModel, load_model, model_from_dict
from hasim.model.variants import set_path
from hasim.results import StudyResult

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("availability", "unavailability", "downtime_hours_per_year", "outages_per_year",
           "mean_outage_hours")


def label(value: Any) -> Hashable:
    """How a swept value names its row: itself when hashable (a number, a duration such as
    ``"90s"``), else its YAML flow form (a law block ``{"fixed": "90s"}`` → ``"{fixed: 90s}"``)."""
    if isinstance(value, Hashable):
        return value
    import yaml

    return str(yaml.safe_dump(value, default_flow_style=True, sort_keys=False)).strip()


def variant(model: CompiledModel, path: str, value: Any) -> CompiledModel:
    """``model`` with the value at key ``path`` (e.g. ``components.app.count``) replaced.

    ``value`` is written as in a model file and validated as such. For a law (``failure``,
    ``repair``, ``detection``, ``response``, ``switchover``, …) it is a law block such as
    ``{"fixed": "90s"}`` or ``{"weibull": {"shape": 2, "mean": "1000h"}}``, or a bare duration
    such as ``"90s"``, which means an **exponential** law with that mean (not a fixed delay).
    """
    return model_from_dict(set_path(model.spec.to_data(), path, value),
                           source=f"{model.source or '<model>'} with {path}={label(value)}")


def sweep(model: CompiledModel | str, path: str, values: Iterable[Any], runs: int = 1000,
          seed: int = 0, run: Callable[..., StudyResult] | None = None,
          **study_options: Any) -> pd.DataFrame:
    """Run one study per value of ``path`` and return one row per value.

    Each value is written as in a model file (see :func:`variant`): for a law, a law block
    (``{"fixed": "90s"}``, ``{"lognormal": {"mean": "6h", "cv": 0.8}}``) or a bare duration,
    which is an exponential law with that mean.

    The same seed is used for every value: units that exist in every variant live the same
    lives (common random numbers), so differences between rows are sharper than the CIs of
    each row suggest.

    Returns
    -------
    DataFrame indexed by value (a law block by its YAML flow form, see :func:`label`), with
    ``<metric>``, ``<metric>_low`` and ``<metric>_high`` (95% CI) for availability,
    unavailability, downtime hours per year, outages per year and mean outage hours; the
    studies are in ``frame.attrs["studies"]``, keyed like the index.
    """
    import pandas as pd

    if isinstance(model, str):
        model = load_model(model)
    if run is None:
        from hasim.runner import run_study

        run = run_study
    rows = []
    studies = {}
    for value in values:
        study = run(variant(model, path, value), runs=runs, seed=seed, **study_options)
        key = label(value)
        studies[key] = study
        s = study.summary()
        row: dict[str, Any] = {path: key}
        for col in COLUMNS:
            row[col] = s.loc[col, "mean"]
            row[f"{col}_low"] = s.loc[col, "ci_low"]
            row[f"{col}_high"] = s.loc[col, "ci_high"]
        rows.append(row)
    frame = pd.DataFrame(rows).set_index(path)
    frame.attrs["studies"] = studies
    return frame

