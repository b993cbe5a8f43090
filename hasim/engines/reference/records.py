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
        trace(r, Trace.SYSTEM_DOWN, -1, cause, 0.0)
        if r.until_failure:  # the run ends after the events of this instant
            r.end = math.nextafter(now, math.inf)
    else:
        trace(r, Trace.SYSTEM_UP, -1, r.outage_cause, now - r.outage_start)
        if r.until_failure:  # up again at the same instant: not a failure, go on
            r.end = r.mission_end
        close_outage(r, now)


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
    the failure, which is recorded as FIRST_OUTAGE): an open outage is cut there; crew members
    still busy are counted to the end (in unit order)."""
    if not r.system_up:
        if r.until_failure:
            r.levels[Level.FIRST_OUTAGE] = r.outage_start
        else:
            close_outage(r, end)
    for u, unit in enumerate(r.units):
        if unit.holding:
            level(r, Level.CREW_BUSY + int(r.p.units.crew[u]), end - unit.hold_start)
    sums(r.counts, r.p.layout.n_types)


def sums(counts: Any, n_types: int) -> None:
    """FAILURES and EVENTS of a run's counts, from the counts the handlers make."""
    c = Count
    counts[c.FAILURES] = sum(int(counts[c.FAILURES_BY_TYPE + t]) for t in range(n_types))
    counts[c.EVENTS] = (counts[c.FAILURES] + counts[c.DETECTIONS] + counts[c.GROUP_DETECTIONS]
                        + counts[c.REPAIR_STARTS] + counts[c.REPAIRS] + counts[c.SWITCHOVERS])
