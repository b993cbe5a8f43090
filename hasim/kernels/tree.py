"""The structure tree: counters of up children, updated up the tree from the leaf or standby
node that changed; twins of :mod:`hasim.engines.reference.tree` (which evaluates the structure
function from scratch)."""

from __future__ import annotations

from numba import njit

from hasim.kernels import ENTRY, JIT, ix, records
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
    a = st.g_active[ix(g)]
    return a >= 0 and not st.g_switching[ix(g)] and st.up[ix(a)]


@njit(inline="always", **ENTRY)
def propagate(k, parent, node_up, node_cnt, i, node, up):
    """Set a leaf or standby node and carry the change up to the root; returns whether the
    system (the root) changed state."""
    n = ix(node)
    if node_up[n] == up:
        return False
    node_up[n] = up
    p = parent[n]
    delta = 1 if up else -1
    while p >= 0:
        x = ix(p)
        node_cnt[x] += delta
        new = node_cnt[x] >= k[x]
        if new == node_up[x]:
            break
        node_up[x] = new
        delta = 1 if new else -1
        p = parent[x]
    root_up = node_up[ix(k.shape[0] - 1)]
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
    x = ix(u)
    for j in range(U.leaf_ptr[x], U.leaf_ptr[x + ix(1)]):
        set_node(prog, st, U.leaf_nodes[ix(j)], up, cause)


@njit(inline="always", **JIT)
def set_group(prog, st, g, cause):
    set_node(prog, st, prog.groups.node[ix(g)], group_in_service(st, g), cause)


@njit(**JIT)
def set_unit_call(prog, st, u, up, cause):
    """:func:`set_unit` as a real call, for the rare paths."""
    set_unit(prog, st, u, up, cause)


@njit(**JIT)
def set_group_call(prog, st, g, cause):
    """:func:`set_group` as a real call, for the rare paths."""
    set_group(prog, st, g, cause)


@njit(**JIT)
def _dry_set(prog, st, node, up, n):
    """Set a node for a what-if (the system's state is not recorded); returns the number of
    nodes changed so far."""
    st.dry_i[SYSTEM_UP] = st.i[SYSTEM_UP]
    if st.node_up[node] != up:
        propagate(prog.tree.k, prog.tree.parent, st.node_up, st.node_cnt, st.dry_i, node, up)
        st.dry_nodes[n] = node
        n += 1
    return n


@njit(**JIT)
def would_be_down(prog, st, units, lo, hi):
    """Whether the system would be down with the up units among ``units[lo:hi]`` taken out of
    service now (the twin of the reference's ``would_be_down``): their leaves down, and the
    node of a group whose active unit is among them down unless a switchover would be instant
    and sure. The counters are changed, read and changed back."""
    U = prog.units
    G = prog.groups
    n = 0
    for j in range(lo, hi):
        u = units[j]
        if not st.up[u]:
            continue
        for q in range(U.leaf_ptr[u], U.leaf_ptr[u + 1]):
            n = _dry_set(prog, st, U.leaf_nodes[q], False, n)
        g = U.group[u]
        if g >= 0 and st.g_active[g] == u:
            instant = G.switchover[g] == -1 and G.coverage[g] >= 1.0
            if instant:
                other = False
                for m in range(G.ptr[g], G.ptr[g + 1]):
                    v = G.members[m]
                    if v != u and st.up[v]:
                        listed = False
                        for x in range(lo, hi):
                            if units[x] == v:
                                listed = True
                                break
                        if not listed:
                            other = True
                            break
                instant = other
            if not instant:
                n = _dry_set(prog, st, G.node[g], False, n)
    down = not st.node_up[prog.tree.k.shape[0] - 1]
    for q in range(n - 1, -1, -1):
        propagate(prog.tree.k, prog.tree.parent, st.node_up, st.node_cnt, st.dry_i,
                  st.dry_nodes[q], True)
    return down
