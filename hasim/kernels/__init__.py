"""Jitted kernels: arithmetic on arrays and scalars only, importing nothing else of hasim.

The numba flags live here, in one place. ``fastmath`` stays off: sums of durations must reproduce
the reference engine's bit for bit.
"""

JIT = {"cache": True, "nogil": True, "fastmath": False, "error_model": "numpy"}
