"""``Idempotency-Key`` on the POSTs that create, once for every service (IETF draft-ietf-httpapi-idempotency-key).

A client that may send a create twice (a retry after a timeout, a feed re-sent) names it with a key of its
own. The first request with a key claims it in the service's ``idempotency_keys`` table before anything is
created; a later one with the same key and the same body gets the first response again (marked
``Idempotent-Replayed: true``); the same key with another body is refused (422); a repeat while the first is
still running gets 409 with ``Retry-After``. Keys belong to their caller and are kept a day. Only a success
is kept: a refused request frees its key, so the corrected request can use it.

A view opts in with :func:`idempotent`, placed right under the blueprint's route decorator; each service
whose views create gets the table from a migration calling :func:`upgrade_idempotency`. The stored reply is a
copy of what was created, so erasing the resource must call :func:`forget_resource` in the same transaction.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    JSON,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shared.auth import AuthError, current_principal
from shared.db import UtcDateTime
from shared.errors import BadRequest, Conflict, Invalid
from shared.i18n import N_
from shared.inputs import loads

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP = timedelta(hours=24)  # how long a key is remembered
ABANDONED = timedelta(minutes=2)  # a claim older than this whose request never finished may be taken over
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the draft's examples and every client send
_KEPT_HEADERS = ("Location", "ETag", "Content-Type", "Content-Language")

KEY_MALFORMED = N_("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")
KEY_REUSED = N_("This Idempotency-Key was sent before with another request; use a new key for a new request.")
KEY_BUSY = N_("A request with this Idempotency-Key is still being processed; try again in a moment.")

PARAMETER = {"in": "header", "name": HEADER, "required": False, "schema": {"type": "string", "maxLength": 255},
             "description": "A key of your own for this create: sent again with the same body, the first "
                            "response is replayed instead of creating twice (kept 24 hours)."}

idempotency_metadata = MetaData()
idempotency_table = Table(
    "idempotency_keys", idempotency_metadata,
    Column("scope", String(200), primary_key=True),  # the caller: organisation and subject
    Column("idem_key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),  # SHA-256 of the method, the path and the body
    Column("status", Integer, nullable=True),  # NULL while the first request is running
    Column("headers", JSON, nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("resource_id", String(200), nullable=True),  # the last segment of the Location created
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_idempotency_keys_created_at", "created_at"),
    Index("ix_idempotency_keys_resource", "resource_id"),
)


def upgrade_idempotency() -> None:
    """Create the ``idempotency_keys`` table (called from a service's Alembic migration)."""
    from alembic import op

    idempotency_metadata.create_all(bind=op.get_bind(), tables=[idempotency_table])


def downgrade_idempotency() -> None:
    """Drop the ``idempotency_keys`` table."""
    from alembic import op

    op.drop_table("idempotency_keys")


def forget_resource(session: Session, resource_id: str) -> None:
    """Delete the stored replies that created ``resource_id`` (they are copies of it), in the caller's transaction."""
    session.execute(delete(idempotency_table).where(idempotency_table.c.resource_id == resource_id))


@dataclass(frozen=True)
class StoredResponse:
    """The first response to a key: what a replay sends back."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Claim:
    """What the store says about a key: ``new`` (go ahead), ``replay``, ``mismatch`` or ``busy``."""

    state: str
    stored: StoredResponse | None = None


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


class SqlIdempotencyStore:
    """Keys in the service's own database; each call is its own short transaction, apart from the create's."""

    def __init__(self, sessions: sessionmaker[Session], keep: timedelta = KEEP, abandoned: timedelta = ABANDONED,
                 clock: Callable[[], datetime] = utcnow):
        self.sessions, self.keep, self.abandoned, self.clock = sessions, keep, abandoned, clock

    def _where(self, scope: str, key: str):
        t = idempotency_table
        return (t.c.scope == scope) & (t.c.idem_key == key)

    def claim(self, scope: str, key: str, fingerprint: str) -> Claim:
        """Claim ``key`` for a request with ``fingerprint``, or say why the request must not run."""
        t = idempotency_table
        for _ in range(3):  # a key freed between our insert and our read is claimed on the next turn
            now = self.clock()
            try:
                with self.sessions() as s, s.begin():
                    s.execute(delete(t).where(t.c.created_at < now - self.keep))
                    s.execute(insert(t).values(scope=scope, idem_key=key, fingerprint=fingerprint, created_at=now))
                return Claim("new")
            except IntegrityError:
                pass
            with self.sessions() as s, s.begin():
                row = s.execute(select(t).where(self._where(scope, key))).mappings().first()
                if row is None:
                    continue
                if row["fingerprint"] != fingerprint:
                    return Claim("mismatch")
                if row["status"] is not None:
                    return Claim("replay", StoredResponse(row["status"], dict(row["headers"] or {}), row["body"]))
                if row["created_at"] >= now - self.abandoned:
                    return Claim("busy")
                taken = s.execute(update(t).where(self._where(scope, key) & t.c.status.is_(None)
                                                  & (t.c.created_at == row["created_at"])).values(created_at=now))
                return Claim("new") if taken.rowcount == 1 else Claim("busy")
        return Claim("busy")

    def complete(self, scope: str, key: str, response: StoredResponse, resource_id: str | None) -> None:
        """Keep the response of the request that claimed ``key``."""
        with self.sessions() as s, s.begin():
            s.execute(update(idempotency_table).where(self._where(scope, key)).values(
                status=response.status, headers=response.headers, body=response.body, resource_id=resource_id))

    def release(self, scope: str, key: str) -> None:
        """Free ``key`` after its request failed, so that a corrected request may use it."""
        with self.sessions() as s, s.begin():
            s.execute(delete(idempotency_table).where(self._where(scope, key)
                                                      & idempotency_table.c.status.is_(None)))


def fingerprint_of(request) -> str:
    """Return the SHA-256 of a request's method, path and body (JSON compared by value, not by spelling)."""
    body = request.get_data(cache=True)
    if request.is_json:
        with contextlib.suppress(ValueError):  # malformed JSON is compared as sent; the view refuses it anyway
            body = json.dumps(loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.full_path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _resource_id(location: str | None) -> str | None:
    return location.rstrip("/").rsplit("/", 1)[-1][:200] if location else None


def idempotent(view: Callable) -> Callable:
    """Make a create view honour ``Idempotency-Key`` (place it right under ``@blp.post``)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        from flask import current_app, request

        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        key = key.strip()
        if len(key) > 1 and key[0] == key[-1] == '"':  # the draft's structured-field form: "key"
            key = key[1:-1]
        if not _KEY.match(key):
            raise BadRequest("idempotency_key_malformed", KEY_MALFORMED)
        try:
            principal = current_principal()
        except AuthError:
            return view(*args, **kwargs)  # the view answers 401 as it always does
        scope = f"{principal.org}/{principal.subject}"[:200]
        store: SqlIdempotencyStore = current_app.extensions["puente.idempotency"]
        claim = store.claim(scope, key, fingerprint_of(request))
        if claim.state == "replay":
            replay = current_app.response_class(claim.stored.body, status=claim.stored.status,
                                                headers=claim.stored.headers)
            replay.headers[REPLAYED] = "true"
            return replay
        if claim.state == "mismatch":
            raise Invalid("idempotency_key_reused", KEY_REUSED)
        if claim.state == "busy":
            raise Conflict("idempotency_key_busy", KEY_BUSY, headers={"Retry-After": "1"})
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            store.release(scope, key)
            raise
        if 200 <= response.status_code < 300:
            headers = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
            store.complete(scope, key, StoredResponse(response.status_code, headers, response.get_data()),
                           _resource_id(response.headers.get("Location")))
        else:
            store.release(scope, key)
        return response

    wrapper._apidoc = deepcopy(getattr(view, "_apidoc", {}))
    wrapper._apidoc.setdefault("arguments", {}).setdefault("parameters", []).append(dict(PARAMETER))
    return wrapper
