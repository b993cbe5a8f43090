"""Every kernel handler against its reference twin, one event at a time (STYLE.md habit 5).

The SimPy reference engine (:mod:`hasim.engines.reference`) and the numba kernels
(:mod:`hasim.kernels`) are stepped side by side — ``Replication.step()`` and
``loop.simulate`` with ``st.i[STEPS] = 1`` — and after ``start``/``reset`` and after EVERY
handled event the complete state of the two must be the same, floats to the last bit:

* units: up, rate, age, life_start, lifetime, token, holding, hold_start;
* standby groups: active, switching, switch_token, loss_token, activated_by_repair (NaN equal);
* crews: busy and the waiting jobs in order;
* the structure: leaves and standby nodes (the reference's ``node_set``), every inner node and
  its count of up children (the reference's structure function evaluated from scratch), the
  system state, the open outage (start, cause);
* the random streams: draws per (owner, purpose) and the keys made so far;
* the records: the count and level row, the episodes, the event log (trace);
* the clock, the number of events scheduled so far, and the pending events: the SimPy queue
  against the kernel heap's first ``size`` entries, as sorted (time, sequence, kind, target,
  token) — the same events at the same times with the same tie order. The kernel heap must
  also be a valid heap.

The kind of each handled event is recorded, and the hand-picked models below must between
them run every handler (effectively — not only as a stale, token-mismatched no-op).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hasim
from hasim.engines.fast import await_warm_up
from hasim.engines.records import new_buffers
from hasim.engines.reference import records as ref_records
from hasim.engines.reference.replication import Replication
from hasim.events import Event, Trace
from hasim.kernels import loop
from hasim.kernels import records as ker_records
from hasim.kernels.codes import KIND_BITS, MAX_TARGETS, OK, TOKEN_SHIFT
from hasim.kernels.state import (
    CAUSE,
    CAUSE_MODE,
    EP_START,
    N_DEFERRED,
    N_EP,
    N_OUT,
    N_TRACE,
    NOW,
    OUT_START,
    SEGMENT_START,
    SEQ,
    SIZE,
    STATUS,
    STEPS,
    SYSTEM_UP,
    TRACING,
    new_state,
)

from ..strategies import models, tie_models


@pytest.fixture(autouse=True)
def _kernel_compiled():
    """These tests call the kernel's handlers directly, not through the engine: under
    `make test` they too wait for the background compile (then load it from the cache)."""
    await_warm_up()


HANDLED = (Event.FAIL, Event.DETECT, Event.RESPONSE_END, Event.REPAIR_END,
           Event.GROUP_DETECT, Event.SWITCH_END, Event.INSPECTION, Event.INSPECTION_END,
           Event.MAINTENANCE_START, Event.MAINTENANCE_END, Event.PART_ARRIVES)
"""The event kinds both engines implement (the others are reserved for coming mechanisms)."""

MAX_STEPS = 20000

STEPS_RUN: Counter = Counter()
"""Events handled, per model label (for the coverage checks)."""


class Mismatch(AssertionError):
    pass


# -- comparing ---------------------------------------------------------------------------------


def _bits(x) -> np.ndarray:
    """Float64 bit patterns, every NaN the same."""
    a = np.array(x, dtype=np.float64).reshape(-1)
    b = a.view(np.int64).copy()
    b[np.isnan(a)] = -1
    return b


def _floats(diffs: list[str], name: str, ref, ker) -> None:
    r, k = _bits(ref), _bits(ker)
    if r.shape == k.shape and (r == k).all():
        return
    if r.shape != k.shape:
        diffs.append(f"{name}: shape {r.shape} vs {k.shape}")
        return
    shape = np.shape(ker)
    for j in np.flatnonzero(r != k):
        at = ",".join(str(int(x)) for x in np.unravel_index(j, shape))
        diffs.append(f"{name}[{at}]: reference {float(np.ravel(ref)[j])!r} vs kernel "
                     f"{float(np.ravel(ker)[j])!r}")


def _ints(diffs: list[str], name: str, ref, ker) -> None:
    r = np.array(ref, dtype=np.int64).reshape(-1)
    k = np.array(ker, dtype=np.int64).reshape(-1)
    if r.shape == k.shape and (r == k).all():
        return
    if r.shape != k.shape:
        diffs.append(f"{name}: shape {r.shape} vs {k.shape}: {r.tolist()} vs {k.tolist()}")
        return
    shape = np.shape(ker)
    for j in np.flatnonzero(r != k):
        at = ",".join(str(int(x)) for x in np.unravel_index(j, shape))
        diffs.append(f"{name}[{at}]: reference {r[j]} vs kernel {k[j]}")


def _line(line) -> tuple:
    t, code, target, other, detail = line
    return (float(t).hex(), int(code), int(target), int(other), float(detail).hex())


def reference_pending(r: Replication) -> list[tuple]:
    out = []
    for t, _priority, eid, event in r.env._queue:
        kind, target, token = event.hasim
        out.append((float(t), int(eid), int(kind), int(target), int(token)))
    return sorted(out)


def kernel_pending(st) -> list[tuple]:
    n = int(st.i[SIZE])
    out = []
    for j in range(n):
        p = int(st.hp[j])
        out.append((float(st.ht[j]), int(st.hs[j]), p & ((1 << KIND_BITS) - 1),
                    (p >> KIND_BITS) & (MAX_TARGETS - 1), p >> TOKEN_SHIFT))
    return sorted(out)


def _heap_ok(st) -> bool:
    n = int(st.i[SIZE])
    for j in range(1, n):
        parent = (j - 1) >> 1
        if (st.ht[j], st.hs[j]) < (st.ht[parent], st.hs[parent]):
            return False
    return True


def structure(r: Replication) -> tuple[list[bool], list[int]]:
    """The state and the number of up children of every node, from scratch (the reference's
    structure function, node by node)."""
    T = r.p.tree
    count = [0] * r.p.n_nodes
    up = [False] * r.p.n_nodes
    for n in range(r.p.n_nodes):
        up[n] = r.node_set[n] if T.n_children[n] == 0 else count[n] >= T.k[n]
        if T.parent[n] >= 0 and up[n]:
            count[T.parent[n]] += 1
    return up, count


def differences(tw: Twins) -> list[str]:
    r, st, p = tw.r, tw.st, tw.p
    d: list[str] = []
    if st.i[STATUS] != OK:
        d.append(f"kernel status {st.i[STATUS]}")
    # the clock and the scheduling sequence
    _floats(d, "now", [r.now], [st.f[NOW]])
    _ints(d, "scheduled (seq)", [tw.scheduled], [st.i[SEQ]])
    # units
    U = r.units
    _ints(d, "unit.up", [u.up for u in U], st.up)
    _floats(d, "unit.rate", [u.rate for u in U], st.rate)
    _floats(d, "unit.age", [u.age for u in U], st.age)
    _floats(d, "unit.life_start", [u.life_start for u in U], st.life_start)
    _floats(d, "unit.lifetime", [u.lifetime for u in U], st.lifetime)
    _ints(d, "unit.token", [u.token for u in U], st.token)
    _ints(d, "unit.holding", [u.holding for u in U], st.holding)
    _floats(d, "unit.hold_start", [u.hold_start for u in U], st.hold_start)
    _ints(d, "unit.mode", [u.mode for u in U], st.mode)
    _ints(d, "unit.latent", [u.latent for u in U], st.latent)
    _floats(d, "unit.latent_start", [u.latent_start if u.latent else 0.0 for u in U],
            np.where(st.latent, st.latent_start, 0.0))
    _ints(d, "unit.out", [u.out for u in U], st.out)
    _ints(d, "unit.job_crew", [u.job_crew for u in U], st.job_crew)
    # stocks and maintenance plans
    _ints(d, "stock.on_hand", [s.on_hand for s in r.stocks], st.on_hand)
    _floats(d, "stock.since", [s.since for s in r.stocks], st.on_hand_since)
    for s, stock in enumerate(r.stocks):
        _ints(d, f"stock[{s}].queue", stock.queue, st.s_queue[s, :st.s_len[s]])
        _floats(d, f"stock[{s}].wait_start", [r.units[u].wait_start for u in stock.queue],
                [st.wait_start[u] for u in st.s_queue[s, :st.s_len[s]]])
    for i, plan in r.plans.items():
        _ints(d, f"plan[{i}]", [plan.cursor, plan.running, plan.deferred],
              [st.plan_cursor[i], st.plan_running[i], st.plan_deferred[i]])
    _ints(d, "units out, plans deferred", [r.n_out, r.n_deferred],
          [st.i[N_OUT], st.i[N_DEFERRED]])
    # standby groups
    G = r.groups
    _ints(d, "group.active", [g.active for g in G], st.g_active)
    _ints(d, "group.switching", [g.switching for g in G], st.g_switching)
    _ints(d, "group.switch_token", [g.switch_token for g in G], st.g_switch_token)
    _ints(d, "group.loss_token", [g.loss_token for g in G], st.g_loss_token)
    _floats(d, "group.activated_by_repair", [g.activated_by_repair for g in G], st.g_by_repair)
    # crews
    _ints(d, "crew.busy", [c.busy for c in r.crews], st.busy)
    for c, crew in enumerate(r.crews):
        _ints(d, f"crew[{c}].queue", crew.queue, st.queue[c, :st.q_len[c]])
    # structure
    T = p.tree
    set_nodes = np.flatnonzero(T.n_children == 0)
    _ints(d, "node_set (leaves, standby nodes)", [r.node_set[n] for n in set_nodes],
          st.node_up[set_nodes])
    up, count = structure(r)
    _ints(d, "node_up (structure function)", up, st.node_up)
    _ints(d, "node_cnt (up children)", count, st.node_cnt)
    _ints(d, "system_up", [r.system_up], [st.i[SYSTEM_UP]])
    _floats(d, "outage_start", [r.outage_start], [st.f[OUT_START]])
    _ints(d, "outage_cause", [r.outage_cause], [st.i[CAUSE]])
    if not r.system_up:
        _ints(d, "outage_mode", [r.outage_mode], [st.i[CAUSE_MODE]])
        _floats(d, "segment_start", [r.segment_start], [st.f[SEGMENT_START]])
    # random streams
    _ints(d, "draws", r.draws, st.draws)
    drawn = {(int(s), int(q)) for s, q in zip(*np.nonzero(st.draws), strict=True)}
    if set(r.keys) != drawn:
        d.append(f"stream keys made: reference {sorted(r.keys)} vs kernel {sorted(drawn)}")
    for (s, q), key in r.keys.items():
        if int(st.keys[s, q]) != key:
            d.append(f"keys[{s},{q}]: reference {key} vs kernel {int(st.keys[s, q])}")
    # records
    _ints(d, "counts", tw.ref_counts[0], st.count_row)
    _floats(d, "levels", tw.ref_levels[0], st.level_row)
    n0, n1 = int(st.i[EP_START]), int(st.i[N_EP])
    ep = np.array(r.episodes, dtype=float).reshape(-1, 7)
    _floats(d, "episodes (start, end, amount)", ep[:, :3], st.ep_f[n0:n1])
    _ints(d, "episodes (rep, kind, cause unit, cause type)", ep[:, 3:], st.ep_i[n0:n1])
    # the event log: the lines written since the last comparison (the earlier ones agreed)
    n_ref, n_ker, j0 = len(r.trace_log), int(st.i[N_TRACE]), tw.lines_checked
    ker_log = [(float(st.tr_f[j, 0]), int(st.tr_i[j, 0]), int(st.tr_i[j, 1]),
                int(st.tr_i[j, 2]), float(st.tr_f[j, 1])) for j in range(j0, n_ker)]
    ref_log = r.trace_log[j0:]
    if [_line(x) for x in ref_log] != [_line(x) for x in ker_log]:
        d.append(f"trace lines {j0}..: reference {ref_log} vs kernel {ker_log}")
    elif n_ref == n_ker:
        tw.lines_checked = n_ref
    # pending events
    ref_q, ker_q = reference_pending(r), kernel_pending(st)
    if [(t.hex(), *x) for t, *x in ref_q] != [(t.hex(), *x) for t, *x in ker_q]:
        d.append(f"pending events (time, seq, kind, target, token): reference {ref_q} vs "
                 f"kernel {ker_q}")
    if not _heap_ok(st):
        d.append("the kernel heap is not a heap")
    return d


# -- stepping ----------------------------------------------------------------------------------


class Twins:
    """One replication in both engines, at the same point of its history."""

    def __init__(self, program, seed: int, rep: int):
        p = self.p = program
        self.ref_counts, self.ref_levels = new_buffers(p, 1)
        self.ker_counts, self.ker_levels = new_buffers(p, 1)
        self.scheduled = 0
        self.lines_checked = 0

        def on_schedule(t, kind, target, token):
            self.scheduled += 1

        self.r = Replication(p, seed, rep, self.ref_counts[0], self.ref_levels[0], [],
                             trace=[], on_schedule=on_schedule)
        # room for every stale event and trace line: a full buffer would end the kernel's run
        self.st = new_state(p.n_units, p.n_groups, p.n_crews, p.n_nodes, len(p.streams.ids),
                            self.ker_counts, self.ker_levels, heap=4096, episodes=4096,
                            trace=1 << 16, n_stocks=p.n_stocks, n_schedules=p.n_schedules)
        self.st.i[TRACING] = 1
        self.r.start()
        loop.reset(p, self.st, np.uint64(seed), rep, 0)

    def next_kind(self) -> int | None:
        """The kind of the next event both engines will handle (None: the mission is over)."""
        r, st, T = self.r, self.st, self.p.mission
        ref = r.env._queue[0][3].hasim[0] if r.env.peek() < T else None
        ker = int(st.hp[0]) & ((1 << KIND_BITS) - 1) \
            if st.i[SIZE] > 0 and st.ht[0] < T else None
        if ref != ker:
            raise Mismatch(f"next event: reference kind {ref} vs kernel kind {ker}")
        return ref

    def step(self) -> None:
        assert self.r.step()
        self.st.i[STEPS] = 1
        loop.simulate(self.p, self.st)
        if self.st.i[STEPS] != 0:
            raise Mismatch("the kernel did not handle an event")

    def close(self) -> None:
        ref_records.close(self.r, self.p.mission)
        self.r.env._now = self.p.mission  # the clocks at the end, compared below
        self.st.f[NOW] = self.p.mission
        ker_records.close(self.p, self.st)


def run_twins(program, seed: int, rep: int = 0, label: str = "") -> Counter:
    """Step both engines to the mission end, comparing after each event; returns how often each
    kind was handled, as (kind, effective) — effective: the handler wrote to the log (a stale
    event, whose token no longer matches, does nothing) — and how often each line of the
    event log was written, as ("trace", code)."""
    tw = Twins(program, seed, rep)
    kinds: Counter = Counter()

    def check(step: int, what: str) -> None:
        diffs = differences(tw)
        if diffs:
            raise Mismatch(f"{label} seed={seed} rep={rep} step {step} ({what}), "
                           f"t={tw.r.now}:\n  " + "\n  ".join(diffs[:12]))

    check(0, "after start/reset")
    for step in range(1, MAX_STEPS + 1):
        try:
            kind = tw.next_kind()
        except Mismatch as e:
            raise Mismatch(f"{label} seed={seed} rep={rep} step {step}: {e}") from None
        if kind is None:
            break
        lines = len(tw.r.trace_log)
        target = int(tw.st.hp[0]) >> KIND_BITS & (MAX_TARGETS - 1)
        tw.step()
        kinds[Event(kind), len(tw.r.trace_log) > lines] += 1
        check(step, f"{Event(kind).name} of {target}")
    else:
        raise AssertionError(f"{label}: more than {MAX_STEPS} events")
    tw.close()
    check(-1, "after the mission end (close)")
    STEPS_RUN[label] += step - 1
    kinds.update(("trace", Trace(line[1])) for line in tw.r.trace_log)
    return kinds


# -- hand-picked models ------------------------------------------------------------------------

HEADER = "hasim: 1\nname: twin\n"

MODELS = {
    # one unit, no crew, 0 detection: FAIL and REPAIR_END only; events exactly at the mission end
    "single-fixed": """
