"""The ``hasim`` command line: a thin shell over the library.

Heavy libraries (numpy, pandas, scipy) are imported inside the commands so that ``hasim --help``
answers at once. A model error exits with code 2 and one message naming file, line and key; so
does an option out of range or an ``--out`` that cannot be written, before any simulation.
Strings from the model (names, messages quoting it) are printed with control characters made
visible and rich markup escaped (:func:`hasim.report.text.safe_text`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

WORKERS_PER_CORE = 4
"""``--workers`` above this many per core is refused: processes beyond the cores only cost
memory (each holds the model and the kernel), and results never depend on the number."""

app = typer.Typer(
    name="hasim",
    help="High-availability simulator: Monte Carlo availability of cluster designs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelArg = Annotated[Path, typer.Argument(help="Model file (YAML), e.g. models/web-cluster.yaml",
                                          show_default=False)]


def _fail(*lines: object, code: int = 2) -> NoReturn:
    """Print ``error:`` and ``lines`` to stderr, each line made printable, and exit."""
    from hasim.report.text import plain_text

    typer.echo("error: " + "\n".join(plain_text(line) for line in lines), err=True)
    raise typer.Exit(code)


AllowOutside = Annotated[bool, typer.Option(
    "--allow-outside-data", help="Let empirical laws read data files outside the model's "
    "folder and the data folder beside it.")]


def _load(path: Path, allow_outside_data: bool = False) -> tuple[Any, dict[str, Any]]:
    """Read MODEL once and compile what was read; returns the model and what the manifest
    records of its input: the SHA-256 of exactly the bytes compiled, and of each data file.

    (:func:`hasim.load_model` in its two steps, read_spec and compile_spec, so that the
    manifest hashes the bytes read, not a second read of a file that may be being edited.)
    """
    from hasim.errors import ModelError
    from hasim.model.compile import compile_spec
    from hasim.model.load import read_spec
    from hasim.output import data_files
    from hasim.report.text import plain_text

    source = str(path)
    try:
        raw, spec, lines = read_spec(path)
        inputs = data_files(spec, source)
        model = compile_spec(spec, lines, source, allow_outside_data=allow_outside_data)
    except ModelError as exc:
        problems = [str(p) for p in exc.problems]
        _fail(*(problems if len(problems) == 1 else
                [f"{len(problems)} problems:", *(f"  {p}" for p in problems)]))
    if data_files(spec, source) != inputs:
        _fail(f"{path}: a data file it reads changed while it was loaded; run again")
    for warning in model.warnings:
        typer.echo(f"warning: {plain_text(warning)}", err=True)
    return model, {"model_sha256": hashlib.sha256(raw).hexdigest(), "inputs": inputs}


def _check_runs(runs: int) -> None:
    from hasim.limits import MAX_RUNS

    if runs > MAX_RUNS:
        _fail(f"--runs: at most {MAX_RUNS:,} replications, got {runs:,}")


def _check_workers(workers: int | None) -> None:
    cores = os.cpu_count() or 1
    if workers is not None and workers > WORKERS_PER_CORE * cores:
        _fail(f"--workers: at most {WORKERS_PER_CORE * cores} ({WORKERS_PER_CORE} per core, "
              f"{cores} cores here), got {workers:,}; results do not depend on it")


def _study(compiled: Any, **options: Any) -> Any:
    """run_study, with its refusals (exit 2: before anything ran), its failures while running
    (exit 1: an event limit reached, a worker died, memory) and SIGTERM (exit 128 + n) as one
    line on stderr; Ctrl-C is :func:`main`'s (``interrupted``, exit 130)."""
    from hasim.errors import HasimError
    from hasim.limits import EventLimitError
    from hasim.runner import Terminated, WorkerError, run_study

    try:
        return run_study(compiled, **options)
    except MemoryError:
        _fail(f"out of memory for {options['runs']:,} replications; use fewer --runs", code=1)
    except (EventLimitError, WorkerError) as exc:
        _fail(str(exc), code=1)
    except HasimError as exc:
        _fail(str(exc))
    except Terminated as exc:
        _stopped("terminated", 128 + exc.signum)
    except KeyboardInterrupt:  # (click would print only an empty line)
        _stopped("interrupted", 130)


