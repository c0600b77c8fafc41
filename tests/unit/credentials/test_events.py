"""How an assessed credential becomes its ``credential.assessed`` event: contract-valid in every case, no names.

The payload class itself (``shared.published.credentials``) is checked in tests/contract/test_published.py.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.credentials.domain.assessment import assess
from services.credentials.domain.model import declare
from services.credentials.domain.rules import load_rulebook
from services.credentials.events import assessed
from shared.events import SchemaRegistry
from shared.published.credentials import CredentialAssessed

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 27, tzinfo=UTC)
PROFILE = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
CREDENTIAL = "0b6c2f4e-8d1a-4e3b-9c5d-7f6e5d4c3b2a"


@pytest.fixture(scope="module")
def registry():
    return SchemaRegistry.from_contracts(ROOT / "contracts")


def assessed_in(destination, **overrides):
    values = dict(profile_id=PROFILE, org="centre-lima", title="Licenciada en Enfermería", level=6,
                  orientation="general", field="0913", country="VE", institution="UCV", year=2011,
                  documents=("original", "apostilled"), by="c-1", at=NOW, credential_id=CREDENTIAL)
    credential = declare(**{**values, **overrides})
    result = assess(credential, destination, load_rulebook(), at=NOW.isoformat(timespec="seconds"))
    return credential.assessed(result, "c-1", NOW)


# A regulated procedure, a pair the rules do not know (no level, no agreement), and an unrecognisable one.
CASES = {"procedure in Peru": ("PE", {}), "unknown pair": ("MX", {}),
         "lost documents, no route": ("CL", {"country": "BR", "field": "0732", "documents": ("none",)})}


@pytest.mark.parametrize(("destination", "overrides"), CASES.values(), ids=CASES.keys())
def test_the_assessed_event_of_every_kind_of_outcome_matches_its_contract(registry, destination, overrides):
    built = assessed(assessed_in(destination, **overrides))
    event = built.event("/services/credentials")
    registry.validate(event)
    assert event.type == CredentialAssessed.TYPE and event.subject == CREDENTIAL
    assert event.data["assessed_at"] == NOW.isoformat(timespec="seconds")  # as the assessment wrote it


def test_the_assessed_event_follows_the_workflow_and_carries_no_names():
    credential = assessed_in("UY", title="Ingeniera Civil", field="0732")  # engineering is not licensed in Uruguay
    before = assessed(credential).to_data()
    after = assessed(credential.moved_to("recognised", "c-2", NOW)).to_data()
    assert (before["workflow_status"], before["occupations_now"], before["occupations_later"]) == (
        "assessed", ["3112"], ["2142"])
    assert (after["workflow_status"], after["occupations_now"], after["occupations_later"]) == (
        "recognised", ["3112", "2142"], [])
    assert "Ingeniera" not in str(before) and "UCV" not in str(before)


def test_a_credential_not_yet_assessed_has_no_event():
    credential = declare(profile_id=PROFILE, org="o", title="t", level=3, orientation="general", field=None,
                         country="VE", institution="i", year=None, documents=("original",), by="c", at=NOW)
    with pytest.raises(ValueError, match="not been assessed"):
        assessed(credential)
