"""The event table: every code both engines, the records and the tests share.

* :class:`Event` — kinds of scheduled events (what the heap holds). The kernel packs a kind in
  6 bits, so there is room for 64; the codes of mechanisms still to come are reserved here so
  that the numbering never changes.
* :class:`Trace` — the lines of an event log (:func:`hasim.trace`): every scheduled event that
  is handled, and the actions rules take at that moment (a switchover starting, a crew granting
  a job, the system going down).
* :class:`Purpose` and :class:`Owner` — random streams: every draw comes from the stream of an
  owner (a unit, a standby group, a crew, later schedules, stocks, shock groups and datasets)
  and a purpose (DESIGN.md, "Random numbers").
* :class:`Count`, :class:`Level`, :class:`Episode` — the record layout of a run.

The kernels cannot import this module (they import nothing of hasim); ``hasim/kernels/codes.py``
holds the same numbers as plain constants, and ``tests/test_events.py`` ties each of them to
the name here.
"""

from __future__ import annotations

from enum import IntEnum


class Event(IntEnum):
    """Scheduled events. The target is a unit, a group or (later) a schedule, stock, ..."""

    FAIL = 0
    """A unit's life ends (target: unit; token: the unit's life token)."""
    DETECT = 1
    """A unit's failure is noticed by monitoring (target: unit)."""
    RESPONSE_END = 2
    """A crew member's response time is over: the repair starts (target: unit)."""
    REPAIR_END = 3
    """A repair completes (target: unit)."""
    GROUP_DETECT = 4
    """A standby group's health check notices the loss of its active unit (target: group;
    token: the group's loss token)."""
    SWITCH_END = 5
    """A switchover completes (target: group; token: the group's switch token)."""
    INSPECTION = 6
    """An inspection of one unit of a schedule (target: the schedule entry; token: the round
    number k of the instant ``offset + k·every``)."""
    MAINTENANCE_START = 7
    """A maintenance round starts (target: the schedule; token: the round number)."""
    MAINTENANCE_END = 8
    """A unit's maintenance step ends (target: the schedule; token: the unit)."""
    PART_ARRIVES = 9
    """An ordered part arrives at its stock (target: the stock)."""
    # reserved for the mechanisms of the coming issues
    SHOCK = 10
    BACKUP_START = 11
    BACKUP_END = 12
    RESTORE_END = 13
    RESYNC_END = 14
    DEMAND_STEP = 15
    INSPECTION_END = 16
    """A unit taken out of service by an inspection returns (target: the schedule entry)."""


MAX_EVENT_KINDS = 64
"""The kernel packs an event's kind in 6 bits."""


