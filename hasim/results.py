"""Results: per-replication arrays (:class:`RunResult`) and a study (:class:`StudyResult`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hasim.units import HOURS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

    from hasim.model.compile import CompiledModel

CONFIDENCE = 0.95
PERCENTILES = (50, 90, 99)


_ABSENT = np.zeros(0)


def _absent() -> np.ndarray:
    return _ABSENT


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
    outages_unrecorded: np.ndarray
    """Outages counted in ``outages`` (and in the downtime) whose episode records were dropped:
    a block of replications keeps at most :data:`hasim.limits.MAX_RECORDS` of them."""
    first_failure_hours: np.ndarray
    """Start of the first outage; NaN when the system did not fail within the mission (with
    ``until_failure``: the time of the first system failure)."""
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
    planned_downtime_hours: np.ndarray = field(default_factory=_absent)
    """System downtime while some unit was out of service for maintenance or an inspection
    (part of ``downtime_hours``)."""
    latent_failures: np.ndarray = field(default_factory=_absent)
    """Failures monitoring did not notice."""
    latent_hours: np.ndarray = field(default_factory=_absent)
    """Unit-hours spent failed and latent, until found (or the end of the run)."""
    inspections: np.ndarray = field(default_factory=_absent)
    latent_found: np.ndarray = field(default_factory=_absent)
    """Latent failures found by inspections."""
    maintenance_steps: np.ndarray = field(default_factory=_absent)
    maintenance_deferred: np.ndarray = field(default_factory=_absent)
    maintenance_skipped: np.ndarray = field(default_factory=_absent)
    failures_by_mode: np.ndarray = field(default_factory=_absent)
    """Failures per failure mode (runs × modes, :attr:`CompiledModel.mode_labels`)."""
    downtime_by_mode: np.ndarray = field(default_factory=_absent)
    """System downtime attributed to the failure mode of the unit whose loss took the system
    down (runs × modes; none for a unit out for planned work)."""
    part_requests: np.ndarray = field(default_factory=_absent)
    """Repairs that needed a part, per stock (runs × stocks)."""
    parts_waited: np.ndarray = field(default_factory=_absent)
    """Repairs that found their stock empty and waited (runs × stocks)."""
    part_wait_hours: np.ndarray = field(default_factory=_absent)
    """Hours repairs spent waiting for parts (runs × stocks)."""
    parts_on_hand_hours: np.ndarray = field(default_factory=_absent)
    """Time integral of the parts on hand (runs × stocks): divided by the mission, the mean
    stock."""

    def __post_init__(self) -> None:
        n = len(self.replication)
        for name, cols in _OPTIONAL.items():
            if getattr(self, name) is _ABSENT:  # records of an older layout: none of these
                shape = (n,) if cols is None else (n, 0)
                dtype = float if name.endswith("hours") else np.int64
                object.__setattr__(self, name, np.zeros(shape, dtype=dtype))

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


_OPTIONAL = {"planned_downtime_hours": None, "latent_failures": None, "latent_hours": None,
             "inspections": None, "latent_found": None, "maintenance_steps": None,
             "maintenance_deferred": None, "maintenance_skipped": None,
             "failures_by_mode": 2, "downtime_by_mode": 2, "part_requests": 2,
             "parts_waited": 2, "part_wait_hours": 2, "parts_on_hand_hours": 2}
"""Fields of the processes' records, and which are runs × something (2)."""

Interval = tuple[float, float, float, float]
"""``(estimate, standard error, low, high)``: one row of :meth:`StudyResult.summary`."""

Z = 1.959963984540054
"""The standard normal quantile of 0.975: two-sided 95% intervals (``CONFIDENCE``)."""


def _t(n: int) -> float:
    from scipy.special import stdtrit

    return float(stdtrit(n - 1, 0.5 + CONFIDENCE / 2)) if n > 1 else math.nan


def _clip(row: Interval, low: float, high: float) -> Interval:
    """Interval bounds held inside the range ``[low, high]`` of the quantity (NaN stays NaN).

    A Student-t or delta-method interval is symmetric and can cross a bound the quantity
    cannot: a downtime below 0 h or an availability above 1. The part beyond the bound holds
    no possible value, so cutting it off keeps the coverage and makes the interval honest.
    """
    est, se, lo, hi = row
    return est, se, (max(lo, low) if not math.isnan(lo) else lo), \
        (min(hi, high) if not math.isnan(hi) else hi)


