"""Exact analysis beside every simulation: the Markov chain of a model, or renewal theory.

* **Markovian models** — every failure, repair, detection, crew response, switchover and group
  detection law is exponential (or a zero delay): :func:`build_chain` builds the
  continuous-time Markov chain of the compiled model automatically, with the rules of the
  engines (:mod:`hasim.engines.reference`; DESIGN.md, "Semantics"):

  - structure with shared leaves, k-of-n and quorum; a unit's failure is detected after its
    detection delay, and the detection requests its repair;
  - crews of ``size`` members, the response holding the member before the repair, no
    preemption, the next job by the crew's discipline: ``fifo`` (by the time the job became
    ready), ``priority`` (lowest component ``priority`` first, FIFO among equals) or
    ``random`` (a component type drawn uniformly among the types with a job waiting, FIFO
    within the type). The queue is part of the state, kept in a canonical order: as it
    arrived (fifo), stably sorted by priority (priority) or by type (random) — only the order
    the discipline cannot tell apart is kept, so the chain is no larger than it must be;
  - cold/warm/hot standby groups. When the active unit fails the node is down and the
    switchover is attempted at the loss's *detection*: after the group's own ``detection``
    (a pending health check, cancelled if the unit is repaired first) or, without one, at the
    failed unit's own detection. An attempt abandons any switchover in progress and targets
    the lowest-numbered other member that is up: none, or a failed attempt (probability
    1 − coverage), leaves the group without an active unit until a repair completes; else the
    target is active at once (it ages at rate 1) and the node is up when the switchover ends.
    A target lost during its switchover is a loss like any other (a new attempt at its
    detection; if the switchover ends first, the failed target stays active and the node
    down). A unit repaired while its group has no active unit becomes active at once; the
    active unit repaired before its loss was detected stays active (at rate 1); any other
    repaired unit is a spare (non-revertive). The node is up while the group has an active
    unit that is up and no switchover is in progress.

  A state holds, per class of units, the counts (up, failed and undetected, crew responding,
  in repair); the crew queues; and per standby group (active class or −1, switching, health
  check pending).

  Identical instances of a component type that the structure only uses as a whole are lumped
  into counts, so realistic models stay small. The chain is solved with scipy's sparse methods
  for the steady state, the interval availability over the mission starting all-up (what a
  Monte Carlo estimates), the failure frequency, mean up and down times, the mean time to the
  first system failure, and the expected number of outages and the probability of at least
  one within the mission.
* **Independent components with any laws** (no crews, no standby groups): each unit alternates
  up and down, so its steady-state availability is MTTF / (MTTF + E[detection] + E[repair])
  (renewal theory) and the system's is the structure function over independent units. Exact for
  any laws — in the steady state only.
* Anything else is refused with the reason (:class:`NotExact`), never answered approximately.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hasim.errors import HasimError
from hasim.model.compile import AT_ONCE, LEAF, CompiledModel
from hasim.model.distributions import Dist

DEFAULT_MAX_STATES = 200_000


class NotExact(HasimError):
    """The model is outside the classes hasim solves exactly; the message says why."""


@dataclass(frozen=True)
class ExactResult:
    """Exact values for a model. Rates are per hour, times in hours; ``None`` where the method
    gives no exact value (renewal theory has no transient solution)."""

    method: str
    """``"ctmc"`` (Markov chain) or ``"renewal"`` (independent components, any laws)."""
    steady_state_availability: float
    interval_availability: float | None
    failure_frequency: float | None
    mean_up_time_hours: float | None
    mean_down_time_hours: float | None
    mttf_hours: float | None
    expected_outages: float | None
    p_system_failure: float | None
    states: int
    mission_hours: float
    solve_s: float
    notes: tuple[str, ...] = field(default=())

    @property
    def steady_state_unavailability(self) -> float:
        return 1.0 - self.steady_state_availability

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (the ``--json`` output of ``hasim exact``)."""

        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else x

        return {
            "method": self.method,
            "states": self.states,
            "mission_hours": self.mission_hours,
            "steady_state_availability": self.steady_state_availability,
            "steady_state_unavailability": self.steady_state_unavailability,
            "interval_availability": num(self.interval_availability),
            "failure_frequency": num(self.failure_frequency),
            "mean_up_time_hours": num(self.mean_up_time_hours),
            "mean_down_time_hours": num(self.mean_down_time_hours),
            "mttf_hours": num(self.mttf_hours),
            "expected_outages": num(self.expected_outages),
            "p_system_failure": num(self.p_system_failure),
            "solve_s": self.solve_s,
            "notes": list(self.notes),
        }


