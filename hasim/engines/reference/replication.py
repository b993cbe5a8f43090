"""One simulated history: the state of every mechanism, the event dispatch, the random draws."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import simpy

from hasim.events import N_PURPOSES, Event, Purpose
from hasim.limits import DEFAULT_MAX_EVENTS, MAX_RECORDS, EventLimitError
from hasim.rng import DRAWS_PER_SAMPLE, replication_key, sample, sub_key, uniform

if TYPE_CHECKING:
    from hasim.model.compile import CompiledModel
    from hasim.model.lower import Program
    from hasim.results import RunResult

    Scheduled = Callable[[float, int, int, int], None]


class Unit:
    """A unit's state: up (in service and not failed) or not, its ageing (rate, age, current
    lifetime and the mode that ends it), the token of its scheduled failure, whether its failure
    is latent, whether it is out of service for planned work, the crew of its repair job and
    whether a member holds it, and since when it waits for a part."""

    __slots__ = ("age", "hold_start", "holding", "job_crew", "latent", "latent_start",
                 "life_start", "lifetime", "mode", "out", "rate", "token", "up", "wait_start")

    def __init__(self, rate: float):
        self.up = True
        self.rate = rate
        self.age = 0.0
        self.life_start = 0.0
        self.lifetime = 0.0
        self.mode = 0
        self.token = 0
        self.latent = False
        self.latent_start = 0.0
        self.out = False
        self.job_crew = -1
        self.holding = False
        self.hold_start = 0.0
        self.wait_start = 0.0


class Group:
    """A standby group's state: its active unit (-1: none), whether a switchover is in
    progress, the tokens of its scheduled switchover end and health-check detection, and the
    instant at which a repaired unit last became active (for the same-instant rule)."""

    __slots__ = ("activated_by_repair", "active", "loss_token", "switch_token", "switching")

    def __init__(self, active: int):
        self.active = active
        self.switching = False
        self.switch_token = 0
        self.loss_token = 0
        self.activated_by_repair = math.nan


class Crew:
    """A crew's state: jobs in hand, and the jobs waiting, in the order they became ready."""

    __slots__ = ("busy", "queue")

    def __init__(self) -> None:
        self.busy = 0
        self.queue: list[int] = []


class Stock:
    """A stock's state: parts on hand (and since when), and the repairs waiting for a part in
    the order they asked."""

    __slots__ = ("on_hand", "queue", "since")

    def __init__(self, size: int):
        self.on_hand = size
        self.since = 0.0
        self.queue: list[int] = []


class Plan:
    """A maintenance schedule's state: the next instance of the round (rolling), the units it
    has out of service, and whether its next step waits (deferred)."""

    __slots__ = ("cursor", "deferred", "running")

    def __init__(self, n: int):
        self.cursor = n
        self.running = 0
        self.deferred = False