def mean_ci(x: np.ndarray, low: float = -math.inf, high: float = math.inf) -> Interval:
    """Mean, standard error and the Student-t confidence interval of the mean.

    ``low`` and ``high`` bound the quantity (e.g. 0 for a duration): the interval is cut there.
    """
    n = len(x)
    if n == 0:
        return (math.nan,) * 4
    mean = float(np.mean(x))
    se = float(np.std(x, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    h = _t(n) * se
    return _clip((mean, se, mean - h, mean + h), low, high)


def ratio_ci(y: np.ndarray, x: np.ndarray, low: float = -math.inf) -> Interval:
    """Ratio of sums ``sum(y) / sum(x)`` with a delta-method standard error.

    Over replications *i* with totals ``y_i``, ``x_i``, the ratio R = Σy / Σx has the standard
    error ``sd(y_i − R x_i) / (√n · mean(x))``; the interval uses Student's t with n − 1 degrees
    of freedom and is cut at ``low``. NaN when ``sum(x) == 0``.
    """
    n = len(x)
    if n == 0 or x.sum() == 0:
        return (math.nan,) * 4
    r = float(y.sum() / x.sum())
    if n < 2:
        return r, math.nan, math.nan, math.nan
    se = float(np.std(y - r * x, ddof=1) / (math.sqrt(n) * x.mean()))
    h = _t(n) * se
    return _clip((r, se, r - h, r + h), low, math.inf)


def proportion_ci(successes: int, n: int) -> Interval:
    """Proportion ``successes / n`` with its binomial standard error and the Wilson score
    interval, modified near 0 and n as Brown, Cai and DasGupta (2001, §4.1.1) recommend.

    The Wilson interval inverts the score test, so it lies inside [0, 1] and does not collapse
    at 0 or n successes (the Wald interval p ± z·√(p(1−p)/n) is [0, 0] there and crosses 0 and
    1 next to them). At 0 successes it is [0, z²/(n + z²)], at n successes [n/(n + z²), 1];
    these ends are set exactly. Its one weakness is next to the ends: with 1 to 3 successes its
    lower bound is too high, and the coverage of a small p (n·p around 0.2 to 1.5, as for rare
    system failures) falls to 85%. There the lower bound is the Poisson one, χ²₂ₓ(0.05) / (2n)
    (Brown et al. use it for 1 to 2 or 3 successes as n ≤ 50 or ≤ 100; 3 is as good for larger n
    and better for smaller), and the upper bound likewise at n − 1 to n − 3 successes; the
    coverage then stays above 92.5% for every p and n ≥ 20, 95% on average over p. No
    continuity correction: it would widen every interval and hold the coverage well above 95%.
    """
    if n == 0:
        return (math.nan,) * 4
    from scipy.special import gammaincinv

    x = successes
    p = x / n
    se = math.sqrt(p * (1.0 - p) / n)
    z2 = Z * Z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n))
    lo = 0.0 if x == 0 else max(centre - half, 0.0)
    hi = 1.0 if x == n else min(centre + half, 1.0)
    edge = 3
    alpha = 1.0 - CONFIDENCE
    # χ²₂ₖ(α) / 2 is the α-quantile of a gamma(k) law: the Poisson lower bound of a count k
    if 1 <= x <= edge:
        lo = min(lo, float(gammaincinv(x, alpha)) / n)
    if 1 <= n - x <= edge:
        hi = max(hi, 1.0 - float(gammaincinv(n - x, alpha)) / n)
    return p, se, lo, hi


def quantile_ci(x: np.ndarray, q: float, low: float = -math.inf) -> Interval:
    """Sample quantile with a distribution-free confidence interval from order statistics.

    The count B of runs below the true quantile is binomial(n, q), and the r-th smallest value
    ``x_(r)`` lies below the quantile exactly when B ≥ r. With r the 2.5% point and s − 1 the
    97.5% point of that binomial, ``[x_(r), x_(s)]`` covers the quantile with probability at
    least 95% whatever the law of ``x`` (ties aside). When r = 0 the lower bound is ``low``, the
    smallest value the quantity can take (NaN when unbounded); when s > n there is no upper
    bound (NaN). The estimate is ``numpy.quantile`` (linear interpolation); no standard error.
    """
    from scipy.stats import binom

    n = len(x)
    if n == 0:
        return (math.nan,) * 4
    s = np.sort(x)
    est = float(np.quantile(s, q))
    alpha = 1.0 - CONFIDENCE
    r = int(binom.ppf(alpha / 2, n, q))
    top = int(binom.ppf(1.0 - alpha / 2, n, q)) + 1
    lo = float(s[r - 1]) if r >= 1 else (low if math.isfinite(low) else math.nan)
    hi = float(s[top - 1]) if top <= n else math.nan
    return est, math.nan, lo, hi


