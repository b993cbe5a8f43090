"""Writing a study to disk: the per-replication table, the summary and a manifest, atomically.

Files are written to a temporary directory first and moved into place only when all of them
are complete, so an interrupted write never leaves a half-written result.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hasim.errors import HasimError
from hasim.results import StudyResult

FORMATS = ("csv", "parquet")


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest(study: StudyResult, model_path: str | Path | None = None,
             wall_time_s: float | None = None) -> dict[str, Any]:
    """Everything needed to reproduce ``study``: version, model (hash and resolved), seed, ..."""
    from hasim import __version__

    data: dict[str, Any] = {
        "hasim_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_name": study.model.name,
        "model_file": str(model_path) if model_path is not None else None,
        "model_sha256": file_sha256(model_path) if model_path is not None else None,
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


def save_study(study: StudyResult, out: str | Path, model_path: str | Path | None = None,
               fmt: str = "csv", wall_time_s: float | None = None) -> list[Path]:
    """Write ``replications.<fmt>``, ``outages.<fmt>``, ``summary.json`` and ``manifest.json``.

    Returns the paths written. Existing files of the same names in ``out`` are replaced.
    """
    if fmt not in FORMATS:
        raise HasimError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise HasimError("--format parquet needs pyarrow: pip install pyarrow") from None
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise HasimError(f"{out}: exists and is not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        frames = {"replications": study.to_frame(), "outages": study.outages_frame()}
        names = []
        for name, frame in frames.items():
            path = tmp / f"{name}.{fmt}"
            if fmt == "csv":
                frame.to_csv(path, index=name == "replications")
            else:
                frame.to_parquet(path)
            names.append(path.name)
        for name, data in (("summary.json", study.to_dict()),
                           ("manifest.json", manifest(study, model_path, wall_time_s))):
            (tmp / name).write_text(json.dumps(data, indent=2, allow_nan=False) + "\n")
            names.append(name)
        out.mkdir(exist_ok=True)
        for name in names:
            os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [out / n for n in names]
