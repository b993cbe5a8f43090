"""YAML text → :class:`~hasim.model.schema.ModelSpec`, with errors that name file, line and key.

The YAML is composed into nodes first so that every key keeps its line; duplicate keys are errors
(PyYAML would silently keep the last one).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hasim.errors import ModelError, Problem
from hasim.model.schema import ModelSpec

LineMap = dict[tuple[Any, ...], int]

_TAGS = {"_ref", "_node", "_list"}  # discriminator tags pydantic puts in error locations


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: tuple[Any, ...], lines: LineMap,
               problems: list[Problem], source: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                problems.append(Problem(_dotted(path), f"unsupported key {key!r}",
                                        key_node.start_mark.line + 1, source))
                continue
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                problems.append(Problem(_dotted((*path, key)), "duplicate key",
                                        key_node.start_mark.line + 1, source))
                continue
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _construct(loader, value_node, (*path, key), lines, problems, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, (*path, i), lines, problems, source)
                for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, source: str = "<model>") -> tuple[Any, LineMap]:
    """Parse YAML text into plain data and a map from key path to line number."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            message = f"invalid YAML: {exc.problem or exc}"
            raise ModelError([Problem("", message, line, source)]) from None
        except yaml.YAMLError as exc:
            raise ModelError([Problem("", f"invalid YAML: {exc}", None, source)]) from None
        if node is None:
            raise ModelError([Problem("", "the file is empty", None, source)])
        lines: LineMap = {}
        problems: list[Problem] = []
        data = _construct(loader, node, (), lines, problems, source)
    finally:
        loader.dispose()
    if problems:
        raise ModelError(problems)
    return data, lines


def _dotted(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def line_of(lines: LineMap, path: tuple[Any, ...]) -> int | None:
    """Line of ``path``, or of its nearest ancestor that is in the file."""
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def _message(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("greater_than", "greater_than_equal", "less_than_equal", "less_than"):
        sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
                "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()))
        return f"must be {sign} {bound}, got {error.get('input')!r}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')}, got {error.get('input')!r}"
    if kind == "string_pattern_mismatch":
        return f"{error.get('input')!r} is not a valid name (letters, digits, _ and -; name[i] " \
               "for one instance)"
    msg = str(error["msg"])
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def validate_data(data: Any, lines: LineMap | None = None, source: str = "<model>") -> ModelSpec:
    """Validate plain data against the schema; raise :class:`ModelError` naming every mistake."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise ModelError([Problem("", "a model is a mapping with keys hasim, name, mission, "
                                      "crews, components, system", 1, source)])
    try:
        return ModelSpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        seen = set()
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if p not in _TAGS)
            problem = Problem(_dotted(loc), _message(error), line_of(lines, loc), source)
            if (problem.path, problem.message) not in seen:
                seen.add((problem.path, problem.message))
                problems.append(problem)
        raise ModelError(problems) from None


def load_spec(path: str | Path) -> tuple[ModelSpec, LineMap]:
    """Read and validate a model file; returns the spec and its line map."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError([Problem("", "no such file", None, source)]) from None
    except IsADirectoryError:
        raise ModelError([Problem("", "is a directory, not a model file", None, source)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError([Problem("", f"cannot read: {exc}", None, source)]) from None
    data, lines = parse_yaml(text, source)
    return validate_data(data, lines, source), lines
