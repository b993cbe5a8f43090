"""The ``hasim`` command line: a thin shell over the library.

Heavy libraries (numpy, pandas, scipy) are imported inside the commands so that ``hasim --help``
answers at once. A model error exits with code 2 and one message naming file, line and key.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="hasim",
    help="High-availability simulator: Monte Carlo availability of cluster designs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelArg = Annotated[Path, typer.Argument(help="Model file (YAML), e.g. models/web-cluster.yaml",
                                          show_default=False)]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _load(path: Path) -> Any:
    from hasim.errors import ModelError
    from hasim.model.compile import load_model

    try:
        model = load_model(path)
    except ModelError as exc:
        _fail(str(exc))
    for warning in model.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return model


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
                                                  "to this directory.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Table format for --out: csv or parquet.")
                   ] = "csv",
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress",
                                                  help="Progress bar on stderr [default: when "
                                                       "stderr is a terminal]",
                                                  show_default=False)] = None,
) -> None:
    """Run a Monte Carlo study of MODEL and print a summary."""
    t0 = time.perf_counter()
    from hasim.engines import ENGINES
    from hasim.output import FORMATS

    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if out is not None and out.exists() and not out.is_dir():
        _fail(f"{out}: exists and is not a directory")
    compiled = _load(model)
    from hasim.errors import HasimError
    from hasim.runner import run_study

    before = time.perf_counter()
    study = run_study(compiled, runs=runs, seed=seed, workers=workers, engine=engine,
                      progress=progress)
    from hasim import STARTED

    # from hasim's first import to the first replication (interpreter start-up excluded)
    startup_s = before - STARTED + study.setup_s
    if out is not None:
        from hasim.output import save_study

        try:
            save_study(study, out, model, fmt, wall_time_s=time.perf_counter() - t0)
        except (HasimError, OSError) as exc:
            _fail(str(exc), code=1)
    if as_json:
        typer.echo(json.dumps(study.to_dict() | {"startup_s": startup_s}, allow_nan=False))
    else:
        from hasim.report.text import print_summary

        print_summary(study)
        if out is not None:
            typer.echo(f"results written to {out}/")


MaxStates = Annotated[int, typer.Option(min=1, help="Largest Markov chain to build.")]


def _exact(compiled: Any, max_states: int) -> Any:
    from hasim.analysis.exact import NotExact, exact

    try:
        return exact(compiled, max_states=max_states)
    except NotExact as exc:
        _fail(f"no exact solution: {exc}")


@app.command("exact")
def exact_command(
    model: ModelArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")
                       ] = False,
    max_states: MaxStates = 200_000,
) -> None:
    """Solve MODEL exactly: its Markov chain, or renewal theory for independent units."""
    compiled = _load(model)
    result = _exact(compiled, max_states)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), allow_nan=False))
        return
    from hasim.report.text import print_exact

    print_exact(compiled, result)


@app.command()
def check(
    model: ModelArg,
    runs: Annotated[int, typer.Option("--runs", "-n", min=2, help="Replications.")] = 10_000,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="Seed.")] = 1,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes [default: all "
                                                "cores]", show_default=False)] = None,
    engine: Annotated[str, typer.Option(help="Simulation engine: numba or simpy.")] = "numba",
    max_states: MaxStates = 200_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")
                       ] = False,
) -> None:
    """Simulate MODEL and compare with its exact solution; exit code 1 when they disagree by
    more than 4 standard errors (an availability regression test for your CI)."""
    from hasim.engines import ENGINES

    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    compiled = _load(model)
    result = _exact(compiled, max_states)
    from hasim.analysis.check import compare

    if result.interval_availability is None:
        _fail("check compares the simulation with the exact mission values, which hasim "
              "computes for Markovian models (exponential laws); this model has only a "
              "steady-state solution (see hasim exact)")
    from hasim.runner import run_study

    study = run_study(compiled, runs=runs, seed=seed, workers=workers, engine=engine)
    table = compare(study, result)
    ok = bool((table["z"].abs() <= 4).all())
    if as_json:
        typer.echo(json.dumps({"ok": ok, "runs": runs, "seed": seed, "engine": engine,
                               "states": result.states,
                               "metrics": table.reset_index().to_dict(orient="records")},
                              allow_nan=False))
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
) -> None:
    """Print the event log of one replication of MODEL: time, event, unit, detail."""
    from hasim.engines import ENGINES
    from hasim.units import parse_duration

    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    limit = None
    if until is not None:
        try:
            limit = parse_duration(until)
        except ValueError as exc:
            _fail(f"--until: {exc}")
        if not limit >= 0:  # type: ignore[operator]
            _fail(f"--until: must be >= 0, got {until}")
    compiled = _load(model)
    from hasim.runner import trace

    frame = trace(compiled, replication=replication, seed=seed, engine=engine, until=limit)
    if as_csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    from hasim.report.text import print_trace

    print_trace(compiled, frame)


@app.command()
def validate(model: ModelArg) -> None:
    """Check MODEL and print what it contains; exit code 2 on any mistake."""
    compiled = _load(model)
    n_groups = len(compiled.group_units)
    typer.echo(
        f"{model}: ok — {compiled.name!r}: {compiled.n_types} component types, "
        f"{compiled.n_units} units, {len(compiled.crew_names)} crews, "
        f"{n_groups} standby groups, mission {compiled.mission:g} h"
    )


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
