"""Jitted kernels: arithmetic on arrays and scalars only, importing nothing else of hasim.

The numba flags live here, in one place. ``fastmath`` stays off: sums of durations must reproduce
the reference engine's bit for bit.

Importing this package installs :class:`hasim.kernels.cache.KernelCacheLocator`, before any kernel
module defines its jitted functions: the on-disk cache of every kernel is keyed on a hash of all
kernel sources, so an edit of a helper in one module never pairs with a stale cached caller.
"""

import numpy as np

from hasim.kernels import cache as _cache

_cache.install()

ix = np.uint64
"""An array index known to be non-negative, as ``ix(i)``: numba indexes with an unsigned
integer without the wrap-around of negative indices it adds for a signed one (two or three
instructions an access; measured under callgrind on the hot paths: about 15 instructions an
event). Only for indices that cannot be negative — an unsigned -1 reads out of bounds."""

ENTRY = {"cache": True, "nogil": True, "fastmath": False, "error_model": "numpy", "_nrt": False}
"""The flags of a kernel that Python calls: the loop's entry points (``run_chunk``, and the
``reset`` / ``simulate`` / ``close`` the tests step), and the scalar helpers the twin tests call
(``rng``, ``laws.sample``, ``heap.push`` / ``pop``, ``tree.propagate``)."""
JIT = {**ENTRY, "no_cpython_wrapper": True, "no_cfunc_wrapper": True}
"""The flags of every other kernel, called only from jitted code: without the wrappers that
would let Python call it. A wrapper unboxes every array of the program and the state (about a
hundred) with its error paths; compiling it took 2-8 s per handler, most of the kernel's
handlers' compile time (measured: a one-line handler of ``(prog, st, u)`` compiles in 2.4 s
with its wrappers, 0.3 s without)."""
