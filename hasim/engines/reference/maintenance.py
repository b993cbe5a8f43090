"""Planned maintenance on calendar time. Handlers of :data:`Event.MAINTENANCE_START` and
:data:`Event.MAINTENANCE_END`, and the retry of deferred steps; twins of
:mod:`hasim.kernels.maintenance`.

Schedule i starts a round at ``first + k·every``, before the mission end. A *step* takes one
unit out of service for a ``duration`` drawn (schedule, MAINTENANCE) when it starts; the unit
does not age or fail meanwhile, counts as lost for the structure and its standby group (a
switchover is attempted at once), and returns as after a repair (role in its group), as good as
new if ``renews``, else with the life it had. The time the system is down while some unit is
out of service is planned downtime.

* ``rolling``: the units in the order written, each step starting when the previous one ends.
  A unit that is not up at its turn (failed, under repair, out for other work) is skipped and
  the next step starts at once. A round that begins while the previous one is still going
  skips what the previous one had left; a step still out of service finishes first.
* all at once: every unit up when the round starts is taken out together; the others are
  skipped.
* ``defer``: a step (all at once: the round) that would leave the system down — a unit's leaves
  down, and its group's node down unless the switchover would be instant and sure — waits
  until it would not; it is tried again after every event. It is skipped if the next round
  begins first. A deferred step is counted once, however long it waits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hasim.engines.reference import records, tree, units
from hasim.events import Count, Event, Purpose, Trace

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Plan, Replication


def members(r: Replication, i: int) -> list[int]:
    S = r.p.schedules
    return [int(u) for u in S.units[S.ptr[i]:S.ptr[i + 1]]]


def round_start(r: Replication, i: int, k: int) -> None:
    """Round k of maintenance schedule ``i``."""
    S = r.p.schedules
    plan = r.plans[i]
    following = float(S.offset[S.ptr[i]]) + (k + 1) * float(S.every[i])
    if following < r.mission_end:
        r.schedule(following - r.now, Event.MAINTENANCE_START, i, k + 1)
    records.trace(r, Trace.ROUND, i, -1, float(k))
    us = members(r, i)
    left = us if plan.deferred and not S.rolling[i] else us[plan.cursor:]
    for u in left:  # what the previous round had left (all at once: a deferred round)
        skip(r, i, u)
    undefer(r, plan)
    if not S.rolling[i]:
        plan.cursor = len(us)
        start_all(r, i)
        return
    plan.cursor = 0
    if plan.running == 0:
        advance(r, i)


def skip(r: Replication, i: int, u: int) -> None:
    records.count(r, Count.MAINTENANCE_SKIPPED)
    records.trace(r, Trace.SKIP, u, i, 0.0)


def defer(r: Replication, i: int, u: int) -> None:
    plan = r.plans[i]
    if not plan.deferred:
        plan.deferred = True
        r.n_deferred += 1
        records.count(r, Count.MAINTENANCE_DEFERRED)
        records.trace(r, Trace.DEFER, u, i, 0.0)


def undefer(r: Replication, plan: Plan) -> None:
    if plan.deferred:
        plan.deferred = False
        r.n_deferred -= 1


def advance(r: Replication, i: int) -> None:
    """Rolling: the next step of the round, skipping units that are not up."""
    S = r.p.schedules
    plan = r.plans[i]
    us = members(r, i)
    while plan.cursor < len(us):
        u = us[plan.cursor]
        if not r.units[u].up:
            undefer(r, plan)
            skip(r, i, u)
            plan.cursor += 1
            continue
        if S.defer[i] and tree.would_be_down(r, [u]):
            defer(r, i, u)
            return
        undefer(r, plan)
        plan.cursor += 1
        start_step(r, i, u)
        return


def start_all(r: Replication, i: int) -> None:
    """All at once: every unit of the schedule that is up, unless that is deferred."""
    S = r.p.schedules
    plan = r.plans[i]
    us = members(r, i)
    up = [u for u in us if r.units[u].up]
    if S.defer[i] and up and tree.would_be_down(r, up):
        defer(r, i, up[0])
        return
    undefer(r, plan)
    for u in us:
        if r.units[u].up:
            start_step(r, i, u)
        else:
            skip(r, i, u)


def start_step(r: Replication, i: int, u: int) -> None:
    S = r.p.schedules
    records.count(r, Count.MAINTENANCE_STEPS)
    duration = r.draw(int(S.stream[i]), Purpose.MAINTENANCE, int(S.duration[i]))
    r.plans[i].running += 1
    units.take_out(r, u, i, duration)
    r.schedule(duration, Event.MAINTENANCE_END, i, u)


def step_end(r: Replication, i: int, u: int) -> None:
    """A step ends: the unit is back; rolling, the next step starts."""
    S = r.p.schedules
    plan = r.plans[i]
    plan.running -= 1
    units.back_in_service(r, u, i, bool(S.renews[i]))
    if S.rolling[i] and plan.running == 0:
        advance(r, i)


def retry(r: Replication) -> None:
    """After an event: try the deferred steps again, in schedule order."""
    S = r.p.schedules
    for i in range(S.n_inspections, r.p.n_schedules):
        if r.plans[i].deferred:
            if S.rolling[i]:
                advance(r, i)
            else:
                start_all(r, i)
