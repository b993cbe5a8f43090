"""YAML text → :class:`~hasim.model.schema.ModelSpec`, with errors that name file, line and key.

The YAML is composed into nodes first so that every key keeps its line; duplicate keys are errors
(PyYAML would silently keep the last one).

Model files come from other people, so loading is defensive: the file must be a regular file of at
most :data:`MAX_MODEL_BYTES`; aliases may not expand the document beyond :data:`MAX_NODES` nodes
(or :data:`MAX_CHARS` characters of scalars) — the "billion laughs" — nor refer to themselves;
nesting is at most :data:`MAX_DEPTH` deep; no explicit tags but the core scalar ones
(:data:`SCALAR_TAGS`); no control characters; integers fit in 64 bits; floats are finite. Each
refusal is one :class:`~hasim.errors.Problem` with the line, never a traceback.
"""

from __future__ import annotations

import os
import re
import reprlib
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hasim.errors import ModelError, Problem
from hasim.model.schema import ModelSpec

LineMap = dict[tuple[Any, ...], int]

MAX_MODEL_BYTES = 1 << 20
"""A model file is at most 1 MiB (the largest bundled model is 3 kB)."""
MAX_DEPTH = 100
"""Deepest nesting of mappings and lists in a model file."""
MAX_NODES = 1_000_000
"""Most YAML nodes (keys, values, list items) in a model, counting each use of an alias in full."""
MAX_CHARS = 16 << 20
"""Most characters of scalars in a model, counting each use of an alias in full."""
MAX_ALIASES = 100_000
"""Most uses of aliases (``*name``) in a model file."""
MAX_KEY_CHARS = 200
"""Longest mapping key."""
SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null")}
"""The only explicit tags a model may use (``!!str`` ...); none on mappings and lists."""

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (f"{_YAML}{t}" for t in ("str", "int", "float", "bool", "null"))
_MERGE = f"{_YAML}merge"
_INT64 = (-(1 << 63), (1 << 63) - 1)
_TAGS = {"_ref", "_node", "_list"}  # discriminator tags pydantic puts in error locations
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters refused in strings (tab, newline and carriage return are allowed)."""
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


# --- reading files ---------------------------------------------------------------------------


class ReadError(Exception):
    """A file hasim refuses to read; the message says why (without the file's contents)."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n and n % (1 << 20) == 0 else f"{n:,} bytes"


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`ReadError` otherwise.

    The type is checked with :func:`os.stat` *before* the file is opened (opening a FIFO blocks,
    opening some devices has effects), and again on the open descriptor, which is opened
    non-blocking, so that a file swapped in between cannot hang the loader.
    """
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(f"is {_kind(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            raise ReadError(f"is {_size(st.st_size)}; the limit is {_size(limit)}")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ReadError("is not a regular file")
            chunks, size = [], 0
            while size <= limit:
                chunk = os.read(fd, limit + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except NotADirectoryError:
        raise ReadError("no such file (a part of the path is not a directory)") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # e.g. an embedded NUL in the path
        raise ReadError(f"cannot read: {exc}") from None
    if size > limit:
        raise ReadError(f"is larger than the limit of {_size(limit)}")
    return b"".join(chunks)


def excerpt(text: str, limit: int = 40) -> str:
    """A short quotation of untrusted text for a message: its first ``limit`` characters with
    control characters escaped (as ``repr`` does), ``…`` when cut."""
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


_REPR = reprlib.Repr()
_REPR.maxstring = 42
_REPR.maxother = 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4
_REPR.maxlevel = 2


def short_repr(value: Any) -> str:
    """``repr(value)`` cut to a few dozen characters (values quoted in messages)."""
    return _REPR.repr(value)


# --- the YAML loader -------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, message: str, mark: Any, path: tuple[Any, ...] = ()):
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else None
        self.path = path


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with budgets counted while the document is composed.

    Timestamps (``2024-01-01``), ``=`` and the other implicit types beyond the core ones are read
    as strings (no model key takes them, and their constructors raise on bad input).
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class attribute
        first: [(tag, rx) for tag, rx in resolvers
                if tag in (_BOOL, _INT, _FLOAT, _NULL, _MERGE)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str):
        super().__init__(text)
        self.depth = 0
        self.nodes = 0
        self.chars = 0
        self.aliases = 0
        self.open_anchors: set[str] = set()
        self.path: list[Any] = []
        """Key path of the node being composed (to name the key in a refusal)."""
        # expanded size (nodes, characters) of every composed node, by id: an alias adds the
        # full size of what it refers to without the loader expanding it
        self.sizes: dict[int, tuple[int, int]] = {}

    def _spend(self, nodes: int, chars: int, mark: Any, what: str,
               path: tuple[Any, ...]) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > MAX_NODES:
            raise _Refused(f"{what} makes the document larger than {MAX_NODES:,} nodes "
                           "(each use of an alias counts in full: an alias bomb?)", mark, path)
        if self.chars > MAX_CHARS:
            raise _Refused(f"{what} makes the document larger than {_size(MAX_CHARS)} of text "
                           "(each use of an alias counts in full: an alias bomb?)", mark, path)

    def compose_node(self, parent: Any, index: Any) -> Any:
        # index: the key node of a mapping value, the position of a list item, None for a key
        part = index.value if isinstance(index, yaml.ScalarNode) else index
        here = (*self.path, part) if part is not None else tuple(self.path)
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.open_anchors:
                raise _Refused(f"alias *{event.anchor} refers to a node that contains it "
                               "(recursive aliases are not allowed)", event.start_mark, here)
            node = super().compose_node(parent, index)
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES:,} uses of aliases", event.start_mark,
                               here)
            nodes, chars = self.sizes[id(node)]
            self._spend(nodes, chars, event.start_mark, f"alias *{event.anchor}", here)
            return node
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            shown = "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag
            if not isinstance(event, yaml.ScalarEvent):
                raise _Refused(f"tag {excerpt(shown)} is not allowed (no tags on mappings or "
                               "lists)", event.start_mark, here)
            if tag not in SCALAR_TAGS:
                raise _Refused(f"tag {excerpt(shown)} is not allowed (only !!str, !!int, "
                               "!!float, !!bool, !!null)", event.start_mark, here)
        if self.depth >= MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark,
                           tuple(self.path[:5]))
        self.depth += 1
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors:
                first = self.anchors[anchor].start_mark.line + 1
                raise _Refused(f"anchor &{anchor} is defined twice (first on line {first})",
                               event.start_mark, here)
            self.open_anchors.add(anchor)
        if part is not None:
            self.path.append(part)
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
            if anchor is not None:
                self.open_anchors.discard(anchor)
            if part is not None:
                self.path.pop()
        assert node is not None
        if isinstance(node, yaml.ScalarNode):
            nodes, chars = 1, len(node.value)
        elif isinstance(node, yaml.SequenceNode):
            nodes, chars = 1, 0
            for item in node.value:
                n, c = self.sizes[id(item)]
                nodes, chars = nodes + n, chars + c
        else:
            nodes, chars = 1, 0
            for pair in node.value:
                for item in pair:
                    n, c = self.sizes[id(item)]
                    nodes, chars = nodes + n, chars + c
        self.sizes[id(node)] = (nodes, chars)
        # the children have paid for themselves already: this node costs one more
        self._spend(1, len(node.value) if isinstance(node, yaml.ScalarNode) else 0,
                    event.start_mark, "this node", here)
        return node


def _scalar(loader: _Loader, node: yaml.Node, path: tuple[Any, ...]) -> Any:
    """The value of a scalar node at ``path``: core types only, checked."""
    tag, text = node.tag, node.value
    mark = node.start_mark
    if tag in (_STR, _MERGE):  # a "<<" that is not a merge key is a string
        bad = _CONTROL.search(text)
        if bad is not None:
            raise _Refused(f"control character {bad.group()!r} in a string", mark, path)
        return text
    names = {_INT: "an integer", _FLOAT: "a number", _BOOL: "true or false", _NULL: "null"}
    if tag not in names:  # pragma: no cover - compose_node admits only the tags above
        raise _Refused(f"tag {excerpt(tag)} is not allowed", mark, path)
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, yaml.YAMLError):
        if tag == _INT and re.fullmatch(r"[-+]?[0-9_]+", text):
            raise _Refused(f"integer {excerpt(text)} is too large (integers must fit in 64 "
                           "bits)", mark, path) from None
        raise _Refused(f"{excerpt(text)} is not {names[tag]}", mark, path) from None
    if tag == _INT and not _INT64[0] <= value <= _INT64[1]:
        raise _Refused(f"integer {excerpt(text)} is too large (integers must fit in 64 bits, "
                       f"at most {_INT64[1]:,})", mark, path)
    if tag == _FLOAT and value != value:
        raise _Refused(f"{excerpt(text)} is not a number (NaN is not allowed)", mark, path)
    if tag == _FLOAT and value in (float("inf"), float("-inf")):
        raise _Refused(f"{excerpt(text)} is not a finite number (infinity is not allowed)",
                       mark, path)
    return value


class _Builder:
    """Nodes → plain data, recording the line of every key path."""

    def __init__(self, loader: _Loader, source: str):
        self.loader = loader
        self.source = source
        self.lines: LineMap = {}
        self.problems: list[Problem] = []
        self.nodes = 0

    def build(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        self.nodes += 1
        if self.nodes > MAX_NODES:  # the composer's count should have stopped this already
            raise _Refused(f"the document has more than {MAX_NODES:,} nodes", node.start_mark,
                           path)
        if isinstance(node, yaml.MappingNode):
            try:
                self.loader.flatten_mapping(node)  # merge keys (<<)
            except yaml.MarkedYAMLError as exc:
                raise _Refused(f"merge key <<: {exc.problem}", exc.problem_mark, path) from None
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(Problem(_dotted(path), "a key must be a name, not a "
                                                 f"{key_node.id}", line, self.source))
                    continue
                key = _scalar(self.loader, key_node, path)
                if not isinstance(key, str | int | float | bool) or key is None:
                    self.problems.append(Problem(_dotted(path), f"unsupported key {key!r}",
                                                 line, self.source))
                    continue
                key = str(key) if not isinstance(key, str) else key
                if len(key) > MAX_KEY_CHARS:
                    self.problems.append(Problem(_dotted(path), f"key {excerpt(key)} is longer "
                                                 f"than {MAX_KEY_CHARS} characters", line,
                                                 self.source))
                    continue
                if key in out:
                    self.problems.append(Problem(_dotted((*path, key)), "duplicate key", line,
                                                 self.source))
                    continue
                self.lines[(*path, key)] = line
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return _scalar(self.loader, node, path)


def _refusal(message: str, line: int | None, source: str) -> ModelError:
    return ModelError([Problem("", message, line, source)])


def parse_yaml(text: str, source: str = "<model>") -> tuple[Any, LineMap]:
    """Parse YAML text into plain data and a map from key path to line number."""
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        char = bad.group()
        what = "a NUL byte (is this a binary file?)" if char == "\0" else \
            f"the control character {char!r} (U+{ord(char):04X})"
        raise _refusal(f"{what} is not allowed in a model file", text.count("\n", 0,
                       bad.start()) + 1, source)
    loader = _Loader(text)
    builder = _Builder(loader, source)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _refusal("the file is empty", None, source)
        data = builder.build(node, ())
    except _Refused as exc:
        raise ModelError([Problem(_dotted(exc.path), str(exc), exc.line, source)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = f"{exc.context}: {exc.problem}" if exc.context and exc.problem else \
            exc.problem or exc.context or str(exc)
        raise _refusal(f"invalid YAML: {what}", line, source) from None
    except yaml.YAMLError as exc:
        raise _refusal(f"invalid YAML: {exc}", None, source) from None
    except RecursionError:
        raise _refusal(f"invalid YAML: nested too deeply (at most {MAX_DEPTH} levels)", None,
                       source) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise ModelError(builder.problems)
    return data, builder.lines


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
    got = short_repr(error.get("input"))
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("greater_than", "greater_than_equal", "less_than_equal", "less_than"):
        sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
                "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()))
        return f"must be {sign} {bound}, got {got}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')}, got {got}"
    if kind == "string_pattern_mismatch":
        return f"{got} is not a valid name (letters, digits, _ and -; name[i] for one instance)"
    if kind == "finite_number":
        return f"must be a finite number, got {got}"
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
    except RecursionError:
        raise ModelError([Problem("", "the model is nested too deeply", None, source)]) from None


def load_spec(path: str | Path) -> tuple[ModelSpec, LineMap]:
    """Read and validate a model file; returns the spec and its line map."""
    _, spec, lines = read_spec(path)
    return spec, lines


def read_spec(path: str | Path) -> tuple[bytes, ModelSpec, LineMap]:
    """Read and validate a model file; returns the bytes read (which a manifest hashes: the
    very bytes validated), the spec and its line map."""
    path = Path(path)
    source = str(path)
    try:
        raw = read_limited(path, MAX_MODEL_BYTES)
    except ReadError as exc:
        message = str(exc)
        if message.startswith("is a directory"):
            message = "is a directory, not a model file"
        elif message.startswith("is ") and "limit" in message:
            message = f"{message} for a model file"
        raise _refusal(message, None, source) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _refusal(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}): a model file is YAML "
                       "text", line, source) from None
    data, lines = parse_yaml(text, source)
    return raw, validate_data(data, lines, source), lines
