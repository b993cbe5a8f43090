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
    # reserved for the mechanisms of the coming issues
    INSPECTION = 6
    MAINTENANCE_START = 7
    MAINTENANCE_END = 8
    PART_ARRIVES = 9
    SHOCK = 10
    BACKUP_START = 11
    BACKUP_END = 12
    RESTORE_END = 13
    RESYNC_END = 14
    DEMAND_STEP = 15


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


class Target(IntEnum):
    """What the ``target`` and ``other`` of a trace line refer to."""

    NONE = -1
    UNIT = 0
    GROUP = 1
    SYSTEM = 2
    CREW = 3


TRACE_TARGET = {
    Trace.GROUP_DETECT: Target.GROUP, Trace.SWITCH_START: Target.GROUP,
    Trace.SWITCH_FAILED: Target.GROUP, Trace.SWITCH_NONE: Target.GROUP,
    Trace.SWITCH_END: Target.GROUP, Trace.SYSTEM_DOWN: Target.SYSTEM,
    Trace.SYSTEM_UP: Target.SYSTEM,
}
"""Trace lines whose target is not a unit."""

TRACE_OTHER = {
    Trace.QUEUE: Target.CREW, Trace.GRANT: Target.CREW, Trace.GROUP_DETECT: Target.UNIT,
    Trace.SWITCH_START: Target.UNIT, Trace.SWITCH_FAILED: Target.UNIT,
    Trace.SWITCH_NONE: Target.UNIT, Trace.SWITCH_END: Target.UNIT, Trace.ACTIVE: Target.GROUP,
    Trace.SPARE: Target.GROUP, Trace.SYSTEM_DOWN: Target.UNIT, Trace.SYSTEM_UP: Target.UNIT,
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
    """group: whether a switchover succeeds."""
    DISCIPLINE = 6
    """crew: the next job's component type under ``discipline: random``."""
    # reserved for the mechanisms of the coming issues
    MODE = 7
    INSPECTION = 8
    MAINTENANCE = 9
    LEAD_TIME = 10
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
    """Per-run counts; ``FAILURES_BY_TYPE`` is the first of one column per component type.

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
    FAILURES_BY_TYPE = 10


class Level(IntEnum):
    """Per-run time integrals and instants (hours); ``CREW_BUSY`` is the first of one column
    per crew, followed by ``DOWNTIME_BY_TYPE`` (one column per component type, after the
    crews)."""

    DOWNTIME = 0
    FIRST_OUTAGE = 1
    """Start of the run's first outage (NaN: none); with ``until_failure``, the instant the
    system failed."""
    CREW_BUSY = 2


class Episode(IntEnum):
    """Kinds of episodes (intervals with a start, an end, a cause and an amount)."""

    OUTAGE = 0
    PLANNED_OUTAGE = 1
    RESTORE = 2
    DATA_LOSS = 3
    STOCK_OUT = 4


def n_counts(n_types: int) -> int:
    return Count.FAILURES_BY_TYPE + n_types


def n_levels(n_types: int, n_crews: int) -> int:
    return Level.CREW_BUSY + n_crews + n_types


def downtime_by_type_column(n_crews: int) -> int:
    """First column of the downtime-by-type levels."""
    return Level.CREW_BUSY + n_crews
