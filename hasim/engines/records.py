"""The record buffers both engines write, and the one place that turns them into a RunResult.

Per replication of a chunk: a row of ``counts`` (int64, :class:`hasim.events.Count` columns) and
of ``levels`` (float64, :class:`hasim.events.Level` columns). Episodes, flat over the chunk: a
float row (start, end, amount) and an int row (replication, kind, cause unit, cause type).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hasim.events import Count, Level
from hasim.results import RunResult

if TYPE_CHECKING:
    from hasim.model.compile import CompiledModel
    from hasim.model.lower import Program


def program_of(model: Program | CompiledModel) -> Program:
    """The Program of a compiled model (lowered once, cached on it), or the Program itself."""
    from hasim.model.compile import CompiledModel

    return model.program if isinstance(model, CompiledModel) else model


def new_buffers(p: Program, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Zeroed ``counts`` and ``levels`` for ``rows`` replications (no first outage: NaN)."""
    levels = np.zeros((rows, p.layout.n_levels), dtype=float)
    levels[:, Level.FIRST_OUTAGE] = np.nan
    return np.zeros((rows, p.layout.n_counts), dtype=np.int64), levels


def build_result(p: Program, start: int, stop: int, counts: np.ndarray, levels: np.ndarray,
                 ep_f: np.ndarray, ep_i: np.ndarray) -> RunResult:
    """The RunResult of replications ``start .. stop - 1`` from their records."""
    lay = p.layout
    reps = np.arange(start, stop, dtype=np.int64)
    busy = Level.CREW_BUSY
    return RunResult(
        replication=reps,
        downtime_hours=levels[:, Level.DOWNTIME].copy(),
        outages=counts[:, Count.OUTAGES].copy(),
        outages_unrecorded=counts[:, Count.OUTAGES_UNRECORDED].copy(),
        first_failure_hours=levels[:, Level.FIRST_OUTAGE].copy(),
        events=counts[:, Count.EVENTS].copy(),
        failures=counts[:, Count.FAILURES].copy(),
        detections=counts[:, Count.DETECTIONS].copy(),
        repairs=counts[:, Count.REPAIRS].copy(),
        switchovers=counts[:, Count.SWITCHOVERS].copy(),
        switchovers_failed=counts[:, Count.SWITCHOVERS_FAILED].copy(),
        failures_by_type=counts[:, Count.FAILURES_BY_TYPE:Count.FAILURES_BY_TYPE + lay.n_types]
        .copy(),
        downtime_by_type=levels[:, lay.down_by_type:lay.down_by_type + lay.n_types].copy(),
        crew_busy_hours=levels[:, busy:busy + lay.n_crews].copy(),
        episode_replication=ep_i[:, 0].copy(),
        episode_kind=ep_i[:, 1].copy(),
        episode_start=ep_f[:, 0].copy(),
        episode_end=ep_f[:, 1].copy(),
        episode_amount=ep_f[:, 2].copy(),
        episode_cause_unit=ep_i[:, 2].copy(),
        episode_cause_type=ep_i[:, 3].copy(),
        planned_downtime_hours=levels[:, Level.PLANNED_DOWNTIME].copy(),
        latent_failures=counts[:, Count.LATENT_FAILURES].copy(),
        latent_hours=levels[:, Level.LATENT_HOURS].copy(),
        inspections=counts[:, Count.INSPECTIONS].copy(),
        latent_found=counts[:, Count.LATENT_FOUND].copy(),
        maintenance_steps=counts[:, Count.MAINTENANCE_STEPS].copy(),
        maintenance_deferred=counts[:, Count.MAINTENANCE_DEFERRED].copy(),
        maintenance_skipped=counts[:, Count.MAINTENANCE_SKIPPED].copy(),
        failures_by_mode=counts[:, lay.failures_by_mode:lay.failures_by_mode + lay.n_modes]
        .copy(),
        downtime_by_mode=levels[:, lay.down_by_mode:lay.down_by_mode + lay.n_modes].copy(),
        part_requests=counts[:, lay.part_requests:lay.part_requests + lay.n_stocks].copy(),
        parts_waited=counts[:, lay.parts_waited:lay.parts_waited + lay.n_stocks].copy(),
        part_wait_hours=levels[:, lay.part_wait:lay.part_wait + lay.n_stocks].copy(),
        parts_on_hand_hours=levels[:, lay.on_hand:lay.on_hand + lay.n_stocks].copy(),
    )
