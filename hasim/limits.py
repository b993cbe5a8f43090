"""Limits of a study — events per replication, outage records, replications — and the estimate
of a model's events per replication that is checked against them before anything runs.

Every limit here is stated in ``models/README.md`` ("Limits"); the engines enforce the event cap
and the record cap the same way, so that results stay the same bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hasim.errors import HasimError

if TYPE_CHECKING:
    from hasim.model.compile import CompiledModel

DEFAULT_MAX_EVENTS = 10_000_000
"""Events one replication may handle (``max_events``; ``--max-events``): about half a second
of the numba engine's time, a few minutes of the SimPy engine's. A study whose estimated events
per replication exceed it is refused before it starts; a replication that reaches it anyway
stops the study with :class:`EventLimitError`."""

MAX_RECORDS = 1 << 20
"""Outage records one block of replications keeps (in time order within a replication and in
replication order); outages beyond it are counted and their downtime summed, but not recorded
one by one (``Count.OUTAGES_UNRECORDED``). A block is :data:`BLOCK` replications aligned on
multiples of it, so which records are kept never depends on the number of workers."""

BLOCK = {"simpy": 50, "numba": 2000}
"""Replications per block (per task of a worker), by engine."""

MAX_RUNS = 1_000_000_000
"""Replications of one study (its per-replication table alone takes about 200 bytes a run)."""

BYTES_PER_RUN = 120
"""Memory a study's results take per replication, beyond the per-type and per-crew columns
(8 bytes each per replication); used to refuse a study that cannot fit in memory."""


class EventLimitError(HasimError):
    """A replication handled ``max_events`` events before its end."""

    def __init__(self, replication: int, time_hours: float, max_events: int, until: str):
        self.replication = replication
        self.time_hours = time_hours
        self.max_events = max_events
        super().__init__(
            f"replication {replication} handled {max_events:,} events by t = {time_hours:,.6g} h "
            f"without reaching {until}; the model is far busier than its laws' means suggest, "
            f"or the system never fails — raise the limit with --max-events (max_events=) if "
            f"this is intended")


@dataclass(frozen=True)
class EventEstimate:
    """Expected events of one replication, from the laws' means (an estimate: queueing for
    crews and the spares' ageing are ignored, which can only overstate the events)."""

    total: float
    busiest: str
    """The component type with the most events."""
    busiest_events: float


def estimate_events(model: CompiledModel, mission: float | None = None) -> EventEstimate:
    """Expected events per replication over ``mission`` hours (default: the model's).

    Per unit, a cycle is a life (mean lifetime), the detection delay, the crew's response and
    the repair; a cycle's scheduled events are its failure and its repair end, and a detection,
    a response or a switchover where those take time (the events the engines count against
    ``max_events``; zero delays are taken at once, within another event). Overflowing means
    count as infinite."""
    T = model.mission if mission is None else mission
    laws = model.laws

    def mean(law: int) -> float:
        if law < 0:
            return 0.0
        try:
            m = float(laws[law].mean)
        except (OverflowError, ValueError, ZeroDivisionError):
            return math.inf
        return m if m == m else math.inf

    by_type = [0.0] * model.n_types
    for u in range(model.n_units):
        t = int(model.unit_type[u])
        modes = range(int(model.type_mode_ptr[t]), int(model.type_mode_ptr[t + 1]))
        # competing modes: the life ends at the earliest (exact for exponential laws)
        rates = sum(1.0 / x if x > 0 else math.inf
                    for x in (mean(int(model.mode_failure[j])) for j in modes))
        life = 1.0 / rates if rates > 0 else math.inf
        first = modes[0]
        det = mean(int(model.mode_detection[first]))
        crew = int(model.mode_crew[first])
        resp = mean(int(model.crew_response[crew])) if crew >= 0 else 0.0
        rep = max(mean(int(model.mode_repair[j])) for j in modes)
        per_cycle = 2.0 + (det > 0) + (resp > 0) + (model.mode_spare[first] >= 0)
        g = int(model.unit_group[u])
        if g >= 0:
            per_cycle += 2.0  # a switchover's end and a health check's detection, at most
        cycle = life + det + resp + rep
        if not cycle > 0.0:
            events = math.inf if T > 0 else 0.0
        elif math.isinf(T):
            events = math.inf if math.isfinite(cycle) else 0.0
        else:
            events = T / cycle * per_cycle if math.isfinite(cycle) else 0.0
        by_type[int(model.unit_type[u])] += events + 1.0
    for x in (*model.inspections, *model.maintenance):
        # every instant an event per unit (inspections) or a round and a step per unit, and
        # the end of a time out of service
        rounds = T / x.every if math.isfinite(T) else math.inf
        for u in x.units:
            by_type[int(model.unit_type[u])] += rounds * (2.0 + (x.duration >= 0))
    total = sum(by_type)
    t = max(range(len(by_type)), key=lambda i: by_type[i]) if by_type else 0
    name = model.type_names[t] if by_type else ""
    return EventEstimate(total=total, busiest=name, busiest_events=by_type[t] if by_type else 0.0)


def check_events(model: CompiledModel, max_events: int,
                 mission: float | None = None) -> EventEstimate:
    """Refuse a model whose estimated events per replication (over ``mission`` hours, default
    the model's) exceed ``max_events``."""
    T = model.mission if mission is None else min(mission, model.mission)
    est = estimate_events(model, T)
    if not est.total <= max_events:
        total = "infinitely many" if math.isinf(est.total) else f"about {est.total:,.3g}"
        busiest = "infinitely many" if math.isinf(est.busiest_events) else \
            f"{est.busiest_events:,.3g}"
        raise HasimError(
            f"{model.source or model.name}: a replication would handle {total} events (component "
            f"{est.busiest!r}: {busiest}, from its laws' means over {T:,.6g} h), over the "
            f"limit of {max_events:,} events per replication; "
            f"check the units of its failure and repair laws and the mission, or raise the "
            f"limit with --max-events (max_events=)")
    return est


def check_max_events(max_events: object) -> int:
    if isinstance(max_events, bool) or not isinstance(max_events, int) or not \
            1 <= max_events <= 2**62:
        raise ValueError(f"max_events must be an integer from 1 to 2**62, got {max_events!r}")
    return max_events


def check_runs(model: CompiledModel, runs: int) -> None:
    """Refuse a study larger than :data:`MAX_RUNS` or than the memory its results take."""
    if runs > MAX_RUNS:
        raise HasimError(f"{runs:,} replications: a study has at most {MAX_RUNS:,}; split it "
                         f"into several studies with different seeds")
    per_run = BYTES_PER_RUN + 8 * (3 * model.n_types + len(model.crew_names))
    need = runs * per_run
    available = available_memory()
    if available is not None and need > available:
        raise HasimError(f"{runs:,} replications need about {need / 2**30:,.1f} GiB for their "
                         f"results, more than the {available / 2**30:,.1f} GiB available")


def available_memory() -> int | None:
    """Memory available to this process (bytes), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None