def up_time_per_outage_ci(up_hours: np.ndarray, outages: np.ndarray) -> Interval:
    """Mean up time per outage, Σ up time / Σ outages over all runs, with a delta-method CI.

    This is the censored estimate of the mean time to failure: every run contributes all its up
    time, the runs that never failed included (their up time is censored at the end of the
    mission), and each outage ends one up period. With no outage at all the estimate is ∞, and
    the interval is [U / ln(1/0.025), ∞) for U the total up time: the 95% two-sided bound of a
    Poisson count of 0 (exact when the system fails at a constant rate while up).
    """
    total_up = float(up_hours.sum())
    if outages.sum() == 0:
        if len(up_hours) == 0 or total_up == 0:
            return (math.nan,) * 4
        return math.inf, math.nan, total_up / -math.log((1.0 - CONFIDENCE) / 2), math.inf
    return ratio_ci(up_hours, outages.astype(float), low=0.0)


def nines(availability: float) -> float:
    """Number of nines: -log10(1 - A) (inf for A = 1)."""
    if math.isnan(availability):
        return math.nan
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
    until_failure: bool = False
    """Each replication ran until the first system failure (``first_failure_hours`` is its
    time, never NaN) instead of over the mission: the summary then gives the MTTF as the mean
    of those times, with no censoring."""

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
        caused it (``cause_unit``, e.g. ``db[0]``) and its component type (``cause``). Only the
        outages recorded one by one (``runs.outages_unrecorded`` counts the others, beyond
        :data:`hasim.limits.MAX_RECORDS` per block of replications); ``attrs["unrecorded"]``
        says how many."""
        import pandas as pd

        r = self.runs
        labels = np.array([*self.model.unit_labels, ""], dtype=object)
        types = np.array([*self.model.type_names, ""], dtype=object)
        frame = pd.DataFrame({"replication": r.outage_replication,
                              "start_hours": r.outage_start,
                              "duration_hours": r.outage_hours,
                              "cause_unit": labels[r.outage_cause_unit],
                              "cause": types[r.outage_cause_type]})
        frame.attrs["unrecorded"] = int(r.outages_unrecorded.sum())
        return frame

    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors and 95% confidence intervals, one row per metric.

        Columns ``mean`` (the estimate), ``stderr``, ``ci_low``, ``ci_high``. Every interval
        stays inside the range of its quantity: probabilities and fractions in [0, 1], counts
        and durations at or above 0 (a Student-t bound below 0 is cut at 0).

        Rows of a mission study: ``availability``, ``unavailability``, ``nines``,
        ``downtime_hours`` (per mission), ``downtime_hours_per_year``, ``outages`` (per
        mission), ``outages_per_year``, ``mean_outage_hours`` (total downtime / total outages,
        delta-method CI), ``p_system_failure`` (probability of at least one outage within the
        mission, Wilson score CI), ``mean_up_time_hours`` (the censored MTTF estimate: total up
        time / total outages over all runs, delta-method CI; ∞ with no outage, see
        :func:`up_time_per_outage_ci`), ``first_outage_hours_given_outage`` (mean start of the
        first outage over the runs that had one: a conditional mean, not an MTTF),
        ``censored_runs`` (runs with no outage within the mission; count in ``mean``),
        ``downtime_hours_per_year.<component>`` (attribution), ``switchovers_per_year``,
        ``switchovers_failed_per_year``, ``failures_per_year`` and
        ``failures_per_year.<component>``, ``crew_utilisation.<crew>``, and
        ``downtime_hours_p50/p90/p99`` (percentiles of per-run downtime; their ``mean`` column
        holds the percentile and the CI comes from order statistics, with no standard error).
        Processes: ``availability_unplanned`` (counting only unplanned downtime),
        ``planned_downtime_hours_per_year`` (system downtime while some unit was out of service
        for maintenance or an inspection) and ``unplanned_downtime_hours_per_year``;
        ``latent_failures_per_year``, ``mean_latent_hours`` (hours a latent failure stays
        unfound, per latent failure, those unfound at the end cut there),
        ``inspections_per_year``, ``latent_found_per_year`` (by inspections),
        ``maintenance_steps_per_year``, ``maintenance_deferred_per_year``,
        ``maintenance_skipped_per_year``; with several failure modes on a component,
        ``failures_per_year.<component>.<mode>`` and ``downtime_hours_per_year.<component>.<mode>``
        (the mode of the failure whose loss took the system down); per stock
        ``stock_outs_per_year.<stock>`` (repairs that found it empty), ``p_repair_waited.<stock>``
        (their fraction of the repairs that needed a part), ``part_wait_hours_per_year.<stock>``
        and ``mean_parts_on_hand.<stock>``.

        Rows of an :attr:`until_failure` study: ``mttf_hours`` (mean time to the first system
        failure from the start, Student-t CI), ``censored_runs`` (0) and
        ``first_failure_hours_p10/p50/p90`` (percentiles of that time).
        """
        import pandas as pd

        rows = self._until_failure_rows() if self.until_failure else self._mission_rows()
        frame = pd.DataFrame.from_dict(rows, orient="index",
                                       columns=["mean", "stderr", "ci_low", "ci_high"])
        frame.index.name = "metric"
        return frame

    def _until_failure_rows(self) -> dict[str, Interval]:
        ff = self.runs.first_failure_hours
        if np.isnan(ff).any():
            raise ValueError(f"an until-failure study has {int(np.isnan(ff).sum())} runs "
                             "without a failure time")
        rows: dict[str, Interval] = {"mttf_hours": mean_ci(ff, low=0.0),
                                     "censored_runs": (0.0, math.nan, math.nan, math.nan)}
        for q in (10, 50, 90):
            rows[f"first_failure_hours_p{q}"] = quantile_ci(ff, q / 100, low=0.0)
        return rows

    def _mission_rows(self) -> dict[str, Interval]:
        r = self.runs
        per_year = HOURS_PER_YEAR / self.mission

        def yearly(v: Interval) -> Interval:
            return v[0] * per_year, v[1] * per_year, v[2] * per_year, v[3] * per_year

        rows: dict[str, Interval] = {}
        a = mean_ci(self.availability, 0.0, 1.0)
        rows["availability"] = a
        m, se, lo, hi = a
        rows["unavailability"] = (1 - m, se, 1 - hi, 1 - lo)
        rows["nines"] = (nines(m), math.nan, nines(lo), nines(hi))
        d = mean_ci(r.downtime_hours, 0.0, self.mission)
        rows["downtime_hours"] = d
        rows["downtime_hours_per_year"] = yearly(d)
        outages = r.outages.astype(float)
        o = mean_ci(outages, low=0.0)
        rows["outages"] = o
        rows["outages_per_year"] = yearly(o)
        rows["mean_outage_hours"] = ratio_ci(r.downtime_hours, outages, low=0.0)
        failed = ~np.isnan(r.first_failure_hours)
        rows["p_system_failure"] = proportion_ci(int(failed.sum()), r.runs)
        rows["mean_up_time_hours"] = up_time_per_outage_ci(self.mission - r.downtime_hours,
                                                           outages)
        rows["first_outage_hours_given_outage"] = mean_ci(r.first_failure_hours[failed], 0.0,
                                                          self.mission)
        rows["censored_runs"] = (float(r.runs - failed.sum()), math.nan, math.nan, math.nan)
        for t, name in enumerate(self.model.type_names):
            rows[f"downtime_hours_per_year.{name}"] = yearly(
                mean_ci(r.downtime_by_type[:, t], low=0.0))
        for name, x in (("switchovers_per_year", r.switchovers),
                        ("switchovers_failed_per_year", r.switchovers_failed),
                        ("failures_per_year", r.failures)):
            rows[name] = yearly(mean_ci(x.astype(float), low=0.0))
        for t, name in enumerate(self.model.type_names):
            rows[f"failures_per_year.{name}"] = yearly(
                mean_ci(r.failures_by_type[:, t].astype(float), low=0.0))
        for c, name in enumerate(self.model.crew_names):
            cap = self.model.crew_size[c] * self.mission
            rows[f"crew_utilisation.{name}"] = mean_ci(r.crew_busy_hours[:, c] / cap, 0.0, 1.0)
        for q in PERCENTILES:
            rows[f"downtime_hours_p{q}"] = quantile_ci(r.downtime_hours, q / 100, low=0.0)
        rows.update(self._process_rows(yearly))
        return rows

    def _process_rows(self, yearly: Callable[[Interval], Interval]) -> dict[str, Interval]:
        """Planned and unplanned downtime, latent failures, inspections, maintenance, failure
        modes and spares (rows named in :meth:`summary`)."""
        r, m, T = self.runs, self.model, self.mission
        planned = r.planned_downtime_hours
        unplanned = r.downtime_hours - planned
        rows: dict[str, Interval] = {
            "availability_unplanned": mean_ci(1.0 - unplanned / T, 0.0, 1.0),
            "planned_downtime_hours_per_year": yearly(mean_ci(planned, 0.0, T)),
            "unplanned_downtime_hours_per_year": yearly(mean_ci(unplanned, 0.0, T)),
        }
        counts = {"latent_failures_per_year": r.latent_failures,
                  "inspections_per_year": r.inspections,
                  "latent_found_per_year": r.latent_found,
                  "maintenance_steps_per_year": r.maintenance_steps,
                  "maintenance_deferred_per_year": r.maintenance_deferred,
                  "maintenance_skipped_per_year": r.maintenance_skipped}
        for name, x in counts.items():
            rows[name] = yearly(mean_ci(x.astype(float), low=0.0))
        rows["mean_latent_hours"] = ratio_ci(r.latent_hours, r.latent_failures.astype(float),
                                             low=0.0)
        if m.has_modes:
            for j, label in enumerate(m.mode_labels):
                rows[f"failures_per_year.{label}"] = yearly(
                    mean_ci(r.failures_by_mode[:, j].astype(float), low=0.0))
                rows[f"downtime_hours_per_year.{label}"] = yearly(
                    mean_ci(r.downtime_by_mode[:, j], low=0.0))
        for k, name in enumerate(m.stock_names):
            asked = r.part_requests[:, k].astype(float)
            waited = r.parts_waited[:, k].astype(float)
            rows[f"stock_outs_per_year.{name}"] = yearly(mean_ci(waited, low=0.0))
            rows[f"p_repair_waited.{name}"] = _clip(ratio_ci(waited, asked, low=0.0), 0.0, 1.0)
            rows[f"part_wait_hours_per_year.{name}"] = yearly(
                mean_ci(r.part_wait_hours[:, k], low=0.0))
            rows[f"mean_parts_on_hand.{name}"] = mean_ci(
                r.parts_on_hand_hours[:, k] / T, 0.0, float(m.stock_size[k]))
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data (the ``--json`` output of ``hasim run``).

        Infinite and undefined values are ``null``. ``mttf`` holds the study's estimate of the
        mean time to failure with its ``method``: ``"up_time_per_outage"`` for a mission study
        (total up time / total outages, censored runs included; ``note`` says when no run had an
        outage) or ``"until_failure"`` (mean time to the first failure); with the number of
        ``outages``, ``censored_runs`` and ``runs`` behind it.
        """
        from hasim import __version__

        s = self.summary()

        def num(x: float) -> float | None:
            return None if math.isnan(x) else (x if math.isfinite(x) else None)

        def row(name: str) -> dict[str, float | None]:
            return {k: num(float(v)) for k, v in s.loc[name].items()}

        def mean(name: str) -> float | None:
            return num(float(s.loc[name, "mean"]))

        head: dict[str, Any] = {
            "model": self.model.name,
            "hasim_version": __version__,
            "engine": self.engine,
            "seed": self.seed,
            "runs": self.n_runs,
            "workers": self.workers,
            "mission_hours": self.mission,
            "until_failure": self.until_failure,
            "events": self.events,
            "elapsed_s": self.elapsed_s,
        }
        censored = int(s.loc["censored_runs", "mean"])
        if self.until_failure:
            mttf = row("mttf_hours") | {"method": "until_failure", "outages": self.n_runs,
                                        "censored_runs": censored, "runs": self.n_runs}
            return head | {"mttf": mttf, "metrics": {name: row(name) for name in s.index}}
        outages = int(self.runs.outages.sum())
        mttf = row("mean_up_time_hours") | {"method": "up_time_per_outage", "outages": outages,
                                            "censored_runs": censored, "runs": self.n_runs}
        if outages == 0:
            mttf["note"] = ("no outage in any run: no finite estimate; the MTTF is above "
                            "ci_low at 97.5% confidence")
        return head | {
            "availability": row("availability"),
            "unavailability": row("unavailability"),
            "nines": mean("nines"),
            "downtime_hours_per_year": mean("downtime_hours_per_year"),
            "outages_per_year": mean("outages_per_year"),
            "mean_outage_hours": mean("mean_outage_hours"),
            "p_system_failure": row("p_system_failure"),
            "mttf": mttf,
            "first_outage_hours_given_outage": row("first_outage_hours_given_outage"),
            "downtime_hours_per_year_by_component": {
                n: mean(f"downtime_hours_per_year.{n}") for n in self.model.type_names
            },
            "switchovers_per_year": mean("switchovers_per_year"),
            "switchovers_failed_per_year": mean("switchovers_failed_per_year"),
            "failures_per_year_by_component": {
                n: mean(f"failures_per_year.{n}") for n in self.model.type_names
            },
            "availability_unplanned": row("availability_unplanned"),
            "planned_downtime_hours_per_year": mean("planned_downtime_hours_per_year"),
            "unplanned_downtime_hours_per_year": mean("unplanned_downtime_hours_per_year"),
            "metrics": {name: row(name) for name in s.index},
        }
