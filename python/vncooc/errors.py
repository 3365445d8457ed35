"""The exceptions vncooc raises. Every one is a :class:`VncoocError`; leaves also subclass the
built-in exception a caller would naturally catch (``ValueError``, ``OSError`` ...)."""

from __future__ import annotations

__all__ = [
    "CorpusNotFoundError",
    "DuplicateIdError",
    "GazetteerError",
    "InputError",
    "InternalError",
    "InvalidArgumentError",
    "JsonlError",
    "ReadError",
    "VncoocError",
]


class VncoocError(Exception):
    """Base class of every error raised by vncooc."""


class InputError(VncoocError, ValueError):
    """Input data that cannot be used as given (the message names the document or value)."""


class InvalidArgumentError(InputError):
    """An argument outside its domain (an unknown level, a bad thread count, a bad pattern)."""


class DuplicateIdError(InputError):
    """Two input documents share an id."""


class JsonlError(InputError):
    """A JSON Lines file has a malformed line; ``path`` and ``line_no`` (1-based) say where."""

    def __init__(self, message: str, path: str | None = None, line_no: int | None = None):
        super().__init__(message)
        self.path = path
        self.line_no = line_no


class GazetteerError(VncoocError, ValueError):
    """A malformed gazetteer record or file (the message names the file and line), or an alias
    claimed by two ids."""


class CorpusNotFoundError(VncoocError, FileNotFoundError):
    """The folder or file to read does not exist."""


class ReadError(VncoocError, OSError):
    """A file or folder that exists but cannot be read."""


class InternalError(VncoocError, RuntimeError):
    """A bug in vncooc itself; please report it with the input that caused it."""