# --- classes of exchangeable units -------------------------------------------------------------


@dataclass(frozen=True)
class _Class:
    """Units that behave alike and that the structure treats alike: tracked as counts."""

    units: tuple[int, ...]
    failure: float  # rates per hour
    repair: float
    detection: float  # 0: detected at once (math.inf rate)
    crew: int
    group: int  # standby group of the (single) unit, or -1
    type: int  # component type (crew discipline ``random``)
    priority: int  # component priority (crew discipline ``priority``: lower first)


def _rate(d: Dist, what: str, label: str) -> float:
    """Rate of an exponential law; ``inf`` for a zero delay; otherwise the model is refused."""
    if d.is_zero:
        return math.inf
    if not d.is_exponential:
        raise NotExact(f"{label}: the {what} law is {d.describe()}; the Markov chain needs "
                       "exponential laws (or a zero delay)")
    return 1.0 / d.a


def lumped_types(m: CompiledModel) -> set[int]:
    """Component types whose instances can be tracked as a count: outside standby groups, and
    every structure node that has one of them as a child has all of them (so the structure
    function is symmetric in them)."""
    out = set()
    for t in range(m.n_types):
        units = [u for u in range(m.n_units) if m.unit_type[u] == t]
        if len(units) < 2 or any(m.unit_group[u] >= 0 for u in units):
            continue
        sets = [sorted(int(m.node_ref[c]) for c in children
                       if m.node_kind[c] == LEAF and m.unit_type[m.node_ref[c]] == t)
                for children in m.node_children]
        if all(s == units for s in sets if s):
            out.add(t)
    return out


def _unit_groups(m: CompiledModel) -> list[tuple[int, ...]]:
    """Classes of exchangeable units: a lumped type's instances, or one unit."""
    lumped = lumped_types(m)
    out: list[tuple[int, ...]] = []
    seen: set[int] = set()
    for u in range(m.n_units):
        if u in seen:
            continue
        t = int(m.unit_type[u])
        members = (tuple(v for v in range(m.n_units) if m.unit_type[v] == t)
                   if t in lumped else (u,))
        seen.update(members)
        out.append(members)
    return out


def _classes(m: CompiledModel) -> list[_Class]:
    out = []
    for members in _unit_groups(m):
        u = members[0]
        label = m.unit_labels[u]
        out.append(_Class(
            units=members,
            failure=1.0 / _expo_mean(m.law(int(m.unit_failure[u])), "failure", label),
            repair=1.0 / _expo_mean(m.law(int(m.unit_repair[u])), "repair", label),
            detection=_rate(m.law(int(m.unit_detection[u])), "detection", label),
            crew=int(m.unit_crew[u]),
            group=int(m.unit_group[u]),
            type=int(m.unit_type[u]),
            priority=int(m.unit_priority[u]),
        ))
    return out


def _expo_mean(d: Dist, what: str, label: str) -> float:
    if not d.is_exponential:
        raise NotExact(f"{label}: the {what} law is {d.describe()}; the Markov chain needs "
                       "exponential laws")
    return d.a


# --- the chain ---------------------------------------------------------------------------------

GroupState = tuple[int, bool, bool]
"""Per standby group: (active class or -1, switchover in progress, group detection pending)."""
# a state: (up, undetected, responding, repairing) counts per class, the crew queues (tuples of
# class indices in the crew's canonical order) and the state of each standby group
State = tuple[tuple[tuple[int, int, int, int], ...], tuple[tuple[int, ...], ...],
              tuple[GroupState, ...]]
Counts = list[list[int]]
Queues = list[list[int]]
Groups = list[GroupState]


@dataclass
class Chain:
    """A continuous-time Markov chain of a model: states, generator, which states are up."""

    states: list[State]
    Q: Any  # scipy.sparse.csr_matrix, rows sum to 0
    up: np.ndarray
    initial: int


