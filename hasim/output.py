"""Writing a study to disk: the per-replication table, the summary and a manifest, as one set.

``--out DIR`` is one result: its files are written to a hidden sibling directory and swapped in
whole when all are complete, so ``DIR`` never holds half a result, nor files of two runs mixed
(csv of one run beside parquet of another). A ``DIR`` that already holds a result set written
by hasim is replaced; one holding anything else is refused (it may be someone's files). SIGTERM
or SIGHUP during the write removes the temporary directory before the process exits; one left
by a process that was killed outright is removed by the next write to the same ``DIR``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hasim.errors import HasimError
from hasim.model import schema
from hasim.results import StudyResult

FORMATS = ("csv", "parquet")
RESULT_FILES = frozenset({"manifest.json", "summary.json"} |
                         {f"{n}.{f}" for n in ("replications", "outages") for f in FORMATS})
"""The names a result set is made of: a directory holding only these, with a hasim manifest,
may be replaced by the next ``--out`` to it."""
_TAG = "hasim"
"""Temporary directories are ``.<out name>.hasim-<pid>-<random>`` beside ``out``."""


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_files(spec: schema.ModelSpec, source: str | None) -> list[dict[str, Any]]:
    """The CSV files that empirical laws of ``spec`` read (``file:``), each with its SHA-256.

    Paths are resolved as the compiler resolves them: relative to the model file ``source``
    (the working directory when there is none). A file that cannot be read has ``sha256``
    ``None`` (the compiler reports why).
    """
    base = Path(source).parent if source else Path.cwd()
    found: dict[str, dict[str, Any]] = {}
    for law in _empirical_laws(spec):
        assert law.file is not None
        path = (base / law.file).resolve()
        try:
            digest: str | None = file_sha256(path)
            size: int | None = path.stat().st_size
        except OSError:
            digest = size = None
        found[str(path)] = {"file": law.file, "path": str(path), "sha256": digest,
                            "bytes": size}
    return [found[k] for k in sorted(found)]


def _empirical_laws(node: object) -> Iterator[schema.Empirical]:
    if isinstance(node, schema.Empirical):
        if node.file is not None:
            yield node
    elif isinstance(node, BaseModel):
        for value in node.__dict__.values():
            yield from _empirical_laws(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _empirical_laws(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _empirical_laws(value)


def manifest(study: StudyResult, model_path: str | Path | None = None,
             wall_time_s: float | None = None, *, model_sha256: str | None = None,
             inputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Everything needed to reproduce ``study``: version, model (hash and resolved), seed, ...

    ``model_sha256`` and ``inputs`` (:func:`data_files`) should be taken when the model was
    read (the CLI does); when not given they are computed now, from the files as they are now.
    """
    from hasim import __version__

    if model_sha256 is None and model_path is not None:
        model_sha256 = file_sha256(model_path)
    if inputs is None:
        inputs = data_files(study.model.spec, study.model.source)
    data: dict[str, Any] = {
        "hasim_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_name": study.model.name,
        "model_file": str(model_path) if model_path is not None else None,
        "model_sha256": model_sha256,
        "data_files": inputs,
        "resolved_model": study.model.spec.to_data(),
        "seed": study.seed,
        "runs": study.n_runs,
        "engine": study.engine,
        "workers": study.workers,
        "events": study.events,
        "simulation_s": study.elapsed_s,
        "wall_time_s": wall_time_s,
        "python": platform.python_version(),
        "command": sys.argv,
    }
    return data


def check_out(out: str | Path, fmt: str = "csv") -> None:
    """Raise :class:`HasimError` unless a result set in ``fmt`` can be written to ``out``.

    Run before a study, so that a mistake costs no simulation; :func:`save_study` checks again.
    Creates nothing (a probe directory is made and removed where the result will go).
    """
    if fmt not in FORMATS:
        raise HasimError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise HasimError("--format parquet needs pyarrow (pip install pyarrow); "
                             "--format csv needs nothing") from None
    out = Path(os.path.realpath(out))
    try:
        if out.exists():
            if not out.is_dir():
                raise HasimError(f"{out}: exists and is not a directory")
            names = sorted(p.name for p in out.iterdir())
            if names and not _is_result_set(out, names):
                foreign = [n for n in names if n not in RESULT_FILES] or names
                raise HasimError(
                    f"{out}: holds files that are not a hasim result ({', '.join(foreign[:5])}"
                    f"{', ...' if len(foreign) > 5 else ''}); --out replaces the directory "
                    "as a whole: name a new or empty one, or one hasim wrote")
            cwd = Path.cwd().resolve()
            if names and (out == cwd or out in cwd.parents):
                raise HasimError(f"{out}: is the working directory, which --out would "
                                 "replace; name a directory inside it")
            _probe(out)
            _probe(out.parent)
        else:
            ancestor = next(p for p in out.parents if p.exists())
            if not ancestor.is_dir():
                raise HasimError(f"{out}: cannot be created, {ancestor} is not a directory")
            _probe(ancestor)
    except OSError as exc:
        raise HasimError(f"{out}: {exc.strerror or exc}") from None