class Trace(IntEnum):
    """Lines of an event log. ``detail`` holds the number the rule drew, where there is one."""

    FAIL = 0
    """unit: its life ended."""
    DETECT = 1
    """unit: its failure was noticed."""
    QUEUE = 2
    """unit: its repair waits for the crew (detail: jobs waiting now)."""
    GRANT = 3
    """unit: a crew member takes its job (detail: the response time drawn)."""
    REPAIR_START = 4
    """unit: its repair starts (detail: the repair time drawn)."""
    REPAIR_END = 5
    """unit: repaired, as good as new."""
    LIFE = 6
    """unit: a new life starts (detail: the lifetime drawn, in hours of ageing)."""
    RATE = 7
    """unit: its ageing rate changed (detail: the new rate)."""
    GROUP_DETECT = 8
    """group: its health check noticed the loss of the active unit."""
    SWITCH_START = 9
    """group: a switchover to ``other`` (a unit) starts (detail: the switchover time drawn)."""
    SWITCH_FAILED = 10
    """group: the switchover failed (imperfect coverage): down until a repair completes."""
    SWITCH_NONE = 11
    """group: no spare is up: down until a repair completes."""
    SWITCH_END = 12
    """group: the switchover completed."""
    ACTIVE = 13
    """unit: repaired while its group had no active unit: active at once."""
    SPARE = 14
    """unit: repaired while its group had an active unit: a spare."""
    SYSTEM_DOWN = 15
    """system: down (other: the unit whose loss took it down)."""
    SYSTEM_UP = 16
    """system: up again (detail: the outage's length)."""
    LATENT = 17
    """unit: its failure went unnoticed by monitoring (latent)."""
    REVEAL = 18
    """unit: its latent failure was found (by an inspection or a switchover attempt)."""
    INSPECT = 19
    """unit: inspected (other: the schedule)."""
    OUT = 20
    """unit: out of service for planned work (other: the schedule; detail: the duration)."""
    BACK = 21
    """unit: back in service after planned work (other: the schedule)."""
    PART_WAIT = 22
    """unit: its repair waits for a part (other: the stock; detail: repairs waiting now)."""
    PART_TAKEN = 23
    """unit: its repair took a part (other: the stock; detail: the reorder's lead time)."""
    PART_ARRIVES = 24
    """stock: an ordered part arrived (detail: parts on hand now)."""
    ROUND = 25
    """schedule: a maintenance round starts (detail: the round number)."""
    DEFER = 26
    """unit: its maintenance step is deferred: it would take the system down (other: the
    schedule)."""
    SKIP = 27
    """unit: its maintenance step is skipped (other: the schedule)."""


class Target(IntEnum):
    """What the ``target`` and ``other`` of a trace line refer to."""

    NONE = -1
    UNIT = 0
    GROUP = 1
    SYSTEM = 2
    CREW = 3
    SCHEDULE = 4
    STOCK = 5


TRACE_TARGET = {
    Trace.GROUP_DETECT: Target.GROUP, Trace.SWITCH_START: Target.GROUP,
    Trace.SWITCH_FAILED: Target.GROUP, Trace.SWITCH_NONE: Target.GROUP,
    Trace.SWITCH_END: Target.GROUP, Trace.SYSTEM_DOWN: Target.SYSTEM,
    Trace.SYSTEM_UP: Target.SYSTEM, Trace.PART_ARRIVES: Target.STOCK,
    Trace.ROUND: Target.SCHEDULE,
}
"""Trace lines whose target is not a unit."""

TRACE_OTHER = {
    Trace.QUEUE: Target.CREW, Trace.GRANT: Target.CREW, Trace.GROUP_DETECT: Target.UNIT,
    Trace.SWITCH_START: Target.UNIT, Trace.SWITCH_FAILED: Target.UNIT,
    Trace.SWITCH_NONE: Target.UNIT, Trace.SWITCH_END: Target.UNIT, Trace.ACTIVE: Target.GROUP,
    Trace.SPARE: Target.GROUP, Trace.SYSTEM_DOWN: Target.UNIT, Trace.SYSTEM_UP: Target.UNIT,
    Trace.INSPECT: Target.SCHEDULE, Trace.OUT: Target.SCHEDULE, Trace.BACK: Target.SCHEDULE,
    Trace.PART_WAIT: Target.STOCK, Trace.PART_TAKEN: Target.STOCK,
    Trace.DEFER: Target.SCHEDULE, Trace.SKIP: Target.SCHEDULE,
}
"""What the ``other`` of a trace line refers to (none where absent)."""


class Purpose(IntEnum):
    """What a stream's numbers are used for (the streams of one owner)."""

    FAILURE = 0
    """unit: lifetimes."""
    REPAIR = 1
    """unit: repair times."""
    DETECTION = 2
    """unit: monitoring delays; group: health-check delays."""
    RESPONSE = 3
    """unit: the crew's response time for this unit's repairs."""
    SWITCHOVER = 4
    """group: switchover times."""
    COVERAGE = 5
    """group: whether a switchover succeeds; unit: whether monitoring notices a failure;
    schedule: whether an inspection finds a latent failure."""
    DISCIPLINE = 6
    """crew: the next job's component type under ``discipline: random``."""
    MODE = 7
    """reserved (a mode's lifetimes are drawn from FAILURE, in mode order)."""
    INSPECTION = 8
    """schedule: the time an inspection keeps a unit out of service."""
    MAINTENANCE = 9
    """schedule: maintenance step durations."""
    LEAD_TIME = 10
    """stock: lead times of reorders."""
    # reserved for the mechanisms of the coming issues
    LAG = 11
    SHOCK = 12
    BACKUP = 13
    RESTORE = 14
    RESYNC = 15