class _Builder:
    def __init__(self, m: CompiledModel):
        self.m = m
        self.classes = _classes(m)
        self.class_of = {u: i for i, c in enumerate(self.classes) for u in c.units}
        # a crew that serves no unit never responds: its law does not matter
        self.crew_response = [_rate(m.law(int(r)), "response", f"crews.{m.crew_names[c]}")
                              if np.any(m.unit_crew == c) else math.inf
                              for c, r in enumerate(m.crew_response)]
        self.discipline = tuple(m.crew_discipline)
        for c, d in enumerate(self.discipline):
            if d not in ("fifo", "priority", "random"):
                raise NotExact(f"crews.{m.crew_names[c]}: unknown discipline {d!r}")
        self.switch = [_rate(m.law(int(s)), "switchover", f"{m.group_label(g)}")
                       for g, s in enumerate(m.group_switchover)]
        # the group's own detection: None (none: the unit's own detection triggers the
        # switchover), inf (a 0s health check: at once) or a rate
        self.group_detect: list[float | None] = [
            None if int(d) == -1 else math.inf if int(d) == AT_ONCE
            else _rate(m.law(int(d)), "detection", m.group_label(g))
            for g, d in enumerate(m.group_detection)]
        self.group_classes = [tuple(self.class_of[u] for u in units) for units in m.group_units]

    def initial(self) -> State:
        counts = tuple((len(c.units), 0, 0, 0) for c in self.classes)
        queues = tuple(() for _ in self.m.crew_names)
        groups = tuple((gc[0] if gc else -1, False, False) for gc in self.group_classes)
        return counts, queues, groups

    def is_up(self, s: State) -> bool:
        counts, _, groups = s
        unit_up = [False] * self.m.n_units
        for c, cls in enumerate(self.classes):
            for u in cls.units[: counts[c][0]]:
                unit_up[u] = True
        group_up = [a >= 0 and not sw and counts[a][0] == 1 for a, sw, _ in groups]
        return self.m.structure_up(unit_up, group_up)

    # -- crews --
    def _start(self, counts: Counts, crew: int, c: int) -> None:
        """A crew member takes the job of class c: its response, or the repair at once."""
        counts[c][2 if math.isfinite(self.crew_response[crew]) else 3] += 1

    def _request(self, counts: Counts, queues: Queues, c: int) -> None:
        """Unit of class c (counted in no phase) asks for its repair."""
        cls = self.classes[c]
        if cls.crew < 0:
            counts[c][3] += 1
            return
        busy = sum(counts[k][2] + counts[k][3] for k, o in enumerate(self.classes)
                   if o.crew == cls.crew)
        if busy < self.m.crew_size[cls.crew]:
            self._start(counts, cls.crew, c)
            return
        queue = queues[cls.crew]
        queue.append(c)
        # canonical order: only the order among jobs the discipline cannot tell apart matters
        discipline = self.discipline[cls.crew]
        if discipline == "priority":
            queue.sort(key=lambda k: self.classes[k].priority)  # stable: FIFO among equals
        elif discipline == "random":
            queue.sort(key=lambda k: self.classes[k].type)  # stable: FIFO within a type

    def _next_jobs(self, queue: list[int], crew: int) -> list[tuple[int, float]]:
        """(position in the queue, probability) of the job a released member takes next."""
        if self.discipline[crew] != "random":
            return [(0, 1.0)]  # fifo, or priority (the queue is sorted by priority)
        firsts: dict[int, int] = {}
        for i, k in enumerate(queue):
            firsts.setdefault(self.classes[k].type, i)
        return [(i, 1.0 / len(firsts)) for i in firsts.values()]

    # -- standby --
    def _attempt(self, counts: Counts, groups: Groups, g: int) -> list[tuple[Groups, float]]:
        """A switchover attempt in group g, whose active unit is lost: (groups, probability)."""
        active = groups[g][0]
        targets = [k for k in self.group_classes[g] if k != active and counts[k][0] == 1]
        if not targets:
            none = list(groups)
            none[g] = (-1, False, False)
            return [(none, 1.0)]
        out: list[tuple[Groups, float]] = []
        coverage = float(self.m.group_coverage[g])
        if coverage < 1.0:
            failed = list(groups)
            failed[g] = (-1, False, False)
            out.append((failed, 1.0 - coverage))
        if coverage > 0.0:
            ok = list(groups)
            ok[g] = (targets[0], math.isfinite(self.switch[g]), False)
            out.append((ok, coverage))
        return out

    def _loss(self, counts: Counts, groups: Groups, g: int, c: int
              ) -> list[tuple[Groups, float]]:
        """The active unit (class c) of group g failed: when is the switchover attempted?"""
        rate = self.group_detect[g]
        if rate is None:
            if math.isfinite(self.classes[c].detection):
                return [(groups, 1.0)]  # at the unit's own detection
            return self._attempt(counts, groups, g)
        if math.isfinite(rate):
            pending = list(groups)
            pending[g] = (c, groups[g][1], True)
            return [(pending, 1.0)]
        return self._attempt(counts, groups, g)

    # -- moves --
    def moves(self, s: State) -> Iterator[tuple[State, float]]:
        counts0, queues0, groups0 = s
        m = self.m
        for c, cls in enumerate(self.classes):
            n_up, n_und, n_resp, n_rep = counts0[c]
            g = cls.group
            if n_up:
                if g < 0:
                    yield from self._fail(s, c, n_up * cls.failure)
                else:
                    factor = 1.0 if groups0[g][0] == c else float(m.group_dormant[g])
                    if factor > 0:
                        yield from self._fail(s, c, cls.failure * factor)
            if n_und:
                counts, queues = _copy(counts0, queues0)
                counts[c][1] -= 1
                branches: list[tuple[Groups, float]] = [(list(groups0), 1.0)]
                if g >= 0 and self.group_detect[g] is None and groups0[g][0] == c:
                    branches = self._attempt(counts, list(groups0), g)
                self._request(counts, queues, c)
                for groups, p in branches:
                    yield self._state(counts, queues, groups), n_und * cls.detection * p
            if n_resp:
                counts, queues = _copy(counts0, queues0)
                counts[c][2] -= 1
                counts[c][3] += 1
                yield (self._state(counts, queues, list(groups0)),
                       n_resp * self.crew_response[cls.crew])
            if n_rep:
                yield from self._repair(s, c, n_rep * cls.repair)
        for g, (active, switching, pending) in enumerate(groups0):
            if switching and math.isfinite(self.switch[g]):
                groups = list(groups0)
                groups[g] = (active, False, pending)
                yield self._state(*_copy(counts0, queues0), groups), self.switch[g]
            rate = self.group_detect[g]
            if pending and rate is not None:
                counts, queues = _copy(counts0, queues0)
                for groups, p in self._attempt(counts, list(groups0), g):
                    yield self._state(counts, queues, groups), rate * p

    def _state(self, counts: Counts, queues: Queues, groups: Groups) -> State:
        return (tuple(tuple(x) for x in counts),  # type: ignore[misc]
                tuple(tuple(q) for q in queues), tuple(groups))

    def _fail(self, s: State, c: int, rate: float) -> Iterator[tuple[State, float]]:
        counts0, queues0, groups0 = s
        cls = self.classes[c]
        counts, queues = _copy(counts0, queues0)
        counts[c][0] -= 1
        g = cls.group
        branches: list[tuple[Groups, float]] = [(list(groups0), 1.0)]
        if g >= 0 and groups0[g][0] == c:  # the active unit of a standby group is lost
            branches = self._loss(counts, list(groups0), g, c)
        if math.isfinite(cls.detection):
            counts[c][1] += 1
        else:
            self._request(counts, queues, c)
        for groups, p in branches:
            yield self._state(counts, queues, groups), rate * p

    def _repair(self, s: State, c: int, rate: float) -> Iterator[tuple[State, float]]:
        counts0, queues0, groups0 = s
        cls = self.classes[c]
        counts, queues = _copy(counts0, queues0)
        counts[c][3] -= 1
        counts[c][0] += 1
        groups = list(groups0)
        g = cls.group
        if g >= 0:
            active, switching, _ = groups0[g]
            if active < 0:
                groups[g] = (c, False, False)  # no active unit: active at once
            elif active == c:
                groups[g] = (c, switching, False)  # repaired before the health check fired
        if cls.crew < 0 or not queues[cls.crew]:
            yield self._state(counts, queues, groups), rate
            return
        for i, p in self._next_jobs(queues[cls.crew], cls.crew):
            nxt_counts, nxt_queues = _copy(counts, queues)
            nxt = nxt_queues[cls.crew].pop(i)
            self._start(nxt_counts, cls.crew, nxt)
            yield self._state(nxt_counts, nxt_queues, groups), rate * p