def _probe(directory: Path) -> None:
    # os.access says yes to root and no to some ACLs: try what the write will do
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{_TAG}-probe-", dir=directory))
    except OSError as exc:
        raise HasimError(f"cannot write in {directory}: {exc.strerror or exc}") from None


def _is_result_set(out: Path, names: list[str]) -> bool:
    if not set(names) <= RESULT_FILES or "manifest.json" not in names:
        return False
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "hasim_version" in data and all(
        (out / n).is_file() and not (out / n).is_symlink() for n in names)


def save_study(study: StudyResult, out: str | Path, model_path: str | Path | None = None,
               fmt: str = "csv", wall_time_s: float | None = None, *,
               model_sha256: str | None = None, inputs: list[dict[str, Any]] | None = None
               ) -> list[Path]:
    """Write ``replications.<fmt>``, ``outages.<fmt>``, ``summary.json`` and ``manifest.json``
    to the directory ``out``, as one set (see the module's docstring).

    ``out`` may be new, empty, or hold a result set written before (replaced as a whole);
    anything else raises :class:`HasimError`, as do the other checks of :func:`check_out`.
    ``model_sha256`` and ``inputs`` go to the manifest (:func:`manifest`). Returns the paths
    written.
    """
    out = Path(os.path.realpath(out))
    check_out(out, fmt)
    _remove_stale(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    old: Path | None = None
    names: list[str] = []
    with _cleanup_on_termination():
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.{_TAG}-{os.getpid()}-",
                                        dir=out.parent))
            # mkdtemp makes it 0700: give it the mode of the directory it replaces, or mkdir's
            os.chmod(tmp, out.stat().st_mode & 0o7777 if out.is_dir() else 0o777 & ~_umask())
            for name, frame_of in (("replications", study.to_frame),
                                   ("outages", study.outages_frame)):
                path = tmp / f"{name}.{fmt}"
                frame = frame_of()
                if fmt == "csv":
                    frame.to_csv(path, index=name == "replications")
                else:
                    frame.to_parquet(path)
                names.append(path.name)
            documents = (("summary.json", study.to_dict()),
                         ("manifest.json", manifest(study, model_path, wall_time_s,
                                                    model_sha256=model_sha256, inputs=inputs)))
            for name, data in documents:
                (tmp / name).write_text(json.dumps(data, indent=2, allow_nan=False) + "\n")
                names.append(name)
            with _signals_blocked():
                # a signal now would strand either set: let it wait for the two renames
                if out.is_dir() and any(out.iterdir()):
                    old = Path(f"{tmp}-old")
                    os.rename(out, old)
                    try:
                        os.rename(tmp, out)
                    except BaseException:
                        os.rename(old, out)
                        old = None
                        raise
                elif out.is_dir():
                    # empty (perhaps the working directory, or a mount point): keep it
                    for name in names:
                        os.replace(tmp / name, out / name)
                else:
                    os.rename(tmp, out)
        finally:
            for leftover in (tmp, old):
                if leftover is not None:
                    shutil.rmtree(leftover, ignore_errors=True)
    return [out / n for n in names]


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _remove_stale(out: Path) -> None:
    """Remove temporary directories of earlier writes to ``out`` whose process is gone."""
    prefix = f".{out.name}.{_TAG}-"
    try:
        entries = list(out.parent.iterdir()) if out.parent.is_dir() else []
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix) or not entry.is_dir() or entry.is_symlink():
            continue
        pid = entry.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


_TERMINATION = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _cleanup_on_termination() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``SystemExit(128 + signal)`` for the block, so that its
    ``finally`` clauses run (Python's default for them ends the process at once)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return
    previous = {s: signal.signal(s, _terminate) for s in _TERMINATION}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    blocked = {*_TERMINATION, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