def _stopped(word: str, code: int) -> NoReturn:
    """Say why and exit at once: the study's workers are stopped and nothing was written; the
    interpreter's exit hooks are skipped, because those of a stopped process pool may print
    tracebacks of pipes closed under its threads (Python 3.11)."""
    typer.echo(word, err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


MaxEvents = Annotated[int, typer.Option(
    "--max-events", min=1, max=2**62, help="Events one replication may handle; a model "
    "estimated to need more is refused before it runs.")]


@app.command()
def run(
    model: ModelArg,
    runs: Annotated[int, typer.Option("--runs", "-n", min=1, help="Replications.")] = 1000,
    seed: Annotated[int | None, typer.Option(min=0, max=2**63 - 1,
                                             help="Seed; default: a fresh one, printed.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes [default: all cores]",
                                                show_default=False)] = None,
    engine: Annotated[str, typer.Option(help="Simulation engine: numba (fast) or simpy "
                                             "(the reference); same results.")] = "numba",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")
                       ] = False,
    out: Annotated[Path | None, typer.Option(help="Write replications, summary and manifest "
                                                  "to this directory, as one set: a new or "
                                                  "empty one, or one of an earlier run "
                                                  "(replaced whole).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Table format for --out: csv or parquet.")
                   ] = "csv",
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress",
                                                  help="Progress bar on stderr [default: when "
                                                       "stderr is a terminal]",
                                                  show_default=False)] = None,
    max_events: MaxEvents = 10_000_000,
    until_failure: Annotated[bool, typer.Option(
        "--until-failure", help="Run each replication until the system first fails (no "
        "mission): mean time to first failure with its interval.")] = False,
    allow_outside_data: AllowOutside = False,
) -> None:
    """Run a Monte Carlo study of MODEL and print a summary."""
    t0 = time.perf_counter()
    from hasim.engines import ENGINES
    from hasim.errors import HasimError
    from hasim.output import FORMATS, check_out

    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    _check_runs(runs)
    _check_workers(workers)
    if out is not None:
        try:
            check_out(out, fmt)  # before the study: a mistake here costs no simulation
        except HasimError as exc:
            _fail(str(exc))
    compiled, inputs = _load(model, allow_outside_data)

    before = time.perf_counter()
    study = _study(compiled, runs=runs, seed=seed, workers=workers, engine=engine,
                   progress=progress, max_events=max_events, until_failure=until_failure)
    from hasim import STARTED

    # from hasim's first import to the first replication (interpreter start-up excluded)
    startup_s = before - STARTED + study.setup_s
    if out is not None:
        from hasim.output import save_study

        try:
            save_study(study, out, model, fmt, wall_time_s=time.perf_counter() - t0, **inputs)
        except (HasimError, OSError) as exc:
            _fail(f"results not written: {exc}", code=1)
    if as_json:
        typer.echo(json.dumps(study.to_dict() | {"startup_s": startup_s}, allow_nan=False))
    else:
        from hasim.report.text import plain_text, print_summary

        print_summary(study)
        if out is not None:
            typer.echo(plain_text(f"results written to {out}/"))


MaxStates = Annotated[int, typer.Option(min=1, help="Largest Markov chain to build.")]


