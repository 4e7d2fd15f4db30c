"""Every exception the toolkit raises on purpose, in one place.

Callers (the CLI, the app) catch :class:`VettingError` and show its message; anything
else is a bug. The hierarchy::

    VettingError
    ├── InputError            a file or value a person supplied is unusable
    │   ├── PortfolioError    a portfolio file (carries every Problem found)
    │   ├── RubricError       a rubric file (carries every Problem found)
    │   ├── BriefError        a hiring brief file
    │   └── SampleError       a follower-sample file for the audit
    └── StoreError            the database refused or could not be reached
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ProblemSeverity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, said so a person can fix it.

    >>> str(Problem("a.json", "accounts[0].followers", "must be 0 or more"))
    'a.json: accounts[0].followers: must be 0 or more'
    """

    file: str
    field: str
    message: str
    severity: ProblemSeverity = "error"

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        prefix = "" if self.severity == "error" else "warning: "
        return f"{prefix}{where}: {self.message}"


class VettingError(Exception):
    """Base of every error the toolkit raises on purpose."""


class InputError(VettingError):
    """An input a person supplied cannot be used; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PortfolioError(InputError):
    """A portfolio file is unusable."""


class RubricError(InputError):
    """A rubric file is unusable."""


class BriefError(InputError):
    """A hiring brief file is unusable."""


class SampleError(InputError):
    """A follower-sample file is unusable."""


class StoreError(VettingError):
    """The database could not store or return what was asked."""
