"""On-disk cache of the kernels, keyed on the sources of the whole ``hasim.kernels`` package.

Why: numba's own locators stamp a cached function with its *own* source file only (numba 0.68:
a hash of that file's content; older releases: its mtime and size), and the index key adds only
the function's own bytecode. A kernel calling a helper of another module (``laws.sample`` calls
``rng.uniform``) has the helper compiled into it, so after an edit of ``rng.py`` the cache of
``laws.py`` would still hand out the old machine code. Here every kernel is stamped with one hash
of all kernel sources, and cached in a directory named after that hash: after any edit of any
kernel source no cached kernel is reused, and old entries are not even looked at. (Those old
directories are left on disk; deleting them is always safe.)

How: :class:`KernelCacheLocator` is put first in ``CacheImpl._locator_classes`` when
``hasim.kernels`` is imported, before any kernel module defines its jitted functions. numba asks
each locator class in turn (``from_function``) and uses the first that answers; this one answers
for functions whose source file is inside this package and leaves all others to numba.

numba internals relied on (module ``numba.core.caching``, checked against numba 0.68.1):
``_CacheLocator`` (the interface: ``get_cache_path``, ``get_source_stamp``,
``get_disambiguator``, ``from_function``; ``ensure_cache_path`` raises OSError for a directory
not writable, ``get_suitable_cache_subpath`` names a file's directory under a cache root),
``_SourceFileBackedLocatorMixin`` (disambiguator: the function's first line number),
``CacheImpl._locator_classes`` (``_CacheImpl`` in older numba), ``config.CACHE_DIR``
(``NUMBA_CACHE_DIR``) and the layout of numba's default chain: ``NUMBA_CACHE_DIR``, else the
``__pycache__`` beside the source, else the user-wide cache. ``NUMBA_CACHE_LOCATOR_CLASSES``, when
set, replaces numba's list, and then this locator applies only if named there
(``hasim.kernels.cache.KernelCacheLocator``).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from numba.core import caching, config
from numba.misc.appdirs import AppDirs

PACKAGE = Path(__file__).resolve().parent
"""The ``hasim.kernels`` package directory: the sources hashed, and the functions served."""

_CacheImpl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # older numba


@functools.cache
def sources_hash() -> str:
    """SHA-256 of every ``*.py`` file of the package (names and contents, sorted by name), read
    once per process."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class KernelCacheLocator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
    """Caches a kernel in ``<numba's usual directory for its file>/src-<sources hash>``, stamped
    with the sources hash."""

    def __init__(self, py_func, py_file: str, root: str):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = os.path.join(root, "src-" + sources_hash()[:20])

    def get_cache_path(self) -> str:
        return self._cache_path

    def get_source_stamp(self) -> str:
        return sources_hash()

    @classmethod
    def from_function(cls, py_func, py_file: str):
        path = Path(py_file).resolve()
        if not path.is_file() or not path.is_relative_to(PACKAGE):
            return None  # not a kernel: numba's own locators take it
        subpath = cls.get_suitable_cache_subpath(py_file)
        roots = [os.path.join(config.CACHE_DIR, subpath)] if config.CACHE_DIR else []
        roots += [os.path.join(os.path.dirname(py_file), "__pycache__"),
                  os.path.join(AppDirs(appname="numba", appauthor=False).user_cache_dir, subpath)]
        for root in roots:  # the first writable one, as numba's default chain does
            self = cls(py_func, py_file, root)
            try:
                self.ensure_cache_path()
            except OSError:
                continue
            return self
        return None


def install() -> None:
    """Put :class:`KernelCacheLocator` first in numba's locator list (idempotent)."""
    classes = _CacheImpl._locator_classes
    classes[:] = [c for c in classes if c.__qualname__ != KernelCacheLocator.__qualname__
                  or c.__module__ != __name__]
    classes.insert(0, KernelCacheLocator)
