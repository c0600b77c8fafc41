"""JSON logging with the service name and the current correlation (request) id on every line.

An exception is logged by its class and where it happened, never by its message: a database error's message
carries the statement's bound values (a phone, a birth date, a whole profile) and the database's own detail
("Key (phone)=(+51...) already exists"), and a log is read by more people than the database.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from pythonjsonlogger.json import JsonFormatter

from shared.context import current_correlation_id

_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "ALTER", "DROP")


def describe_error(error: BaseException) -> str:
    """Return what may be logged of an error: its class, and for a database error the kind of statement."""
    name = type(error).__name__
    statement = getattr(error, "statement", None)
    if not isinstance(statement, str):
        return name
    words = statement.lstrip().split(None, 1)
    verb = words[0].upper() if words and words[0].upper() in _VERBS else "SQL"
    orig = getattr(error, "orig", None)
    driver = f" ({type(orig).__module__}.{type(orig).__name__})" if orig is not None else ""
    return f"{name}{driver} in {verb} statement"


def safe_traceback(error: BaseException, tb: TracebackType | None = None) -> str:
    """Return the frames an error passed through and its description, outermost first, without messages."""
    lines = ["Traceback, messages left out (most recent call last):"]
    current: BaseException | None = error
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if len(seen) > 1:
            lines.append("Caused by:")
        frames = traceback.extract_tb(tb if current is error and tb is not None else current.__traceback__)
        lines += [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        lines.append(describe_error(current))
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n".join(lines)


class _ContextFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = current_correlation_id()
        return True


class SafeJsonFormatter(JsonFormatter):
    """A JSON formatter that writes an exception's class and frames, never its message."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        _type, error, tb = ei
        return safe_traceback(error, tb) if error is not None else ""


def configure_logging(service: str, level: str = "INFO", stream=None) -> None:
    """Send every log record to ``stream`` (stderr) as one JSON object per line."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        SafeJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_ContextFilter(service))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # kafka-python logs every reconnect attempt at WARNING/ERROR; its own retries are reported by us.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("kafka").setLevel(max(logging.getLogger().level, logging.ERROR))
