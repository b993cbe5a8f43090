"""Records of a run — counts, levels, episodes — and the event log. Twins of
:mod:`hasim.kernels.records`; the layout is :mod:`hasim.events` and
:func:`hasim.engines.records.build_result` reads it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from hasim.events import Count, Episode, Level, Trace

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Replication


def count(r: Replication, column: int) -> None:
    r.counts[column] += 1


def level(r: Replication, column: int, amount: float) -> None:
    r.levels[column] += amount


def trace(r: Replication, code: Trace, target: int, other: int, detail: float) -> None:
    if r.trace_log is not None:
        r.trace_log.append((r.now, int(code), target, other, detail))


def system(r: Replication, up: bool, cause: int) -> None:
    """The system went down (``cause``: the unit whose loss did it) or up."""
    now = r.now
    if not up:
        r.outage_start = now
        r.outage_cause = cause
        r.outage_mode = outage_mode(r, cause)
        r.segment_start = now
        trace(r, Trace.SYSTEM_DOWN, -1, cause, 0.0)
        if r.until_failure:  # the run ends after the events of this instant
            r.end = math.nextafter(now, math.inf)
    else:
        trace(r, Trace.SYSTEM_UP, -1, r.outage_cause, now - r.outage_start)
        if r.n_out:
            level(r, Level.PLANNED_DOWNTIME, now - r.segment_start)
        if r.until_failure:  # up again at the same instant: not a failure, go on
            r.end = r.mission_end
        close_outage(r, now)


def outage_mode(r: Replication, cause: int) -> int:
    """The failure mode of an outage's cause: the mode that failed the unit (-1: none, e.g. a
    unit out for planned work)."""
    if cause < 0:
        return -1
    unit = r.units[cause]
    return -1 if unit.up or unit.out else unit.mode


def set_out(r: Replication, delta: int) -> None:
    """A unit goes out of service for planned work (+1) or returns (-1): while the system is
    down, the downtime up to now is planned if some unit was out."""
    if not r.system_up:
        if r.n_out:
            level(r, Level.PLANNED_DOWNTIME, r.now - r.segment_start)
        r.segment_start = r.now
    r.n_out += delta


def close_outage(r: Replication, end: float) -> None:
    """Count and record the outage open since ``r.outage_start``, unless it has zero length;
    the first ``r.max_records`` outages of the call are recorded, the rest only counted."""
    duration = end - r.outage_start
    if not duration > 0.0:
        return
    cause = r.outage_cause
    kind = -1 if cause < 0 else int(r.p.units.type[cause])
    level(r, Level.DOWNTIME, duration)
    if kind >= 0:
        level(r, r.p.layout.down_by_type + kind, duration)
    if r.outage_mode >= 0:
        level(r, r.p.layout.down_by_mode + r.outage_mode, duration)
    count(r, Count.OUTAGES)
    if r.counts[Count.OUTAGES] == 1:
        r.levels[Level.FIRST_OUTAGE] = r.outage_start
    if len(r.episodes) < r.max_records:
        r.episodes.append((r.outage_start, end, duration, r.rep, int(Episode.OUTAGE), cause,
                           kind))
    else:
        count(r, Count.OUTAGES_UNRECORDED)


def close(r: Replication, end: float) -> None:
    """The replication ends at ``end`` (the mission end; with ``until_failure`` the instant of
    the failure, which is recorded as FIRST_OUTAGE): an open outage is cut there (its planned
    part too); then, in unit order, crew members still busy and latent failures still unfound
    are counted to the end; then, per stock, the parts on hand and the repairs still waiting
    (in queue order)."""
    if not r.system_up:
        if r.until_failure:
            r.levels[Level.FIRST_OUTAGE] = r.outage_start
        else:
            if r.n_out:
                level(r, Level.PLANNED_DOWNTIME, end - r.segment_start)
            close_outage(r, end)
    for unit in r.units:
        if unit.holding:
            level(r, Level.CREW_BUSY + unit.job_crew, end - unit.hold_start)
        if unit.latent:
            level(r, Level.LATENT_HOURS, end - unit.latent_start)
    lay = r.p.layout
    for s, stock in enumerate(r.stocks):
        level(r, lay.on_hand + s, stock.on_hand * (end - stock.since))
        for u in stock.queue:
            level(r, lay.part_wait + s, end - r.units[u].wait_start)
    sums(r.counts, lay, r.p.modes.ptr)


def sums(counts: Any, lay: Any, mode_ptr: Any) -> None:
    """FAILURES_BY_TYPE (the sum of its modes' failures), FAILURES and EVENTS of a run's
    counts, from the counts the handlers make."""
    c = Count
    for t in range(lay.n_types):
        counts[c.FAILURES_BY_TYPE + t] = sum(
            int(counts[lay.failures_by_mode + m]) for m in range(mode_ptr[t], mode_ptr[t + 1]))
    counts[c.FAILURES] = sum(int(counts[c.FAILURES_BY_TYPE + t]) for t in range(lay.n_types))
    counts[c.EVENTS] = (counts[c.FAILURES] + counts[c.DETECTIONS] + counts[c.GROUP_DETECTIONS]
                        + counts[c.REPAIR_STARTS] + counts[c.REPAIRS] + counts[c.SWITCHOVERS]
                        + counts[c.INSPECTIONS] + counts[c.MAINTENANCE_STEPS])
