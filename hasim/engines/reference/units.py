"""Unit lives and ageing: start of a life, rate changes, failure (noticed or latent),
detection, repair, and time out of service for planned work.

Handlers of :data:`Event.FAIL`, :data:`Event.DETECT` and :data:`Event.REPAIR_END`; twins of
:mod:`hasim.kernels.units`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hasim.engines.reference import crews, records, spares, standby, tree
from hasim.events import Count, Event, Level, Purpose, Trace

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Replication


def start_life(r: Replication, u: int) -> None:
    """A new life: one lifetime per failure mode, in mode order (the earliest ends the life;
    the lowest-numbered mode on a tie), scheduled at the unit's ageing rate."""
    unit = r.units[u]
    M = r.p.modes
    stream = int(r.p.units.stream[u])
    t = int(r.p.units.type[u])
    mode = int(M.ptr[t])
    lifetime = r.draw(stream, Purpose.FAILURE, int(M.failure[mode]))
    for j in range(mode + 1, int(M.ptr[t + 1])):
        x = r.draw(stream, Purpose.FAILURE, int(M.failure[j]))
        if x < lifetime:
            lifetime = x
            mode = j
    unit.lifetime = lifetime
    unit.mode = mode
    unit.age = 0.0
    unit.life_start = r.now
    unit.token += 1
    records.trace(r, Trace.LIFE, u, -1, unit.lifetime)
    if unit.rate > 0.0:
        r.schedule(unit.lifetime / unit.rate, Event.FAIL, u, unit.token)


def set_rate(r: Replication, u: int, rate: float) -> None:
    """Change the ageing rate of a unit in service, keeping the age it has consumed."""
    unit = r.units[u]
    if unit.rate == rate:
        return
    now = r.now
    unit.age += (now - unit.life_start) * unit.rate
    unit.life_start = now
    unit.rate = rate
    resume(r, u)


def resume(r: Replication, u: int) -> None:
    """The life goes on at the unit's (new) rate: the failure is rescheduled."""
    unit = r.units[u]
    unit.token += 1
    records.trace(r, Trace.RATE, u, -1, unit.rate)
    if unit.rate > 0.0:
        # a remaining life is never negative (rounding in the age sum)
        r.schedule(max(unit.lifetime - unit.age, 0.0) / unit.rate, Event.FAIL, u, unit.token)


def fail(r: Replication, u: int, token: int) -> None:
    """The unit's life ends (ignored if its ageing rate changed since it was scheduled).
    Monitoring notices it with the mode's coverage (a number is drawn only for a coverage
    strictly between 0 and 1); a failure it misses is latent: no detection is scheduled."""
    unit = r.units[u]
    if token != unit.token:
        return
    unit.up = False
    m = unit.mode
    stream = int(r.p.units.stream[u])
    records.count(r, r.p.layout.failures_by_mode + m)  # by type: summed at the close
    records.trace(r, Trace.FAIL, u, -1, 0.0)
    coverage = float(r.p.modes.coverage[m])
    latent = coverage < 1.0 and (coverage <= 0.0 or
                                 r.draw_uniform(stream, Purpose.COVERAGE) >= coverage)
    if latent:
        unit.latent = True
        unit.latent_start = r.now
        records.count(r, Count.LATENT_FAILURES)
        records.trace(r, Trace.LATENT, u, -1, 0.0)
    tree.set_unit(r, u, False, u)
    standby.lost(r, u)
    if latent:
        return
    delay = r.draw(stream, Purpose.DETECTION, int(r.p.modes.detection[m]))
    if delay > 0.0:
        r.schedule(delay, Event.DETECT, u)
    else:
        detect(r, u, 0)


def unlatch(r: Replication, u: int) -> None:
    unit = r.units[u]
    unit.latent = False
    records.level(r, Level.LATENT_HOURS, r.now - unit.latent_start)
    records.trace(r, Trace.REVEAL, u, -1, 0.0)


def reveal(r: Replication, u: int) -> None:
    """A latent failure is found by an inspection: detected now."""
    if r.units[u].latent:
        unlatch(r, u)
        detect(r, u, 0)


def reveal_at_switchover(r: Replication, u: int) -> None:
    """A latent failure is found by a switchover attempt (the lost active unit, or a spare it
    skipped): detected now, without the standby trigger of :func:`detect` (the attempt is
    that group's switchover)."""
    if r.units[u].latent:
        unlatch(r, u)
        records.count(r, Count.DETECTIONS)
        records.trace(r, Trace.DETECT, u, -1, 0.0)
        spares.need(r, u)


def detect(r: Replication, u: int, token: int) -> None:
    """The failure is noticed: the standby trigger, then the repair (a part first, if the
    mode needs one)."""
    records.count(r, Count.DETECTIONS)
    records.trace(r, Trace.DETECT, u, -1, 0.0)
    standby.detected(r, u)
    spares.need(r, u)


def start_repair(r: Replication, u: int) -> None:
    """The repair starts; it always ends with a scheduled event."""
    records.count(r, Count.REPAIR_STARTS)
    law = int(r.p.modes.repair[r.units[u].mode])
    duration = r.draw(int(r.p.units.stream[u]), Purpose.REPAIR, law)
    records.trace(r, Trace.REPAIR_START, u, -1, duration)
    r.schedule(duration, Event.REPAIR_END, u)


def repair_end(r: Replication, u: int, token: int) -> None:
    """As good as new: role in the group, structure, next life, then the crew is released."""
    unit = r.units[u]
    records.count(r, Count.REPAIRS)
    records.trace(r, Trace.REPAIR_END, u, -1, 0.0)
    unit.up = True
    standby.repaired(r, u)
    tree.set_unit(r, u, True, -1)
    start_life(r, u)
    crews.release(r, u)


def take_out(r: Replication, u: int, schedule: int, duration: float) -> None:
    """Planned work takes the unit (up) out of service: it stops ageing, its structure leaves
    go down and, if it is its group's active unit, a switchover is attempted at once."""
    unit = r.units[u]
    records.set_out(r, 1)
    unit.out = True
    unit.up = False
    records.trace(r, Trace.OUT, u, schedule, duration)
    set_rate(r, u, 0.0)
    tree.set_unit(r, u, False, u)
    standby.taken_out(r, u)


def back_in_service(r: Replication, u: int, schedule: int, renews: bool) -> None:
    """The planned work ends: the unit is up, with its role in its group (as after a repair),
    and goes on with the life it had (or a new one, ``renews``)."""
    unit = r.units[u]
    records.set_out(r, -1)
    unit.out = False
    unit.up = True
    records.trace(r, Trace.BACK, u, schedule, 0.0)
    unit.life_start = r.now  # rate 0 while out: no age was consumed
    if r.p.units.group[u] < 0:
        unit.rate = 1.0
    standby.repaired(r, u)
    tree.set_unit(r, u, True, -1)
    if renews:
        start_life(r, u)
    else:
        resume(r, u)