def _exact(compiled: Any, max_states: int, mission_values: bool = True) -> Any:
    """The exact solution, with a progress bar of the chain's breadth-first search (states
    explored of states found) and the phases of the solve on stderr (a terminal)."""
    from hasim.analysis.exact import NotExact, exact

    shown: Any = None
    t0 = time.perf_counter()

    def show() -> Any:
        nonlocal shown
        if shown is None:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            shown = Progress(TextColumn("{task.description}"), BarColumn(),
                             TextColumn("{task.fields[text]}"), TimeElapsedColumn(),
                             console=Console(stderr=True), transient=True)
            shown.add_task("building the Markov chain", total=None, text="")
            shown.start()
        return shown

    def progress(states: int, transitions: int, found: int) -> None:
        if not sys.stderr.isatty() or time.perf_counter() - t0 < 0.5:
            return
        show().update(0, completed=states, total=found,
                      text=f"{states:,} of {found:,} states, {transitions:,} transitions")

    def status(text: str) -> None:
        if not sys.stderr.isatty() or time.perf_counter() - t0 < 0.5:
            return
        show().update(0, description=text, completed=0, total=None, text="")

    try:
        return exact(compiled, max_states=max_states, progress=progress, status=status,
                     mission_values=mission_values)
    except NotExact as exc:
        _fail(f"no exact solution: {exc}")
    except MemoryError:
        _fail("no exact solution: out of memory; lower --max-states", code=1)
    finally:
        if shown is not None:
            shown.stop()


@app.command("exact")
def exact_command(
    model: ModelArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")
                       ] = False,
    max_states: MaxStates = 200_000,
    steady_state_only: Annotated[bool, typer.Option(
        "--steady-state-only", help="Skip the mission values (interval availability, "
        "expected outages, P(outage)): the steady state and MTTF only, much faster on chains "
        "of millions of states.")] = False,
    allow_outside_data: AllowOutside = False,
) -> None:
    """Solve MODEL exactly: its Markov chain, or renewal theory for independent units."""
    compiled, _ = _load(model, allow_outside_data)
    result = _exact(compiled, max_states, mission_values=not steady_state_only)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), allow_nan=False))
        return
    from hasim.report.text import print_exact

    print_exact(compiled, result)


@app.command()
def check(
    model: ModelArg,
    runs: Annotated[int | None, typer.Option(
        "--runs", "-n", min=2, help="Replications [default: 10,000, or more — up to "
        "2,000,000 (numba), 20,000 (simpy) — for about 50 outages]", show_default=False)
    ] = None,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Seed.")] = 1,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes [default: all "
                                                "cores]", show_default=False)] = None,
    engine: Annotated[str, typer.Option(help="Simulation engine: numba or simpy.")] = "numba",
    max_states: MaxStates = 200_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")
                       ] = False,
    max_events: MaxEvents = 10_000_000,
    allow_outside_data: AllowOutside = False,
) -> None:
    """Simulate MODEL and compare with its exact solution; exit code 1 when they disagree by
    more than 4 standard errors (an availability regression test for your CI). A metric whose
    rare outcome (an outage) the runs are expected to see fewer than 50 times is not tested;
    exit code 2 when no metric can be."""
    import math

    from hasim.engines import ENGINES

    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if runs is not None:
        _check_runs(runs)
    _check_workers(workers)
    compiled, _ = _load(model, allow_outside_data)
    result = _exact(compiled, max_states)
    from hasim.analysis import check as ch

    if result.interval_availability is None:
        _fail("check compares the simulation with the exact mission values, which hasim "
              "computes for Markovian models (exponential laws); this model has only a "
              "steady-state solution (see hasim exact)")
    if runs is None:
        runs, why = ch.choose_runs(result, ch.CHECK_RUNS, ch.CHECK_CAP[engine])
    else:
        why = "as given"
    if not any(ch.metrics_tested(result, runs).values()):
        seen = runs * max(ch.rare_per_run(result).values())
        _fail(f"{runs:,} runs are too few to test any metric: about {seen:.2g} outages "
              f"expected, {ch.MIN_EXPECTED:g} needed; use --runs "
              f"{ch.runs_to_test(result):,} to test every metric")
    if not as_json:
        typer.echo(f"runs: {runs:,} ({why})")
    study = _study(compiled, runs=runs, seed=seed, workers=workers, engine=engine,
                   max_events=max_events)
    table = ch.compare(study, result)
    ok = bool(ch.verdict(table))
    if as_json:
        # JSON has no NaN or infinity: null for an untested z (``tested`` false) and for an
        # infinite one (a tested metric whose sample has no spread and misses the exact value)
        metrics = [{**{k: None if isinstance(v, float) and not math.isfinite(v) else v
                       for k, v in row.items()},
                    "tested": bool(row["tested"]), "runs_needed": int(row["runs_needed"])}
                   for row in table.reset_index().to_dict(orient="records")]
        typer.echo(json.dumps({"ok": ok, "runs": runs, "runs_chosen": why, "seed": seed,
                               "engine": engine, "states": result.states,
                               "metrics": metrics}, allow_nan=False))
    else:
        from hasim.report.text import print_check

        print_check(compiled, study, result, table, ok)
    if not ok:
        raise typer.Exit(1)


