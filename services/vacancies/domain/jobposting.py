"""schema.org JobPosting: export a published vacancy, and read a feed's JobPosting into a draft."""

from __future__ import annotations

import re
from typing import Any

from services.vacancies.domain.model import Vacancy

# schema.org employmentType values (Google's list); ours map onto them.
EMPLOYMENT_TYPE = {"permanent": "FULL_TIME", "fixed_term": "CONTRACTOR", "temporary": "TEMPORARY",
                   "seasonal": "TEMPORARY", "apprenticeship": "INTERN", "other": "OTHER"}
UNIT_TEXT = {"hour": "HOUR", "day": "DAY", "week": "WEEK", "month": "MONTH", "year": "YEAR"}
PERIOD = {v: k for k, v in UNIT_TEXT.items()}
REQUIRED = ("title", "description", "datePosted", "validThrough", "hiringOrganization", "baseSalary",
            "employmentType", "identifier", "directApply")


def to_jobposting(vacancy: Vacancy, employer_name: str, url: str) -> dict[str, Any]:
    """Return the JSON-LD object of a published vacancy."""
    d = vacancy.draft
    posted = vacancy.published_at or vacancy.created_at
    doc: dict[str, Any] = {
        "@context": "https://schema.org/", "@type": "JobPosting",
        "title": d.title, "description": d.description, "inLanguage": d.language,
        "datePosted": posted.date().isoformat(),
        "validThrough": (d.closing_date.isoformat() + "T23:59:59") if d.closing_date else None,
        "hiringOrganization": {"@type": "Organization", "name": employer_name, "identifier": vacancy.employer_id},
        "baseSalary": {"@type": "MonetaryAmount", "currency": d.pay.currency,
                       "value": {"@type": "QuantitativeValue", "value": d.pay.amount,
                                 "unitText": UNIT_TEXT[d.pay.period]}},
        "employmentType": EMPLOYMENT_TYPE.get(d.contract_type, "OTHER"),
        "identifier": {"@type": "PropertyValue", "name": "puente", "value": vacancy.id},
        "directApply": False, "url": url, "totalJobOpenings": d.openings,
        "workHours": f"{d.hours_per_week:g} hours per week",
        "occupationalCategory": f"ISCO-08 {d.occupation}" if d.occupation else None,
    }
    if d.remote:
        doc["jobLocationType"] = "TELECOMMUTE"
        doc["applicantLocationRequirements"] = {"@type": "Country", "name": d.country}
    else:
        doc["jobLocation"] = {"@type": "Place", "address": {"@type": "PostalAddress", "addressCountry": d.country,
                                                            "addressLocality": d.city}}
    if d.start_date:
        doc["jobStartDate"] = d.start_date.isoformat()
    if not doc["validThrough"]:
        del doc["validThrough"]  # schema.org allows leaving it out when there is no closing date
    return {k: v for k, v in doc.items() if v is not None}


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("value")
    return str(value).strip() if value not in (None, "") else None


def from_jobposting(obj: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return the draft fields a JobPosting carries, and errors (pointer, reason) for what is missing."""
    errors: list[dict[str, str]] = []
    if obj.get("@type") != "JobPosting":
        return {}, [{"pointer": "/@type", "reason": "must be JobPosting"}]
    out: dict[str, Any] = {"title": _text(obj.get("title")), "description": _strip_html(obj.get("description") or "")}
    out["language"] = (obj.get("inLanguage") or "es")[:2].lower()
    ident = obj.get("identifier")
    out["external_id"] = _text(ident) if ident else _text(obj.get("url"))
    loc = obj.get("jobLocation")
    loc = loc[0] if isinstance(loc, list) and loc else loc
    address = (loc or {}).get("address") if isinstance(loc, dict) else None
    if obj.get("jobLocationType") == "TELECOMMUTE":
        out["remote"] = True
        req = obj.get("applicantLocationRequirements") or {}
        out["country"] = _text(req) if isinstance(req, dict | str) else None
    elif isinstance(address, dict):
        out["country"], out["city"] = _text(address.get("addressCountry")), _text(address.get("addressLocality"))
    salary = obj.get("baseSalary") or {}
    value = salary.get("value") if isinstance(salary, dict) else None
    if isinstance(value, dict):
        amount = value.get("value", value.get("minValue"))
        out["pay"] = {"amount": amount, "currency": salary.get("currency"),
                      "period": PERIOD.get(str(value.get("unitText", "")).upper())}
    else:
        errors.append({"pointer": "/baseSalary", "reason": "a salary with value and unitText is required"})
    hours = re.search(r"(\d+(?:[.,]\d+)?)", str(obj.get("workHours") or ""))
    if hours:
        out["hours_per_week"] = float(hours.group(1).replace(",", "."))
    else:
        errors.append({"pointer": "/workHours", "reason": "weekly hours are required (e.g. '40 hours per week')"})
    types = obj.get("employmentType")
    types = types if isinstance(types, list) else [types]
    reverse = {"FULL_TIME": "permanent", "PART_TIME": "permanent", "CONTRACTOR": "fixed_term",
               "TEMPORARY": "temporary", "INTERN": "apprenticeship", "SEASONAL": "seasonal"}
    out["contract_type"] = next((reverse[t] for t in types if t in reverse), "other")
    occ = re.search(r"\b(\d{4})\b", str(obj.get("occupationalCategory") or ""))
    if occ:
        out["occupation"] = occ.group(1)
    if obj.get("validThrough"):
        out["closing_date"] = str(obj["validThrough"])[:10]
    if obj.get("jobStartDate"):
        out["start_date"] = str(obj["jobStartDate"])[:10]
    if obj.get("totalJobOpenings"):
        out["openings"] = obj["totalJobOpenings"]
    return {k: v for k, v in out.items() if v is not None}, errors


def _strip_html(text: str) -> str:
    # Feeds often send HTML descriptions; the gate and matching read plain text.
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
