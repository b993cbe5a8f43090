"""The exact solver against hand-built chains for the engine rules of DESIGN.md ("Semantics"):
detection-triggered failover, a target lost during its switchover, and the crew disciplines.

Every expected value is derived here without hasim.analysis.exact: a generator matrix written
out as a table of moves (states and rates in the docstrings), solved with numpy. All laws are
exponential. Rates are per hour: λ = 1/MTTF, μ = 1/MTTR, δ = 1/(mean unit detection delay),
γ = 1/(mean group detection delay), σ = 1/(mean switchover); c is the coverage. Availabilities
are compared through the unavailability U = 1 − A.

Standby states name roles, not unit numbers (the units of a pair are identical): ``(a, o, s)``
is the phase of the *active* unit, the phase of the *other* unit and whether a switchover is in
progress; a phase is ``U`` up, ``D`` down and not yet detected, ``R`` in repair. ``N(x, y)``:
no active unit, the two units in phases x and y. The node is up in ``(U, o, 0)`` only.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

import hasim
from hasim.analysis.exact import ExactResult, NotExact, exact

REL = 1e-9

Table = dict[str, list[tuple[str, float]]]


def solve(yaml: str) -> ExactResult:
    return exact(hasim.model_from_yaml(yaml))


def generator(table: Table) -> tuple[list[str], np.ndarray]:
    names = list(table)
    for moves in table.values():
        for t, _ in moves:
            assert t in table, t
    q = np.zeros((len(names), len(names)))
    for s, moves in table.items():
        for t, rate in moves:
            if t != s:
                q[names.index(s), names.index(t)] += rate
    q[np.diag_indices(len(names))] = -q.sum(axis=1)
    return names, q


def steady_state(q: np.ndarray) -> np.ndarray:
    """π Q = 0, Σ π = 1 (the last balance equation replaced by the normalisation)."""
    a = q.T.copy()
    a[-1, :] = 1.0
    b = np.zeros(len(q))
    b[-1] = 1.0
    return np.linalg.solve(a, b)


def unavailability(table: Table, up: Callable[[str], bool]) -> float:
    names, q = generator(table)
    pi = steady_state(q)
    return float(sum(p for n, p in zip(names, pi, strict=True) if not up(n)))


def failure_frequency(table: Table, up: Callable[[str], bool]) -> float:
    names, q = generator(table)
    pi = steady_state(q)
    return float(sum(pi[i] * q[i, j] for i, a in enumerate(names) for j, b in enumerate(names)
                     if up(a) and not up(b)))


def explore(start: str, moves: Callable[[str], list[tuple[str, float]]]) -> Table:
    """The table of every state reachable from ``start``."""
    table: Table = {}
    todo = [start]
    while todo:
        s = todo.pop()
        if s in table:
            continue
        table[s] = [(t, r) for t, r in moves(s) if r > 0]
        todo.extend(t for t, _ in table[s])
    return table


# --- 1. failover triggered by the unit's own detection ---------------------------------------


def unit_detection_table(lam: float, delta: float, mu: float, sigma: float, c: float,
                         new_attempt: bool = True, dormant: float = 1.0) -> Table:
    """Standby pair, unit detection δ, no group detection, independent repair; an idle spare
    ages at d·λ (``dormant``: hot 1, warm the factor, cold 0), the active unit — also the
    unit being switched in — at λ.

    Moves of ``(a, o, s)``, a ∈ {U, D} (the active unit is never in repair: its detection
    moves the role away), o ∈ {U, D, R}:

    * a = U: fails at λ → (D, o, s) — the node is down, nothing else happens yet;
    * a = D: detected at δ — the switchover is attempted and the unit goes to repair: if o = U,
      → (U, R, 1) with c (the other unit is active at once, switching) and → N(U, R) with 1 − c;
      if o = D → N(D, R); if o = R → N(R, R) (no member up);
    * o = U fails at dλ → (a, D, s); o = D detected at δ → (a, R, s); o = R repaired at μ
      → (a, U, s) (a spare: the group has an active unit, even if it is down or switching);
    * s = 1: the switchover ends at σ → (a, o, 0) (with a = D: the failed target is active and
      the node stays down until its detection).

    ``N`` states: an up unit fails at dλ (no unit is active), D → R at δ, and a unit repaired
    (μ each) becomes active at once: N(U, R) → (U, U, 0) at μ, → N(D, R) at dλ;
    N(D, R) → (U, D, 0) at μ, → N(R, R) at δ; N(R, R) → (U, R, 0) at 2μ.

    ``new_attempt=False`` is the old reading (a target lost during its switchover gets no new
    attempt: (D, o, 1) detected → N), used to show that the rule matters. Only the states
    reachable from (U, U, 0) are kept.
    """
    t: Table = {}
    for a, o, s in itertools.product("UD", "UDR", (0, 1)):
        moves: list[tuple[str, float]] = []
        if a == "U":
            moves.append((f"D{o}{s}", lam))
        else:  # detection of the active unit: attempt
            if o == "U" and (new_attempt or s == 0):
                moves += [("UR1", c * delta), ("NUR", (1 - c) * delta)]
            else:
                moves.append(("N" + "".join(sorted(o + "R", key="UDR".index)), delta))
        if o == "U":
            moves.append((f"{a}D{s}", dormant * lam))
        elif o == "D":
            moves.append((f"{a}R{s}", delta))
        else:
            moves.append((f"{a}U{s}", mu))
        if s:
            moves.append((f"{a}{o}0", sigma))
        t[f"{a}{o}{s}"] = moves
    t["NUR"] = [("UU0", mu), ("NDR", dormant * lam)]
    t["NDR"] = [("UD0", mu), ("NRR", delta)]
    t["NRR"] = [("UR0", 2 * mu)]
    return explore("UU0", lambda x: t[x])


def standby_up(state: str) -> bool:
    return state[0] == "U" and state[2] == "0"


HOT_PAIR = """
hasim: 1
name: standby pair
mission: 1000h
components:
  db: {{count: 2, failure: {mttf}, repair: {mttr}, detection: {mttd}}}