def _copy(counts: Any, queues: Any) -> tuple[Counts, Queues]:
    return [list(x) for x in counts], [list(q) for q in queues]


BYTES_PER_STATE = 600
"""Memory a chain takes per state while it is built and solved (the state's tuples, its index
entry, the solution vectors), measured on the bundled models; with BYTES_PER_TRANSITION and
LU_FILL, what :func:`build_chain` and :func:`exact` check against the memory available."""
BYTES_PER_TRANSITION = 120
"""Per transition: its (row, col, rate) in Python lists, then in the sparse generator."""
LU_FILL = 30
"""Sparse LU factors take up to this many times the generator's nonzeros (16 bytes each)."""
PROGRESS_EVERY = 10_000
"""States explored between progress reports."""


def chain_bytes(states: int, transitions: int) -> int:
    """Estimated peak memory of building and solving a chain of this size."""
    solve = 8 * states * states * 6 if states <= DENSE_LIMIT else \
        16 * LU_FILL * (transitions + states)
    return BYTES_PER_STATE * states + BYTES_PER_TRANSITION * transitions + solve


def _check_memory(states: int, transitions: int, available: int | None) -> None:
    need = chain_bytes(states, transitions)
    if available is not None and need > available:
        raise NotExact(f"the Markov chain needs about {need / 2**30:,.1f} GiB at "
                       f"{states:,} states and {transitions:,} transitions (and growing), more "
                       f"than the {available / 2**30:,.1f} GiB available; lower --max-states or "
                       f"simplify the model")


