"""The event heap: (time, sequence) order — the order SimPy gives the reference engine's
timeouts — with lazy deletion by tokens.

An event is a time, a sequence number (the order of scheduling) and a packed payload: kind in
bits 0-5, target (unit or group) in bits 6-27, token from bit 28. The event being handled stays
on top of the heap while its handler runs (``st.i[LIVE]``): the first event it schedules takes
its place in one sift-down instead of a pop and a push.
"""

from __future__ import annotations

from numba import njit

from hasim.kernels import ENTRY, JIT
from hasim.kernels.codes import HEAP_FULL, KIND_BITS, TOKEN_SHIFT
from hasim.kernels.state import LIVE, NOW, SEQ, SIZE, STATUS


@njit(inline="always", **ENTRY)
def push(ht, hs, hp, size, seq, t, payload):
    """Push an event; returns the new size, or -1 when the heap is full."""
    if size >= ht.shape[0]:
        return -1
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
def sift_down(ht, hs, hp, size, t, s, p):
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


@njit(inline="always", **ENTRY)
def pop(ht, hs, hp, size):
    """Remove the first event; returns the new size."""
    size -= 1
    if size > 0:
        sift_down(ht, hs, hp, size, ht[size], hs[size], hp[size])
    return size


@njit(**JIT)
def push_event(i, f, ht, hs, hp, delay, kind, target, token):
    """Schedule event ``kind`` for ``target`` at now + ``delay`` (a real call on a few arrays:
    cheap to call from every handler; inlined at every site it costs twice the compile time
    and measured no faster). A full heap sets the status HEAP_FULL (the caller grows
    it and runs the replication again)."""
    t = f[NOW] + delay
    seq = i[SEQ]
    i[SEQ] = seq + 1
    payload = kind + (target << KIND_BITS) + (token << TOKEN_SHIFT)
    if i[LIVE]:
        i[LIVE] = 0
        sift_down(ht, hs, hp, i[SIZE], t, seq, payload)
        return
    size = push(ht, hs, hp, i[SIZE], seq, t, payload)
    if size < 0:
        i[STATUS] = HEAP_FULL
    else:
        i[SIZE] = size


@njit(inline="always", **JIT)
def schedule(st, delay, kind, target, token):
    """The twin of ``Replication.schedule``."""
    push_event(st.i, st.f, st.ht, st.hs, st.hp, delay, kind, target, token)
