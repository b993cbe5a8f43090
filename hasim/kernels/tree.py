"""The structure tree: counters of up children, updated up the tree from the leaf or standby
node that changed; twins of :mod:`hasim.engines.reference.tree` (which evaluates the structure
function from scratch)."""

from __future__ import annotations

from numba import njit

from hasim.kernels import JIT, records
from hasim.kernels.state import SYSTEM_UP


@njit(**JIT)
def reset(prog, st):
    """t = 0: every node up with all its children up, standby nodes as their groups; an outage
    from the start if the system is down."""
    T = prog.tree
    for n in range(T.k.shape[0]):
        st.node_up[n] = True
        st.node_cnt[n] = T.n_children[n]
    st.i[SYSTEM_UP] = 1
    for g in range(prog.groups.node.shape[0]):
        set_group(prog, st, g, -1)


@njit(inline="always", **JIT)
def group_in_service(st, g):
    a = st.g_active[g]
    return a >= 0 and not st.g_switching[g] and st.up[a]


@njit(inline="always", **JIT)
def propagate(k, parent, node_up, node_cnt, i, node, up):
    """Set a leaf or standby node and carry the change up to the root; returns whether the
    system (the root) changed state."""
    if node_up[node] == up:
        return False
    node_up[node] = up
    p = parent[node]
    delta = 1 if up else -1
    while p >= 0:
        node_cnt[p] += delta
        new = node_cnt[p] >= k[p]
        if new == node_up[p]:
            break
        node_up[p] = new
        delta = 1 if new else -1
        p = parent[p]
    root_up = node_up[k.shape[0] - 1]
    if root_up != (i[SYSTEM_UP] != 0):
        i[SYSTEM_UP] = 1 if root_up else 0
        return True
    return False


@njit(inline="always", **JIT)
def set_node(prog, st, node, up, cause):
    """Set a leaf or standby node; a change of the system state is recorded."""
    if propagate(prog.tree.k, prog.tree.parent, st.node_up, st.node_cnt, st.i, node, up):
        records.system(prog, st, st.i[SYSTEM_UP] != 0, cause)


@njit(inline="always", **JIT)
def set_unit(prog, st, u, up, cause):
    U = prog.units
    for j in range(U.leaf_ptr[u], U.leaf_ptr[u + 1]):
        set_node(prog, st, U.leaf_nodes[j], up, cause)


@njit(inline="always", **JIT)
def set_group(prog, st, g, cause):
    set_node(prog, st, prog.groups.node[g], group_in_service(st, g), cause)