mission: 20h
components:
  a: {failure: {fixed: 4h}, repair: {fixed: 1h}}
system: a
""",
    # detection and a crew response
    "detect-respond": """
mission: 300h
crews:
  c: {size: 1, response: {fixed: 1h}}
components:
  a: {count: 2, failure: 40h, repair: 3h, detection: {fixed: 2h}, crew: c}
system: {parallel: a}
""",
    # ties: three identical units failing at the same instants, one member, 0s delays
    "ties-fifo": """
mission: 60h
crews:
  c: {size: 1, response: {fixed: 0s}}
components:
  a: {count: 3, failure: {fixed: 5h}, repair: {fixed: 2h}, detection: {fixed: 0s}, crew: c}
system: {k_of_n: {k: 2, of: a}}
""",
    # two members, priority discipline, component priorities, ties
    "ties-priority-2": """
mission: 80h
crews:
  c: {size: 2, discipline: priority, response: {fixed: 1h}}
components:
  a: {count: 2, failure: {fixed: 6h}, repair: {fixed: 3h}, crew: c, priority: 2}
  b: {count: 2, failure: {fixed: 6h}, repair: {empirical: {values: [1, 2, 4]}}, crew: c,
      priority: 0}
  d: {count: 1, failure: {fixed: 3h}, repair: {fixed: 1h}, crew: c, priority: 1,
      detection: {fixed: 0s}}