def build_chain(m: CompiledModel, max_states: int = DEFAULT_MAX_STATES,
                progress: Callable[[int, int], None] | None = None) -> Chain:
    """The Markov chain of a model whose laws are all exponential (or zero delays).

    ``progress`` is called with (states explored, transitions) every PROGRESS_EVERY states;
    the memory the chain will need is checked against the memory available as it grows.

    Raises
    ------
    NotExact
        When a law is not exponential, the chain has more than ``max_states`` states, or it
        would not fit in memory.
    """
    from scipy import sparse

    from hasim.limits import available_memory

    available = available_memory()
    b = _Builder(m)
    start = b.initial()
    index = {start: 0}
    states = [start]
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    todo = deque([start])
    explored = 0
    while todo:
        s = todo.popleft()
        i = index[s]
        explored += 1
        if explored % PROGRESS_EVERY == 0:
            _check_memory(len(states), len(vals), available)
            if progress is not None:
                progress(explored, len(vals))
        for t, rate in b.moves(s):
            if rate <= 0 or t == s:
                continue
            j = index.get(t)
            if j is None:
                if len(states) >= max_states:
                    raise NotExact(f"the Markov chain has more than {max_states:,} states; "
                                   "raise the limit (--max-states) or simplify the model")
                j = index[t] = len(states)
                states.append(t)
                todo.append(t)
            rows.append(i)
            cols.append(j)
            vals.append(rate)
    n = len(states)
    _check_memory(n, len(vals), available)
    if progress is not None:
        progress(explored, len(vals))
    Q = sparse.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    Q = Q - sparse.diags(np.asarray(Q.sum(axis=1)).ravel())
    up = np.array([b.is_up(s) for s in states])
    return Chain(states=states, Q=Q.tocsr(), up=up, initial=0)


# --- solutions ---------------------------------------------------------------------------------


DENSE_LIMIT = 2000
"""Chains up to this many states are solved with dense linear algebra (to ~1e-13)."""
TV_TOLERANCE = 1e-13
"""A large chain whose distance to its steady state (total variation) falls below this before
the end of the mission is taken to be in its steady state from then on: the distance never
grows again, so the error of any mission value is bounded by it."""


def _solve(A: Any, b: np.ndarray) -> np.ndarray:
    """Solve A x = b: dense for small systems, else ILU-preconditioned GMRES, checked."""
    from scipy.sparse import linalg as sla

    n = A.shape[0]
    if n <= DENSE_LIMIT:
        return np.linalg.solve(A.toarray(), b)
    A = A.tocsc()
    tolerance = 1e-12 * max(1.0, float(np.abs(b).max()))
    try:
        # an incomplete LU preconditioner is fast on most chains ...
        ilu = sla.spilu(A, drop_tol=1e-6, fill_factor=20)
        M = sla.LinearOperator(A.shape, ilu.solve)
        x, _ = sla.gmres(A, b, M=M, rtol=1e-14, atol=0.0, restart=60, maxiter=500)
        if float(np.abs(A @ x - b).max()) <= tolerance:
            return np.asarray(x)
    except RuntimeError:  # a zero pivot in the incomplete factorisation
        pass
    # ... and a complete sparse LU is the fallback
    try:
        x = sla.spsolve(A, b)
    except RuntimeError as exc:
        raise NotExact(f"the sparse linear solve failed: {exc}") from None
    residual = float(np.abs(A @ x - b).max())
    # a direct LU is backward stable: judge it by its backward error, relative to the scale
    # of A x (rates of hundreds per hour make an absolute 1e-12 unreachable)
    scale = float(abs(A).sum(axis=1).max()) * float(np.abs(x).max()) + float(np.abs(b).max())
    if not (residual <= tolerance or residual <= 1e-13 * scale):
        raise NotExact(f"the sparse linear solve did not converge (residual {residual:.2g})")
    return np.asarray(x)


