"""Monte Carlo studies: replications cut into chunks, run serially or over a process pool.

Replication *i* draws only from streams keyed by (seed, *i*, ...), so the results are the same
whatever the chunk size or the number of workers.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from hasim.engines import DEFAULT_ENGINE, ENGINES, get_engine
from hasim.errors import HasimError
from hasim.limits import BLOCK, DEFAULT_MAX_EVENTS, check_events, check_max_events, check_runs
from hasim.model.compile import CompiledModel, load_model
from hasim.results import RunResult, StudyResult
from hasim.rng import check_seed

DEFAULT_RUNS = 1000
PROGRESS_AFTER_S = 0.5
"""A progress bar appears once a study has run this long."""


def _chunks(runs: int, engine: str) -> list[tuple[int, int]]:
    # blocks aligned on multiples of BLOCK: the outage records a block keeps (MAX_RECORDS)
    # then never depend on the number of workers
    size = BLOCK[engine]
    return [(s, min(s + size, runs)) for s in range(0, runs, size)]


class WorkerError(HasimError):
    """A worker process died before it finished its block (killed, or out of memory)."""


class Terminated(BaseException):
    """The study got SIGTERM (or SIGHUP); its workers were stopped."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"signal {signum}")


_COUNTERS: Any = None
"""In a worker: the shared (events, replications) counters of the study's progress."""


def _init_worker(counters: Any) -> None:
    global _COUNTERS
    import signal

    _COUNTERS = counters
    # Ctrl-C is the parent's to handle (it stops the workers); SIGTERM ends a worker at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: this process gets SIGKILL when its parent dies, so that no worker outlives a
    killed study."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _report(events: int, reps: int) -> None:
    # the lock is taken with a timeout, here and in the parent: a worker killed while holding
    # it must not hang the study (a report lost then only slows the progress bar)
    c = _COUNTERS
    if c is not None and c.get_lock().acquire(timeout=POLL_S):
        try:
            c[0] += events
            c[1] += reps
        finally:
            c.get_lock().release()


