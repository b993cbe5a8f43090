"""The state of the chain and what the rules know about the model (:class:`Setup`).

A state is four tuples (hashable, compact):

- ``counts``: per class ``c``, the number of its units up, at ``counts[x.up[c]]``, then per
  failure mode of the class (a :class:`Kind`: the class's units failed in that mode) the
  number in each phase it can be in: ``LATENT`` (failed, missed by monitoring: found only by a
  switchover attempt), ``UNDETECTED`` (failed, detection pending), ``RESPONDING`` (a crew
  member on the way), ``REPAIRING``. A phase a mode can never be in (``LATENT`` at coverage 1,
  ``UNDETECTED`` for a zero detection delay or coverage 0, ``RESPONDING`` without a crew
  response) has no slot (its index in :class:`Kind` is -1). A class's slots are contiguous
  (``x.span[c]``). Jobs waiting for a crew or a part are in no phase: they are in a queue;
- ``queues``: per crew, the waiting jobs as kind indices, in the crew's canonical order — as
  they became ready (``fifo``), stably sorted by priority (``priority``) or by type
  (``random``). Only the order the discipline can tell apart is kept: with one class per
  priority (or type) the sorted queue holds exactly the per-class waiting counts, so the chain
  is no larger than it must be;
- ``groups``: per standby group, (active class or -1, switchover in progress, group
  detection pending);
- ``stocks``: per stock of spare parts, (parts on hand, the jobs waiting for a part as kind
  indices in the order they asked); the parts on order are the stock's size less those on
  hand (one-for-one reordering), and jobs wait only while none is on hand.

Rules (:mod:`.units`, :mod:`.crews`, :mod:`.standby`, :mod:`.spares`) read a state and yield
labelled branches ``(next state, rate, kind)``; they change a :class:`Draft`, a mutable copy.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from hasim.analysis.exact.lumping import Class, Mode, classes, latent_forever, mode_label, rate
from hasim.analysis.exact.result import NoExactMethod, NotExact
from hasim.model.compile import AT_ONCE, CompiledModel

GroupState = tuple[int, bool, bool]
StockState = tuple[int, tuple[int, ...]]
State = tuple[tuple[int, ...], tuple[tuple[int, ...], ...], tuple[GroupState, ...],
              tuple[StockState, ...]]
Branch = tuple[State, float, str]
"""(next state, rate per hour, kind of transition)."""

# kinds of transitions
FAILURE, LATENT_FAILURE, DETECTION, RESPONSE, REPAIR, SWITCHOVER, GROUP_DETECTION, PART = (
    "failure", "latent_failure", "detection", "response", "repair", "switchover",
    "group_detection", "part")

PHASE_NAMES = ("latent", "undetected", "responding", "repairing")


@dataclass(frozen=True)
class Kind:
    """The units of class ``c`` failed in ``mode``: the index of each phase's slot in the
    counts (-1: the mode never is in that phase)."""

    c: int
    mode: Mode
    latent: int
    undetected: int
    responding: int
    repairing: int

    def slots(self) -> tuple[int, int, int, int]:
        return self.latent, self.undetected, self.responding, self.repairing


class Draft:
    """A copy of a state that a rule changes, then freezes into the next state: the counts
    are a list; the queues, group and stock states stay tuples, replaced whole when they
    change (:meth:`set_queue`, :meth:`set_stock`, :func:`set_group`), so that a rule copies
    only what it changes."""

    __slots__ = ("counts", "groups", "queues", "stocks")

    def __init__(self, s: State):
        self.counts = list(s[0])
        self.queues = s[1]
        self.groups = s[2]
        self.stocks = s[3]

    def copy(self) -> Draft:
        return Draft(self.freeze())

    def set_queue(self, crew: int, queue: tuple[int, ...]) -> None:
        self.queues = (*self.queues[:crew], queue, *self.queues[crew + 1:])

    def set_stock(self, stock: int, value: StockState) -> None:
        self.stocks = (*self.stocks[:stock], value, *self.stocks[stock + 1:])

    def freeze(self) -> State:
        return tuple(self.counts), self.queues, self.groups, self.stocks


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


def refuse_schedules(m: CompiledModel) -> None:
    """Calendar schedules act at fixed instants: a model with one is not a time-homogeneous
    Markov chain (nor independent renewal processes). Refused, naming the first schedule."""
    schedules = (*m.inspections, *m.maintenance)
    if schedules:
        x = schedules[0]
        what = "inspects" if x in m.inspections else "takes out for maintenance"
        raise NoExactMethod(
            f"{x.label}: a calendar schedule ({what} at fixed instants, every {x.every:g} h) "
            "makes the model non-Markovian (what happens depends on the calendar time, not only "
            "on the state); hasim exact solves no model with inspections or maintenance — "
            "simulate it")


def _response_rate(m: CompiledModel, c: int) -> float:
    # a crew that serves no failure mode never responds: its law does not matter
    if not np.any(m.mode_crew == c):
        return math.inf
    return rate(m.law(int(m.crew_response[c])), "response", f"crews.{m.crew_names[c]}")


def _lead_rate(m: CompiledModel, s: int) -> float:
    # a stock no failure mode takes parts from is never used: its law does not matter
    if not np.any(m.mode_spare == s):
        return math.inf
    return rate(m.law(int(m.stock_lead_time[s])), "lead time", f"spares.{m.stock_names[s]}",
                zero=False)


@dataclass
class Setup:
    """The model as the rules need it: classes and their failure modes (kinds), the state
    layout, crews, standby groups and stocks with their rates."""

    m: CompiledModel
    classes: list[Class]
    class_of: dict[int, int]
    up: list[int]
    """Per class: the slot of its count of units up."""
    span: list[tuple[int, int]]
    """Per class: its slots, ``counts[lo:hi]``."""
    kinds: list[Kind]
    class_kinds: list[tuple[int, ...]]
    """The kinds (failure modes) of each class, in mode order."""
    n_counts: int
    crew_size: list[int]
    crew_response: list[float]
    """``inf``: the repair starts at once."""
    discipline: tuple[str, ...]
    crew_kinds: list[tuple[int, ...]]
    """The kinds whose repairs each crew does."""
    crew_busy: list[Callable[[list[int]], tuple[int, ...]]]
    """Per crew: the counts of its members responding and repairing, from a state's counts."""
    switch: list[float]
    group_detect: list[float | None]
    """The group's own detection: ``None`` (none: the switchover starts at the unit's own
    detection), ``inf`` (a ``0s`` health check: at once) or a rate."""
    group_classes: list[tuple[int, ...]]
    coverage: list[float]
    dormant: list[float]
    stock_size: list[int]
    stock_lead: list[float]
    """Per stock: the rate at which each part on order arrives."""

    @classmethod
    def of(cls, m: CompiledModel, lump: bool = True) -> Setup:
        """The setup of a model whose laws are all exponential (others are refused, as are
        calendar schedules and latent failures nothing can find); ``lump``: interchangeable
        units as counts (:mod:`.lumping`), else every unit on its own."""
        refuse_schedules(m)
        cs = classes(m, lump)
        for c, d in enumerate(m.crew_discipline):
            if d not in ("fifo", "priority", "random"):
                raise NotExact(f"crews.{m.crew_names[c]}: unknown discipline {d!r}")
        class_of = {u: i for i, c in enumerate(cs) for u in c.units}
        response = [_response_rate(m, c) for c in range(len(m.crew_names))]
        group_detect = [None if int(d) == -1 else math.inf if int(d) == AT_ONCE
                        else rate(m.law(int(d)), "detection", m.group_label(g))
                        for g, d in enumerate(m.group_detection)]
        up: list[int] = []
        span: list[tuple[int, int]] = []
        kinds: list[Kind] = []
        class_kinds: list[tuple[int, ...]] = []
        n = 0
        for c, k in enumerate(cs):
            lo = n
            up.append(n)
            n += 1
            mine = []
            for mode in k.modes:
                slots = []
                for can in (mode.coverage < 1.0,
                            mode.coverage > 0.0 and math.isfinite(mode.detection),
                            mode.crew >= 0 and math.isfinite(response[mode.crew]),
                            True):
                    slots.append(n if can else -1)
                    n += can
                mine.append(len(kinds))
                kinds.append(Kind(c, mode, *slots))
            class_kinds.append(tuple(mine))
            span.append((lo, n))
        setup = cls(
            m=m, classes=cs, class_of=class_of, up=up, span=span, kinds=kinds,
            class_kinds=class_kinds, n_counts=n,
            crew_size=[int(x) for x in m.crew_size], crew_response=response,
            discipline=tuple(m.crew_discipline),
            crew_kinds=[tuple(i for i, k in enumerate(kinds) if k.mode.crew == c)
                        for c in range(len(m.crew_names))],
            crew_busy=[_getter([slot for k in kinds if k.mode.crew == c
                                for slot in (k.responding, k.repairing) if slot >= 0])
                       for c in range(len(m.crew_names))],
            switch=[rate(m.law(int(s)), "switchover", m.group_label(g))
                    for g, s in enumerate(m.group_switchover)],
            group_detect=group_detect,
            group_classes=[tuple(class_of[u] for u in units) for units in m.group_units],
            coverage=[float(x) for x in m.group_coverage],
            dormant=[float(x) for x in m.group_dormant],
            stock_size=[int(x) for x in m.stock_size],
            stock_lead=[_lead_rate(m, s) for s in range(len(m.stock_names))],
        )
        setup.refuse_never_found()
        return setup

    def refuse_never_found(self) -> None:
        """A latent failure is found only by a switchover attempt of its standby group (there
        are no inspections here): one that nothing can find leaves its unit down for ever, and
        the chain would never return to all-up (its steady state and the solvers need that it
        can). Refused: a mode with coverage below 1 on a unit outside standby groups, or on a
        member of a group without a health check (``standby: {detection}``), whose latent
        failure as the active unit triggers nothing."""
        m = self.m
        for k in self.kinds:
            if k.latent < 0:
                continue
            cls = self.classes[k.c]
            label = mode_label(m, cls.units[0], k.mode.index)
            if cls.group < 0:
                raise NoExactMethod(latent_forever(m, cls.units[0], k.mode.index))
            if self.group_detect[cls.group] is None:
                raise NoExactMethod(
                    f"{label}: a latent failure (coverage {k.mode.coverage:g}) of the active "
                    f"unit of "
                    f"{m.group_label(cls.group)} is never found: without a health check "
                    "(standby detection) nothing starts a switchover, so the group would stay "
                    "down for ever; give the group a detection, or simulate")

    def initial(self) -> State:
        """Every unit up; each standby group's first member active; every stock full."""
        counts = [0] * self.n_counts
        for c, cls in enumerate(self.classes):
            counts[self.up[c]] = cls.size
        queues = tuple(() for _ in self.crew_size)
        groups = tuple((gc[0] if gc else -1, False, False) for gc in self.group_classes)
        stocks = tuple((size, ()) for size in self.stock_size)
        return tuple(counts), queues, groups, stocks

    def is_up(self, s: State) -> bool:
        """The structure function in state ``s``."""
        counts, _, groups, _ = s
        unit_up = [False] * self.m.n_units
        for c, cls in enumerate(self.classes):
            for u in cls.units[: counts[self.up[c]]]:
                unit_up[u] = True
        group_up = [a >= 0 and not sw and counts[self.up[a]] == 1 for a, sw, _ in groups]
        return self.m.structure_up(unit_up, group_up)

    def describe(self, c: int) -> str:
        """Class ``c``'s name for messages: its component type, or its unit."""
        cls = self.classes[c]
        names = self.m.type_names[cls.type]
        return names if cls.size > 1 else self.m.unit_labels[cls.units[0]]

    def explain(self, s: State) -> str:
        """What is down in state ``s``, in words (for messages)."""
        counts = s[0]
        parts = []
        for k in self.kinds:
            cls = self.classes[k.c]
            for name, slot in zip(PHASE_NAMES, k.slots(), strict=True):
                if slot >= 0 and counts[slot]:
                    what = mode_label(self.m, cls.units[0], k.mode.index)
                    if cls.size > 1:  # a count of the type's units, not one unit
                        what = f"{counts[slot]} of {self.describe(k.c)}" + what[
                            len(self.m.unit_labels[cls.units[0]]):]
                    parts.append(f"{what} {name}")
        for crew, queue in enumerate(s[1]):
            if queue:
                parts.append(f"{len(queue)} waiting for crew {self.m.crew_names[crew]}")
        for stock, (_, queue) in enumerate(s[3]):
            if queue:
                parts.append(f"{len(queue)} waiting for a part from "
                             f"{self.m.stock_names[stock]}")
        return ", ".join(parts) or "every unit up"


def freeze_all(draft: Draft, branches: list[tuple[tuple[GroupState, ...], float]],
               rate_: float, kind: str) -> Iterator[Branch]:
    """The branches of one transition that end in the same counts, queues and stocks but
    different standby-group states, with their probabilities."""
    counts, queues, stocks = tuple(draft.counts), draft.queues, draft.stocks
    for groups, p in branches:
        yield (counts, queues, groups, stocks), rate_ * p, kind
