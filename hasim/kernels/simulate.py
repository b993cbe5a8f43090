"""The jitted event loop: the rules of the SimPy reference engine over the compiled model's arrays.

Everything a kernel needs is in this one module (the random streams, the samplers, the heap, the
loop), so that numba's on-disk cache can never pair a kernel with a stale helper.

The random streams are bit-for-bit twins of :mod:`hasim.rng` (Python integers there, wrapping
``uint64`` here); ``tests/reference`` checks them against each other. The loop follows the rules
in the docstring of :mod:`hasim.engines.des`, drawing every number at the same moment from the
same stream, and schedules timed events in the order the SimPy engine does, so that events at the
same instant are processed in the same order: by time, then by scheduling order.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from hasim.kernels import JIT

# --- random streams (twins of hasim.rng) -------------------------------------------------------

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_K_REP = np.uint64(0xD1B54A32D192ED03)
_K_UNIT = np.uint64(0xAEF17502108EF2D9)
_K_PURPOSE = np.uint64(0xDB4F0B9175AE2165)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S12 = np.uint64(12)
_ONE = np.uint64(1)
DRAWS_PER_SAMPLE = 64
N_PURPOSES = 6
FAILURE, REPAIR, DETECTION, RESPONSE, SWITCHOVER, COVERAGE = 0, 1, 2, 3, 4, 5


@njit(**JIT)
def mix64(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(**JIT)
def replication_key(seed: np.uint64, replication: np.int64) -> np.uint64:
    return mix64(mix64(seed ^ _GOLDEN) ^ ((np.uint64(replication) + _ONE) * _K_REP))


@njit(**JIT)
def sub_key(rep_key: np.uint64, unit: np.uint64, purpose: np.int64) -> np.uint64:
    h = mix64(rep_key ^ ((unit + _ONE) * _K_UNIT))
    return mix64(h ^ ((np.uint64(purpose) + _ONE) * _K_PURPOSE))


@njit(**JIT)
def uniform(key: np.uint64, counter: np.int64) -> float:
    z = mix64(key ^ mix64((np.uint64(counter) + _ONE) * _GOLDEN))
    return (np.float64(z >> _S12) + 0.5) * (1.0 / 4503599627370496.0)


@njit(**JIT)
def ndtri(p: float) -> float:
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
                    + 67265.770927008700853) * r + 45921.953931549871457) * r
                  + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
        den = (((((((5226.495278852545925 * r + 28729.085735721942674) * r
                    + 39307.89580009271061) * r + 21213.794301586595867) * r
                  + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
        return q * num / den
    r = p if q < 0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        num = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
                    + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                  + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
        den = (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                    + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                  + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
    else:
        r -= 5.0
        num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                    + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
                  + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
        den = (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
                  + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
    x = num / den
    return -x if q < 0 else x


@njit(**JIT)
def _gamma_unit(shape: float, key: np.uint64, base: np.int64) -> float:
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    j = 0
    while j < DRAWS_PER_SAMPLE - 2:
        x = ndtri(uniform(key, base + j))
        v = 1.0 + c * x
        if v > 0.0:
            v = v * v * v
            u = uniform(key, base + j + 1)
            if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
                return d * v
        j += 2
    return d


@njit(inline="always", **JIT)
def sample(code: np.int64, a: float, b: float, c: float, pool: np.ndarray, key: np.uint64,
           n: np.int64) -> float:
    """Sample ``n`` of a law from stream ``key`` (codes and parameters as in hasim.rng)."""
    if code == 0:
        return a
    base = n * DRAWS_PER_SAMPLE
    u = uniform(key, base)
    if code == 1:
        return -a * math.log(u)
    if code == 2:
        return c + b * (-math.log(u)) ** (1.0 / a)
    if code == 3:
        return math.exp(a + b * ndtri(u))
    if code == 4:
        if a >= 1.0:
            return b * _gamma_unit(a, key, base)
        boost = uniform(key, base + DRAWS_PER_SAMPLE - 1) ** (1.0 / a)
        return b * _gamma_unit(a + 1.0, key, base) * boost
    if code == 5:
        p0 = 0.5 * math.erfc(a / (b * math.sqrt(2.0)))
        p = p0 + u * (1.0 - p0)
        if p >= 1.0:
            p = 1.0 - 1e-16
        return max(0.0, a + b * ndtri(p))
    if code == 6:
        return a + (b - a) * u
    count = np.int64(b)
    i = np.int64(u * count)
    if i >= count:
        i = count - 1
    return pool[np.int64(a) + i]


# --- the event heap: (time, sequence) order, lazy deletion by tokens ----------------------------
# An event is a time, a sequence number (the order of scheduling, for ties) and a packed payload:
# kind in bits 0-2, target (unit or group) in bits 3-23, token from bit 24.

EV_FAIL, EV_DETECT, EV_RESPONSE, EV_REPAIR, EV_SWITCH = 0, 1, 2, 3, 4
MAX_TARGETS = 1 << 21


@njit(inline="always", **JIT)
def heap_push(ht, hs, hp, size, seq, t, kind, target, token):
    """Push an event; returns the new size, or -1 when the heap is full."""
    if size >= ht.shape[0]:
        return -1
    payload = kind + (target << 3) + (token << 24)
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        tp = ht[parent]
        if t > tp or (t == tp and seq > hs[parent]):
            break
        ht[i] = tp
        hs[i] = hs[parent]
        hp[i] = hp[parent]
        i = parent
    ht[i] = t
    hs[i] = seq
    hp[i] = payload
    return size + 1


@njit(inline="always", **JIT)
def _sift_down(ht, hs, hp, size, t, s, p):
    """Place the event (t, s, p) at the root's hole and sift it down."""
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        tc = ht[child]
        sc = hs[child]
        if child + 1 < size:
            t2 = ht[child + 1]
            s2 = hs[child + 1]
            if t2 < tc or (t2 == tc and s2 < sc):
                child += 1
                tc = t2
                sc = s2
        if t < tc or (t == tc and s < sc):
            break
        ht[i] = tc
        hs[i] = sc
        hp[i] = hp[child]
        i = child
    ht[i] = t
    hs[i] = s
    hp[i] = p


