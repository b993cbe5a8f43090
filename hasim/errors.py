"""Exceptions raised by hasim.

Every error a user can cause with a model file is a :class:`ModelError` that carries one
:class:`Problem` per mistake, each naming the file, the line and the key path.
"""

from __future__ import annotations

from dataclasses import dataclass


class HasimError(Exception):
    """Base class of every error hasim raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One mistake in a model file."""

    path: str
    """Dotted key path, e.g. ``components.web.repair.lognormal.cv``."""
    message: str
    line: int | None = None
    """1-based line in the file, when known."""
    file: str | None = None

    def __str__(self) -> str:
        where = self.file or "<model>"
        if self.line is not None:
            where += f":{self.line}"
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{path} {self.message}"


MAX_SHOWN = 20
"""Most problems a :class:`ModelError`'s message lists (``problems`` keeps them all)."""


class ModelError(HasimError):
    """A model file that cannot be used; ``problems`` lists every mistake found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"  {p}" for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"  ... and {len(self.problems) - MAX_SHOWN:,} more")
        return f"{len(self.problems):,} problems:\n" + "\n".join(lines)
