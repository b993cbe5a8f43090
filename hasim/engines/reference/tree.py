"""The structure tree: leaves follow their units, standby nodes their groups; the system state
is the root's. The reference evaluates the structure function from scratch after each change
(obviously right); :mod:`hasim.kernels.tree` keeps counters of up children instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hasim.engines.reference import records

if TYPE_CHECKING:
    from hasim.engines.reference.replication import Replication


def reset(r: Replication) -> None:
    """t = 0: the state of every node, and an outage from the start if the system is down."""
    r.node_set = [True] * r.p.n_nodes  # leaves and standby nodes: set by their unit or group
    for g in range(r.p.n_groups):
        r.node_set[int(r.p.groups.node[g])] = group_in_service(r, g)
    r.system_up = True
    settle(r, -1)


def group_in_service(r: Replication, g: int) -> bool:
    group = r.groups[g]
    return group.active >= 0 and not group.switching and r.units[group.active].up


def system_up(r: Replication) -> bool:
    """The structure function: children before parents, the root last."""
    T = r.p.tree
    count = [0] * r.p.n_nodes
    up = False
    for n in range(r.p.n_nodes):
        up = r.node_set[n] if T.n_children[n] == 0 else count[n] >= T.k[n]
        if T.parent[n] >= 0 and up:
            count[T.parent[n]] += 1
    return up


def set_node(r: Replication, n: int, up: bool, cause: int) -> None:
    if r.node_set[n] != up:
        r.node_set[n] = up
        settle(r, cause)


def set_unit(r: Replication, u: int, up: bool, cause: int) -> None:
    """The leaves of unit ``u`` follow it (``cause``: the unit whose loss this is)."""
    U = r.p.units
    for j in range(U.leaf_ptr[u], U.leaf_ptr[u + 1]):
        set_node(r, int(U.leaf_nodes[j]), up, cause)


def set_group(r: Replication, g: int, cause: int) -> None:
    """The standby node of group ``g`` follows the group."""
    set_node(r, int(r.p.groups.node[g]), group_in_service(r, g), cause)


def settle(r: Replication, cause: int) -> None:
    up = system_up(r)
    if up != r.system_up:
        r.system_up = up
        records.system(r, up, cause)


def would_be_down(r: Replication, out: list[int]) -> bool:
    """Whether the system would be down with the units ``out`` (all up) taken out of service
    now: their leaves down, and the node of a group whose active unit is among them down
    unless a switchover would be instant and sure (no switchover time, coverage 1, another
    member up and not among them)."""
    G = r.p.groups
    U = r.p.units
    saved = list(r.node_set)
    for u in out:
        for j in range(U.leaf_ptr[u], U.leaf_ptr[u + 1]):
            r.node_set[int(U.leaf_nodes[j])] = False
        g = int(U.group[u])
        if g >= 0 and r.groups[g].active == u:
            instant = G.switchover[g] == -1 and G.coverage[g] >= 1.0 and any(
                v != u and v not in out and r.units[v].up
                for v in (int(x) for x in G.members[G.ptr[g]:G.ptr[g + 1]]))
            r.node_set[int(G.node[g])] = instant and r.node_set[int(G.node[g])]
    down = not system_up(r)
    r.node_set = saved
    return down