@njit(inline="always", **JIT)
def heap_pop(ht, hs, hp, size):
    """Remove the first event; returns the new size."""
    size -= 1
    if size > 0:
        _sift_down(ht, hs, hp, size, ht[size], hs[size], hp[size])
    return size


@njit(inline="always", **JIT)
def heap_replace(ht, hs, hp, size, seq, t, kind, target, token):
    """Replace the first event by a new one (a pop and a push in one sift)."""
    _sift_down(ht, hs, hp, size, t, seq, kind + (target << 3) + (token << 24))


@njit(inline="always", **JIT)
def hpush(ht, hs, hp, size, live, seq, t, kind, target, token):
    """Schedule an event while the event being handled may still sit on top of the heap
    (``live``): the first new event takes its place. Returns (size or -1 when full, live)."""
    if live:
        heap_replace(ht, hs, hp, size, seq, t, kind, target, token)
        return size, False
    return heap_push(ht, hs, hp, size, seq, t, kind, target, token), False


# --- structure: counters of up children, updated up the tree ------------------------------------


@njit(inline="always", **JIT)
def _set_node(node, up, node_up, node_cnt, node_k, node_parent):
    """Set the state of a leaf or standby node and carry the change up to the root."""
    if node_up[node] == up:
        return
    node_up[node] = up
    p = node_parent[node]
    delta = 1 if up else -1
    while p >= 0:
        node_cnt[p] += delta
        new = node_cnt[p] >= node_k[p]
        if new == node_up[p]:
            return
        node_up[p] = new
        delta = 1 if new else -1
        p = node_parent[p]


