"""The on-disk kernel cache is keyed on all kernel sources (``hasim.kernels.cache``).

A copy of the package is run in fresh processes with its own ``NUMBA_CACHE_DIR``:

1. ``laws.sample`` (exponential law, mean 2) compiles and prints a value;
2. unchanged sources: the same value, loaded from the cache (so the test can see reuse);
3. after an edit of the helper ``rng.uniform`` (another module than ``laws.py``): the value
   changes, equals the plain-Python value of the edited copy (``NUMBA_DISABLE_JIT=1``), and
   ``sample`` is not loaded from the cache.

Verified to fail with numba's default locators, i.e. without ``KernelCacheLocator``: run 3 then
loads the stale ``sample`` from the cache (1 cache hit) and prints run 1's value. Checked both
with ``NUMBA_CACHE_LOCATOR_CLASSES=UserProvidedCacheLocator,InTreeCacheLocator pytest
tests/test_kernel_cache.py`` (that variable replaces numba's locator list and is passed on to
the subprocesses), and by deleting the ``_cache.install()`` call in the copied ``__init__.py``.
Only ``hasim.kernels.laws`` and ``hasim.kernels.rng`` are imported: a few small functions to
compile, a few seconds in all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import hasim

SCRIPT = """
import json, sys
import numpy as np
import hasim.kernels
from hasim.kernels import laws
assert hasim.kernels.__file__.startswith(sys.argv[1]), hasim.kernels.__file__
value = laws.sample(1, 2.0, 0.0, 0.0, np.zeros(1), np.uint64(12345), 3)
stats = getattr(laws.sample, "stats", None)  # None without the jit
print(json.dumps({
    "value": float(value),
    "hits": None if stats is None else sum(stats.cache_hits.values()),
    "misses": None if stats is None else sum(stats.cache_misses.values()),
}))
"""


def _run(root: Path, *, jit: bool = True) -> dict:
    env = dict(os.environ, PYTHONPATH=str(root), NUMBA_CACHE_DIR=str(root / "cache"))
    env.pop("NUMBA_DISABLE_JIT", None)
    if not jit:
        env["NUMBA_DISABLE_JIT"] = "1"
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(root)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_helper_edit_in_another_module_invalidates_cached_callers(tmp_path: Path) -> None:
    shutil.copytree(Path(hasim.__file__).parent, tmp_path / "hasim",
                    ignore=shutil.ignore_patterns("__pycache__"))

    first = _run(tmp_path)
    assert first["misses"] == 1 and first["hits"] == 0

    second = _run(tmp_path)
    assert second["value"] == first["value"]
    assert second["hits"] == 1 and second["misses"] == 0, "the cache should have been reused"

    rng = tmp_path / "hasim" / "kernels" / "rng.py"
    source = rng.read_text()
    edited = re.sub(r"(def uniform\(.*?\n\s+return )", r"\g<1>0.5 * ", source, count=1,
                    flags=re.DOTALL)
    assert edited != source, "rng.uniform not found"
    rng.write_text(edited)

    third = _run(tmp_path)
    assert third["value"] != first["value"]
    assert third["value"] == _run(tmp_path, jit=False)["value"]
    assert third["hits"] == 0 and third["misses"] == 1, "a stale cached sample was reused"


def test_a_process_waits_for_the_warm_up_lock(tmp_path):
    """Under `make test` the kernel compiles in the background holding a lock; a process about
    to call the kernel waits for that lock (then loads the kernel from the cache)."""
    import fcntl
    import time

    lock = tmp_path / "kernel-lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    code = ("from hasim.engines.fast import await_warm_up; print('ready', flush=True); "
            "await_warm_up(); print('done')")
    env = {**os.environ, "HASIM_KERNEL_LOCK": str(lock)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(1.5)
        assert proc.poll() is None  # still waiting
    finally:
        os.close(fd)  # the lock goes with its last descriptor
    out, _ = proc.communicate(timeout=30)
    assert out.strip() == "done" and proc.returncode == 0
    missing = {**os.environ, "HASIM_KERNEL_LOCK": str(tmp_path / "none")}
    quick = subprocess.run([sys.executable, "-c", code], env=missing, capture_output=True,
                           text=True, timeout=30)
    assert quick.stdout.strip() == "ready\ndone"
