"""The SimPy reference engine: one process per unit, crews as resources, switchovers as processes.

This engine defines what correct means; any faster engine must produce the same histories.

Rules (DESIGN.md, "Semantics"), with the moments at which each random number is drawn:

* At t = 0 every unit is up and new. A unit's life is a lifetime drawn when the life starts
  (``FAILURE`` stream), consumed at the unit's ageing rate: 1 for a unit outside standby groups
  and for the active unit of a group; for an idle spare, 1 (hot), the dormant factor (warm) or 0
  (cold). Rates change only when a unit's role changes; the unit then fails when its consumed
  age reaches the lifetime.
* On failure the detection delay is drawn (``DETECTION``). When it ends, the repair is requested:
  at once without a crew, else from the crew, FIFO by request time. A crew member, once
  assigned, holds for the crew's response time (drawn then, ``RESPONSE``) and then for the repair
  time (drawn when the repair starts, ``REPAIR``). A repair makes the unit as good as new.
* Standby: the first unit of a group is active. When the active unit fails and a spare is up,
  a switchover is attempted: coverage is drawn (``COVERAGE``, only when coverage < 1); on
  failure the group stays down until a repair completes. Otherwise the lowest-numbered spare
  that is up becomes active (and ages as active) and the group is back in service after the
  switchover time (``SWITCHOVER``; zero means at once). If that unit fails meanwhile the group
  stays down until a repair completes. A unit repaired while the group has no active unit
  becomes active at once; otherwise it becomes a spare (non-revertive). The coverage and
  switchover numbers come from the streams of the unit that failed.
* Zero delays (``0s`` detection, response or switchover) are taken at once, without yielding.
* Only events before the end of the mission happen; an outage still open then is cut there.
* Outage attribution: the downtime of an outage goes to the component type of the unit whose
  failure took the system down.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import simpy

from hasim.model.compile import KOFN, LEAF, CompiledModel
from hasim.results import RunResult
from hasim.rng import DRAWS_PER_SAMPLE, Purpose, replication_key, sample, sub_key, uniform


class _Unit:
    __slots__ = ("age", "draws", "keys", "life_started", "lifetime", "process", "rate", "stream",
                 "up", "wake")

    def __init__(self, stream: int, rate: float):
        self.stream = stream
        self.keys: list[int | None] = [None] * len(Purpose)
        self.draws = [0] * len(Purpose)
        self.up = True
        self.rate = rate
        self.age = 0.0
        self.lifetime = math.inf
        self.life_started = 0.0
        self.process: simpy.Process | None = None
        self.wake: simpy.Event | None = None


class _Group:
    __slots__ = ("active", "switch_token", "switching", "units")

    def __init__(self, units: tuple[int, ...]):
        self.units = units
        self.active = units[0] if units else -1
        self.switching = False
        self.switch_token = 0

    @property
    def in_service(self) -> bool:
        return self.active >= 0 and not self.switching


class Replication:
    """One simulated history of a model."""

    def __init__(self, model: CompiledModel, seed: int, replication: int):
        self.m = model
        self.rep_key = replication_key(seed, replication)
        self.env = simpy.Environment()
        self.T = model.mission
        self.groups = [_Group(units) for units in model.group_units]
        self.units = []
        for u in range(model.n_units):
            g = model.unit_group[u]
            rate = 1.0 if g < 0 or self.groups[g].active == u else model.group_dormant[g]
            self.units.append(_Unit(model.unit_stream[u], rate))
        self.crews = [simpy.Resource(self.env, capacity=int(s)) for s in model.crew_size]
        self.crew_busy = np.zeros(len(model.crew_names))
        self._holds: dict[int, tuple[int, float]] = {}
        # metrics
        self.events = 0
        self.system_up = True
        self.outage_start = 0.0
        self.outage_cause = -1
        self.outage_hours: list[float] = []
        self.downtime_by_type = np.zeros(model.n_types)
        self.first_failure = math.nan

    # -- random numbers --
    def _next(self, u: int, purpose: Purpose) -> tuple[int, int]:
        """Key of the ``purpose`` stream of unit ``u`` and the index of its next sample."""
        unit = self.units[u]
        key = unit.keys[purpose]
        if key is None:
            key = unit.keys[purpose] = sub_key(self.rep_key, unit.stream, purpose)
        n = unit.draws[purpose]
        unit.draws[purpose] = n + 1
        return key, n

    def draw(self, u: int, purpose: Purpose, law: int) -> float:
        """Next sample of ``law`` from the ``purpose`` stream of unit ``u`` (0 for no law)."""
        if law < 0:
            return 0.0
        key, n = self._next(u, purpose)
        d = self.m.laws[law]
        return sample(d.code, d.a, d.b, d.c, d.values, key, n)

    def draw_uniform(self, u: int, purpose: Purpose) -> float:
        """Next uniform number of the ``purpose`` stream of unit ``u``."""
        key, n = self._next(u, purpose)
        return uniform(key, n * DRAWS_PER_SAMPLE)

    # -- the life of a unit --
    def unit_process(self, u: int):
        env, m, unit = self.env, self.m, self.units[u]
        while True:
            unit.lifetime = self.draw(u, Purpose.FAILURE, int(m.unit_failure[u]))
            unit.age = 0.0
            unit.life_started = env.now
            while True:
                try:
                    if unit.rate > 0.0:
                        yield env.timeout((unit.lifetime - unit.age) / unit.rate)
                        break
                    unit.wake = env.event()
                    yield unit.wake
                except simpy.Interrupt:
                    continue  # the ageing rate changed: wait again for the rest of the life
            self.on_failure(u)
            delay = self.draw(u, Purpose.DETECTION, int(m.unit_detection[u]))
            if delay > 0.0:
                yield env.timeout(delay)
            self.events += 1  # detection
            c = int(m.unit_crew[u])
            if c < 0:
                yield from self.repair(u)
            else:
                with self.crews[c].request() as request:
                    yield request
                    self._holds[u] = (c, env.now)
                    response = self.draw(u, Purpose.RESPONSE, int(m.crew_response[c]))
                    if response > 0.0:
                        yield env.timeout(response)
                    yield from self.repair(u)
                    _, start = self._holds.pop(u)
                    self.crew_busy[c] += env.now - start
            self.on_repair(u)

    def repair(self, u: int):
        self.events += 1  # repair start
        duration = self.draw(u, Purpose.REPAIR, int(self.m.unit_repair[u]))
        yield self.env.timeout(duration)
        self.events += 1  # repair completion

    def set_rate(self, u: int, rate: float) -> None:
        """Change the ageing rate of an up unit, keeping the age it has consumed."""
        unit = self.units[u]
        if unit.rate == rate:
            return
        now = self.env.now
        unit.age += (now - unit.life_started) * unit.rate
        unit.life_started = now
        unit.rate = rate
        if unit.process is not None and unit.up:
            unit.process.interrupt()

    # -- state changes --
    def on_failure(self, u: int) -> None:
        m, unit = self.m, self.units[u]
        unit.up = False
        self.events += 1  # failure
        g = int(m.unit_group[u])
        if g >= 0:
            group = self.groups[g]
            if group.active == u:
                was_switching = group.switching
                group.active = -1
                group.switching = False
                if not was_switching:
                    self.switch_over(g, u)
        self.update_system(cause=u)

    def switch_over(self, g: int, failed: int) -> None:
        m, group = self.m, self.groups[g]
        spares = [v for v in group.units if v != failed and self.units[v].up]
        if not spares:
            return
        self.events += 1  # switchover attempt
        coverage = m.group_coverage[g]
        if coverage < 1.0 and self.draw_uniform(failed, Purpose.COVERAGE) >= coverage:
            return  # the switchover fails: down until a repair completes
        v = spares[0]
        group.active = v
        self.set_rate(v, 1.0)
        delay = self.draw(failed, Purpose.SWITCHOVER, int(m.group_switchover[g]))
        if delay > 0.0:
            group.switching = True
            group.switch_token += 1
            self.env.process(self.switching(g, group.switch_token, delay))

    def switching(self, g: int, token: int, delay: float):
        yield self.env.timeout(delay)
        group = self.groups[g]
        if group.switching and group.switch_token == token:
            group.switching = False
            self.update_system(cause=-1)

    def on_repair(self, u: int) -> None:
        m, unit = self.m, self.units[u]
        unit.up = True
        g = int(m.unit_group[u])
        if g >= 0:
            group = self.groups[g]
            if group.active < 0:
                group.active = u
                unit.rate = 1.0
            else:
                unit.rate = float(m.group_dormant[g])
        self.update_system(cause=-1)

    def structure_up(self) -> bool:
        m = self.m
        up = [False] * len(m.node_kind)
        for n in range(len(up)):
            kind = m.node_kind[n]
            if kind == LEAF:
                up[n] = self.units[m.node_ref[n]].up
            elif kind == KOFN:
                up[n] = sum(up[c] for c in m.node_children[n]) >= m.node_k[n]
            else:
                up[n] = self.groups[m.node_ref[n]].in_service
        return up[-1]

    def update_system(self, cause: int) -> None:
        up = self.structure_up()
        if up == self.system_up:
            return
        now = self.env.now
        self.system_up = up
        if not up:
            self.outage_start = now
            self.outage_cause = int(self.m.unit_type[cause])
            if math.isnan(self.first_failure):
                self.first_failure = now
        else:
            self.close_outage(now)

    def close_outage(self, now: float) -> None:
        duration = now - self.outage_start
        self.outage_hours.append(duration)
        self.downtime_by_type[self.outage_cause] += duration

    def run(self) -> dict[str, Any]:
        for u, unit in enumerate(self.units):
            unit.process = self.env.process(self.unit_process(u))
        self.env.run(until=self.T)
        if not self.system_up:
            self.close_outage(self.T)
        for _, (c, start) in sorted(self._holds.items()):  # by unit, as every engine sums
            self.crew_busy[c] += self.T - start
        return dict(
            downtime=float(sum(self.outage_hours)),
            outages=len(self.outage_hours),
            first_failure=self.first_failure,
            events=self.events,
            downtime_by_type=self.downtime_by_type,
            crew_busy=self.crew_busy,
            outage_hours=self.outage_hours,
        )


def run_replications(model: CompiledModel, seed: int, start: int, stop: int) -> RunResult:
    """Simulate replications ``start, ..., stop - 1`` of a study seeded ``seed``."""
    n = stop - start
    downtime = np.zeros(n)
    outages = np.zeros(n, dtype=np.int64)
    first = np.full(n, math.nan)
    events = np.zeros(n, dtype=np.int64)
    by_type = np.zeros((n, model.n_types))
    busy = np.zeros((n, len(model.crew_names)))
    outage_rep: list[int] = []
    outage_hours: list[float] = []
    for i, rep in enumerate(range(start, stop)):
        r = Replication(model, seed, rep).run()
        downtime[i] = r["downtime"]
        outages[i] = r["outages"]
        first[i] = r["first_failure"]
        events[i] = r["events"]
        by_type[i] = r["downtime_by_type"]
        busy[i] = r["crew_busy"]
        outage_rep.extend([rep] * len(r["outage_hours"]))
        outage_hours.extend(r["outage_hours"])
    return RunResult(
        replication=np.arange(start, stop, dtype=np.int64),
        downtime_hours=downtime,
        outages=outages,
        first_failure_hours=first,
        events=events,
        downtime_by_type=by_type,
        crew_busy_hours=busy,
        outage_replication=np.array(outage_rep, dtype=np.int64),
        outage_hours=np.array(outage_hours, dtype=float),
    )