@njit(**JIT)
def _flush(ht, hs, hp, size, live, seq, pend_v, v_time, v_token, pend_g, g_time,
           g_token):
    """Push the events a switchover scheduled, in the order the SimPy engine schedules them
    (the spare's new failure time, then the end of the switchover)."""
    if pend_v >= 0 and size >= 0:
        size, live = hpush(ht, hs, hp, size, live, seq, v_time, EV_FAIL, pend_v, v_token)
        seq += 1
    if pend_g >= 0 and size >= 0:
        size, live = hpush(ht, hs, hp, size, live, seq, g_time, EV_SWITCH, pend_g, g_token)
        seq += 1
    return size, live, seq


@njit(inline="always", **JIT)
def _draw(law, u, purpose, draws, keys, law_code, law_a, law_b, law_c, pool):
    """Next sample of ``law`` from the ``purpose`` stream of unit ``u``; 0 for no law (-1).
    The twin of ``Replication.draw`` in the SimPy engine."""
    if law < 0:
        return 0.0
    n = draws[u, purpose]
    draws[u, purpose] = n + 1
    return sample(law_code[law], law_a[law], law_b[law], law_c[law], pool, keys[u, purpose], n)


@njit(inline="always", **JIT)
def _record_outage(rep, i, duration, cause_type, outage_rep, outage_hours, n_outages, by_type):
    """Store a finished outage; returns the new outage count, or -1 when the buffer is full."""
    if n_outages >= outage_hours.shape[0]:
        return -1
    outage_rep[n_outages] = rep
    outage_hours[n_outages] = duration
    if cause_type >= 0:
        by_type[i, cause_type] += duration
    return n_outages + 1


# --- the loop ----------------------------------------------------------------------------------

OK, OUTAGES_FULL, HEAP_FULL = 0, 1, 2