system: {series: [{parallel: a}, {parallel: b}, d]}
""",
    # random discipline among three types, one member
    "random-discipline": """
mission: 400h
crews:
  c: {size: 1, discipline: random, response: 0.5h}
components:
  a: {count: 2, failure: 30h, repair: 4h, crew: c}
  b: {count: 2, failure: {weibull: {shape: 1.5, mean: 40h}}, repair: {fixed: 3h}, crew: c}
  d: {count: 1, failure: {gamma: {shape: 0.5, mean: 25h}}, repair: {lognormal: {mean: 2h, cv: 1}},
      crew: c, detection: {uniform: {min: 0.1h, max: 1h}}}
system: {series: [{parallel: a}, {quorum: {of: b}}, d]}
""",
    # hot standby, instant switchover, perfect coverage
    "hot-0s": """
mission: 500h
components:
  s: {count: 2, failure: 30h, repair: 5h}
system: {standby: {of: s, mode: hot, switchover: {fixed: 0s}}}
""",
    # cold standby of three, imperfect coverage, a crew
    "cold-coverage": """
mission: 600h
crews:
  c: {size: 1, response: 1h}
components:
  s: {count: 3, failure: 25h, repair: {fixed: 6h}, detection: 0.5h, crew: c}
system: {standby: {of: s, mode: cold, switchover: {fixed: 1h}, coverage: 0.5}}
""",
    # warm standby whose health check is quicker than the unit's own detection
    "warm-group-detect": """
