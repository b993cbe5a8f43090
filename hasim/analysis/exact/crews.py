"""Rules of crews (DESIGN.md, "Semantics"; the twin of :mod:`hasim.engines.reference.crews`).

The crew of a job is its failure mode's crew. A crew of ``size`` members takes a job at once
when a member is free: the member's response (if the crew has one), then the repair;
otherwise the job waits. No preemption. When a repair ends (:func:`.units.repair_end`) its
member takes the next job by the crew's discipline (:func:`release`): ``fifo`` (as the jobs
became ready), ``priority`` (lowest component priority first, FIFO among equals) or
``random`` (a component type drawn uniformly among the types with a job waiting, FIFO within
the type). A mode without a crew is repaired as soon as its repair is ready.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from hasim.analysis.exact.state import RESPONSE, Branch, Draft, Setup, State


def start(x: Setup, counts: list[int], crew: int, k: int) -> None:
    """A member of ``crew`` takes the job of kind ``k``: its response, or the repair."""
    kind = x.kinds[k]
    counts[kind.responding if math.isfinite(x.crew_response[crew]) else kind.repairing] += 1


def request(x: Setup, d: Draft, k: int) -> None:
    """A unit of kind ``k`` (counted in no phase, holding its part if it needed one) asks
    its mode's crew for its repair."""
    counts = d.counts
    kind = x.kinds[k]
    crew = kind.mode.crew
    if crew < 0:
        counts[kind.repairing] += 1
        return
    busy = sum(x.crew_busy[crew](counts))
    if busy < x.crew_size[crew]:
        start(x, counts, crew, k)
        return
    queue = [*d.queues[crew], k]
    # canonical order: only the order among jobs the discipline cannot tell apart matters
    discipline = x.discipline[crew]
    if discipline == "priority":  # stable: FIFO among equals
        queue.sort(key=lambda j: x.classes[x.kinds[j].c].priority)
    elif discipline == "random":  # stable: FIFO within a type
        queue.sort(key=lambda j: x.classes[x.kinds[j].c].type)
    d.set_queue(crew, tuple(queue))


def next_jobs(x: Setup, queue: tuple[int, ...], crew: int) -> list[tuple[int, float]]:
    """(position in the queue, probability) of the job a released member takes next."""
    if x.discipline[crew] != "random":
        return [(0, 1.0)]  # fifo, or priority (the queue is sorted by priority)
    firsts: dict[int, int] = {}
    for i, k in enumerate(queue):
        firsts.setdefault(x.classes[x.kinds[k].c].type, i)
    return [(i, 1.0 / len(firsts)) for i in firsts.values()]


def release(x: Setup, d: Draft, crew: int) -> Iterator[tuple[Draft, float]]:
    """A member of ``crew`` (-1: none) is free again: the drafts after it takes the next
    job, with their probabilities (``d`` itself when no job waits)."""
    if crew < 0 or not d.queues[crew]:
        yield d, 1.0
        return
    queue = d.queues[crew]
    for i, p in next_jobs(x, queue, crew):
        nxt = d.copy()
        start(x, nxt.counts, crew, queue[i])
        nxt.set_queue(crew, queue[:i] + queue[i + 1:])
        yield nxt, p


def respond(x: Setup, s: State, k: int, rate: float) -> Iterator[Branch]:
    """A member's response to a unit of kind ``k`` ends: the repair starts."""
    kind = x.kinds[k]
    d = Draft(s)
    d.counts[kind.responding] -= 1
    d.counts[kind.repairing] += 1
    yield d.freeze(), rate, RESPONSE


def branches(x: Setup, s: State) -> Iterator[Branch]:
    """Responses that end, per kind."""
    counts = s[0]
    for k, kind in enumerate(x.kinds):
        if kind.responding >= 0 and counts[kind.responding]:
            yield from respond(x, s, k, counts[kind.responding]
                               * x.crew_response[kind.mode.crew])
