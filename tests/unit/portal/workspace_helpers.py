"""Helpers for the workspace's page tests: people, vacancies and matches put straight into the fakes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import jwt

from services.portal.adapters.memory import FakeMatching, FakeProfiles, FakeVacancies, match_item

CENTRE_ID, OTHER_CENTRE_ID = "centre-cucuta", "centre-lima"
EMPLOYER_ID = "employer-constructora-andina"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def token(org: str = CENTRE_ID, role: str = "counsellor", sub: str = "user-test") -> str:
    """Return an unsigned-looking token the fakes read (they trust its claims)."""
    return jwt.encode({"sub": sub, "role": role, "org": org}, "k" * 40, algorithm="HS256")


def text(response) -> str:
    return response.get_data(as_text=True)


def add_person(profiles: FakeProfiles, given: str = "María Fernanda", family: str = "Rangel Ochoa", *,
               centre: str = CENTRE_ID, contact_days_ago: int = 0, consents: dict | None = None, **details) -> str:
    """Register a person in the fake profiles service and return their id."""
    body = {"identity": {"given_names": given, "family_names": family, "date_of_birth": "1988-03-14",
                         "documents": [{"type": "passport", "number": "VE-1234567", "country": "VE"}],
                         "phone": "+57 300 123 4567", "whatsapp": True, "email": None, "nationalities": ["VE"]},
            "location": {"country": "CO", "city": "Cúcuta", "willing_to_relocate": False,
                         "relocation_countries": []},
            "consents": consents or {"matching": True, "introductions": True, "statistics": True}, **details}
    reply = profiles.create_profile(token(centre), "en", body)
    assert reply.status == 201, reply.body
    profile_id = reply.body["id"]
    profiles.profiles[profile_id]["_last_contact_at"] = datetime.now(UTC) - timedelta(days=contact_days_ago)
    return profile_id


def add_vacancy(fake: FakeVacancies, profiles: FakeProfiles, title: str = "Albañil de obra", *,
                employer: str = EMPLOYER_ID, country: str = "CO", city: str = "Cúcuta", amount: int = 1800000,
                status: str = "published") -> str:
    """Publish a vacancy in the fake vacancies service, known to profiles as the vacancies topic would make it."""
    vacancy_id = str(uuid.uuid4())
    fake.employers.setdefault(employer, {"name": "Constructora Andina", "country": country})
    fake.vacancies[vacancy_id] = {
        "id": vacancy_id, "employer_id": employer, "status": status, "title": title, "description": "Obra.",
        "country": country, "city": city, "pay": {"amount": amount, "currency": "COP", "period": "month"},
        "hours_per_week": 44, "contract_type": "permanent", "monthly_equivalent": amount, "findings": [],
        "version": 1, "published_at": (datetime.now(UTC) - timedelta(days=3)).isoformat()}
    profiles.know_vacancy(vacancy_id, employer, title, status == "published")
    return vacancy_id


def place(profiles: FakeProfiles, profile_id: str, vacancy_id: str, *stages: str) -> str:
    """Put a person in the pipeline for a vacancy and move them through ``stages``; return the placement id."""
    reply = profiles.create_placement(token(), "en", profile_id, vacancy_id)
    placement = reply.body
    for stage in stages:
        if stage == "introduced":
            profiles.introduce(token(), "en", profile_id, vacancy_id, {"given": True, "language": "es",
                                                                       "read_aloud": False})
        else:
            current = profiles.placements[placement["id"]]
            assert profiles.record_stage(token(), "en", placement["id"], f'"{current["version"]}"', stage).ok
    return placement["id"]


def rank(matching: FakeMatching, profile_id: str, *items: dict, centre: str = CENTRE_ID) -> None:
    """Make matching rank these vacancies for the person."""
    matching.place(profile_id, centre, list(items))


__all__ = ["match_item"]


class PageCheck(HTMLParser):
    """Check a page's HTML: tags close in order, ids are unique, every control has a label pointing at it."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: set[str] = set()
        self.controls: list[str | None] = []
        self.labelled: set[str] = set()
        self.wrapped = 0  # controls inside a <label> (none expected here, but they would be labelled)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            if a["id"] in self.ids:
                self.problems.append(f"duplicate id {a['id']}")
            self.ids.add(a["id"])
        if tag == "label":
            self.labelled.add(a.get("for"))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            if "label" in self.stack:
                self.wrapped += 1
            else:
                self.controls.append(a.get("id"))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def check(self, html: str) -> list[str]:
        """Return the problems found in a page (empty when it is well formed and labelled)."""
        self.feed(html)
        self.close()
        unlabelled = [c for c in self.controls if c is None or c not in self.labelled]
        return self.problems + [f"unclosed {t}" for t in self.stack] + [f"no label for {c}" for c in unlabelled]
