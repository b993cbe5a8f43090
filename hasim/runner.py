"""Monte Carlo studies: replications cut into chunks, run serially or over a process pool.

Replication *i* draws only from streams keyed by (seed, *i*, ...), so the results are the same
whatever the chunk size or the number of workers.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from hasim.engines import DEFAULT_ENGINE, ENGINES, get_engine
from hasim.model.compile import CompiledModel, load_model
from hasim.results import RunResult, StudyResult
from hasim.rng import check_seed

DEFAULT_RUNS = 1000
PROGRESS_AFTER_S = 0.5
"""A progress bar appears once a study has run this long."""


MAX_CHUNK = {"simpy": 500, "numba": 20000}
"""Largest block of replications per task: a few seconds of work for each engine."""


def _chunks(runs: int, workers: int, engine: str) -> list[tuple[int, int]]:
    # several chunks per worker balance the load; small chunks keep progress moving
    size = max(1, min(MAX_CHUNK[engine], math.ceil(runs / (8 * workers))))
    return [(s, min(s + size, runs)) for s in range(0, runs, size)]


def _run_chunk(engine: str, model: CompiledModel, seed: int, start: int, stop: int) -> RunResult:
    return get_engine(engine)(model, seed, start, stop)


class _Progress:
    """A rich progress bar on stderr that appears only for studies longer than a moment."""

    def __init__(self, runs: int, enabled: bool):
        self.runs = runs
        self.enabled = enabled
        self.done = 0
        self.t0 = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def advance(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        if self.bar is None and time.perf_counter() - self.t0 > PROGRESS_AFTER_S:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress("replications", BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("run", total=self.runs, completed=self.done)
        elif self.bar is not None:
            self.bar.update(self.task, completed=self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


TRACE_COLUMNS = ("time_hours", "event", "target", "other", "detail")


def trace(model: CompiledModel | str | Path, replication: int = 0, seed: int | None = None,
          engine: str = DEFAULT_ENGINE, until: float | None = None) -> Any:
    """The event log of one replication, as a DataFrame with one row per line.

    Columns: ``time_hours``, ``event`` (a :class:`hasim.events.Trace` name in lower case:
    ``fail``, ``detect``, ``grant``, ``repair_start``, ``switch_start``, ``system_down``, ...),
    ``target`` (a unit label, a standby group ``standby(db[0], db[1])`` or ``system``),
    ``other`` (the crew, unit or group the line involves, or empty) and ``detail`` (the number
    the rule drew: a lifetime in hours of ageing, a repair or switchover time, ...; 0 if none).
    Both engines give the same log; replication ``replication`` of a study seeded ``seed`` is
    the same history as in :func:`run_study`. ``until`` (hours) stops the log there.
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
    if engine == "numba":
        from hasim.engines.fast import warm_up

        warm_up(model)
    lines = get_tracer(engine)(model, seed, replication, until)

    def label(kind: Target, x: int) -> str:
        if kind == Target.SYSTEM:
            return "system"
        if x < 0 or kind == Target.NONE:
            return ""
        if kind == Target.GROUP:
            return model.group_label(x)
        if kind == Target.CREW:
            return model.crew_names[x]
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
) -> StudyResult:
    """Run a Monte Carlo study of ``model``.

    Parameters
    ----------
    model
        A compiled model or the path of a model file.
    runs
        Number of replications (simulated missions).
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
        Called with (replications done, runs) as chunks finish.
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
    seed = check_seed(seed)
    chunks = _chunks(runs, workers, engine)
    workers = min(workers, len(chunks))
    if progress is None:
        progress = sys.stderr.isatty()
    bar = _Progress(runs, progress)
    parts: dict[int, RunResult] = {}

    def finished(i: int, part: RunResult) -> None:
        parts[i] = part
        bar.advance(part.runs)
        if on_chunk is not None:
            on_chunk(bar.done, runs)

    t_setup = time.perf_counter()
    if engine == "numba":
        # compile (or load from numba's cache) before timing, and before forking: the workers
        # inherit the compiled kernel
        from hasim.engines.fast import warm_up

        warm_up(model)
    t0 = time.perf_counter()
    try:
        if workers == 1:
            for i, (start, stop) in enumerate(chunks):
                finished(i, _run_chunk(engine, model, seed, start, stop))
        else:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(_run_chunk, engine, model, seed, start, stop): i
                           for i, (start, stop) in enumerate(chunks)}
                for future in as_completed(futures):
                    finished(futures[future], future.result())
    finally:
        bar.close()
    elapsed = time.perf_counter() - t0
    result = RunResult.concat([parts[i] for i in range(len(chunks))])
    return StudyResult(model=model, runs=result, seed=seed, engine=engine, elapsed_s=elapsed,
                       workers=workers, setup_s=t0 - t_setup)
