"""How an assessed credential becomes the event that announces it, and the topics the service uses.

The events themselves are the published language in ``shared.published``: the service publishes
``credentials.CredentialAssessed`` (ids, codes and statuses, never a title, an institution or interview notes)
and, from the profiles topic, reads only which centre keeps a person and when a person is erased.
"""

from __future__ import annotations

from datetime import datetime

from services.credentials.domain.model import Credential
from shared.published import credentials, profiles
from shared.published.credentials import CredentialAssessed

TOPIC = credentials.TOPIC
PROFILES = profiles.TOPIC  # the topic it reads, keyed by profile id


def assessed(credential: Credential) -> CredentialAssessed:
    """Return the event announcing an assessed credential's outcome and workflow status."""
    a = credential.assessment
    if a is None:
        raise ValueError(f"credential {credential.id} has not been assessed")
    now, later = a.occupations_for(credential.workflow_status)
    return CredentialAssessed(credential_id=credential.id, profile_id=credential.profile_id,
                              destination_country=a.destination, level=a.recognised_level, field=credential.field,
                              status=a.status, workflow_status=credential.workflow_status, regulated=a.regulated,
                              occupations_now=tuple(now), occupations_later=tuple(later),
                              assessed_at=datetime.fromisoformat(a.assessed_at))