class Replication:
    """One simulated history of a program: seed ``seed``, replication ``rep``.

    Records go to row ``row`` of ``counts`` and ``levels`` and are appended to ``episodes``
    (the buffers of :func:`hasim.engines.records.new_buffers`); with ``trace`` a list, every
    handled event and action is appended to it as (time, code, target, other, detail).
    """

    def __init__(self, program: Program, seed: int, rep: int, counts: np.ndarray,
                 levels: np.ndarray, episodes: list[tuple[float, float, float, int, int, int, int]],
                 trace: list[tuple[float, int, int, int, float]] | None = None,
                 on_schedule: Scheduled | None = None, until_failure: bool = False,
                 max_records: int = MAX_RECORDS):
        from hasim.engines.reference import crews, inspections, maintenance, spares, standby, units

        p = self.p = program
        self.rep = rep
        self.env = simpy.Environment()
        self.rep_key = replication_key(seed, rep)
        self.keys: dict[tuple[int, int], int] = {}
        self.draws = np.zeros((len(p.streams.ids), N_PURPOSES), dtype=np.int64)
        self.units = [Unit(1.0) for _ in range(p.n_units)]
        self.groups = []
        for g in range(p.n_groups):
            members = p.groups.members[p.groups.ptr[g]:p.groups.ptr[g + 1]]
            self.groups.append(Group(int(members[0]) if len(members) else -1))
            for u in members[1:]:
                self.units[u].rate = float(p.groups.dormant[g])
        self.crews = [Crew() for _ in range(p.n_crews)]
        self.stocks = [Stock(int(n)) for n in p.stocks.size]
        S = p.schedules
        self.plans = {i: Plan(int(S.ptr[i + 1] - S.ptr[i]))
                      for i in range(S.n_inspections, p.n_schedules)}
        self.n_deferred = 0
        """Maintenance schedules whose next step is deferred (retried after every event)."""
        self.n_out = 0
        """Units out of service for planned work."""
        self.segment_start = 0.0
        """While the system is down: since when ``n_out`` has had its value."""
        self.outage_mode = -1
        self.system_up = True
        self.node_set: list[bool] = [True] * p.n_nodes
        self.outage_start = 0.0
        self.outage_cause = -1
        self.counts = counts
        self.levels = levels
        self.episodes = episodes
        self.max_records = max_records
        self.until_failure = until_failure
        self.mission_end = p.mission
        self.end = self.mission_end
        """The end of the run: the mission (with ``until_failure``: inf), and with
        ``until_failure`` just after the instant the system failed, once it has."""
        self.trace_log = trace
        self.on_schedule = on_schedule
        self.handlers: dict[int, Callable[[Replication, int, int], None]] = {
            Event.FAIL: units.fail,
            Event.DETECT: units.detect,
            Event.RESPONSE_END: crews.response_end,
            Event.REPAIR_END: units.repair_end,
            Event.GROUP_DETECT: standby.group_detect,
            Event.SWITCH_END: standby.switch_end,
            Event.INSPECTION: inspections.inspect,
            Event.INSPECTION_END: inspections.inspection_end,
            Event.MAINTENANCE_START: maintenance.round_start,
            Event.MAINTENANCE_END: maintenance.step_end,
            Event.PART_ARRIVES: spares.part_arrives,
        }
        self._retry = maintenance.retry

    @property
    def now(self) -> float:
        return float(self.env.now)

    # -- events --
    def schedule(self, delay: float, kind: Event, target: int, token: int = 0) -> None:
        """Schedule event ``kind`` for ``target`` after ``delay`` hours (a plain timeout)."""
        event = self.env.timeout(delay)
        event.callbacks.append(lambda _: self.handle(kind, target, token))
        event.hasim = (int(kind), target, token)  # type: ignore[attr-defined]  # for tests
        if self.on_schedule is not None:
            self.on_schedule(self.now + delay, int(kind), target, token)

    def handle(self, kind: Event, target: int, token: int) -> None:
        """The handler of the event, then deferred maintenance steps are tried again."""
        self.handlers[kind](self, target, token)
        if self.n_deferred:
            self._retry(self)

    # -- random numbers --
    def _key(self, stream: int, purpose: int) -> int:
        key = self.keys.get((stream, purpose))
        if key is None:
            key = self.keys[stream, purpose] = sub_key(self.rep_key,
                                                       int(self.p.streams.ids[stream]), purpose)
        return key

    def draw(self, stream: int, purpose: Purpose, law: int) -> float:
        """Next sample of ``law`` from the ``purpose`` stream of owner ``stream``; 0 for no law
        (-1)."""
        if law < 0:
            return 0.0
        n = int(self.draws[stream, purpose])
        self.draws[stream, purpose] = n + 1
        L = self.p.laws
        return sample(int(L.code[law]), float(L.a[law]), float(L.b[law]), float(L.c[law]),
                      tuple(L.pool), self._key(stream, purpose), n)

    def draw_uniform(self, stream: int, purpose: Purpose) -> float:
        """Next uniform number of the ``purpose`` stream of owner ``stream``."""
        n = int(self.draws[stream, purpose])
        self.draws[stream, purpose] = n + 1
        return uniform(self._key(stream, purpose), n * DRAWS_PER_SAMPLE)

    # -- the run --
    def start(self) -> None:
        """t = 0: the structure's state, every unit's first life, in unit order, then the first
        instant of every schedule (inspections by unit, maintenance rounds), in model order."""
        from hasim.engines.reference import tree, units

        tree.reset(self)
        for u in range(self.p.n_units):
            units.start_life(self, u)
        S = self.p.schedules
        for i in range(self.p.n_schedules):
            for e in range(int(S.ptr[i]), int(S.ptr[i + 1])):
                first = float(S.offset[e])
                if i < S.n_inspections and first < self.mission_end:
                    self.schedule(first, Event.INSPECTION, e, 0)
                elif i >= S.n_inspections and e == S.ptr[i] and first < self.mission_end:
                    self.schedule(first, Event.MAINTENANCE_START, i, 0)

    def step(self) -> bool:
        """Handle the next event if it comes before the end (tests step the engines side by
        side); returns whether there was one."""
        if not self.env.peek() < self.end:
            return False
        self.env.step()
        return True

    def run(self, max_events: int = DEFAULT_MAX_EVENTS,
            progress: Callable[[int], None] | None = None) -> None:
        """Start, handle at most ``max_events`` events before the end (else
        :class:`~hasim.limits.EventLimitError`), close. ``progress`` is called with the events
        handled since its last call, every :data:`PROGRESS_EVERY` events."""
        from hasim.engines.reference import records

        self.start()
        handled = 0
        while self.env.peek() < self.end:
            if handled == max_events:
                until = "its first system failure" if self.until_failure else \
                    f"the mission end ({self.p.mission:,.6g} h)"
                raise EventLimitError(self.rep, self.now, max_events, until)
            self.env.step()
            handled += 1
            if progress is not None and handled % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        if progress is not None:
            progress(handled % PROGRESS_EVERY)
        records.close(self, self.now if self.until_failure else self.p.mission)


