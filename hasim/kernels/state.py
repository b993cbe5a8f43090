"""The state of one replication in the kernels: a NamedTuple of arrays (scalars live in the
small arrays ``i`` and ``f`` so that handlers can change them), made once per chunk by
:func:`new_state` and reset per replication by :func:`hasim.kernels.loop.reset`."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hasim.kernels.codes import N_PURPOSES

# integer scalars: st.i[...]
(SIZE, SEQ, LIVE, STATUS, ROW, REP, SYSTEM_UP, CAUSE, N_EP, EP_START, TRACING, N_TRACE, STEPS,
 CAP_AT, IN_REP, EP_DROP, UNTIL_FAILURE, N_OUT, N_DEFERRED, CAUSE_MODE) = range(20)
N_I = 20
"""STEPS: the countdown of events this call may still handle (-1: no limit; the wrapper gives
each call a slice, so that progress shows and Ctrl-C lands between slices; tests step the
kernel one event at a time beside the reference engine). CAP_AT: the value of the countdown at
which the current replication has handled its cap of events. IN_REP: a replication is under
way (a call that ran out of its slice resumes it). EP_DROP: the episode buffer is at its
largest, outages that do not fit are counted, not recorded. UNTIL_FAILURE: a replication ends
at its first system failure (``END`` is then moved to just after the failure's instant).
N_OUT: units out of service for planned work. N_DEFERRED: maintenance schedules whose next step
is deferred (tried again after every event). CAUSE_MODE: the failure mode of the open outage's
cause (-1: none)."""
NO_CAP = -(1 << 62)
# float scalars: st.f[...]
NOW, OUT_START, END, MISSION, SEGMENT_START = range(5)
N_F = 5
"""END: the end of the replication: MISSION (the program's mission; with UNTIL_FAILURE inf,
or the end of a trace), and with UNTIL_FAILURE just after the instant the system failed.
SEGMENT_START: while the system is down, since when N_OUT has had its value."""


class State(NamedTuple):
    i: np.ndarray
    f: np.ndarray
    rk: np.ndarray
    """The replication key (uint64[1])."""
    # the event heap: time, sequence number, packed payload (kind, target, token)
    ht: np.ndarray
    hs: np.ndarray
    hp: np.ndarray
    # random streams: key and draws so far, per (owner stream, purpose)
    keys: np.ndarray
    draws: np.ndarray
    # units
    up: np.ndarray
    rate: np.ndarray
    age: np.ndarray
    life_start: np.ndarray
    lifetime: np.ndarray
    token: np.ndarray
    mode: np.ndarray
    """The failure mode that ends the current life (once failed: the failure's mode)."""
    latent: np.ndarray
    latent_start: np.ndarray
    out: np.ndarray
    """Out of service for planned work."""
    job_crew: np.ndarray
    holding: np.ndarray
    hold_start: np.ndarray
    wait_start: np.ndarray
    # stocks: parts on hand (since when), repairs waiting for a part in the order they asked
    on_hand: np.ndarray
    on_hand_since: np.ndarray
    s_queue: np.ndarray
    s_len: np.ndarray
    # maintenance schedules: next instance of the round, units out, deferred
    plan_cursor: np.ndarray
    plan_running: np.ndarray
    plan_deferred: np.ndarray
    # standby groups
    g_active: np.ndarray
    g_switching: np.ndarray
    g_switch_token: np.ndarray
    g_loss_token: np.ndarray
    g_by_repair: np.ndarray
    """When a repaired unit last became active (NaN: not at the current instant)."""
    # crews: jobs in hand, and the waiting jobs in the order they became ready
    busy: np.ndarray
    queue: np.ndarray
    q_len: np.ndarray
    # structure: state of each node and its number of up children
    node_up: np.ndarray
    node_cnt: np.ndarray
    dry_nodes: np.ndarray
    """Scratch: the nodes a what-if (would the system be down?) changed, to undo them."""
    dry_i: np.ndarray
    # records: the current replication's counts and levels (copied to its row of the chunk's
    # ``counts`` and ``levels`` when it ends: a count is then one add, without the row's
    # index), episodes (flat), the trace
    count_row: np.ndarray
    level_row: np.ndarray
    counts: np.ndarray
    levels: np.ndarray
    ep_f: np.ndarray
    ep_i: np.ndarray
    tr_f: np.ndarray
    tr_i: np.ndarray


def new_state(n_units: int, n_groups: int, n_crews: int, n_nodes: int, n_streams: int,
              counts: np.ndarray, levels: np.ndarray, heap: int = 64, episodes: int = 1024,
              trace: int = 0, n_stocks: int = 0, n_schedules: int = 0) -> State:
    """Work space for a chunk whose records go to ``counts`` and ``levels``."""
    i64 = np.int64
    b = np.bool_
    return State(
        i=_scalars(), f=np.zeros(N_F), rk=np.zeros(1, dtype=np.uint64),
        ht=np.zeros(heap), hs=np.zeros(heap, dtype=i64), hp=np.zeros(heap, dtype=i64),
        keys=np.zeros((n_streams, N_PURPOSES), dtype=np.uint64),
        draws=np.zeros((n_streams, N_PURPOSES), dtype=i64),
        up=np.ones(n_units, dtype=np.bool_), rate=np.ones(n_units), age=np.zeros(n_units),
        life_start=np.zeros(n_units), lifetime=np.zeros(n_units),
        token=np.zeros(n_units, dtype=i64), mode=np.zeros(n_units, dtype=i64),
        latent=np.zeros(n_units, dtype=b), latent_start=np.zeros(n_units),
        out=np.zeros(n_units, dtype=b), job_crew=np.full(n_units, -1, dtype=i64),
        holding=np.zeros(n_units, dtype=b), hold_start=np.zeros(n_units),
        wait_start=np.zeros(n_units),
        on_hand=np.zeros(n_stocks, dtype=i64), on_hand_since=np.zeros(n_stocks),
        s_queue=np.zeros((n_stocks, n_units + 1), dtype=i64),
        s_len=np.zeros(n_stocks, dtype=i64),
        plan_cursor=np.zeros(n_schedules, dtype=i64),
        plan_running=np.zeros(n_schedules, dtype=i64),
        plan_deferred=np.zeros(n_schedules, dtype=b),
        g_active=np.zeros(n_groups, dtype=i64), g_switching=np.zeros(n_groups, dtype=np.bool_),
        g_switch_token=np.zeros(n_groups, dtype=i64),
        g_loss_token=np.zeros(n_groups, dtype=i64), g_by_repair=np.zeros(n_groups),
        busy=np.zeros(n_crews, dtype=i64), queue=np.zeros((n_crews, n_units + 1), dtype=i64),
        q_len=np.zeros(n_crews, dtype=i64),
        node_up=np.ones(n_nodes, dtype=np.bool_), node_cnt=np.zeros(n_nodes, dtype=i64),
        dry_nodes=np.zeros(n_nodes, dtype=i64), dry_i=np.zeros(N_I, dtype=i64),
        count_row=np.zeros(counts.shape[1], dtype=i64), level_row=np.zeros(levels.shape[1]),
        counts=counts, levels=levels,
        ep_f=np.zeros((episodes, 3)), ep_i=np.zeros((episodes, 4), dtype=i64),
        tr_f=np.zeros((trace, 2)), tr_i=np.zeros((trace, 3), dtype=i64),
    )


def _scalars() -> np.ndarray:
    i = np.zeros(N_I, dtype=np.int64)
    i[STEPS] = -1
    i[CAP_AT] = NO_CAP
    return i
