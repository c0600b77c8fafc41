"""What the portal needs from the other services and a mail server; adapters/ has their clients and
fakes.

Every call carries the signed-in person's bearer token and language; the service decides what they may do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

PAGE_SIZE = 100  # the matching API's largest page


class ServiceUnavailable(Exception):
    """Raised when a service (vacancies, matching, profiles, credentials) cannot be reached or answers 5xx."""


@dataclass(frozen=True)
class Reply:
    """What the service answered: status, JSON body, and the ETag and Location, if any."""

    status: int
    body: Any
    etag: str | None = None
    location: str | None = None

    @property
    def ok(self) -> bool:
        """Return whether the call succeeded (2xx)."""
        return 200 <= self.status < 300

    @property
    def errors(self) -> list[dict[str, str]]:
        """Return the problem document's ``[{pointer, reason}]``, if any."""
        return list((self.body or {}).get("errors") or []) if isinstance(self.body, dict) else []


class Transport(Protocol):
    """Carries one call to a service: over HTTP, or to its app in this process."""

    def __call__(self, method: str, path: str, headers: dict[str, str], params: dict | None,
                 body: dict | None) -> Reply: ...


class VacanciesPort(Protocol):
    """The vacancies service's API as the portal uses it."""

    def register_employer(self, token: str, lang: str, body: dict) -> Reply: ...
    def get_employer(self, token: str, lang: str, org_id: str) -> Reply: ...
    def list_vacancies(self, token: str, lang: str, employer: str, cursor: str | None = None,
                       limit: int = 50) -> Reply: ...
    def get_vacancy(self, token: str, lang: str, vacancy_id: str) -> Reply: ...
    def create_vacancy(self, token: str, lang: str, body: dict) -> Reply: ...
    def update_vacancy(self, token: str, lang: str, vacancy_id: str, etag: str, body: dict) -> Reply: ...
    def close_vacancy(self, token: str, lang: str, vacancy_id: str) -> Reply: ...
    def check_vacancy(self, token: str, lang: str, body: dict) -> Reply: ...
    def suggest_occupations(self, token: str, lang: str, title: str) -> Reply: ...
    def minimum_wage(self, token: str, lang: str, country: str) -> Reply: ...


class MatchingPort(Protocol):
    """The matching service's API as the portal uses it."""

    def candidates(self, token: str, lang: str, vacancy_id: str, limit: int = PAGE_SIZE,
                   cursor: str | None = None) -> Reply: ...
    def for_profile(self, token: str, lang: str, profile_id: str, limit: int = PAGE_SIZE,
                    cursor: str | None = None) -> Reply: ...


class ProfilesPort(Protocol):
    """The profiles service's API as the counsellor's workspace and the employer's candidates page use it.

    Placements, introductions and introduction requests follow the workspace contract of the profiles service.
    """

    def create_profile(self, token: str, lang: str, body: dict) -> Reply: ...
    def get_profile(self, token: str, lang: str, profile_id: str) -> Reply: ...
    def update_profile(self, token: str, lang: str, profile_id: str, etag: str, body: dict) -> Reply: ...
    def merge_profiles(self, token: str, lang: str, profile_id: str, other_id: str) -> Reply: ...
    def list_profiles(self, token: str, lang: str, filters: dict, limit: int = 20,
                      cursor: str | None = None) -> Reply: ...
    def suggest(self, token: str, lang: str, text: str, text_lang: str | None = None, kind: str | None = None,
                limit: int = 8) -> Reply: ...
    def create_placement(self, token: str, lang: str, profile_id: str, vacancy_id: str,
                         note: str | None = None) -> Reply: ...
    def list_placements(self, token: str, lang: str, *, profile_id: str | None = None,
                        vacancy_id: str | None = None, stage: str | None = None, limit: int = 50,
                        cursor: str | None = None) -> Reply: ...
    def get_placement(self, token: str, lang: str, placement_id: str) -> Reply: ...
    def record_stage(self, token: str, lang: str, placement_id: str, etag: str, stage: str,
                     note: str | None = None, on: str | None = None) -> Reply: ...
    def introduce(self, token: str, lang: str, profile_id: str, vacancy_id: str, consent: dict) -> Reply: ...
    def list_introductions(self, token: str, lang: str, vacancy_id: str) -> Reply: ...
    def request_introduction(self, token: str, lang: str, vacancy_id: str, candidate: str) -> Reply: ...
    def list_introduction_requests(self, token: str, lang: str) -> Reply: ...


class CredentialsPort(Protocol):
    """The credentials service's API as the intake uses it: declare, assess, follow the procedure."""

    def declare(self, token: str, lang: str, body: dict) -> Reply: ...
    def list_for_profile(self, token: str, lang: str, profile_id: str, limit: int = 20,
                         cursor: str | None = None) -> Reply: ...
    def assess(self, token: str, lang: str, credential_id: str, destination: str) -> Reply: ...
    def change_status(self, token: str, lang: str, credential_id: str, etag: str, status: str,
                      note: str = "") -> Reply: ...


@dataclass(frozen=True)
class Mail:
    """A plain-text e-mail to one person."""

    to: str
    subject: str
    text: str


class MailUnavailable(Exception):
    """Raised when a mail could not be handed to the mail server."""


class Mailer(Protocol):
    """Sends e-mail: through SMTP, to the log in the embedded default, or into a list in tests."""

    def send(self, mail: Mail) -> None: ...


@dataclass(frozen=True)
class TextMessage:
    """A short plain-text message to one phone number (E.164), as WhatsApp or SMS carry it."""

    to: str
    text: str


class MessageUnavailable(Exception):
    """Raised when a message could not be handed to the messaging provider."""


class Messenger(Protocol):
    """Sends short messages to people's phones: WhatsApp-ready (one plain text per notice, no links needed); the
    log in the embedded default and until a provider is set up, a list in tests."""

    def send(self, message: TextMessage) -> None: ...


@dataclass(frozen=True)
class NoticeSettings:
    """What an employer's user asked to be e-mailed about, and in which language."""

    introductions: bool
    language: str


class NoticeSettingsStore(Protocol):
    """Where employers' users keep their notification choices (the portal's database)."""

    def get(self, user_id: str) -> NoticeSettings | None: ...
    def put(self, user_id: str, settings: NoticeSettings) -> None: ...
    def introduction_subscribers(self, org: str) -> list[tuple[str, str]]: ...