PROGRESS_EVERY = 2000
"""Events between progress reports of the SimPy engine (about 0.05 s)."""


def run_replications(program: Program | CompiledModel, seed: int, start: int, stop: int, *,
                     max_events: int = DEFAULT_MAX_EVENTS, until_failure: bool = False,
                     max_records: int = MAX_RECORDS,
                     progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Simulate replications ``start, ..., stop - 1`` of a study seeded ``seed``: each with at
    most ``max_events`` events, the first ``max_records`` outages of the call recorded one by
    one (the rest counted); with ``until_failure`` each runs until its first system failure.
    ``progress`` is called with (events handled, replications finished) as they go."""
    from hasim.engines.records import build_result, new_buffers, program_of

    p = program_of(program)
    if until_failure:
        p = p._replace(mission=math.inf)
    counts, levels = new_buffers(p, stop - start)
    episodes: list[tuple[float, float, float, int, int, int, int]] = []
    events = None if progress is None else (lambda n: progress(n, 0))
    for i, rep in enumerate(range(start, stop)):
        Replication(p, seed, rep, counts[i], levels[i], episodes, until_failure=until_failure,
                    max_records=max_records).run(max_events, events)
        if progress is not None:
            progress(0, 1)
    ep = np.array(episodes, dtype=float).reshape(-1, 7)
    return build_result(p, start, stop, counts, levels, ep[:, :3], ep[:, 3:].astype(np.int64))


def trace(program: Program | CompiledModel, seed: int, rep: int, until: float | None = None, *,
          max_events: int = DEFAULT_MAX_EVENTS,
          until_failure: bool = False) -> list[tuple[float, int, int, int, float]]:
    """The event log of replication ``rep``: (time, code, target, other, detail) per line
    (codes: :class:`hasim.events.Trace`)."""
    from hasim.engines.records import new_buffers, program_of

    p = program_of(program)
    if until_failure:
        p = p._replace(mission=math.inf)
    if until is not None:
        p = p._replace(mission=min(p.mission, until))
    counts, levels = new_buffers(p, 1)
    log: list[tuple[float, int, int, int, float]] = []
    Replication(p, seed, rep, counts[0], levels[0], [], trace=log,
                until_failure=until_failure).run(max_events)
    return log
