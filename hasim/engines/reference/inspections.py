"""Inspections (proof tests) on calendar time. Handlers of :data:`Event.INSPECTION` and
:data:`Event.INSPECTION_END`; twins of :mod:`hasim.kernels.inspections`.

Schedule i inspects each of its units at ``offset + k·every`` (``offset``: ``first``, shifted by
j·every/n for the j-th of n units with ``stagger``), before the mission end. At an inspection of
a unit out of service for other planned work nothing happens. A failed unit is inspected: a
latent failure is found with the schedule's ``coverage`` (a number is drawn (schedule,
COVERAGE) only for a coverage strictly between 0 and 1) and is detected at that moment. A unit
in service is taken out of service for the inspection's ``duration`` (schedule, INSPECTION), if
positive: it does not age or fail, counts as lost for the structure and its standby group
(where a switchover is attempted at once), and the time the system is down meanwhile is
planned downtime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hasim.engines.reference import records, units
from hasim.events import Count, Event, Purpose, Trace

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Replication


def inspect(r: Replication, e: int, k: int) -> None:
    """The k-th inspection of schedule entry ``e`` (a unit of a schedule)."""
    S = r.p.schedules
    i = int(S.entry_schedule[e])
    u = int(S.units[e])
    following = float(S.offset[e]) + (k + 1) * float(S.every[i])
    if following < r.mission_end:
        r.schedule(following - r.now, Event.INSPECTION, e, k + 1)
    unit = r.units[u]
    if unit.out:
        return
    records.count(r, Count.INSPECTIONS)
    records.trace(r, Trace.INSPECT, u, i, 0.0)
    stream = int(S.stream[i])
    if not unit.up:
        coverage = float(S.coverage[i])
        if unit.latent and (coverage >= 1.0 or (coverage > 0.0 and
                            r.draw_uniform(stream, Purpose.COVERAGE) < coverage)):
            records.count(r, Count.LATENT_FOUND)
            units.reveal(r, u)
        return
    duration = r.draw(stream, Purpose.INSPECTION, int(S.duration[i]))
    if duration > 0.0:
        units.take_out(r, u, i, duration)
        r.schedule(duration, Event.INSPECTION_END, e)


def inspection_end(r: Replication, e: int, token: int) -> None:
    units.back_in_service(r, int(r.p.schedules.units[e]), int(r.p.schedules.entry_schedule[e]),
                          False)
