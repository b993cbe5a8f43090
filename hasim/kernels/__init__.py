"""Jitted kernels: arithmetic on arrays and scalars only, importing nothing else of hasim.

The numba flags live here, in one place. ``fastmath`` stays off: sums of durations must reproduce
the reference engine's bit for bit.

Importing this package installs :class:`hasim.kernels.cache.KernelCacheLocator`, before any kernel
module defines its jitted functions: the on-disk cache of every kernel is keyed on a hash of all
kernel sources, so an edit of a helper in one module never pairs with a stale cached caller.
"""

from hasim.kernels import cache as _cache

_cache.install()

JIT = {"cache": True, "nogil": True, "fastmath": False, "error_model": "numpy", "_nrt": False}