mission: 600h
components:
  s: {count: 2, failure: 40h, repair: 4h, detection: {fixed: 2h}}
system: {standby: {of: s, mode: warm, dormant_factor: 0.5, switchover: 0.3h,
                   detection: {fixed: 0.5h}}}
""",
    # a 0s health check: the attempt happens inside the failure
    "group-detect-0s": """
mission: 500h
crews:
  c: {size: 2}
components:
  s: {count: 3, failure: 20h, repair: 3h, crew: c}
system: {standby: {of: s, mode: hot, detection: {fixed: 0s}, coverage: 0.9}}
""",
    # a health check slower than the repair: the unit is up again when it comes (stale)
    "group-detect-late": """
mission: 300h
components:
  s: {count: 2, failure: 20h, repair: {fixed: 1h}}
system: {standby: {of: s, mode: cold, detection: {fixed: 3h}, switchover: {fixed: 0.5h}}}
""",
    # long switchovers onto hot spares that fail during them (superseded switchovers)
    "switch-superseded": """
mission: 200h
components:
  a: {failure: {fixed: 3h}, repair: {fixed: 5h}}
  b: {failure: {fixed: 4h}, repair: {fixed: 5h}}
  d: {failure: 30h, repair: {fixed: 5h}, detection: {fixed: 0.5h}}