system: {{standby: {{of: db, {mode}switchover: {switch}, coverage: {c}{extra}}}}}
"""
MODES = {"hot": ("mode: hot, ", 1.0), "warm": ("mode: warm, dormant_factor: 0.3, ", 0.3),
         "cold": ("mode: cold, ", 0.0)}


def pair(mode: str = "hot", **kw: object) -> ExactResult:
    return solve(HOT_PAIR.format(mode=MODES[mode][0], **kw))


@pytest.mark.parametrize("mode", list(MODES))
def test_failover_waits_for_unit_detection(mode: str) -> None:
    """Pair, λ = 0.01, δ = 0.5 (2 h), μ = 0.2, σ = 2 (30 min), c = 0.9, hot, warm (0.3) or
    cold: the node is down from the failure of the active unit to its detection, then for the
    switchover; the unit switched in ages as active from the attempt on. exact() against
    unit_detection_table (the chain has about twice as many states: it knows which unit is
    active). A ``0s`` group health check (the switchover at the failure instant, the old
    rule) gives less than half the unavailability."""
    lam, delta, mu, sigma, c = 0.01, 0.5, 0.2, 2.0, 0.9
    table = unit_detection_table(lam, delta, mu, sigma, c, dormant=MODES[mode][1])
    r = pair(mode, mttf="100h", mttr="5h", mttd="2h", switch="30min", c=c, extra="")
    u = unavailability(table, standby_up)
    assert r.steady_state_unavailability == pytest.approx(u, rel=REL)
    assert r.failure_frequency == pytest.approx(failure_frequency(table, standby_up), rel=REL)
    # the solver knows which unit is active: two labellings of each role but N(R, R)
    assert r.states == 2 * len(table) - 1
    r0 = pair(mode, mttf="100h", mttr="5h", mttd="2h", switch="30min", c=c,
              extra=", detection: 0s")
    assert r.steady_state_unavailability > 2 * r0.steady_state_unavailability


# --- 2. failover triggered by the group's own detection --------------------------------------


def group_detection_table(lam: float, delta: float, gamma: float, mu: float, sigma: float,
                          c: float, dormant: float = 1.0) -> Table:
    """Standby pair, unit detection δ, group detection γ, independent repair; an idle spare
    ages at d·λ (``dormant``).

    Here the active unit's detection only requests its repair, and the health check (rate γ,
    pending while the active unit is down) triggers the attempt; so a ∈ {U, D, R}:

    * a = U: fails at λ → (D, o, s) (the health check is now pending);
    * a = D: detected at δ → (R, o, s);
    * a ∈ {D, R}: the health check fires at γ — the switchover is attempted, the lost unit
      keeps its phase: if o = U → (U, a, 1) with c and → N(U, a) with 1 − c, else → N(o, a);
    * a = R: repaired at μ → (U, o, s) (the pending check is cancelled);
    * the other unit and the switchover as in unit_detection_table.

    ``N`` states: N(U, D) → N(D, D) at dλ, → N(U, R) at δ; N(D, D) → N(D, R) at 2δ;
    N(U, R) → (U, U, 0) at μ, → N(D, R) at dλ; N(D, R) → (U, D, 0) at μ, → N(R, R) at δ;
    N(R, R) → (U, R, 0) at 2μ.
    """

    def n(x: str, y: str) -> str:
        return "N" + "".join(sorted(x + y, key="UDR".index))

    t: Table = {}
    for a, o, s in itertools.product("UDR", "UDR", (0, 1)):
        moves: list[tuple[str, float]] = []
        if a == "U":
            moves.append((f"D{o}{s}", lam))
        else:
            if o == "U":
                moves += [(f"U{a}1", c * gamma), (n("U", a), (1 - c) * gamma)]
            else:
                moves.append((n(o, a), gamma))
            moves.append((f"R{o}{s}" if a == "D" else f"U{o}{s}", delta if a == "D" else mu))
        if o == "U":
            moves.append((f"{a}D{s}", dormant * lam))
        elif o == "D":
            moves.append((f"{a}R{s}", delta))
        else:
            moves.append((f"{a}U{s}", mu))
        if s:
            moves.append((f"{a}{o}0", sigma))
        t[f"{a}{o}{s}"] = moves
    _no_member_up(t, lam, delta, mu, dormant)
    return explore("UU0", lambda x: t[x])


@pytest.mark.parametrize("mode", list(MODES))
def test_failover_at_group_detection(mode: str) -> None:
    """The pair of test_failover_waits_for_unit_detection with a group health check of 6 min
    (γ = 10), faster than the unit's 2 h detection: exact() against group_detection_table,
    and the check cuts U well below the unit-detection case."""
    lam, delta, gamma, mu, sigma, c = 0.01, 0.5, 10.0, 0.2, 2.0, 0.9
    table = group_detection_table(lam, delta, gamma, mu, sigma, c, dormant=MODES[mode][1])
    r = pair(mode, mttf="100h", mttr="5h", mttd="2h", switch="30min", c=c,
             extra=", detection: 6min")
    assert r.steady_state_unavailability == pytest.approx(unavailability(table, standby_up),
                                                          rel=REL)
    assert r.failure_frequency == pytest.approx(failure_frequency(table, standby_up), rel=REL)
    slow = pair(mode, mttf="100h", mttr="5h", mttd="2h", switch="30min", c=c, extra="")
    assert r.steady_state_unavailability < 0.5 * slow.steady_state_unavailability


@pytest.mark.parametrize("mode", list(MODES))
def test_group_detection_slower_than_repair_is_cancelled_by_the_repair(mode: str) -> None:
    """A slow health check (γ = 0.05, 20 h) against detection 0.5 h and repair 1 h: the failed
    active unit is usually repaired before the check fires, which cancels it; the unit is then
    the active unit again and ages at λ (a ∈ {R} → U at μ, then (U, o, s) fails at λ, not
    dλ, even when warm or cold). exact() against group_detection_table."""
    lam, delta, gamma, mu, sigma, c = 0.01, 2.0, 0.05, 1.0, 2.0, 0.9
    table = group_detection_table(lam, delta, gamma, mu, sigma, c, dormant=MODES[mode][1])
    r = pair(mode, mttf="100h", mttr="1h", mttd="30min", switch="30min", c=c,
             extra=", detection: 20h")
    assert r.steady_state_unavailability == pytest.approx(unavailability(table, standby_up),
                                                          rel=REL)


def _no_member_up(t: Table, lam: float, delta: float, mu: float, dormant: float) -> None:
    """The N states, where no member of the pair is active (group_detection_table's
    docstring), added to ``t``."""
    t["NUD"] = [("NDD", dormant * lam), ("NUR", delta)]
    t["NDD"] = [("NDR", 2 * delta)]
    t["NUR"] = [("UU0", mu), ("NDR", dormant * lam)]
    t["NDR"] = [("UD0", mu), ("NRR", delta)]
    t["NRR"] = [("UR0", 2 * mu)]


def at_once_table(lam: float, delta: float, mu: float, sigma: float, c: float,
                  dormant: float = 1.0) -> Table:
    """Standby pair, unit detection δ, a ``0s`` group health check: the switchover is attempted
    at the failure; the lost unit still waits for its own detection (D) before its repair.
    The active unit is therefore always up (a = U):

    * (U, o, s): the active unit fails at λ — if o = U → (U, D, 1) with c, → N(U, D) with
      1 − c; else → N(o, D) (no member up);
    * the other unit and the switchover as in unit_detection_table; the N states as in
      group_detection_table.
    """

    def n(x: str, y: str) -> str:
        return "N" + "".join(sorted(x + y, key="UDR".index))

    t: Table = {}
    for o, s in itertools.product("UDR", (0, 1)):
        moves = ([("UD1", c * lam), ("NUD", (1 - c) * lam)] if o == "U"
                 else [(n(o, "D"), lam)])
        moves.append({"U": (f"UD{s}", dormant * lam), "D": (f"UR{s}", delta),
                      "R": (f"UU{s}", mu)}[o])
        if s:
            moves.append((f"U{o}0", sigma))
        t[f"U{o}{s}"] = moves
    _no_member_up(t, lam, delta, mu, dormant)
    return explore("UU0", lambda x: t[x])


@pytest.mark.parametrize("mode", ["hot", "cold"])
def test_zero_group_detection_is_at_once(mode: str) -> None:
    """``detection: 0s`` on the standby node is a health check that fires at the failure (not
    "no health check", which would wait for the unit's 2 h detection): exact() against
    at_once_table, and well below the unit-detection value of the same pair."""
    lam, delta, mu, sigma, c = 0.01, 0.5, 0.2, 2.0, 0.9
    table = at_once_table(lam, delta, mu, sigma, c, dormant=MODES[mode][1])
    r = pair(mode, mttf="100h", mttr="5h", mttd="2h", switch="30min", c=c,
             extra=", detection: 0s")
    assert r.steady_state_unavailability == pytest.approx(unavailability(table, standby_up),
                                                          rel=REL)
    assert r.failure_frequency == pytest.approx(failure_frequency(table, standby_up), rel=REL)
    slow = pair(mode, mttf="100h", mttr="5h", mttd="2h", switch="30min", c=c, extra="")
    assert r.steady_state_unavailability < 0.5 * slow.steady_state_unavailability


# --- 3. the target lost during its switchover ----------------------------------------------


def test_target_lost_during_switchover() -> None:
    """Hot pair with a switchover (10 h, σ = 0.1) slow against the life (50 h, λ = 0.02) and
    the repair (1 h, μ = 1): the unit switched in often fails before the switchover ends, when
    the other unit is usually up again. The target's loss is a loss like any other — a new
    attempt at its detection (δ = 1), to the other unit if it is up; if the switchover ends
    first the failed target is active and the node stays down until the detection. exact()
    against unit_detection_table; the old reading (no new attempt after a target loss: down
    until a repair) gives a U more than 5 % lower (−8.5 %)."""
    lam, delta, mu, sigma, c = 0.02, 1.0, 1.0, 0.1, 0.9
    table = unit_detection_table(lam, delta, mu, sigma, c)
    r = pair(mttf="50h", mttr="1h", mttd="1h", switch="10h", c=c, extra="")
    u = unavailability(table, standby_up)
    assert r.steady_state_unavailability == pytest.approx(u, rel=REL)
    assert r.failure_frequency == pytest.approx(failure_frequency(table, standby_up), rel=REL)
    old = unavailability(unit_detection_table(lam, delta, mu, sigma, c, new_attempt=False),
                         standby_up)
    assert abs(old - u) > 0.05 * u


def test_target_lost_during_switchover_zero_detection() -> None:
    """Cold pair, zero detection, λ = 0.02, μ = 0.2, σ = 0.1, c = 0.8. Roles: S0 active in
    service, spare up; S1 active in service, the other in repair; W switching, the other in
    repair; W2 switching, the other repaired (a spare); X no active unit, one idle unit up, the
    other in repair; D2 both in repair. The target lost during its switchover is detected at
    once: from W2 a new attempt to the repaired unit (→ W with c, → X with 1 − c), from W no
    member is up (→ D2).

    S0 → W (cλ), → X ((1 − c)λ); S1 → S0 (μ), → D2 (λ); W → S1 (σ), → D2 (λ), → W2 (μ);
    W2 → S0 (σ), → W (cλ), → X ((1 − c)λ); X → S0 (μ); D2 → S1 (2μ). Up in S0, S1."""
    lam, mu, sigma, c = 0.02, 0.2, 0.1, 0.8
    table: Table = {
        "S0": [("W", c * lam), ("X", (1 - c) * lam)],
        "S1": [("S0", mu), ("D2", lam)],
        "W": [("S1", sigma), ("D2", lam), ("W2", mu)],
        "W2": [("S0", sigma), ("W", c * lam), ("X", (1 - c) * lam)],
        "X": [("S0", mu)],
        "D2": [("S1", 2 * mu)],
    }
    r = solve("""
hasim: 1
name: cold pair
mission: 1000h
components:
  db: {count: 2, failure: 50h, repair: 5h}
system: {standby: {of: db, mode: cold, switchover: 10h, coverage: 0.8}}
""")

    def up(s: str) -> bool:
        return s in ("S0", "S1")

    assert r.steady_state_unavailability == pytest.approx(unavailability(table, up), rel=REL)
    assert r.failure_frequency == pytest.approx(failure_frequency(table, up), rel=REL)


def test_three_unit_group_retries_to_the_next_spare() -> None:
    """Hot group of three, zero detection, coverage 1, λ = 0.05, μ = 0.2, σ = 0.25: when the
    target fails during its switchover the next attempt goes to the lowest-numbered member that
    is up. States: (active phase, number of the other two up, switching); phases U/R only
    (zero detection), the others are exchangeable here because an attempt takes any up member
    and a repaired one is a spare. With k others up and a = U: the active fails at λ →
    (U, k − 1, 1) if k ≥ 1 (the lost unit goes to repair), else N with 0 up; an other fails at
    kλ → (U, k − 1, s); each of the 2 − k others in repair is repaired at μ → (U, k + 1, s);
    s = 1 ends at σ. N(j): no active unit, j of 3 up — cannot stay, since a repair makes the
    repaired unit active: N(0) → (U, 0, 0) at 3μ. Up in (U, k, 0)."""
    lam, mu, sigma = 0.05, 0.2, 0.25

    def moves(s: str) -> list[tuple[str, float]]:
        if s == "N0":
            return [("U00", 3 * mu)]
        k, sw = int(s[1]), s[2]
        out = [(f"U{k - 1}1" if k else "N0", lam)]
        if k:
            out.append((f"U{k - 1}{sw}", k * lam))
        if k < 2:
            out.append((f"U{k + 1}{sw}", (2 - k) * mu))
        if sw == "1":
            out.append((f"U{k}0", sigma))
        return out

    table = explore("U20", moves)
    r = solve("""
hasim: 1
name: hot three
mission: 1000h
components:
  db: {count: 3, failure: 20h, repair: 5h}
system: {standby: {of: db, mode: hot, switchover: 4h}}
""")
    assert r.steady_state_unavailability == pytest.approx(
        unavailability(table, lambda s: s[0] == "U" and s[2] == "0"), rel=REL)


# --- 4. crew disciplines ---------------------------------------------------------------------


def crew_table(rates: dict[str, tuple[int, float, float]], discipline: str,
               priority: dict[str, int], up: Callable[[str], bool]) -> tuple[Table, float]:
    """One crew of size 1, no response, zero detection; ``rates[type] = (count, λ, μ)``.

    A state is the string of jobs in arrival order (one letter per failed unit, its type), the
    first being the one in repair: types of up units fail at (count − failed)·λ and append
    their letter; the first job ends at its type's μ and the crew takes the next: ``fifo`` the
    second letter; ``priority`` the first letter of the lowest priority in the rest; ``random``
    each type present in the rest with probability 1 / (number of types present), its first
    letter. The chosen letter moves to the front, the others keep their order. Returns the
    table and U."""

    def moves(s: str) -> list[tuple[str, float]]:
        out = []
        for x, (n, lam, _) in rates.items():
            if s.count(x) < n:
                out.append((s + x, (n - s.count(x)) * lam))
        if s:
            rest, mu = s[1:], rates[s[0]][2]
            if not rest:
                out.append(("", mu))
            elif discipline == "fifo":
                out.append((rest, mu))
            elif discipline == "priority":
                i = min(range(len(rest)), key=lambda j: (priority[rest[j]], j))
                out.append((rest[i] + rest[:i] + rest[i + 1:], mu))
            else:
                types = sorted(set(rest))
                for x in types:
                    i = rest.index(x)
                    out.append((rest[i] + rest[:i] + rest[i + 1:], mu / len(types)))
        return out

    table = explore("", moves)
    return table, unavailability(table, up)


TWO_TYPES = """
hasim: 1
name: one engineer, two types
mission: 1000h
crews:
  ops: {{size: 1, discipline: {discipline}}}
components:
  a: {{count: 1, failure: 200h, repair: 1h, crew: ops, priority: 0}}
  b: {{count: 3, failure: 20h, repair: 10h, crew: ops, priority: 1}}
system:
  series:
    - a
    - parallel: b
"""


def test_crew_disciplines_two_types() -> None:
    """A critical unit a (λ = 1/200, μ = 1, priority 0) in series with a parallel trio b
    (λ = 1/20 each, μ = 1/10, priority 1), one engineer. The engineer is mostly busy with b,
    so under FIFO a failed a waits behind every queued b repair; under ``priority`` it is next;
    under ``random`` it is next with probability 1/2 whenever b jobs wait too. exact() against
    crew_table for each discipline (strings of jobs in arrival order; the solver keeps fewer,
    canonical, queues for priority and random), and priority beats FIFO by far more than 5 %
    of U."""
    rates = {"a": (1, 1 / 200, 1.0), "b": (3, 1 / 20, 1 / 10)}
    prio = {"a": 0, "b": 1}

    def up(s: str) -> bool:
        return "a" not in s and s.count("b") < 3

    u = {}
    for d in ("fifo", "priority", "random"):
        table, u[d] = crew_table(rates, d, prio, up)
        r = solve(TWO_TYPES.format(discipline=d))
        assert r.steady_state_unavailability == pytest.approx(u[d], rel=REL), d
        if d == "fifo":
            fifo_states = r.states
            assert fifo_states == len(table)
        else:
            assert r.states < fifo_states
    assert u["fifo"] - u["priority"] > 0.05 * u["fifo"]
    assert u["priority"] < u["random"] < u["fifo"]


def test_priority_ties_are_fifo() -> None:
    """The same model with equal priorities: ``priority`` is then FIFO, state for state."""
    fifo = solve(TWO_TYPES.format(discipline="fifo"))
    tied = solve(TWO_TYPES.format(discipline="priority").replace("priority: 1", "priority: 0"))
    assert tied.states == fifo.states
    assert tied.steady_state_unavailability == pytest.approx(
        fifo.steady_state_unavailability, rel=1e-12)


THREE_TYPES = """
hasim: 1
name: one engineer, three types
mission: 1000h
crews:
  ops: {{size: 1, discipline: {discipline}}}
components:
  a: {{count: 2, failure: 50h, repair: 2h, crew: ops}}
  b: {{count: 1, failure: 80h, repair: 8h, crew: ops}}
  c: {{count: 1, failure: 30h, repair: 4h, crew: ops}}
system:
  k_of_n:
    k: 2
    of:
      - parallel: a
      - b
      - c
"""


def test_random_discipline_three_types() -> None:
    """Three types on one engineer: a (two instances in parallel, lumped), b and c, system
    2-of-{a pair, b, c}. Under ``random`` the order of the waiting jobs matters only within a
    type, so the solver's canonical queue (sorted by type, FIFO within) has fewer states than
    FIFO's; the unavailability equals that of crew_table's arrival-order chain (up to 5 jobs,
    every order kept) for random, and for FIFO, to 1e-9."""
    rates = {"a": (2, 1 / 50, 1 / 2), "b": (1, 1 / 80, 1 / 8), "c": (1, 1 / 30, 1 / 4)}

    def up(s: str) -> bool:
        return (s.count("a") < 2) + ("b" not in s) + ("c" not in s) >= 2

    fifo_table, u_fifo = crew_table(rates, "fifo", {}, up)
    random_table, u_random = crew_table(rates, "random", {}, up)
    fifo = solve(THREE_TYPES.format(discipline="fifo"))
    rnd = solve(THREE_TYPES.format(discipline="random"))
    assert fifo.states == len(fifo_table) == len(random_table)
    assert rnd.states < fifo.states
    assert fifo.steady_state_unavailability == pytest.approx(u_fifo, rel=REL)
    assert rnd.steady_state_unavailability == pytest.approx(u_random, rel=REL)
    assert abs(u_random - u_fifo) > 1e-3 * u_fifo  # the discipline changes the answer


def test_refuses_a_fixed_group_detection() -> None:
    """A fixed health-check delay is not Markovian, and a standby group is never a set of
    independent units: refused, naming the group and its law."""
    with pytest.raises(NotExact, match=r"standby\(db\[0\], db\[1\]\).*detection.*fixed"):
        pair(mttf="100h", mttr="5h", mttd="2h", switch="30min", c=0.9,
             extra=", detection: {fixed: 10s}")
