"""How a profile becomes its ``profile.published`` event: contract-valid for full and sparse profiles alike.

The payload classes themselves (``shared.published.profiles``) are checked in tests/contract/test_published.py.
"""

import pytest

from services.profiles import events
from services.profiles.domain.model import Education, Experience, new_profile
from shared.events import SchemaRegistry
from shared.published.profiles import ProfilePublished
from tests.conftest import ROOT
from tests.unit.profiles.factories import NOW, TODAY, YES, details

CONTRACTS = SchemaRegistry.from_contracts(ROOT / "contracts")
PROFILE_ID = "8b3c4d5e-6f7a-4b8c-8d9e-1f2a3b4c5d6e"
SOURCE = "/services/profiles"


def published(**changes) -> ProfilePublished:
    profile = new_profile(PROFILE_ID, "centre-lima", details(**changes), YES, "ana", NOW)
    return events.published(profile, changes.get("text_language", "es"), TODAY)


@pytest.mark.parametrize("event", [
    published(),
    # a job without dates (years unknown), an education level, no city, a language outside the contract's list
    published(experience=[Experience("Cocinero", "5120")], education=[Education("Bachiller", 3)],
              text_language="de", desired_occupations=[]),
    published(work_authorizations=[], languages=[], skills=[], experience=[], desired_occupations=[],
              availability=None, skills_text=""),
], ids=["full", "unknown-years", "sparse"])
def test_a_published_profile_matches_its_contract(event):
    CONTRACTS.validate(event.event(SOURCE))


def test_an_occupation_from_experience_always_says_its_years_and_a_desired_one_never_does():
    data = published(experience=[Experience("Cocinero", "5120")]).to_data()
    assert data["occupations"] == [{"code": "5120", "source": "experience", "years": None},
                                   {"code": "7112", "source": "desired"}]


def test_the_event_is_keyed_and_subjected_by_the_profile_id():
    cloud_event = published().event(SOURCE)
    assert (cloud_event.type, cloud_event.source, cloud_event.subject) == (ProfilePublished.TYPE, SOURCE, PROFILE_ID)