def steady_state(Q: Any) -> np.ndarray:
    """Stationary distribution of an irreducible generator.

    With π₀ fixed to 1, the balance equations of the other states read
    Σ_{i≥1} π_i Q[i, j] = −Q[0, j]; the solution is then normalised. (Replacing a balance
    equation by the normalisation instead would put a dense row into the factorisation.)
    """
    n = Q.shape[0]
    if n == 1:
        return np.ones(1)
    Q = Q.tocsr()
    rhs = -np.asarray(Q[0, 1:].todense()).ravel()
    y = _solve(Q[1:, 1:].T.tocsc(), rhs)
    pi = np.concatenate([[1.0], np.atleast_1d(y)])
    return pi / pi.sum()


def transient(Q: Any, p0: np.ndarray, T: float, pi: np.ndarray | None = None) -> np.ndarray:
    """p(T) = p0 · exp(Q T).

    Dense matrix exponential for small chains. For large irreducible chains (``pi`` given),
    sparse Krylov steps over doubling horizons until p(t) is within TV_TOLERANCE of π (from
    then on it stays there) or t reaches T.
    """
    n = Q.shape[0]
    if n <= DENSE_LIMIT:
        from scipy.linalg import expm

        return np.asarray(p0 @ expm(Q.toarray() * T))
    if pi is None:
        raise NotExact(f"a transient solution of {n:,} states needs the steady state")
    from scipy.sparse.linalg import expm_multiply

    QT = Q.T.tocsc()
    p, t, step = p0.copy(), 0.0, min(T, 1.0)
    while t < T:
        step = min(step, T - t)
        p = np.asarray(expm_multiply(QT * step, p))
        t += step
        if np.abs(p - pi).sum() < TV_TOLERANCE:
            return pi.copy()
        step *= 2
    return p


def mission_integral(Q: Any, pi: np.ndarray, p0: np.ndarray, pT: np.ndarray, r: np.ndarray,
                     T: float) -> float:
    """∫₀ᵀ p(t)·r dt for an irreducible generator Q, from the steady state π and the end state
    p(T): with Q x = r − (π·r)1, d/dt p(t)·x = p(t)·r − π·r, so the integral is
    T π·r + (p(T) − p(0))·x (x found with x₀ = 0)."""
    rbar = r - float(pi @ r)
    x = np.zeros(len(r))
    if len(r) > 1:
        x[1:] = _solve(Q[1:, 1:].tocsc(), rbar[1:])
    return T * float(pi @ r) + float((pT - p0) @ x)


def solve_chain(chain: Chain, mission: float) -> dict[str, Any]:
    """Steady-state and mission values of a chain (see :class:`ExactResult`)."""
    from scipy import sparse

    Q, up = chain.Q, chain.up
    n = Q.shape[0]
    pi = steady_state(Q)
    A = float(pi[up].sum())
    # rate of leaving the up set from each up state
    down_cols = sparse.diags((~up).astype(float))
    to_down = np.asarray((Q @ down_cols).sum(axis=1)).ravel() * up
    freq = float(pi @ to_down)
    p0 = np.zeros(n)
    p0[chain.initial] = 1.0
    pT = transient(Q, p0, mission, pi)
    up_time = mission_integral(Q, pi, p0, pT, up.astype(float), mission)
    outages = mission_integral(Q, pi, p0, pT, to_down, mission)
    # first system failure: down states absorbing
    ui = np.flatnonzero(up)
    Quu = Q[ui][:, ui].tocsc()
    pos = int(np.searchsorted(ui, chain.initial))
    p_fail: float | None
    if len(ui) == n:
        mttf, p_fail = math.inf, 0.0
    else:
        tau = _solve(-Quu, np.ones(len(ui)))
        mttf = float(np.atleast_1d(tau)[pos])
        if len(ui) <= DENSE_LIMIT:
            q0 = np.zeros(len(ui))
            q0[pos] = 1.0
            p_fail = min(max(1.0 - float(transient(Quu, q0, mission).sum()), 0.0), 1.0)
        else:
            p_fail = None  # the survival function of a large chain: not computed
    return dict(
        steady_state_availability=A,
        interval_availability=float(up_time) / mission,
        failure_frequency=freq,
        mean_up_time_hours=A / freq if freq > 0 else math.inf,
        mean_down_time_hours=(1 - A) / freq if freq > 0 else math.nan,
        mttf_hours=mttf,
        expected_outages=float(outages),
        p_system_failure=p_fail,
    )


