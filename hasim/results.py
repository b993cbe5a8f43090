"""Results: per-replication arrays (:class:`RunResult`) and a study (:class:`StudyResult`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hasim.units import HOURS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

    from hasim.model.compile import CompiledModel

CONFIDENCE = 0.95
PERCENTILES = (50, 90, 99)


@dataclass(frozen=True)
class RunResult:
    """Records of a block of replications (built by :func:`hasim.engines.records.build_result`).

    Per replication (one array entry each; ``…_by_type`` and ``crew_busy_hours`` are runs ×
    types or crews): downtime, outages, the start of the first outage, counts and levels.
    Episodes (outages now; planned outages, restores, data losses later) are stored flat, in
    time order within each replication: ``episode_kind[j]`` (:class:`hasim.events.Episode`) in
    replication ``episode_replication[j]`` from ``episode_start[j]`` to ``episode_end[j]``,
    caused by unit ``episode_cause_unit[j]`` of type ``episode_cause_type[j]`` (-1: none), with
    an amount (an outage's: its length in hours). An outage still open at the end of the
    mission is cut there; one of zero length is not an outage.
    """

    replication: np.ndarray
    downtime_hours: np.ndarray
    outages: np.ndarray
    first_failure_hours: np.ndarray
    """Start of the first outage; NaN when the system did not fail within the mission."""
    events: np.ndarray
    """Model events simulated: failures, detections (of units and by standby health checks),
    repair starts, repair completions and switchover attempts before the end of the mission."""
    failures: np.ndarray
    detections: np.ndarray
    repairs: np.ndarray
    """Completed repairs."""
    switchovers: np.ndarray
    """Switchover attempts (a spare was up and was tried)."""
    switchovers_failed: np.ndarray
    """Attempts that failed (imperfect coverage)."""
    failures_by_type: np.ndarray
    downtime_by_type: np.ndarray
    """Hours of system downtime attributed to each component type (runs × types): the type of
    the unit whose loss took the system down."""
    crew_busy_hours: np.ndarray
    """Hours each crew spent responding and repairing, summed over its members (runs × crews)."""
    episode_replication: np.ndarray
    episode_kind: np.ndarray
    episode_start: np.ndarray
    episode_end: np.ndarray
    episode_amount: np.ndarray
    episode_cause_unit: np.ndarray
    episode_cause_type: np.ndarray

    @property
    def runs(self) -> int:
        return len(self.replication)

    @property
    def _outage(self) -> np.ndarray:
        return self.episode_kind == 0  # Episode.OUTAGE

    @property
    def outage_replication(self) -> np.ndarray:
        return self.episode_replication[self._outage]

    @property
    def outage_start(self) -> np.ndarray:
        return self.episode_start[self._outage]

    @property
    def outage_hours(self) -> np.ndarray:
        return self.episode_amount[self._outage]

    @property
    def outage_cause_unit(self) -> np.ndarray:
        return self.episode_cause_unit[self._outage]

    @property
    def outage_cause_type(self) -> np.ndarray:
        return self.episode_cause_type[self._outage]

    @staticmethod
    def concat(parts: list[RunResult]) -> RunResult:
        """Join blocks of replications, in the order given."""
        return RunResult(**{f: np.concatenate([getattr(p, f) for p in parts])
                            for f in RunResult.__dataclass_fields__})


def _t(n: int) -> float:
    from scipy.special import stdtrit

    return float(stdtrit(n - 1, 0.5 + CONFIDENCE / 2)) if n > 1 else math.nan


def mean_ci(x: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, standard error and the Student-t confidence interval of the mean."""
    n = len(x)
    if n == 0:
        return (math.nan,) * 4
    mean = float(np.mean(x))
    se = float(np.std(x, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    h = _t(n) * se
    return mean, se, mean - h, mean + h


def ratio_ci(y: np.ndarray, x: np.ndarray) -> tuple[float, float, float, float]:
    """Ratio of sums ``sum(y) / sum(x)`` with a delta-method standard error."""
    n = len(x)
    if n == 0 or x.sum() == 0:
        return (math.nan,) * 4
    r = float(y.sum() / x.sum())
    if n < 2:
        return r, math.nan, math.nan, math.nan
    se = float(np.std(y - r * x, ddof=1) / (math.sqrt(n) * x.mean()))
    h = _t(n) * se
    return r, se, r - h, r + h


def quantile_ci(x: np.ndarray, q: float) -> tuple[float, float, float, float]:
    """Sample quantile with a distribution-free confidence interval.

    The interval runs between the order statistics whose ranks bound the binomial(n, q) count
    of runs below the quantile (normal approximation of the binomial).
    """
    n = len(x)
    if n == 0:
        return (math.nan,) * 4
    s = np.sort(x)
    est = float(np.quantile(s, q))
    z = 1.959963984540054
    spread = z * math.sqrt(n * q * (1 - q))
    lo = math.floor(n * q - spread)
    hi = math.ceil(n * q + spread)
    low = float(s[lo - 1]) if lo >= 1 else math.nan
    high = float(s[hi]) if hi < n else math.nan
    return est, math.nan, low, high


def nines(availability: float) -> float:
    """Number of nines: -log10(1 - A) (inf for A = 1)."""
    if availability >= 1.0:
        return math.inf
    return -math.log10(1.0 - availability)


@dataclass(frozen=True)
class StudyResult:
    """The outcome of a Monte Carlo study: every replication and how it was produced."""

    model: CompiledModel = field(repr=False)
    runs: RunResult = field(repr=False)
    seed: int
    engine: str
    elapsed_s: float
    """Wall time of the simulation itself (start-up and model loading excluded)."""
    workers: int = 1
    setup_s: float = 0.0
    """Time spent before simulating: compiling the numba kernel or loading it from the cache."""

    @property
    def n_runs(self) -> int:
        return self.runs.runs

    @property
    def events(self) -> int:
        return int(self.runs.events.sum())

    @property
    def mission(self) -> float:
        return self.model.mission

    @property
    def availability(self) -> np.ndarray:
        return 1.0 - self.runs.downtime_hours / self.mission

    def to_frame(self) -> pd.DataFrame:
        """One row per replication: availability, downtime, outages, attribution, crews."""
        import pandas as pd

        r = self.runs
        data: dict[str, Any] = {
            "replication": r.replication,
            "availability": self.availability,
            "downtime_hours": r.downtime_hours,
            "outages": r.outages,
            "first_failure_hours": r.first_failure_hours,
            "events": r.events,
            "failures": r.failures,
            "switchovers": r.switchovers,
            "switchovers_failed": r.switchovers_failed,
        }
        for t, name in enumerate(self.model.type_names):
            data[f"downtime_hours.{name}"] = r.downtime_by_type[:, t]
        for t, name in enumerate(self.model.type_names):
            data[f"failures.{name}"] = r.failures_by_type[:, t]
        for c, name in enumerate(self.model.crew_names):
            size = self.model.crew_size[c]
            data[f"crew_utilisation.{name}"] = r.crew_busy_hours[:, c] / (size * self.mission)
        return pd.DataFrame(data).set_index("replication")

    def outages_frame(self) -> pd.DataFrame:
        """One row per outage: replication, start and duration in hours, the unit whose loss
        caused it (``cause_unit``, e.g. ``db[0]``) and its component type (``cause``)."""
        import pandas as pd

        r = self.runs
        labels = np.array([*self.model.unit_labels, ""], dtype=object)
        types = np.array([*self.model.type_names, ""], dtype=object)
        return pd.DataFrame({"replication": r.outage_replication,
                             "start_hours": r.outage_start,
                             "duration_hours": r.outage_hours,
                             "cause_unit": labels[r.outage_cause_unit],
                             "cause": types[r.outage_cause_type]})

    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors and 95% confidence intervals, one row per metric.

        Rows: ``availability``, ``unavailability``, ``nines``, ``downtime_hours`` (per mission),
        ``downtime_hours_per_year``, ``outages``, ``outages_per_year``, ``mean_outage_hours``
        (total downtime / total outages, delta-method CI), ``p_system_failure`` (probability of
        at least one outage within the mission), ``first_failure_hours`` (mean over the runs
        that failed), ``downtime_hours_per_year.<component>`` (attribution),
        ``switchovers_per_year``, ``switchovers_failed_per_year``, ``failures_per_year`` and
        ``failures_per_year.<component>``,
        ``crew_utilisation.<crew>``, and ``downtime_hours_p50/p90/p99`` (percentiles of
        per-run downtime; their ``mean`` column holds the percentile and the CI comes from
        order statistics, with no standard error).
        """
        import pandas as pd

        r = self.runs
        per_year = HOURS_PER_YEAR / self.mission
        rows: dict[str, tuple[float, float, float, float]] = {}
        a = mean_ci(self.availability)
        rows["availability"] = a
        m, se, lo, hi = a
        rows["unavailability"] = (1 - m, se, 1 - hi, 1 - lo)
        rows["nines"] = (nines(m), math.nan, nines(lo), nines(hi))
        d = mean_ci(r.downtime_hours)
        rows["downtime_hours"] = d
        rows["downtime_hours_per_year"] = tuple(v * per_year for v in d)  # type: ignore[assignment]
        o = mean_ci(r.outages.astype(float))
        rows["outages"] = o
        rows["outages_per_year"] = tuple(v * per_year for v in o)  # type: ignore[assignment]
        rows["mean_outage_hours"] = ratio_ci(r.downtime_hours, r.outages.astype(float))
        failed = ~np.isnan(r.first_failure_hours)
        rows["p_system_failure"] = mean_ci(failed.astype(float))
        rows["first_failure_hours"] = mean_ci(r.first_failure_hours[failed])
        for t, name in enumerate(self.model.type_names):
            v = mean_ci(r.downtime_by_type[:, t])
            rows[f"downtime_hours_per_year.{name}"] = tuple(x * per_year for x in v)  # type: ignore[assignment]
        for name, x in (("switchovers_per_year", r.switchovers),
                        ("switchovers_failed_per_year", r.switchovers_failed),
                        ("failures_per_year", r.failures)):
            rows[name] = tuple(v * per_year for v in mean_ci(x.astype(float)))  # type: ignore[assignment]
        for t, name in enumerate(self.model.type_names):
            v = mean_ci(r.failures_by_type[:, t].astype(float))
            rows[f"failures_per_year.{name}"] = tuple(x * per_year for x in v)  # type: ignore[assignment]
        for c, name in enumerate(self.model.crew_names):
            cap = self.model.crew_size[c] * self.mission
            rows[f"crew_utilisation.{name}"] = mean_ci(r.crew_busy_hours[:, c] / cap)
        for q in PERCENTILES:
            rows[f"downtime_hours_p{q}"] = quantile_ci(r.downtime_hours, q / 100)
        frame = pd.DataFrame.from_dict(rows, orient="index",
                                       columns=["mean", "stderr", "ci_low", "ci_high"])
        frame.index.name = "metric"
        return frame

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data (the ``--json`` output of ``hasim run``)."""
        from hasim import __version__

        s = self.summary()

        def num(x: float) -> float | None:
            return None if math.isnan(x) else (x if math.isfinite(x) else None)

        def row(name: str) -> dict[str, float | None]:
            return {k: num(float(v)) for k, v in s.loc[name].items()}

        return {
            "model": self.model.name,
            "hasim_version": __version__,
            "engine": self.engine,
            "seed": self.seed,
            "runs": self.n_runs,
            "workers": self.workers,
            "mission_hours": self.mission,
            "events": self.events,
            "elapsed_s": self.elapsed_s,
            "availability": row("availability"),
            "unavailability": row("unavailability"),
            "nines": num(float(s.loc["nines", "mean"])),
            "downtime_hours_per_year": num(float(s.loc["downtime_hours_per_year", "mean"])),
            "outages_per_year": num(float(s.loc["outages_per_year", "mean"])),
            "mean_outage_hours": num(float(s.loc["mean_outage_hours", "mean"])),
            "downtime_hours_per_year_by_component": {
                n: num(float(s.loc[f"downtime_hours_per_year.{n}", "mean"]))
                for n in self.model.type_names
            },
            "switchovers_per_year": num(float(s.loc["switchovers_per_year", "mean"])),
            "switchovers_failed_per_year": num(float(s.loc["switchovers_failed_per_year",
                                                           "mean"])),
            "failures_per_year_by_component": {
                n: num(float(s.loc[f"failures_per_year.{n}", "mean"]))
                for n in self.model.type_names
            },
            "metrics": {name: row(name) for name in s.index},
        }
