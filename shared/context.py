"""Request-scoped values that travel from an HTTP request into logs and the events it causes."""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_correlation_id: ContextVar[str | None] = ContextVar("puente_correlation_id", default=None)

# A caller-supplied id is echoed into logs and events, so keep it short and boring.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def new_correlation_id() -> str:
    """Return a fresh correlation id."""
    return uuid.uuid4().hex


def sanitize_correlation_id(value: str | None) -> str:
    """Return the given id if it is safe to propagate, else a fresh one."""
    if value and _SAFE_ID.match(value):
        return value
    return new_correlation_id()


def current_correlation_id() -> str | None:
    """Return the correlation id of the work in progress, if any."""
    return _correlation_id.get()


def set_correlation_id(value: str | None):
    """Set the correlation id for the current context and return the reset token."""
    return _correlation_id.set(value)


def reset_correlation_id(token) -> None:
    """Restore the correlation id that was current before ``set_correlation_id``."""
    _correlation_id.reset(token)


@contextmanager
def correlation(value: str | None):
    """Run a block with the given correlation id."""
    token = _correlation_id.set(value)
    try:
        yield value
    finally:
        _correlation_id.reset(token)
