"""Between the vacancy form and the vacancies API: the request body, the form's data, and where each problem goes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from shared.taxonomy import load_taxonomy

SKILL_CODE = re.compile(r"^S\d{4}$")


@lru_cache(maxsize=1)
def _skill_terms() -> dict[str, str]:
    taxonomy = load_taxonomy()
    return {term.casefold(): code for term, code in taxonomy.terms() if code in taxonomy.skills}


def resolve_skills(text: str | None) -> tuple[list[str], list[str]]:
    """Return the skill codes named in comma-separated text (codes, labels or synonyms in any language) and
    the names that match no skill."""
    codes, unknown = [], []
    for name in (part.strip() for part in (text or "").replace(";", ",").split(",")):
        if not name:
            continue
        code = name.upper() if SKILL_CODE.match(name.upper()) else _skill_terms().get(name.casefold())
        if code is None:
            unknown.append(name)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def skill_labels(codes: Iterable[str], lang: str) -> str:
    """Return skill codes as comma-separated labels in ``lang`` (codes the taxonomy lacks stay as codes)."""
    taxonomy = load_taxonomy()
    return ", ".join(taxonomy.label(c, lang) if taxonomy.get(c) else c for c in codes)


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def vacancy_body(form, required_skills: list[str], nice_skills: list[str]) -> dict:
    """Return the vacancies API body from a validated form."""
    languages = [{"code": sub.code.data, "min_level": sub.min_level.data or "A1"}
                 for sub in (form.language_1.form, form.language_2.form) if sub.code.data]
    body = {
        "title": form.title.data.strip(), "description": form.description.data.strip(),
        "language": form.language.data, "required_skills": required_skills, "nice_skills": nice_skills,
        "languages": languages, "country": form.country.data, "city": (form.city.data or "").strip() or None,
        "remote": bool(form.remote.data), "openings": form.openings.data,
        "pay": {"amount": _number(form.pay.form.amount.data), "currency": form.pay.form.currency.data,
                "period": form.pay.form.period.data},
        "hours_per_week": _number(form.hours_per_week.data),
        "shifts": (form.shifts.data or "").strip() or None, "contract_type": form.contract_type.data,
        "start_date": form.start_date.data.isoformat() if form.start_date.data else None,
        "closing_date": form.closing_date.data.isoformat() if form.closing_date.data else None,
        "licence_required": bool(form.licence_required.data),
        "work_authorization_required": bool(form.work_authorization_required.data),
        "benefits": {k: bool(getattr(form.benefits.form, k).data) for k in ("social_security", "housing", "transport")},
    }
    if form.occupation.data:
        body["occupation"] = form.occupation.data.strip()
    return body


def form_data(vacancy: dict, lang: str) -> dict:
    """Return the form's initial data from a vacancy the service returned."""
    from datetime import date

    languages = list(vacancy.get("languages") or []) + [{}, {}]
    pay = vacancy.get("pay") or {}
    shifts = vacancy.get("shifts")
    return {
        "title": vacancy.get("title"), "description": vacancy.get("description"),
        "language": vacancy.get("language"), "occupation": vacancy.get("occupation") or "",
        "required_skills": skill_labels(vacancy.get("required_skills") or [], lang),
        "nice_skills": skill_labels(vacancy.get("nice_skills") or [], lang),
        "language_1": {"code": languages[0].get("code", ""), "min_level": languages[0].get("min_level", "")},
        "language_2": {"code": languages[1].get("code", ""), "min_level": languages[1].get("min_level", "")},
        "country": vacancy.get("country"), "city": vacancy.get("city") or "", "remote": vacancy.get("remote"),
        "openings": vacancy.get("openings"),
        "pay": {"amount": None if pay.get("amount") is None else Decimal(str(pay["amount"])),
                "currency": pay.get("currency"), "period": pay.get("period")},
        "hours_per_week": None if vacancy.get("hours_per_week") is None else Decimal(str(vacancy["hours_per_week"])),
        "shifts": ", ".join(shifts) if isinstance(shifts, list) else (shifts or ""),
        "contract_type": vacancy.get("contract_type"),
        "start_date": date.fromisoformat(vacancy["start_date"]) if vacancy.get("start_date") else None,
        "closing_date": date.fromisoformat(vacancy["closing_date"]) if vacancy.get("closing_date") else None,
        "licence_required": vacancy.get("licence_required"),
        "work_authorization_required": vacancy.get("work_authorization_required"),
        "benefits": dict(vacancy.get("benefits") or {}),
    }


def field_id(pointer: str, ids: set[str]) -> str | None:
    """Return the id of the form field a JSON pointer (RFC 6901) names, or None when no field shows it."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/") if p != ""]
    if len(parts) >= 2 and parts[0] == "languages" and parts[1].isdigit():
        parts = [f"language_{int(parts[1]) + 1}", *parts[2:]]
    while parts:  # the finest field the form has: /required_skills/3 is shown at required_skills
        candidate = "-".join(parts)
        if candidate in ids:
            return candidate
        parts = parts[:-1]
    return None


def form_field_ids(form) -> set[str]:
    """Return the ids of every field of a form, nested ones included."""
    ids = set()
    for field in form:
        ids.add(field.id)
        if hasattr(field, "form"):
            ids |= {sub.id for sub in field.form}
    return ids