system: {standby: {of: [a, b, d], mode: hot, switchover: {fixed: 2h}}}
""",
    # two members repaired at the same instant, the higher-numbered first: the lower one is
    # active (the same-instant rule) and the other goes back to the dormant rate
    "same-instant-repairs": """
mission: 60h
components:
  a: {failure: {fixed: 6h}, repair: {fixed: 1h}}
  b: {failure: {fixed: 2h}, repair: {fixed: 3h}}
system: {standby: {of: [a, b], mode: warm, dormant_factor: 0.5}}
""",
    # a standby beside other structure, a shared crew with priorities, two groups
    "two-groups-shared-crew": """
mission: 800h
crews:
  c: {size: 2, discipline: priority, response: {fixed: 0.25h}}
components:
  web: {count: 3, failure: 60h, repair: 4h, crew: c, priority: 1}
  db: {count: 2, failure: 80h, repair: {normal: {mean: 3h, sd: 1h}}, crew: c, priority: 0,
       detection: {fixed: 0.1h}}
  lb: {count: 2, failure: 50h, repair: {fixed: 2h}, crew: c, priority: 2}
system:
  series:
    - {k_of_n: {k: 2, of: web}}
    - {standby: {of: db, mode: warm, dormant_factor: 0.2, switchover: 0.2h, coverage: 0.9,
                 detection: 0.1h}}
    - {standby: {of: lb, mode: hot, switchover: {fixed: 0s}}}