def _run_chunk(engine: str, model: CompiledModel, seed: int, start: int, stop: int,
               max_events: int, until_failure: bool, folder: str) -> str:
    """Run a block in a worker; its result goes to a file of ``folder`` whose name is returned.

    Why a file: a block's result is megabytes, and a result sent through the pool's pipe by a
    worker killed in mid-write leaves the pool's manager thread waiting for the rest of the
    message for ever (the other workers keep the pipe open), so the study hangs instead of
    reporting the dead worker. The name sent instead is a short message, written whole."""
    part = get_engine(engine)(model, seed, start, stop, max_events=max_events,
                              until_failure=until_failure, progress=_report)
    path = os.path.join(folder, f"block-{start}")
    with open(path + ".part", "wb") as out:
        pickle.dump(part, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(path + ".part", path)
    return path


def _collect(path: str) -> RunResult:
    with open(path, "rb") as f:
        part = pickle.load(f)
    os.remove(path)
    return part


class _Progress:
    """A rich progress bar on stderr that appears once a study has run for a moment: the
    replications finished, and the events handled (which move inside long replications)."""

    def __init__(self, runs: int, enabled: bool):
        self.runs = runs
        self.enabled = enabled
        self.done = 0
        self.events = 0
        self.t0 = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def update(self, events: int, done: int) -> None:
        self.events = events
        self.done = done
        if not self.enabled:
            return
        if self.bar is None and time.perf_counter() - self.t0 > PROGRESS_AFTER_S:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress("replications", BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[events]} events"),
                                TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("run", total=self.runs, completed=self.done,
                                          events=_millions(self.events))
        elif self.bar is not None:
            self.bar.update(self.task, completed=self.done, events=_millions(self.events))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _millions(n: int) -> str:
    return f"{n / 1e6:,.1f} M" if n >= 100_000 else f"{n:,}"


POLL_S = 0.1
"""How often the parent of a multi-worker study looks at its workers' progress."""
IN_FLIGHT = 3
"""Blocks submitted ahead per worker."""
"""How often the parent of a multi-worker study looks at its workers' progress."""


TRACE_COLUMNS = ("time_hours", "event", "target", "other", "detail")


def trace(model: CompiledModel | str | Path, replication: int = 0, seed: int | None = None,
          engine: str = DEFAULT_ENGINE, until: float | None = None, *,
          max_events: int = DEFAULT_MAX_EVENTS, until_failure: bool = False) -> Any:
    """The event log of one replication, as a DataFrame with one row per line.

    Columns: ``time_hours``, ``event`` (a :class:`hasim.events.Trace` name in lower case:
    ``fail``, ``detect``, ``grant``, ``repair_start``, ``switch_start``, ``system_down``, ...),
    ``target`` (a unit label, a standby group ``standby(db[0], db[1])`` or ``system``),
    ``other`` (the crew, unit or group the line involves, or empty) and ``detail`` (the number
    the rule drew: a lifetime in hours of ageing, a repair or switchover time, ...; 0 if none).
    Both engines give the same log; replication ``replication`` of a study seeded ``seed`` is
    the same history as in :func:`run_study`. ``until`` (hours) stops the log there;
    ``until_failure`` runs the replication to its first system failure (as in
    :func:`run_study`); ``max_events`` is the replication's event cap.
    """
    import pandas as pd

    from hasim.engines import get_tracer
    from hasim.events import TRACE_OTHER, TRACE_TARGET, Target
    from hasim.events import Trace as Code

    if not isinstance(model, CompiledModel):
        model = load_model(model)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if isinstance(replication, bool) or not isinstance(replication, int) or replication < 0:
        raise ValueError(f"replication must be an integer >= 0, got {replication!r}")
    if until is not None and not until >= 0:
        raise ValueError(f"until must be a duration >= 0, got {until!r}")
    seed = check_seed(seed)
    max_events = check_max_events(max_events)
    if not until_failure or until is not None:
        check_events(model, max_events, mission=until)
    if engine == "numba":
        from hasim.engines.fast import warm_up

        warm_up(model)
    lines = get_tracer(engine)(model, seed, replication, until, max_events=max_events,
                               until_failure=until_failure)

    def label(kind: Target, x: int) -> str:
        if kind == Target.SYSTEM:
            return "system"
        if x < 0 or kind == Target.NONE:
            return ""
        if kind == Target.GROUP:
            return model.group_label(x)
        if kind == Target.CREW:
            return model.crew_names[x]
        if kind == Target.STOCK:
            return model.stock_names[x]
        if kind == Target.SCHEDULE:
            return model.schedule_label(x)
        return model.unit_labels[x]

    rows = []
    for t, code, target, other, detail in lines:
        c = Code(code)
        rows.append((t, c.name.lower(), label(TRACE_TARGET.get(c, Target.UNIT), target),
                     label(TRACE_OTHER.get(c, Target.NONE), other), detail))
    frame = pd.DataFrame(rows, columns=list(TRACE_COLUMNS))
    frame.attrs["seed"] = seed
    frame.attrs["replication"] = replication
    frame.attrs["engine"] = engine
    return frame


def run_study(
    model: CompiledModel | str | Path,
    runs: int = DEFAULT_RUNS,
    seed: int | None = None,
    workers: int | None = None,
    engine: str = DEFAULT_ENGINE,
    progress: bool | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
    max_events: int = DEFAULT_MAX_EVENTS,
    until_failure: bool = False,
) -> StudyResult:
    """Run a Monte Carlo study of ``model``.

    Parameters
    ----------
    model
        A compiled model or the path of a model file.
    runs
        Number of replications (simulated missions), at most :data:`hasim.limits.MAX_RUNS`.
    seed
        Seed of the study; ``None`` draws one, recorded in the result.
    workers
        Worker processes; ``None`` uses every core, 1 runs in this process. The results do not
        depend on it.
    engine
        ``"numba"`` (default: the jitted engine) or ``"simpy"`` (the reference engine); both give
        the same results for the same seed.
    progress
        Show a progress bar on stderr for studies longer than a moment; ``None``: when stderr
        is a terminal.
    on_chunk
        Called with (replications done, runs) as blocks of replications finish.
    max_events
        Events one replication may handle. A model whose estimated events per replication
        (:func:`hasim.limits.estimate_events`) exceed it is refused before anything runs
        (:class:`~hasim.errors.HasimError` naming the busiest component); a replication that
        reaches it stops the study with :class:`~hasim.limits.EventLimitError`.
    until_failure
        Run each replication until its first system failure instead of over the mission
        (``first_failure_hours`` is then the time to failure of every run: MTTF with a proper
        interval). A run that reaches ``max_events`` first stops the study.

    Ctrl-C (KeyboardInterrupt) and SIGTERM stop the workers within about a second and raise
    KeyboardInterrupt or :class:`Terminated`; a worker that dies raises HasimError.
    """
    if not isinstance(model, CompiledModel):
        model = load_model(model)
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs must be a positive integer, got {runs!r}")
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    max_events = check_max_events(max_events)
    seed = check_seed(seed)
    check_runs(model, runs)
    if not until_failure:
        check_events(model, max_events)
    chunks = _chunks(runs, engine)
    workers = min(workers, len(chunks))
    if progress is None:
        progress = sys.stderr.isatty()
    bar = _Progress(runs, progress)
    parts: dict[int, RunResult] = {}

    t_setup = time.perf_counter()
    if engine == "numba":
        # compile (or load from numba's cache) before timing, and before forking: the workers
        # inherit the compiled kernel
        from hasim.engines.fast import warm_up

        warm_up(model)
    t0 = time.perf_counter()
    with _signals_raise():
        try:
            if workers == 1:
                _serial(parts, chunks, bar, on_chunk, runs, engine, model, seed, max_events,
                        until_failure)
            else:
                _parallel(parts, chunks, bar, on_chunk, runs, workers, engine, model, seed,
                          max_events, until_failure)
        finally:
            bar.close()
    elapsed = time.perf_counter() - t0
    result = RunResult.concat([parts[i] for i in range(len(chunks))])
    if until_failure and np.isnan(result.first_failure_hours).any():
        rep = int(result.replication[np.isnan(result.first_failure_hours)][0])
        raise HasimError(f"replication {rep} ran out of events without a system failure (its "
                         f"units stopped failing): the system never fails, no MTTF")
    return StudyResult(model=model, runs=result, seed=seed, engine=engine, elapsed_s=elapsed,
                       workers=workers, setup_s=t0 - t_setup, until_failure=until_failure)


def _serial(parts: dict[int, RunResult], chunks: list[tuple[int, int]], bar: _Progress,
            on_chunk: Callable[[int, int], None] | None, runs: int, engine: str,
            model: CompiledModel, seed: int, max_events: int, until_failure: bool) -> None:
    total = [0, 0]

    def report(events: int, reps: int) -> None:
        total[0] += events
        total[1] += reps
        bar.update(total[0], total[1])
        _check_stop()

    run = get_engine(engine)
    for i, (start, stop) in enumerate(chunks):
        parts[i] = run(model, seed, start, stop, max_events=max_events,
                       until_failure=until_failure, progress=report)
        if on_chunk is not None:
            on_chunk(total[1], runs)


def _parallel(parts: dict[int, RunResult], chunks: list[tuple[int, int]], bar: _Progress,
              on_chunk: Callable[[int, int], None] | None, runs: int, workers: int,
              engine: str, model: CompiledModel, seed: int, max_events: int,
              until_failure: bool) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    counters = context.Array("q", 2)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_init_worker, initargs=(counters,))
    clean = False
    folder = tempfile.mkdtemp(prefix="hasim-study-")
    try:
        # a few blocks in flight per worker, more submitted as they finish: the parent stays
        # responsive (and its queue small) however many blocks a study has
        futures: dict[Any, int] = {}
        pending: set[Any] = set()
        todo = iter(enumerate(chunks))
        done_reps = 0
        while True:
            while len(pending) < IN_FLIGHT * workers:
                nxt = next(todo, None)
                if nxt is None:
                    break
                i, (start, stop) = nxt
                future = pool.submit(_run_chunk, engine, model, seed, start, stop, max_events,
                                     until_failure, folder)
                futures[future] = i
                pending.add(future)
            if not pending:
                break
            done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            _check_stop()
            for future in done:
                part = parts[futures.pop(future)] = _collect(future.result())
                done_reps += part.runs
            lock = counters.get_lock()
            if lock.acquire(timeout=POLL_S):
                try:
                    events, finished = counters[0], counters[1]
                finally:
                    lock.release()
                bar.update(events, finished)
            if done and on_chunk is not None:
                on_chunk(done_reps, runs)
        clean = True
    except BrokenProcessPool:
        raise WorkerError("a worker process died before it finished (killed by a signal, or "
                         "out of memory?); no results were kept") from None
    finally:
        if clean:
            pool.shutdown(wait=True)
        else:
            _stop_pool(pool)
        shutil.rmtree(folder, ignore_errors=True)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers now (an error, Ctrl-C or SIGTERM): queued blocks are cancelled
    and running workers are terminated, not waited for."""
    import threading

    previous = threading.excepthook

    def quiet(args: Any) -> None:
        # the pool's feeder and manager threads may find their pipes closed under them
        if not issubclass(args.exc_type, (OSError, EOFError, ValueError)):
            previous(args)

    threading.excepthook = quiet
    queue = getattr(pool, "_call_queue", None)
    if queue is not None:  # its feeder thread prints a traceback of a pipe closed under it
        queue._on_queue_feeder_error = lambda exc, obj: None
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=2)
        if p.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
            p.kill()
    # let the pool's manager thread see its workers gone, then forget it: Python 3.11's exit
    # hook would otherwise wake it through a pipe it has closed (a traceback at exit)
    from concurrent.futures import process as futures_process

    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(timeout=2)
        if not manager.is_alive():
            getattr(futures_process, "_threads_wakeups", {}).pop(manager, None)


class _signals_raise:
    """While a study runs in the main thread, Ctrl-C (SIGINT, unless ignored), SIGTERM and
    SIGHUP only set a flag, which the study checks between slices of events and between polls
    of its workers (:func:`_check_stop`), raising KeyboardInterrupt or :class:`Terminated`
    there. Raising inside the handler could leave a lock of concurrent.futures held, and the
    workers' manager thread then hangs."""

    def __enter__(self) -> None:
        import signal
        import threading

        self.saved: dict[int, Any] = {}
        _STOP.clear()
        if threading.current_thread() is not threading.main_thread():
            return

        def handler(signum: int, frame: Any) -> None:
            _STOP.append(signum)

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if sig == signal.SIGINT and signal.getsignal(sig) is signal.SIG_IGN:
                continue  # a background job: Ctrl-C is not ours
            self.saved[sig] = signal.signal(sig, handler)

    def __exit__(self, *exc: object) -> None:
        import signal

        for sig, old in self.saved.items():
            signal.signal(sig, old)
        _STOP.clear()


_STOP: list[int] = []
"""Signals received while a study runs (see :class:`_signals_raise`)."""


def _check_stop() -> None:
    import signal

    if _STOP:
        signum = _STOP[0]
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(signum)
