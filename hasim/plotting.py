"""Matplotlib figures. Each function takes ``ax=None``, draws, and returns the Axes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from hasim.results import StudyResult

LABELS = {
    "availability": "availability",
    "unavailability": "unavailability",
    "downtime_hours_per_year": "downtime (hours per year)",
    "outages_per_year": "outages per year",
    "mean_outage_hours": "mean outage duration (hours)",
}


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def plot_sweep(frame: pd.DataFrame, metric: str = "downtime_hours_per_year",
               ax: Axes | None = None, label: str | None = None, **style: Any) -> Axes:
    """A metric of a :func:`hasim.analysis.sweep.sweep` against the swept value, with 95% CIs."""
    ax = _axes(ax)
    x = list(frame.index)
    y = frame[metric].to_numpy()
    err = [y - frame[f"{metric}_low"].to_numpy(), frame[f"{metric}_high"].to_numpy() - y]
    ax.errorbar(x, y, yerr=err, marker="o", capsize=4, label=label, **style)
    ax.set_xlabel(frame.index.name)
    ax.set_ylabel(LABELS.get(metric, metric))
    ax.grid(True, alpha=0.3)
    return ax


def plot_downtime_by_component(study: StudyResult, ax: Axes | None = None) -> Axes:
    """Downtime per year attributed to each component type (the cause of each outage)."""
    ax = _axes(ax)
    s = study.summary()
    names = list(study.model.type_names)
    rows = [s.loc[f"downtime_hours_per_year.{n}"] for n in names]
    means = [r["mean"] for r in rows]
    err = [[r["mean"] - r["ci_low"] for r in rows], [r["ci_high"] - r["mean"] for r in rows]]
    ax.barh(names, means, xerr=err, capsize=3)
    ax.set_xlabel("downtime caused (hours per year)")
    ax.invert_yaxis()
    return ax