""",
    # whole-hour ties everywhere with a standby and a random-discipline crew
    "tie-standby-random": """
mission: 100h
crews:
  c: {size: 1, discipline: random, response: {fixed: 0s}}
components:
  a: {count: 2, failure: {fixed: 4h}, repair: {fixed: 2h}, crew: c}
  b: {count: 3, failure: {empirical: {values: [2, 3]}}, repair: {fixed: 1h}, crew: c,
      detection: {fixed: 1h}}
system: {series: [{parallel: a}, {standby: {of: b, mode: cold, switchover: {fixed: 1h},
                                            detection: {fixed: 1h}, coverage: 0.5}}]}
""",
    # zero repair times (an empirical 0): a repair that ends at the same instant, after the
    # events already due then
    "zero-repair": """
mission: 50h
crews:
  c: {size: 1}
components:
  a: {count: 2, failure: {fixed: 3h}, repair: {empirical: {values: [0, 0, 1]}}, crew: c}
  b: {count: 2, failure: {fixed: 3h}, repair: {fixed: 1h}}
system: {series: [{parallel: a}, {standby: {of: b, mode: hot}}]}
""",
    # failure modes, partial coverage, latent failures found by staggered inspections (which
    # take units out of service) and by switchover attempts
    "latent-modes": """
mission: 400h
crews:
  c: {size: 1, response: 0.5h}
components:
  a:
    count: 3
    coverage: 0.6
    repair: 2h
    failures:
      - {name: wear, law: {weibull: {shape: 2, mean: 30h}}, repair: {fixed: 1h}}
      - {name: silent, law: 40h, effect: latent}
      - {name: glitch, law: 60h, detection: 0.2h, coverage: 0.3, crew: c}
  b:
    count: 3
    failures:
      - {name: crash, law: 25h, repair: 3h, crew: c}
      - {name: hidden, law: 20h, repair: 1h, coverage: 0}
system: {series: [{k_of_n: {k: 2, of: a}}, {standby: {of: b, mode: warm, dormant_factor: 0.5,
                                                      switchover: 0.1h}}]}
inspections:
  - {of: a, every: 10h, stagger: true, duration: {fixed: 0.5h}, coverage: 0.7}
  - {of: "b[2]", every: 15h, first: 5h}
""",
    # a stock smaller than the demand: repairs wait for parts, FIFO, holding no crew
    "spares-wait": """
mission: 300h
crews:
  c: {size: 2, discipline: priority}
spares:
  disk: {stock: 1, lead_time: 8h}
  board: {stock: 2, lead_time: {uniform: {min: 1h, max: 20h}}}
components:
  d: {count: 4, failure: 15h, repair: 1h, spare: disk, crew: c, priority: 1}
  e:
    count: 2
    spare: board
    crew: c
    failures:
      - {name: x, law: 20h, repair: 2h}
      - {name: y, law: 30h, repair: 1h, spare: disk}
system: {series: [{k_of_n: {k: 2, of: d}}, {parallel: e}]}
""",
    # rolling (deferred, renewing) and all-at-once maintenance, a maintained standby member
    "maintenance": """
mission: 500h
components:
  w: {count: 3, failure: {weibull: {shape: 3, mean: 40h}}, repair: 4h}
  s: {count: 2, failure: 30h, repair: 2h}
  p: {count: 2, failure: 50h, repair: 5h}
system: {series: [{k_of_n: {k: 2, of: w}}, {standby: {of: s, switchover: 0.5h}},
                  {parallel: p}]}
