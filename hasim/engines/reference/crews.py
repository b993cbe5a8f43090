"""Crews as plain queues: a job is granted at once when a member is free, else it waits; the
next job by the crew's discipline. Twins of :mod:`hasim.kernels.crews`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hasim.engines.reference import records, units
from hasim.events import Event, Level, Purpose, Trace
from hasim.model.lower import FIFO, PRIORITY

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Replication


def request(r: Replication, u: int) -> None:
    """The repair of ``u`` is ready: start it (no crew), grant it, or queue it. The crew is
    the failure mode's."""
    c = int(r.p.modes.crew[r.units[u].mode])
    r.units[u].job_crew = c
    if c < 0:
        units.start_repair(r, u)
        return
    crew = r.crews[c]
    if crew.busy < r.p.crews.size[c]:
        grant(r, c, u)
    else:
        crew.queue.append(u)
        records.trace(r, Trace.QUEUE, u, c, float(len(crew.queue)))


def grant(r: Replication, c: int, u: int) -> None:
    """A member of crew ``c`` takes the job of ``u``: the response time, then the repair."""
    r.crews[c].busy += 1
    unit = r.units[u]
    unit.holding = True
    unit.hold_start = r.now
    delay = r.draw(int(r.p.units.stream[u]), Purpose.RESPONSE, int(r.p.crews.response[c]))
    records.trace(r, Trace.GRANT, u, c, delay)
    if delay > 0.0:
        r.schedule(delay, Event.RESPONSE_END, u)
    else:
        units.start_repair(r, u)


def response_end(r: Replication, u: int, token: int) -> None:
    units.start_repair(r, u)


def next_job(r: Replication, c: int) -> int:
    """Index in the queue of crew ``c`` of the job to take next."""
    queue = r.crews[c].queue
    discipline = int(r.p.crews.discipline[c])
    if discipline == FIFO or len(queue) == 1:
        return 0
    if discipline == PRIORITY:
        priority = r.p.units.priority
        return min(range(len(queue)), key=lambda j: (priority[queue[j]], j))
    types = sorted({int(r.p.units.type[u]) for u in queue})
    if len(types) == 1:
        return 0
    x = r.draw_uniform(int(r.p.crews.stream[c]), Purpose.DISCIPLINE)
    pick = types[min(int(x * len(types)), len(types) - 1)]
    return next(j for j, u in enumerate(queue) if r.p.units.type[u] == pick)


def release(r: Replication, u: int) -> None:
    """The repair of ``u`` is done: its member's busy time, then the next job."""
    unit = r.units[u]
    c = unit.job_crew
    if c < 0:
        return
    records.level(r, Level.CREW_BUSY + c, r.now - unit.hold_start)
    unit.holding = False
    crew = r.crews[c]
    crew.busy -= 1
    if crew.queue:
        v = crew.queue.pop(next_job(r, c))
        grant(r, c, v)