def _independent(m: CompiledModel, max_states: int) -> tuple[float, int]:
    """Steady-state availability of independent units with any laws (renewal + structure)."""
    classes = _classes_any_law(m)
    combos = math.prod(len(c) + 1 for c, _ in classes)
    if combos > max_states:
        raise NotExact(f"the structure function over independent units needs {combos:,} "
                       f"evaluations, more than {max_states:,}")
    total = 0.0
    for ups in np.ndindex(*[len(c) + 1 for c, _ in classes]):
        unit_up = [False] * m.n_units
        p = 1.0
        for (units, a), k in zip(classes, ups, strict=True):
            for u in units[:k]:
                unit_up[u] = True
            n = len(units)
            p *= math.comb(n, k) * a**k * (1.0 - a) ** (n - k)
        if p > 0 and m.structure_up(unit_up):
            total += p
    return total, combos


def _classes_any_law(m: CompiledModel) -> list[tuple[tuple[int, ...], float]]:
    """(units, availability of one unit) per class of exchangeable units, any laws."""
    out = []
    for members in _unit_groups(m):
        u = members[0]
        up = m.law(int(m.unit_failure[u])).mean
        # a crew that never has to queue only adds its response time
        c = int(m.unit_crew[u])
        response = m.law(int(m.crew_response[c])).mean if c >= 0 else 0.0
        down = (m.law(int(m.unit_detection[u])).mean + response
                + m.law(int(m.unit_repair[u])).mean)
        out.append((members, up / (up + down)))
    return out


def independent_units(m: CompiledModel) -> bool:
    """Whether every unit lives on its own: no standby groups, and no crew can ever make a
    repair wait (each crew is at least as large as the number of units it serves)."""
    if m.group_units:
        return False
    served = np.bincount(m.unit_crew[m.unit_crew >= 0], minlength=len(m.crew_names))
    return bool(np.all(served <= m.crew_size))


def exact(m: CompiledModel, max_states: int = DEFAULT_MAX_STATES,
          progress: Callable[[int, int], None] | None = None) -> ExactResult:
    """Exact values for ``m``, by its Markov chain or by renewal theory. ``progress`` is called
    with (states explored, transitions) while the chain is built (:func:`build_chain`).

    Raises
    ------
    NotExact
        With the reason, when neither method applies.
    """
    t0 = time.perf_counter()
    try:
        chain = build_chain(m, max_states, progress)
    except NotExact as markov_reason:
        if not independent_units(m):
            raise NotExact(f"{markov_reason}; renewal theory needs independent units (no "
                           "standby groups, no crew serving more units than its size)") from None
        A, combos = _independent(m, max_states)
        return ExactResult(
            method="renewal", steady_state_availability=A, interval_availability=None,
            failure_frequency=None, mean_up_time_hours=None, mean_down_time_hours=None,
            mttf_hours=None, expected_outages=None, p_system_failure=None, states=combos,
            mission_hours=m.mission, solve_s=time.perf_counter() - t0,
            notes=(f"not Markovian ({markov_reason}): steady state only, by renewal theory "
                   "over independent units",))
    v = solve_chain(chain, m.mission)
    return ExactResult(
        method="ctmc", steady_state_availability=v["steady_state_availability"],
        interval_availability=v["interval_availability"],
        failure_frequency=v["failure_frequency"], mean_up_time_hours=v["mean_up_time_hours"],
        mean_down_time_hours=v["mean_down_time_hours"], mttf_hours=v["mttf_hours"],
        expected_outages=v["expected_outages"], p_system_failure=v["p_system_failure"],
        states=len(chain.states), mission_hours=m.mission, solve_s=time.perf_counter() - t0)
