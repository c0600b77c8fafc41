"""Who read a person's identifying fields, when and why: the access log's records and the rules for their purpose.

A record holds the reader (subject, role, organisation), the time, the person's pseudonymous profile id, what was
read and the purpose; never a name or a field's value. It stays when the person is erased: the record of who read
an erased person's data is the centre's accountability for it, and without the profile it identifies nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.profiles.domain.messages import PURPOSE_UNKNOWN
from services.profiles.domain.model import Actor
from shared.errors import Invalid

# Why a person's data is read; a caller names one in the X-Purpose header, or its role's default applies.
PURPOSES = ("casework", "introduction", "placement", "oversight", "data_request", "support")
DEFAULT_PURPOSES = {"counsellor": "casework", "employer": "introduction", "admin": "oversight"}
PURPOSE_HEADER = "X-Purpose"

# What was read.
PROFILE_READ = "profile.read"  # a profile in full (GET /profiles/{id})
PROFILE_LISTED = "profile.listed"  # a person's names in the centre's list
INTRODUCTION_READ = "introduction.read"  # an introduced person's names and contact
REQUEST_LISTED = "request.listed"  # a person's names in the centre's queue of introduction requests
ACTIONS = (PROFILE_READ, PROFILE_LISTED, INTRODUCTION_READ, REQUEST_LISTED)


@dataclass(frozen=True)
class AccessRecord:
    """One read of one person's identifying fields (``seq`` is given by the log when it is stored)."""

    at: datetime
    actor: str
    actor_role: str
    actor_org: str
    profile_id: str
    action: str
    purpose: str
    seq: int | None = None


def purpose_of(actor: Actor, given: str | None) -> str:
    """Return the purpose of a read: the one given, else the role's default; Invalid naming the header otherwise."""
    if given is None or not given.strip():
        return DEFAULT_PURPOSES.get(actor.role, "oversight")
    purpose = given.strip().lower()
    if purpose not in PURPOSES:
        raise Invalid("purpose_unknown", PURPOSE_UNKNOWN, pointer=f"/{PURPOSE_HEADER}", purposes=", ".join(PURPOSES))
    return purpose


def reads(actor: Actor, at: datetime, profile_ids: Iterable[str], action: str, purpose: str) -> list[AccessRecord]:
    """Return the records of ``actor`` reading each person once, in the order read."""
    return [AccessRecord(at, actor.subject, actor.role, actor.org, profile_id, action, purpose)
            for profile_id in dict.fromkeys(profile_ids)]
