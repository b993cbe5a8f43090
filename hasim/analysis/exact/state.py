"""The state of the chain and what the rules know about the model (:class:`Setup`).

A state is three tuples (hashable, compact):

- ``counts``: per class ``c``, the number of its units in each phase, at
  ``counts[PHASES * c + phase]``: ``UP``, ``UNDETECTED`` (failed, not yet detected),
  ``RESPONDING`` (a crew member on the way), ``REPAIRING``;
- ``queues``: per crew, the waiting jobs as class indices, in the crew's canonical order — as
  they became ready (``fifo``), stably sorted by priority (``priority``) or by type
  (``random``). Only the order the discipline can tell apart is kept: with one class per
  priority (or type) the sorted queue holds exactly the per-class waiting counts, so the chain
  is no larger than it must be;
- ``groups``: per standby group, (active class or -1, switchover in progress, group
  detection pending).

Rules (:mod:`.units`, :mod:`.crews`, :mod:`.standby`) read a state and yield labelled
branches ``(next state, rate, kind)``; they change a :class:`Draft`, a mutable copy.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from hasim.analysis.exact.lumping import Class, classes, rate
from hasim.analysis.exact.result import NotExact
from hasim.model.compile import AT_ONCE, CompiledModel

UP, UNDETECTED, RESPONDING, REPAIRING = range(4)
PHASES = 4

GroupState = tuple[int, bool, bool]
State = tuple[tuple[int, ...], tuple[tuple[int, ...], ...], tuple[GroupState, ...]]
Branch = tuple[State, float, str]
"""(next state, rate per hour, kind of transition)."""

# kinds of transitions
FAILURE, DETECTION, RESPONSE, REPAIR, SWITCHOVER, GROUP_DETECTION = (
    "failure", "detection", "response", "repair", "switchover", "group_detection")


class Draft:
    """A copy of a state that a rule changes, then freezes into the next state: the counts
    are a list; the queues and group states stay tuples, replaced whole when they change
    (:meth:`set_queue`, :func:`set_group`), so that a rule copies only what it changes."""

    __slots__ = ("counts", "groups", "queues")

    def __init__(self, s: State):
        self.counts = list(s[0])
        self.queues = s[1]
        self.groups = s[2]

    def copy(self) -> Draft:
        return Draft(self.freeze())

    def set_queue(self, crew: int, queue: tuple[int, ...]) -> None:
        self.queues = (*self.queues[:crew], queue, *self.queues[crew + 1:])

    def freeze(self) -> State:
        return tuple(self.counts), self.queues, self.groups


def _getter(index: list[int]) -> Callable[[list[int]], tuple[int, ...]]:
    """The items at ``index`` of a sequence, as a tuple (``operator.itemgetter`` returns a
    bare item for one index)."""
    if len(index) == 1:
        i = index[0]
        return lambda seq: (seq[i],)
    if not index:
        return lambda _: ()
    return operator.itemgetter(*index)


def set_group(groups: tuple[GroupState, ...], g: int, value: GroupState
              ) -> tuple[GroupState, ...]:
    """``groups`` with group ``g`` in state ``value``."""
    return (*groups[:g], value, *groups[g + 1:])


@dataclass
class Setup:
    """The model as the rules need it: classes, crews and standby groups with their rates."""

    m: CompiledModel
    classes: list[Class]
    class_of: dict[int, int]
    crew_size: list[int]
    crew_response: list[float]
    """``inf``: the repair starts at once."""
    discipline: tuple[str, ...]
    crew_classes: list[tuple[int, ...]]
    """The classes each crew serves."""
    crew_busy: list[Callable[[list[int]], tuple[int, ...]]]
    """Per crew: the counts of its members responding and repairing, from a state's counts."""
    switch: list[float]
    group_detect: list[float | None]
    """The group's own detection: ``None`` (none: the switchover starts at the unit's own
    detection), ``inf`` (a ``0s`` health check: at once) or a rate."""
    group_classes: list[tuple[int, ...]]
    coverage: list[float]
    dormant: list[float]

    @classmethod
    def of(cls, m: CompiledModel, lump: bool = True) -> Setup:
        """The setup of a model whose laws are all exponential (others are refused); ``lump``:
        interchangeable units as counts (:mod:`.lumping`), else every unit on its own."""
        cs = classes(m, lump)
        for c, d in enumerate(m.crew_discipline):
            if d not in ("fifo", "priority", "random"):
                raise NotExact(f"crews.{m.crew_names[c]}: unknown discipline {d!r}")
        class_of = {u: i for i, c in enumerate(cs) for u in c.units}
        # a crew that serves no unit never responds: its law does not matter
        response = [rate(m.law(int(r)), "response", f"crews.{m.crew_names[c]}")
                    if np.any(m.unit_crew == c) else math.inf
                    for c, r in enumerate(m.crew_response)]
        return cls(
            m=m, classes=cs, class_of=class_of,
            crew_size=[int(x) for x in m.crew_size], crew_response=response,
            discipline=tuple(m.crew_discipline),
            crew_classes=[tuple(i for i, k in enumerate(cs) if k.crew == c)
                          for c in range(len(m.crew_names))],
            crew_busy=[_getter([PHASES * i + p for i, k in enumerate(cs) if k.crew == c
                                for p in (RESPONDING, REPAIRING)])
                       for c in range(len(m.crew_names))],
            switch=[rate(m.law(int(s)), "switchover", m.group_label(g))
                    for g, s in enumerate(m.group_switchover)],
            group_detect=[None if int(d) == -1 else math.inf if int(d) == AT_ONCE
                          else rate(m.law(int(d)), "detection", m.group_label(g))
                          for g, d in enumerate(m.group_detection)],
            group_classes=[tuple(class_of[u] for u in units) for units in m.group_units],
            coverage=[float(x) for x in m.group_coverage],
            dormant=[float(x) for x in m.group_dormant],
        )

    def initial(self) -> State:
        """Every unit up; each standby group's first member active."""
        counts = tuple(x for c in self.classes for x in (c.size, 0, 0, 0))
        queues = tuple(() for _ in self.crew_size)
        groups = tuple((gc[0] if gc else -1, False, False) for gc in self.group_classes)
        return counts, queues, groups

    def is_up(self, s: State) -> bool:
        """The structure function in state ``s``."""
        counts, _, groups = s
        unit_up = [False] * self.m.n_units
        for c, cls in enumerate(self.classes):
            for u in cls.units[: counts[PHASES * c + UP]]:
                unit_up[u] = True
        group_up = [a >= 0 and not sw and counts[PHASES * a + UP] == 1 for a, sw, _ in groups]
        return self.m.structure_up(unit_up, group_up)

    def describe(self, c: int) -> str:
        """Class ``c``'s name for messages: its component type, or its unit."""
        cls = self.classes[c]
        names = self.m.type_names[cls.type]
        return names if cls.size > 1 else self.m.unit_labels[cls.units[0]]


def freeze_all(draft: Draft, branches: list[tuple[tuple[GroupState, ...], float]],
               rate_: float, kind: str) -> Iterator[Branch]:
    """The branches of one transition that end in the same counts and queues but different
    standby-group states, with their probabilities."""
    counts, queues = tuple(draft.counts), draft.queues
    for groups, p in branches:
        yield (counts, queues, groups), rate_ * p, kind