N_PURPOSES = 16


class Owner(IntEnum):
    """Kinds of stream owners; an owner's identity is a hash of its kind, name and instance
    (:func:`hasim.rng.stream_id`)."""

    UNIT = 0
    GROUP = 1
    CREW = 2
    SCHEDULE = 3
    STOCK = 4
    SHOCK_GROUP = 5
    DATASET = 6


class Count(IntEnum):
    """Per-run counts; ``FAILURES_BY_TYPE`` is the first of one column per component type,
    followed by failures by mode, part requests and repairs that waited per stock
    (:class:`hasim.model.lower.Layout`).

    The handlers count only what happens (detections, repair starts, ..., failures by type);
    ``EVENTS`` and ``FAILURES`` are their sums, filled in when the run closes (one increment per
    event on the hot path instead of three)."""

    EVENTS = 0
    """Model events: failures, detections (of units and by standby health checks), repair
    starts and completions, switchover attempts."""
    FAILURES = 1
    DETECTIONS = 2
    REPAIRS = 3
    SWITCHOVERS = 4
    """Switchover attempts (a spare was up and was tried)."""
    SWITCHOVERS_FAILED = 5
    """Attempts that failed (imperfect coverage)."""
    REPAIR_STARTS = 6
    GROUP_DETECTIONS = 7
    """Losses noticed by standby groups' own health checks."""
    OUTAGES = 8
    """System outages of positive length (recorded as episodes or not)."""
    OUTAGES_UNRECORDED = 9
    """Outages counted (and their downtime summed) but not recorded one by one: a block of
    replications keeps at most :data:`hasim.limits.MAX_RECORDS` outage records."""
    LATENT_FAILURES = 10
    """Failures monitoring did not notice."""
    LATENT_FOUND = 11
    """Latent failures found by inspections."""
    INSPECTIONS = 12
    MAINTENANCE_STEPS = 13
    """Units taken out of service by maintenance."""
    MAINTENANCE_DEFERRED = 14
    """Maintenance steps deferred (each counted once, however long it waits)."""
    MAINTENANCE_SKIPPED = 15
    """Maintenance steps skipped: the unit was failed (or out) at its turn, or the next round
    began while the step was deferred or still to come."""
    FAILURES_BY_TYPE = 16


class Level(IntEnum):
    """Per-run time integrals and instants (hours); ``CREW_BUSY`` is the first of one column
    per crew, followed by downtime by cause type, by cause mode, then hours waiting for parts
    and parts on hand (time integral) per stock (:class:`hasim.model.lower.Layout`)."""

    DOWNTIME = 0
    FIRST_OUTAGE = 1
    """Start of the run's first outage (NaN: none); with ``until_failure``, the instant the
    system failed."""
    PLANNED_DOWNTIME = 2
    """System downtime while some unit is out of service for maintenance or an inspection."""
    LATENT_HOURS = 3
    """Unit-hours spent failed and latent (until found, or the end)."""
    CREW_BUSY = 4


class Episode(IntEnum):
    """Kinds of episodes (intervals with a start, an end, a cause and an amount)."""

    OUTAGE = 0
    PLANNED_OUTAGE = 1
    RESTORE = 2
    DATA_LOSS = 3
    STOCK_OUT = 4


def downtime_by_type_column(n_crews: int) -> int:
    """First column of the downtime-by-type levels."""
    return Level.CREW_BUSY + n_crews