maintenance:
  - {of: w, every: 24h, duration: 3h, rolling: true, defer: true, renews: true}
  - {of: s, every: 36h, first: 6h, duration: {fixed: 2h}}
  - {of: p, every: 48h, duration: {fixed: 4h}, rolling: false, defer: true}
  - {of: "p[0]", every: 100h, duration: 1h, rolling: false}
""",
    # whole-hour ties between failures, repairs, inspections, maintenance and parts
    "tie-processes": """
mission: 120h
spares:
  part: {stock: 1, lead_time: {fixed: 3h}}
components:
  a:
    count: 2
    failures:
      - {name: f, law: {fixed: 5h}, repair: {fixed: 1h}, spare: part}
      - {name: l, law: {empirical: {values: [4, 6]}}, repair: {fixed: 2h}, coverage: 0}
  b: {count: 2, failure: {empirical: {values: [3, 7]}}, repair: {fixed: 2h}}
system: {series: [{standby: {of: a, switchover: {fixed: 1h}}}, {parallel: b}]}
inspections:
  - {of: a, every: 4h, duration: {fixed: 1h}}
  - {of: b, every: 4h}
maintenance:
  - {of: b, every: 6h, duration: {fixed: 2h}, defer: true}
""",
}

SEEDS = (1, 2024, 987654321)


@pytest.fixture(scope="module")
def programs():
    return {name: hasim.model_from_yaml(HEADER + text, name).program
            for name, text in MODELS.items()}


_handled: dict[tuple[str, int, int], Counter] = {}


def _run_case(programs, name: str, seed: int, rep: int) -> Counter:
    key = (name, seed, rep)
    if key not in _handled:
        _handled[key] = run_twins(programs[name], seed, rep, label=name)
    return _handled[key]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(MODELS))
def test_handlers_agree_step_by_step(programs, name, seed):
    for rep in (0, 3):
        _run_case(programs, name, seed, rep)
    assert STEPS_RUN[name] > 0


def test_every_handler_runs(programs):
    # over the hand-picked models (run here if the test above did not run them first)
    total: Counter = Counter()
    for name in MODELS:
        for seed in SEEDS:
            for rep in (0, 3):
                total += _run_case(programs, name, seed, rep)
    effective = {kind for kind, live in total if isinstance(kind, Event) and live}
    stale = {kind for kind, live in total if isinstance(kind, Event) and not live}
    assert set(HANDLED) <= effective, set(HANDLED) - effective
    # and the lazy deletions: stale events of every kind that carries a token
    assert {Event.FAIL, Event.GROUP_DETECT, Event.SWITCH_END, Event.INSPECTION} <= stale, stale
    # every action of every rule (queueing, rate changes, failed and impossible switchovers,
    # a repaired unit made active or a spare, ...)
    traced = {code for tag, code in total if tag == "trace"}
    assert set(Trace) == traced, set(Trace) - traced
    assert sum(STEPS_RUN[name] for name in MODELS) > 2000


def test_bundled_models_step_by_step():
    from ..conftest import MODELS as BUNDLED

    for path in BUNDLED:
        if "bench" in path.name:
            continue
        run_twins(hasim.load_model(path).program, 7, 0, label=path.name)


# -- generated models --------------------------------------------------------------------------


@st.composite
def twin_models(draw):
    """:func:`tests.strategies.models` plus crew disciplines, component priorities and group
    health checks."""
    data = draw(models(mission=(100.0, 1500.0)))
    for crew in data.get("crews", {}).values():
        crew["discipline"] = draw(st.sampled_from(["fifo", "priority", "random"]))
    for comp in data["components"].values():
        if "crew" in comp:
            comp["priority"] = draw(st.integers(0, 2))

    def visit(node):
        if isinstance(node, dict):
            if "standby" in node and draw(st.booleans()):
                node["standby"]["detection"] = draw(
                    st.sampled_from(["0.5h", {"fixed": "0s"}, {"fixed": "2h"}]))
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    visit(data["system"])
    if draw(st.booleans()):
        add_processes(draw, data)
    return data


def add_processes(draw, data):
    """Failure modes, coverage, a stock of spares, inspections and maintenance on some of the
    components of a generated model."""
    comps = data["components"]
    names = list(comps)
    for comp in comps.values():
        if draw(st.booleans()):
            comp["failures"] = [
                {"name": "main", "law": comp.pop("failure")},
                {"name": "other", "law": draw(st.sampled_from(["80h", {"fixed": "60h"},
                                                               {"weibull": {"shape": 2,
                                                                            "mean": "90h"}}])),
                 "repair": draw(st.sampled_from(["2h", {"fixed": "1h"}])),
                 "coverage": draw(st.sampled_from([1.0, 0.5, 0.0]))}]
        if draw(st.booleans()):
            comp["coverage"] = draw(st.sampled_from([0.8, 0.0]))
    if draw(st.booleans()):
        data["spares"] = {"part": {"stock": draw(st.integers(1, 2)),
                                   "lead_time": draw(st.sampled_from(["10h", {"fixed": "5h"}]))}}
        for name in draw(st.lists(st.sampled_from(names), min_size=1, unique=True)):
            comps[name]["spare"] = "part"
    if draw(st.booleans()):
        data["inspections"] = [{"of": draw(st.sampled_from(names)),
                                "every": draw(st.sampled_from(["50h", "120h"])),
                                "duration": draw(st.sampled_from(["0s", {"fixed": "1h"}])),
                                "coverage": draw(st.sampled_from([1.0, 0.6])),
                                "stagger": draw(st.booleans())}]
    if draw(st.booleans()):
        data["maintenance"] = [{"of": draw(st.sampled_from(names)),
                                "every": draw(st.sampled_from(["100h", "170h"])),
                                "duration": draw(st.sampled_from(["3h", {"fixed": "2h"}])),
                                "rolling": draw(st.booleans()), "defer": draw(st.booleans()),
                                "renews": draw(st.booleans())}]


SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(twin_models(), st.integers(0, 2**63 - 1), st.integers(0, 10**6))
def test_random_models_step_by_step(data, seed, rep):
    run_twins(hasim.model_from_dict(data).program, seed, rep, label=repr(data))


@SETTINGS
@given(tie_models(), st.integers(0, 2**63 - 1))
def test_tie_models_step_by_step(data, seed):
    run_twins(hasim.model_from_dict(data).program, seed, 0, label=repr(data))


@st.composite
def tie_process_models(draw):
    """:func:`tests.strategies.tie_models` with processes on whole hours: modes, coverage,
    spares, inspections and maintenance whose instants fall on the failures' and repairs'."""
    data = draw(tie_models())
    comps = data["components"]
    names = list(comps)
    for comp in comps.values():
        if draw(st.booleans()):
            comp["failures"] = [{"name": "a", "law": comp.pop("failure")},
                                {"name": "b", "law": {"fixed": f"{draw(st.integers(2, 9))}h"},
                                 "coverage": draw(st.sampled_from([1.0, 0.0, 0.5]))}]
    if draw(st.booleans()):
        data["spares"] = {"p": {"stock": 1, "lead_time": {"fixed": "3h"}}}
        comps[draw(st.sampled_from(names))]["spare"] = "p"
    if draw(st.booleans()):
        data["inspections"] = [{"of": draw(st.sampled_from(names)),
                                "every": f"{draw(st.integers(2, 8))}h",
                                "duration": draw(st.sampled_from(["0s", {"fixed": "1h"}]))}]
    if draw(st.booleans()):
        data["maintenance"] = [{"of": draw(st.sampled_from(names)),
                                "every": f"{draw(st.integers(3, 12))}h",
                                "first": f"{draw(st.integers(0, 5))}h",
                                "duration": {"fixed": f"{draw(st.integers(1, 3))}h"},
                                "rolling": draw(st.booleans()), "defer": draw(st.booleans()),
                                "renews": draw(st.booleans())}]
    return data


@SETTINGS
@given(tie_process_models(), st.integers(0, 2**63 - 1))
def test_tie_process_models_step_by_step(data, seed):
    run_twins(hasim.model_from_dict(data).program, seed, 0, label=repr(data))


def test_the_comparison_sees_a_difference(programs):
    # the twin check is not vacuous: one changed bit of kernel state is reported
    tw = Twins(programs["cold-coverage"], 1, 0)
    assert differences(tw) == []
    tw.st.age[1] = math.nextafter(tw.st.age[1], 1.0)
    tw.st.hs[0] += 10**6
    diffs = differences(tw)
    assert any(x.startswith("unit.age[1]") for x in diffs)
    assert any(x.startswith("pending events") for x in diffs)
