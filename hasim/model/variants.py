"""Design variants: a model with one value changed, addressed by its key path."""

from __future__ import annotations

import copy
import re
from typing import Any

from hasim.errors import ModelError, Problem

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """``"system.series[2].k_of_n.k"`` → ``["system", "series", 2, "k_of_n", "k"]``."""
    parts: list[str | int] = []
    for m in _PART.finditer(path):
        parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    if not parts:
        raise ValueError(f"empty key path {path!r}")
    return parts


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of model data with the value at ``path`` replaced (or added).

    ``value`` is model data as in a model file and is copied too, so that later changes to it
    do not reach the result. For a law it is a law block (``{"fixed": "90s"}``,
    ``{"weibull": {"shape": 2, "mean": "1000h"}}``) or a bare duration (``"90s"``), which the
    schema reads as an exponential law with that mean. Nothing is validated here: the loader
    checks the result as it checks any model.
    """
    out = copy.deepcopy(data)
    parts = split_path(path)
    node: Any = out
    for i, part in enumerate(parts[:-1]):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts[: i + 1])
            raise ModelError([Problem(where.lstrip("."), "no such key in the model")]) from None
    last = parts[-1]
    if isinstance(node, list) and isinstance(last, int) and last >= len(node):
        raise ModelError([Problem(path, "no such key in the model")])
    node[last] = copy.deepcopy(value)
    return out
