"""Rules of repairs and crews (DESIGN.md, "Semantics").

A crew of ``size`` members takes a job at once when a member is free: the member's response
(if the crew has one), then the repair; otherwise the job waits. No preemption. When a repair
ends its member takes the next job by the crew's discipline: ``fifo`` (as the jobs became
ready), ``priority`` (lowest component priority first, FIFO among equals) or ``random`` (a
component type drawn uniformly among the types with a job waiting, FIFO within the type).
A unit without a crew is repaired as soon as its failure is detected.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from hasim.analysis.exact import standby
from hasim.analysis.exact.state import (
    PHASES,
    REPAIR,
    REPAIRING,
    RESPONDING,
    RESPONSE,
    UP,
    Branch,
    Draft,
    Setup,
    State,
)


def start(x: Setup, counts: list[int], crew: int, c: int) -> None:
    """A member of ``crew`` takes the job of class ``c``: its response, or the repair."""
    phase = RESPONDING if math.isfinite(x.crew_response[crew]) else REPAIRING
    counts[PHASES * c + phase] += 1


def request(x: Setup, d: Draft, c: int) -> None:
    """A unit of class ``c`` (counted in no phase) asks for its repair."""
    counts = d.counts
    crew = x.classes[c].crew
    if crew < 0:
        counts[PHASES * c + REPAIRING] += 1
        return
    busy = sum(x.crew_busy[crew](counts))
    if busy < x.crew_size[crew]:
        start(x, counts, crew, c)
        return
    queue = [*d.queues[crew], c]
    # canonical order: only the order among jobs the discipline cannot tell apart matters
    discipline = x.discipline[crew]
    if discipline == "priority":
        queue.sort(key=lambda k: x.classes[k].priority)  # stable: FIFO among equals
    elif discipline == "random":
        queue.sort(key=lambda k: x.classes[k].type)  # stable: FIFO within a type
    d.set_queue(crew, tuple(queue))


def next_jobs(x: Setup, queue: tuple[int, ...], crew: int) -> list[tuple[int, float]]:
    """(position in the queue, probability) of the job a released member takes next."""
    if x.discipline[crew] != "random":
        return [(0, 1.0)]  # fifo, or priority (the queue is sorted by priority)
    firsts: dict[int, int] = {}
    for i, k in enumerate(queue):
        firsts.setdefault(x.classes[k].type, i)
    return [(i, 1.0 / len(firsts)) for i in firsts.values()]


def respond(x: Setup, s: State, c: int, rate: float) -> Iterator[Branch]:
    """A member's response to a unit of class ``c`` ends: the repair starts."""
    d = Draft(s)
    d.counts[PHASES * c + RESPONDING] -= 1
    d.counts[PHASES * c + REPAIRING] += 1
    yield d.freeze(), rate, RESPONSE


def repair_end(x: Setup, s: State, c: int, rate: float) -> Iterator[Branch]:
    """The repair of a unit of class ``c`` ends: the unit is up (a standby member may become
    active) and its crew member takes the next job."""
    cls = x.classes[c]
    d = Draft(s)
    d.counts[PHASES * c + REPAIRING] -= 1
    d.counts[PHASES * c + UP] += 1
    if cls.group >= 0:
        d.groups = standby.repaired(d.groups, cls.group, c)
    crew = cls.crew
    if crew < 0 or not d.queues[crew]:
        yield d.freeze(), rate, REPAIR
        return
    queue = d.queues[crew]
    for i, p in next_jobs(x, queue, crew):
        nxt = d.copy()
        start(x, nxt.counts, crew, queue[i])
        nxt.set_queue(crew, queue[:i] + queue[i + 1:])
        yield nxt.freeze(), rate * p, REPAIR


def branches(x: Setup, s: State) -> Iterator[Branch]:
    """Responses and repairs that end, per class."""
    counts = s[0]
    for c, cls in enumerate(x.classes):
        n_responding = counts[PHASES * c + RESPONDING]
        if n_responding:
            yield from respond(x, s, c, n_responding * x.crew_response[cls.crew])
        n_repairing = counts[PHASES * c + REPAIRING]
        if n_repairing:
            yield from repair_end(x, s, c, n_repairing * cls.repair)
