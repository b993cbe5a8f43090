"""Every kernel against its slow, obviously right twin (STYLE.md habit 5).

* the random streams and samplers of ``hasim.kernels.rng`` / ``hasim.kernels.laws`` against
  ``hasim.rng`` (plain Python integers), bit for bit;
* the event heap against ``heapq`` on (time, sequence) keys;
* the incremental structure counters against the structure function evaluated from scratch;
* the whole event loop run as plain Python (``NUMBA_DISABLE_JIT=1``) against the SimPy engine.
"""

from __future__ import annotations

import heapq
import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import hasim
from hasim import rng
from hasim.kernels import codes, heap, laws, tree
from hasim.kernels import rng as k
from hasim.kernels.state import SYSTEM_UP
from hasim.model.compile import LEAF, STANDBY

from ..conftest import ROOT
from ..strategies import models

u64 = st.integers(0, 2**64 - 1)


@given(u64)
def test_mix64(z):
    assert int(k.mix64(np.uint64(z))) == rng.mix64(z)


@given(st.integers(0, rng.MAX_SEED), st.integers(0, 10**9), u64, st.integers(0, 5),
       st.integers(0, 2**40))
def test_stream_keys_and_uniforms(seed, rep, unit, purpose, counter):
    rk = k.replication_key(np.uint64(seed), rep)
    assert int(rk) == rng.replication_key(seed, rep)
    key = k.sub_key(np.uint64(rk), np.uint64(unit), purpose)
    assert int(key) == rng.stream_key(seed, rep, unit, purpose)
    assert k.uniform(np.uint64(key), counter) == rng.uniform(int(key), counter)


@given(st.floats(min_value=1e-300, max_value=1 - 1e-16, exclude_min=False))
def test_ndtri(p):
    assert k.ndtri(p) == rng.ndtri(p)


law_params = st.one_of(
    st.tuples(st.just(rng.FIXED), st.floats(0, 100), st.just(0.0), st.just(0.0)),
    st.tuples(st.just(rng.EXPONENTIAL), st.floats(0.01, 1e5), st.just(0.0), st.just(0.0)),
    st.tuples(st.just(rng.WEIBULL), st.floats(0.3, 5), st.floats(0.1, 1e4), st.floats(0, 10)),
    st.tuples(st.just(rng.LOGNORMAL), st.floats(-3, 8), st.floats(0.05, 2.5), st.just(0.0)),
    st.tuples(st.just(rng.GAMMA), st.floats(0.2, 8), st.floats(0.1, 1e3), st.just(0.0)),
    st.tuples(st.just(rng.NORMAL), st.floats(-5, 50), st.floats(0.1, 20), st.just(0.0)),
    st.tuples(st.just(rng.UNIFORM), st.floats(0, 5), st.floats(5, 50), st.just(0.0)),
    st.tuples(st.just(rng.EMPIRICAL), st.just(1.0), st.just(3.0), st.just(0.0)),
)


@settings(max_examples=300)
@given(law_params, u64, st.integers(0, 10**6))
def test_samplers(law, key, n):
    code, a, b, c = law
    pool = (9.0, 0.5, 1.5, 2.5)
    expected = rng.sample(code, a, b, c, pool, key, n)
    assert laws.sample(code, a, b, c, np.array(pool), np.uint64(key), n) == expected


@given(st.lists(st.one_of(st.floats(0, 10).map(lambda t: round(t, 1)), st.none()),
                max_size=200))
def test_heap_matches_heapq(ops):
    # None pops, a number pushes an event at that time (rounded: many ties)
    cap = 256
    ht, hs, hp = np.zeros(cap), np.zeros(cap, np.int64), np.zeros(cap, np.int64)
    size, seq, twin = 0, 0, []
    mask = codes.MAX_TARGETS - 1
    for op in ops:
        if op is None:
            if not twin:
                continue
            t, s, target = heapq.heappop(twin)
            payload = hp[0]
            assert (ht[0], hs[0], (payload >> codes.KIND_BITS) & mask) == (t, s, target)
            assert payload & 63 == codes.EV_REPAIR_END
            assert payload >> codes.TOKEN_SHIFT == s % 5
            size = heap.pop(ht, hs, hp, size)
        else:
            target = seq % 1000
            heapq.heappush(twin, (op, seq, target))
            payload = codes.EV_REPAIR_END + (target << codes.KIND_BITS) + \
                ((seq % 5) << codes.TOKEN_SHIFT)
            size = heap.push(ht, hs, hp, size, seq, op, payload)
            seq += 1
        assert size == len(twin)
    assert heap.push(ht[:0], hs[:0], hp[:0], 0, 0, 1.0, 0) == -1


@settings(max_examples=40, deadline=None)
@given(models(standby=False), st.randoms(use_true_random=False))
def test_structure_counters_match_the_structure_function(data, random):
    m = hasim.model_from_dict(data)
    p = m.program
    n_nodes = len(m.node_kind)
    node_up = np.ones(n_nodes, dtype=np.bool_)
    node_cnt = p.tree.n_children.copy()
    scalars = np.zeros(16, dtype=np.int64)
    scalars[SYSTEM_UP] = 1
    units = [True] * m.n_units
    for _ in range(30):
        u = random.randrange(m.n_units)
        units[u] = not units[u]
        before = bool(scalars[SYSTEM_UP])
        changed = False
        for j in range(p.units.leaf_ptr[u], p.units.leaf_ptr[u + 1]):
            changed |= tree.propagate(p.tree.k, p.tree.parent, node_up, node_cnt, scalars,
                                      p.units.leaf_nodes[j], units[u])
        assert bool(node_up[-1]) == m.structure_up(units) == bool(scalars[SYSTEM_UP])
        assert changed == (before != bool(scalars[SYSTEM_UP]))
        assert not np.any(m.node_kind == STANDBY)
        assert np.all(node_up[m.node_kind == LEAF] == [units[r] for r in
                                                       m.node_ref[m.node_kind == LEAF]])


_PLAIN = """
import sys, warnings
import numpy as np
import hasim
from hasim.engines.reference import run_replications as reference
from hasim.engines.fast import run_replications as fast
warnings.simplefilter("ignore")  # uint64 arithmetic wraps, as it does jitted
for path in sys.argv[1:]:
    m = hasim.load_model(path)
    a, b = fast(m, 77, 0, 4), reference(m, 77, 0, 4)
    for f in a.__dataclass_fields__:
        assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), (path, f)
print("ok")
"""


def test_kernel_as_plain_python_matches_the_reference():
    # NUMBA_DISABLE_JIT runs the very same kernel source as Python (this is also how the
    # kernels' line coverage is measured: make coverage)
    paths = [str(p) for p in sorted((ROOT / "models").glob("*.yaml")) if "bench" not in p.name]
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    out = subprocess.run([sys.executable, "-c", _PLAIN, *paths], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok"
