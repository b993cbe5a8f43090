"""The record buffers both engines write, and the one place that turns them into a RunResult.

Per replication of a chunk: a row of ``counts`` (int64, :class:`hasim.events.Count` columns) and
of ``levels`` (float64, :class:`hasim.events.Level` columns). Episodes, flat over the chunk: a
float row (start, end, amount) and an int row (replication, kind, cause unit, cause type).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hasim.events import Count, Episode, Level
from hasim.results import RunResult

if TYPE_CHECKING:
    from hasim.model.compile import CompiledModel
    from hasim.model.lower import Program


def program_of(model: Program | CompiledModel) -> Program:
    """The Program of a compiled model (lowered once, cached on it), or the Program itself."""
    from hasim.model.compile import CompiledModel

    return model.program if isinstance(model, CompiledModel) else model


def new_buffers(p: Program, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Zeroed ``counts`` and ``levels`` for ``rows`` replications."""
    return (np.zeros((rows, p.layout.n_counts), dtype=np.int64),
            np.zeros((rows, p.layout.n_levels), dtype=float))


def build_result(p: Program, start: int, stop: int, counts: np.ndarray, levels: np.ndarray,
                 ep_f: np.ndarray, ep_i: np.ndarray) -> RunResult:
    """The RunResult of replications ``start .. stop - 1`` from their records."""
    lay = p.layout
    n = stop - start
    reps = np.arange(start, stop, dtype=np.int64)
    outage = ep_i[:, 1] == Episode.OUTAGE
    o_rep = ep_i[outage, 0]
    o_start = ep_f[outage, 0]
    outages = np.bincount(o_rep - start, minlength=n).astype(np.int64) if n else \
        np.zeros(0, dtype=np.int64)
    first = np.full(n, np.nan)
    # episodes are in time order within a replication: the first outage of each run
    idx = np.flatnonzero(np.r_[True, o_rep[1:] != o_rep[:-1]]) if len(o_rep) else \
        np.zeros(0, dtype=np.int64)
    first[o_rep[idx] - start] = o_start[idx]
    busy = Level.CREW_BUSY
    return RunResult(
        replication=reps,
        downtime_hours=levels[:, Level.DOWNTIME].copy(),
        outages=outages,
        first_failure_hours=first,
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
    )
