"""Rules a profile must satisfy beyond the shape of its fields; every problem is reported, not just the first."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from typing import Protocol

import phonenumbers

from services.profiles.domain.messages import INVALID_FIELDS, Problem
from services.profiles.domain.model import ProfileDetails
from shared.errors import Invalid

MIN_AGE, MAX_AGE = 14, 100  # 14: the youngest legal working age in the region (with protection rules)
YEAR_MIN = 1940  # years go in as text: a year reads "1940", never "1,940" like an amount
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)  # ISO 3166-1 alpha-2 codes with a numbering plan


class CodeBook(Protocol):
    """Which taxonomy codes exist."""

    def is_skill(self, code: str) -> bool: ...

    def is_occupation(self, code: str) -> bool: ...


class InvalidProfile(Invalid):
    """Raised with every problem of a profile (422, one entry per refused field); nothing of it is stored."""

    def __init__(self, problems: list[Problem]):
        super().__init__("invalid_profile", INVALID_FIELDS, issues=problems)
        self.problems = problems
        self.args = ("; ".join(f"{p.pointer}: {p.code}" for p in problems),)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _countries(values: list[tuple[str, str | None]], problems: list[Problem]) -> None:
    for pointer, code in values:
        if code is not None and code not in COUNTRIES:
            problems.append(Problem(pointer, "country_unknown"))


def _repeats(pointer: str, values: list[str], problems: list[Problem]) -> None:
    for value, count in Counter(values).items():
        if count > 1:
            problems.append(Problem(pointer, "repeated", {"value": value}))


def normalise_phone(raw: str | None, country: str | None) -> str | None:
    """Return ``raw`` in E.164 form, or raise ValueError when it is not a valid number."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, country if country in COUNTRIES else None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_details(details: ProfileDetails, codes: CodeBook, today: date) -> tuple[ProfileDetails, list[Problem]]:
    """Return the details with the phone in E.164 form, and every problem found."""
    problems: list[Problem] = []
    ident = details.identity
    if ident.date_of_birth is not None:
        if ident.date_of_birth > today:
            problems.append(Problem("/identity/date_of_birth", "birth_date_future"))
        elif _age(ident.date_of_birth, today) < MIN_AGE:
            problems.append(Problem("/identity/date_of_birth", "too_young", {"min_age": MIN_AGE}))
        elif _age(ident.date_of_birth, today) > MAX_AGE:
            problems.append(Problem("/identity/date_of_birth", "too_old", {"max_age": MAX_AGE}))
    _countries([(f"/identity/nationalities/{i}", c) for i, c in enumerate(ident.nationalities)], problems)
    _repeats("/identity/nationalities", ident.nationalities, problems)
    _countries([(f"/identity/documents/{i}/country", d.country) for i, d in enumerate(ident.documents)], problems)
    phone = ident.phone
    try:
        phone = normalise_phone(ident.phone, details.location.country)
    except ValueError:
        problems.append(Problem("/identity/phone", "phone_invalid"))

    loc = details.location
    _countries([("/location/country", loc.country)], problems)
    _countries([(f"/location/relocation_countries/{i}", c) for i, c in enumerate(loc.relocation_countries)], problems)
    if loc.relocation_countries and not loc.willing_to_relocate:
        problems.append(Problem("/location/relocation_countries", "relocation_not_willing"))
    _repeats("/location/relocation_countries", loc.relocation_countries, problems)

    _repeats("/languages", [lang.code for lang in details.languages if lang.code != "other"], problems)

    for i, auth in enumerate(details.work_authorizations):
        where = f"/work_authorizations/{i}"
        _countries([(f"{where}/country", auth.country)], problems)
        if auth.expires is not None and auth.status != "permit":
            problems.append(Problem(f"{where}/expires", "expiry_without_permit"))
        elif auth.expires is not None and auth.expires < today:
            problems.append(Problem(f"{where}/expires", "permit_expired"))
    _repeats("/work_authorizations", [a.country for a in details.work_authorizations], problems)

    for i, job in enumerate(details.experience):
        where = f"/experience/{i}"
        _countries([(f"{where}/country", job.country)], problems)
        if job.occupation is not None and not codes.is_occupation(job.occupation):
            problems.append(Problem(f"{where}/occupation", "occupation_unknown", {"code": job.occupation}))
        if job.start is not None and job.start > today:
            problems.append(Problem(f"{where}/start", "date_future"))
        if job.end is not None and job.end > today:
            problems.append(Problem(f"{where}/end", "date_future"))
        if job.start is not None and job.end is not None and job.end < job.start:
            problems.append(Problem(f"{where}/end", "end_before_start"))

    for i, code in enumerate(details.skills):
        if not codes.is_skill(code):
            problems.append(Problem(f"/skills/{i}", "skill_unknown", {"code": code}))
    _repeats("/skills", details.skills, problems)
    for i, code in enumerate(details.desired_occupations):
        if not codes.is_occupation(code):
            problems.append(Problem(f"/desired_occupations/{i}", "occupation_unknown", {"code": code}))
    _repeats("/desired_occupations", details.desired_occupations, problems)

    for i, school in enumerate(details.education):
        _countries([(f"/education/{i}/country", school.country)], problems)
        if school.year is not None and not YEAR_MIN <= school.year <= today.year:
            years = {"min": str(YEAR_MIN), "max": str(today.year)}
            problems.append(Problem(f"/education/{i}/year", "year_range", years))

    if details.pay_expectation is not None and details.pay_expectation.amount <= 0:
        problems.append(Problem("/pay_expectation/amount", "not_positive"))
    return replace(details, identity=replace(ident, phone=phone)), problems


def validated(details: ProfileDetails, codes: CodeBook, today: date) -> ProfileDetails:
    """Return the normalised details, or raise InvalidProfile with every problem."""
    details, problems = check_details(details, codes, today)
    if problems:
        raise InvalidProfile(problems)
    return details
