"""Errors a use case raises for the caller to read; the HTTP layer turns each into RFC 9457 problem+json.

Pure Python: domain and service layers raise these without knowing about Flask. ``message`` is an English
msgid (marked with :func:`shared.i18n.N_`) with ``%(name)s`` placeholders filled from ``params``; it is
translated into the reader's language when the response is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from shared.i18n import N_


def etag(version: int | str) -> str:
    """Return the strong ETag of a resource version."""
    return f'"{version}"'


class Issue(Protocol):
    """One refused field: a JSON pointer, a translatable message and the values it mentions."""

    pointer: str
    message: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class FieldIssue:
    """A plain :class:`Issue`."""

    pointer: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


class ApiError(Exception):
    """A refusal with a stable ``code``, a translatable ``message``, and the field or fields it concerns.

    ``pointer`` names one field; ``issues`` lists several (a form refused as a whole, each field with its own
    reason).
    """

    status: ClassVar[int] = 400
    title: ClassVar[str] = N_("Bad Request")

    def __init__(self, code: str, message: str, *, pointer: str | None = None, status: int | None = None,
                 headers: Mapping[str, str] | None = None, issues: Sequence[Issue] = (), **params: Any):
        self.code, self.message, self.pointer, self.params = code, message, pointer, params
        self.issues = list(issues)
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})
        super().__init__(f"{code}: {message % params if params else message}")


class BadRequest(ApiError):
    """The request cannot be used as sent (a malformed parameter)."""


class Invalid(ApiError):
    """A rule refused a value; ``pointer`` names the field."""

    status = 422
    title = N_("Unprocessable Entity")


class Forbidden(ApiError):
    """The caller is known but may not do this."""

    status = 403
    title = N_("Forbidden")


class NotFound(ApiError):
    """No such resource, or none the caller may know of."""

    status = 404
    title = N_("Not Found")


class Conflict(ApiError):
    """The request conflicts with the resource's current state."""

    status = 409
    title = N_("Conflict")


class AlreadyExists(Conflict):
    """What a create would add exists already (a unique key is taken); ``existing_id`` names the one that has it.

    The HTTP layer answers 409 with a ``Location`` pointing at the existing resource, beside the collection
    the create was sent to.
    """

    def __init__(self, code: str, message: str, *, existing_id: str | None = None, **kwargs: Any):
        super().__init__(code, message, **kwargs)
        self.existing_id = existing_id


class PreconditionFailed(ApiError):
    """The caller's If-Match names another version than the stored one; carries the current ETag."""

    status = 412
    title = N_("Precondition Failed")

    def __init__(self, code: str, message: str, *, current_version: int | str | None = None,
                 current_etag: str | None = None, **kwargs: Any):
        if current_etag is None and current_version is not None:
            current_etag = etag(current_version)
        headers = {"ETag": current_etag} if current_etag else None
        super().__init__(code, message, headers=headers, **kwargs)
        self.current_etag = current_etag


class PreconditionRequired(ApiError):
    """An update must name the version it changes (If-Match)."""

    status = 428
    title = N_("Precondition Required")
