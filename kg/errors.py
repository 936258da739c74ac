"""Errors raised by union-kg; every message a user can see is written here.

The library raises these; only ``kg.cli`` turns them into one-line messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BuildError",
    "EndpointError",
    "GoldError",
    "InputError",
    "KGError",
    "QueryError",
    "QueryRefused",
    "RequestError",
]


class KGError(Exception):
    """Base class of every error union-kg reports to a user."""


class InputError(KGError):
    """A user-supplied file (or one line of it) that cannot be used as it is."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


class PatternError(InputError):
    """A line of a relation pattern file (patterns.jsonl, references.jsonl) the rules cannot read:
    bad JSON, an unknown shape or key, a missing key or a value of the wrong type."""


class GoldError(KGError):
    """A gold or prediction file that does not follow the ANNOTATION.md format."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {problem}")


class BuildError(KGError):
    """A build that cannot be written as asked: its directory, or inputs with no document."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")


class RequestError(KGError):
    """A request about a graph (entity name, filter, export format) that it cannot satisfy."""


class EndpointError(KGError):
    """A SPARQL request the endpoint does not answer; ``status`` is the HTTP status to send."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class QueryRefused(EndpointError):
    """A SPARQL request a read-only endpoint on a shared machine must not run (HTTP 403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=403)


class QueryError(KGError):
    """A query that cannot run: unknown name, missing parameter or invalid SPARQL."""
