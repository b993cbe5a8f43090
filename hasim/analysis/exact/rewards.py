"""Rewards on the states of a chain: which states are up (the rate of leaving the up set is
:mod:`.linalg`'s, from the generator)."""

from __future__ import annotations

import numpy as np

from hasim.analysis.exact.state import Setup, State
from hasim.model.compile import LEAF, STANDBY

BLOCK = 200_000
"""States evaluated at once (bounds the memory of the vectorised structure function)."""


def up_states(x: Setup, states: list[State]) -> np.ndarray:
    """The structure function in every state, vectorised over the states (the twin of
    :meth:`Setup.is_up`, which evaluates one state)."""
    out = np.zeros(len(states), dtype=bool)
    for lo in range(0, len(states), BLOCK):
        out[lo:lo + BLOCK] = _up_block(x, states[lo:lo + BLOCK])
    return out


def _up_block(x: Setup, states: list[State]) -> np.ndarray:
    m = x.m
    n = len(states)
    counts = np.array([s[0] for s in states], dtype=np.int64).reshape(n, -1)
    up_slot = np.array(x.up, dtype=np.int64)
    unit_up = np.zeros((n, m.n_units), dtype=bool)
    for c, cls in enumerate(x.classes):
        k = counts[:, up_slot[c]]
        for j, u in enumerate(cls.units):  # interchangeable: the first k of the class are up
            unit_up[:, u] = j < k
    group_up = np.zeros((n, m.n_groups), dtype=bool)
    for g in range(m.n_groups):
        active = np.array([s[2][g][0] for s in states], dtype=np.int64)
        switching = np.array([s[2][g][1] for s in states], dtype=bool)
        has = active >= 0
        active_up = np.zeros(n, dtype=bool)
        active_up[has] = counts[has, up_slot[active[has]]] == 1
        group_up[:, g] = has & ~switching & active_up
    up = np.zeros((n, len(m.node_kind)), dtype=bool)
    for node, kind in enumerate(m.node_kind):  # children before parents, the root last
        if kind == LEAF:
            up[:, node] = unit_up[:, m.node_ref[node]]
        elif kind == STANDBY:
            up[:, node] = group_up[:, m.node_ref[node]]
        else:
            children = list(m.node_children[node])
            up[:, node] = up[:, children].sum(axis=1) >= m.node_k[node]
    return up[:, -1]