@app.command("trace")
def trace_command(
    model: ModelArg,
    replication: Annotated[int, typer.Option("--replication", "-r", min=0,
                                             help="Which replication of the study.")] = 0,
    seed: Annotated[int | None, typer.Option(min=0, max=2**63 - 1,
                                             help="Seed of the study; default: a fresh one, "
                                                  "printed.")] = None,
    engine: Annotated[str, typer.Option(help="Simulation engine: numba or simpy (same "
                                             "log).")] = "numba",
    until: Annotated[str | None, typer.Option(help="Stop the log at this time, e.g. 30d.")
                     ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the log as CSV.")] = False,
    max_events: MaxEvents = 10_000_000,
    until_failure: Annotated[bool, typer.Option(
        "--until-failure", help="Run the replication until the system first fails.")] = False,
    allow_outside_data: AllowOutside = False,
) -> None:
    """Print the event log of one replication of MODEL: time, event, unit, detail."""
    from hasim.engines import ENGINES
    from hasim.units import parse_duration

    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    from hasim.limits import MAX_RUNS

    if replication >= MAX_RUNS:
        _fail(f"--replication: at most {MAX_RUNS - 1:,} (studies have at most {MAX_RUNS:,} "
              f"replications), got {replication:,}")
    limit = None
    if until is not None:
        try:
            limit = parse_duration(until)
        except ValueError as exc:
            _fail(f"--until: {exc}")
        if not limit >= 0:
            _fail(f"--until: must be >= 0, got {until}")
    compiled, _ = _load(model, allow_outside_data)
    from hasim.errors import HasimError
    from hasim.limits import EventLimitError
    from hasim.runner import trace

    try:
        frame = trace(compiled, replication=replication, seed=seed, engine=engine, until=limit,
                      max_events=max_events, until_failure=until_failure)
    except EventLimitError as exc:
        _fail(str(exc), code=1)
    except HasimError as exc:
        _fail(str(exc))
    if as_csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    from hasim.report.text import print_trace

    print_trace(compiled, frame)


@app.command()
def validate(model: ModelArg, allow_outside_data: AllowOutside = False) -> None:
    """Check MODEL and print what it contains; exit code 2 on any mistake."""
    from hasim.report.text import plain_text

    compiled, _ = _load(model, allow_outside_data)

    def many(n: int, what: str) -> str:
        return f"{n} {what}" if n == 1 else f"{n} {what}s"

    m = compiled
    extra = [many(n, what) for n, what in (
        (len(m.mode_labels) - m.n_types, "extra failure mode"),
        (len(m.stock_names), "spare stock"),
        (len(m.inspections), "inspection schedule"),
        (len(m.maintenance), "maintenance schedule")) if n]
    typer.echo(plain_text(
        f"{model}: ok — {m.name!r}: {many(m.n_types, 'component type')}, "
        f"{many(m.n_units, 'unit')}, {many(len(m.crew_names), 'crew')}, "
        f"{many(len(m.group_units), 'standby group')}, "
        + "".join(f"{x}, " for x in extra) + f"mission {m.mission:g} h"
    ))


@app.command()
def schema() -> None:
    """Print the JSON Schema of model files (for editor completion and checking)."""
    from hasim.model.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