@njit(**JIT)
def run_chunk(
    # laws
    law_code, law_a, law_b, law_c, pool,
    # units
    unit_stream, unit_type, unit_failure, unit_repair, unit_detection, unit_crew, unit_group,
    leaf_ptr, leaf_nodes,
    # crews
    crew_size, crew_response,
    # standby groups
    group_ptr, group_members, group_dormant, group_switch, group_coverage, group_node,
    # structure (children before parents, root last)
    node_k, node_parent, node_n_children,
    # study
    mission, seed, rep_start, rep_stop,
    # outputs, one row per replication of the chunk
    downtime, outages, first_failure, events, by_type, crew_busy,
    outage_rep, outage_hours, n_outages,
    # work space
    ht, hs, hp,
):
    """Simulate replications ``rep_start`` .. ``rep_stop - 1``.

    Returns ``(status, replication, n_outages)``: ``status`` OK when all are done, else
    OUTAGES_FULL or HEAP_FULL with the replication that did not fit; the caller grows the
    buffer and calls again from there (each replication depends only on its own streams, so a
    retry reproduces it exactly).
    """
    n_units = unit_stream.shape[0]
    n_groups = group_dormant.shape[0]
    n_crews = crew_size.shape[0]
    n_nodes = node_k.shape[0]
    root = n_nodes - 1
    T = mission

    keys = np.empty((n_units, N_PURPOSES), dtype=np.uint64)
    draws = np.zeros((n_units, N_PURPOSES), dtype=np.int64)
    up = np.ones(n_units, dtype=np.bool_)
    rate = np.ones(n_units)
    age = np.zeros(n_units)
    life_start = np.zeros(n_units)
    lifetime = np.zeros(n_units)
    fail_token = np.zeros(n_units, dtype=np.int64)
    holding = np.zeros(n_units, dtype=np.bool_)
    hold_start = np.zeros(n_units)
    g_active = np.zeros(n_groups, dtype=np.int64)
    g_switching = np.zeros(n_groups, dtype=np.bool_)
    g_token = np.zeros(n_groups, dtype=np.int64)
    busy = np.zeros(n_crews, dtype=np.int64)
    queue = np.zeros((n_crews, n_units + 1), dtype=np.int64)
    q_head = np.zeros(n_crews, dtype=np.int64)
    q_len = np.zeros(n_crews, dtype=np.int64)
    node_up = np.zeros(n_nodes, dtype=np.bool_)
    node_cnt = np.zeros(n_nodes, dtype=np.int64)

    for rep in range(rep_start, rep_stop):
        i = rep - rep_start
        rk = replication_key(seed, rep)
        for u in range(n_units):
            for p in range(N_PURPOSES):
                keys[u, p] = sub_key(rk, unit_stream[u], p)
                draws[u, p] = 0
            up[u] = True
            rate[u] = 1.0
            age[u] = 0.0
            life_start[u] = 0.0
            fail_token[u] = 0
            holding[u] = False
        for g in range(n_groups):
            g_active[g] = group_members[group_ptr[g]] if group_ptr[g + 1] > group_ptr[g] else -1
            g_switching[g] = False
            g_token[g] = 0
            for j in range(group_ptr[g], group_ptr[g + 1]):
                u = group_members[j]
                if u != g_active[g]:
                    rate[u] = group_dormant[g]
        for c in range(n_crews):
            busy[c] = 0
            q_head[c] = 0
            q_len[c] = 0
        for n in range(n_nodes):
            node_up[n] = True
            node_cnt[n] = node_n_children[n]
        for g in range(n_groups):
            if g_active[g] < 0:
                _set_node(group_node[g], False, node_up, node_cnt, node_k, node_parent)
        system_up = node_up[root]
        n_events = 0
        outage_start = 0.0
        outage_cause = -1
        first = math.nan
        start_outages = n_outages
        for t in range(by_type.shape[1]):
            by_type[i, t] = 0.0
        for c in range(n_crews):
            crew_busy[i, c] = 0.0
        if not system_up:  # an empty standby group: down from the start
            outage_start = 0.0
            first = 0.0

        size = 0
        seq = 0
        # every unit starts its first life, in unit order
        for u in range(n_units):
            lifetime[u] = _draw(unit_failure[u], u, FAILURE,
                                draws, keys, law_code, law_a, law_b, law_c, pool)
            if rate[u] > 0.0:
                size = heap_push(ht, hs, hp, size, seq, lifetime[u] / rate[u],
                                 EV_FAIL, u, 0)
                seq += 1
                if size < 0:
                    return HEAP_FULL, rep, start_outages

        while size > 0:
            now = ht[0]
            if not now < T:
                break
            payload = hp[0]
            kind = payload & 7
            x = (payload >> 3) & (MAX_TARGETS - 1)
            token = payload >> 24
            # the event stays on top until it is replaced by the first event it schedules,
            # or popped when it is handled
            live = True
            cause = -1
            pend_v = -1
            pend_g = -1
            pend_v_time = 0.0
            pend_g_time = 0.0
            pend_v_token = 0
            pend_g_token = 0
            if kind == EV_FAIL:
                if token != fail_token[x]:
                    size = heap_pop(ht, hs, hp, size)
                    continue  # the ageing rate changed since this failure was scheduled
                u = x
                cause = u
                up[u] = False
                n_events += 1
                for j in range(leaf_ptr[u], leaf_ptr[u + 1]):
                    _set_node(leaf_nodes[j], False, node_up, node_cnt, node_k, node_parent)
                g = unit_group[u]
                if g >= 0 and g_active[g] == u:
                    was_switching = g_switching[g]
                    g_active[g] = -1
                    g_switching[g] = False
                    if not was_switching:
                        # switch over to the lowest-numbered spare that is up
                        v = -1
                        for j in range(group_ptr[g], group_ptr[g + 1]):
                            w = group_members[j]
                            if w != u and up[w]:
                                v = w
                                break
                        if v >= 0:
                            n_events += 1
                            covered = True
                            if group_coverage[g] < 1.0:
                                n = draws[u, COVERAGE]
                                draws[u, COVERAGE] = n + 1
                                covered = uniform(keys[u, COVERAGE],
                                                  n * DRAWS_PER_SAMPLE) < group_coverage[g]
                            if covered:
                                g_active[g] = v
                                if rate[v] != 1.0:
                                    # the spare now ages as the active unit
                                    age[v] += (now - life_start[v]) * rate[v]
                                    life_start[v] = now
                                    rate[v] = 1.0
                                    fail_token[v] += 1
                                    pend_v = v
                                    pend_v_time = now + (lifetime[v] - age[v]) / rate[v]
                                    pend_v_token = fail_token[v]
                                delay = _draw(group_switch[g], u, SWITCHOVER, draws, keys,
                                              law_code, law_a, law_b, law_c, pool)
                                if delay > 0.0:
                                    g_switching[g] = True
                                    g_token[g] += 1
                                    pend_g = g
                                    pend_g_time = now + delay
                                    pend_g_token = g_token[g]
                    in_service = g_active[g] >= 0 and not g_switching[g]
                    _set_node(group_node[g], in_service, node_up, node_cnt, node_k,
                              node_parent)
                # detection delay, then the repair request
                delay = _draw(unit_detection[u], u, DETECTION,
                              draws, keys, law_code, law_a, law_b, law_c, pool)
                if delay > 0.0:
                    size, live = hpush(ht, hs, hp, size, live, seq, now + delay, EV_DETECT,
                                     u, 0)
                    seq += 1
                    size, live, seq = _flush(ht, hs, hp, size, live, seq, pend_v, pend_v_time,
                                       pend_v_token, pend_g, pend_g_time, pend_g_token)
                    pend_v = -1
                    pend_g = -1
                    if size < 0:
                        return HEAP_FULL, rep, start_outages
                else:
                    kind = EV_DETECT  # detected at once: fall through to the request below
            elif kind == EV_SWITCH:
                g = x
                if g_switching[g] and g_token[g] == token:
                    g_switching[g] = False
                    _set_node(group_node[g], g_active[g] >= 0, node_up, node_cnt, node_k,
                              node_parent)

            if kind == EV_DETECT:
                u = x
                n_events += 1
                c = unit_crew[u]
                start_repair = False
                if c < 0:
                    start_repair = True
                elif busy[c] < crew_size[c]:
                    # SimPy grants the request in a later step: a switchover's events first
                    size, live, seq = _flush(ht, hs, hp, size, live, seq, pend_v, pend_v_time,
                                       pend_v_token, pend_g, pend_g_time, pend_g_token)
                    pend_v = -1
                    pend_g = -1
                    if size < 0:
                        return HEAP_FULL, rep, start_outages
                    busy[c] += 1
                    holding[u] = True
                    hold_start[u] = now
                    delay = _draw(crew_response[c], u, RESPONSE,
                                  draws, keys, law_code, law_a, law_b, law_c, pool)
                    if delay > 0.0:
                        size, live = hpush(ht, hs, hp, size, live, seq, now + delay,
                                         EV_RESPONSE, u, 0)
                        seq += 1
                        if size < 0:
                            return HEAP_FULL, rep, start_outages
                    else:
                        start_repair = True
                else:
                    queue[c, (q_head[c] + q_len[c]) % (n_units + 1)] = u
                    q_len[c] += 1
                if start_repair:
                    kind = EV_RESPONSE
            if kind == EV_RESPONSE:
                u = x
                n_events += 1  # repair start
                d = _draw(unit_repair[u], u, REPAIR,
                          draws, keys, law_code, law_a, law_b, law_c, pool)
                size, live = hpush(ht, hs, hp, size, live, seq, now + d, EV_REPAIR, u, 0)
                seq += 1
                if size < 0:
                    return HEAP_FULL, rep, start_outages
            elif kind == EV_REPAIR:
                u = x
                n_events += 1  # repair completion
                c = unit_crew[u]
                if c >= 0:
                    crew_busy[i, c] += now - hold_start[u]
                    holding[u] = False
                up[u] = True
                g = unit_group[u]
                if g >= 0:
                    if g_active[g] < 0:
                        g_active[g] = u
                        rate[u] = 1.0
                    else:
                        rate[u] = group_dormant[g]
                    _set_node(group_node[g], g_active[g] >= 0 and not g_switching[g], node_up,
                              node_cnt, node_k, node_parent)
                for j in range(leaf_ptr[u], leaf_ptr[u + 1]):
                    _set_node(leaf_nodes[j], True, node_up, node_cnt, node_k, node_parent)
                # the system state is settled before the unit's next life is scheduled
                if node_up[root] != system_up:
                    system_up = node_up[root]
                    if system_up:
                        n_outages = _record_outage(rep, i, now - outage_start, outage_cause,
                                                   outage_rep, outage_hours, n_outages, by_type)
                        if n_outages < 0:
                            return OUTAGES_FULL, rep, start_outages
                lifetime[u] = _draw(unit_failure[u], u, FAILURE,
                                    draws, keys, law_code, law_a, law_b, law_c, pool)
                age[u] = 0.0
                life_start[u] = now
                fail_token[u] += 1
                if rate[u] > 0.0:
                    size, live = hpush(ht, hs, hp, size, live, seq,
                                     now + (lifetime[u] - age[u]) / rate[u], EV_FAIL, u,
                                     fail_token[u])
                    seq += 1
                    if size < 0:
                        return HEAP_FULL, rep, start_outages
                if c >= 0:
                    # the crew member takes the next job in the queue
                    if q_len[c] > 0:
                        v = queue[c, q_head[c]]
                        q_head[c] = (q_head[c] + 1) % (n_units + 1)
                        q_len[c] -= 1
                        holding[v] = True
                        hold_start[v] = now
                        delay = _draw(crew_response[c], v, RESPONSE,
                                      draws, keys, law_code, law_a, law_b, law_c, pool)
                        if delay > 0.0:
                            size, live = hpush(ht, hs, hp, size, live, seq, now + delay,
                                             EV_RESPONSE, v, 0)
                            seq += 1
                            if size < 0:
                                return HEAP_FULL, rep, start_outages
                        else:
                            n_events += 1  # repair start
                            d = _draw(unit_repair[v], v, REPAIR,
                                      draws, keys, law_code, law_a, law_b, law_c, pool)
                            size, live = hpush(ht, hs, hp, size, live, seq, now + d,
                                             EV_REPAIR, v, 0)
                            seq += 1
                            if size < 0:
                                return HEAP_FULL, rep, start_outages
                    else:
                        busy[c] -= 1
                if live:
                    size = heap_pop(ht, hs, hp, size)
                continue

            if pend_v >= 0 or pend_g >= 0:
                # a switchover's events follow the failed unit's own repair or queueing
                size, live, seq = _flush(ht, hs, hp, size, live, seq, pend_v, pend_v_time,
                                   pend_v_token, pend_g, pend_g_time, pend_g_token)
                pend_v = -1
                pend_g = -1
                if size < 0:
                    return HEAP_FULL, rep, start_outages

            if live:
                size = heap_pop(ht, hs, hp, size)

            # after a failure or a completed switchover: has the system changed state?
            if node_up[root] != system_up:
                system_up = node_up[root]
                if not system_up:
                    outage_start = now
                    outage_cause = unit_type[cause]
                    if math.isnan(first):
                        first = now
                else:
                    n_outages = _record_outage(rep, i, now - outage_start, outage_cause,
                                               outage_rep, outage_hours, n_outages, by_type)
                    if n_outages < 0:
                        return OUTAGES_FULL, rep, start_outages

        if not system_up:  # an outage still open at the end of the mission is cut there
            n_outages = _record_outage(rep, i, T - outage_start, outage_cause, outage_rep,
                                       outage_hours, n_outages, by_type)
            if n_outages < 0:
                return OUTAGES_FULL, rep, start_outages
        # the run's downtime: its outages summed in order, as the SimPy engine sums them
        down_total = 0.0
        for j in range(start_outages, n_outages):
            down_total += outage_hours[j]
        for u in range(n_units):
            if holding[u]:
                crew_busy[i, unit_crew[u]] += T - hold_start[u]
        downtime[i] = down_total
        outages[i] = n_outages - start_outages
        first_failure[i] = first
        events[i] = n_events
    return OK, rep_stop, n_outages
