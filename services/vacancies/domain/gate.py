"""The decent-work gate: checks a vacancy draft against country law data and known abusive phrases."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.vacancies.domain.countries import CountryRules, load_countries
from services.vacancies.domain.model import HOLD, WARNING, Draft, Finding, Pay
from shared.text import fold

TEXT_RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "text_rules.json"
_SENTENCE = re.compile(r"[.!?;\n]+")


@dataclass(frozen=True)
class PayCheck:
    """Pay set against the minimum wage, both monthly and pro-rated to the vacancy's weekly hours."""

    monthly_equivalent: float
    minimum_monthly: float  # pro-rated to the hours when they are below the legal maximum
    currency: str
    effective_date: date
    ratio: float
    full_time_minimum: float
    source: dict[str, str]
    stale: bool

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready data."""
        return {"monthly_equivalent": self.monthly_equivalent, "minimum_monthly": self.minimum_monthly,
                "currency": self.currency, "effective_date": self.effective_date.isoformat(), "ratio": self.ratio,
                "full_time_minimum": self.full_time_minimum, "source": dict(self.source),
                "data_stale": self.stale}


@dataclass(frozen=True)
class GateResult:
    """The gate's verdict on one draft."""

    findings: tuple[Finding, ...]
    pay_check: PayCheck | None

    @property
    def holds(self) -> bool:
        """Return whether the vacancy must be held for review."""
        return any(f.severity == HOLD for f in self.findings)


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` folded (no case, no accents, single spaces) for the phrase rules.

    A line break ends a sentence, so the text is split before folding joins its lines; each piece is split
    again after folding because some marks only become ``.``, ``!``, ``?`` or ``;`` then ("…" is "...").
    """
    return [sentence for piece in _SENTENCE.split(text) for sentence in _SENTENCE.split(fold(piece))]


@dataclass(frozen=True)
class TextRule:
    """Phrases that reveal one decent-work problem, and phrases that cancel them in the same sentence."""

    code: str
    severity: str
    patterns: tuple[re.Pattern, ...]
    exceptions: tuple[re.Pattern, ...]

    def find(self, text: str) -> str | None:
        """Return the first phrase of ``text`` that breaks this rule, or None."""
        for sentence in sentences(text):
            if any(e.search(sentence) for e in self.exceptions):
                continue
            for pattern in self.patterns:
                m = pattern.search(sentence)
                if m:
                    return m.group(0).strip()
        return None


@lru_cache(maxsize=4)
def load_text_rules(path: str | None = None) -> tuple[TextRule, ...]:
    """Load the phrase rules from their data file."""
    doc = json.loads(Path(path or TEXT_RULES_FILE).read_text(encoding="utf-8"))
    return tuple(TextRule(r["code"], r["severity"], tuple(re.compile(p) for p in r["patterns"]),
                          tuple(re.compile(p) for p in r["exceptions"])) for r in doc["rules"])


def monthly_equivalent(pay: Pay, hours_per_week: float, rules: CountryRules, max_per_week: float) -> float:
    """Convert pay to a monthly amount with the country's legal divisors (see the data file's ``basis``)."""
    conv = rules.conversion
    share = min(hours_per_week, max_per_week) / max_per_week if max_per_week else 1.0
    if pay.period == "month":
        return pay.amount
    if pay.period == "year":
        return pay.amount / conv.months_per_year
    if pay.period == "week":
        return pay.amount * conv.weeks_per_month
    if pay.period == "day":
        return pay.amount * conv.days_per_month * share
    if pay.period == "hour":
        return pay.amount * conv.monthly_hours_per_weekly_hour * min(hours_per_week, max_per_week)
    raise ValueError(f"unknown pay period {pay.period!r}")


def check_pay(draft: Draft, rules: CountryRules, on: date) -> PayCheck | None:
    """Return the pay check, or None when no minimum in the pay's currency is known."""
    wage = rules.minimum_wage(on, draft.pay.currency)
    limit = rules.hours_limit(on)
    if wage is None or limit is None:
        return None
    hours = draft.hours_per_week or limit.max_per_week
    share = min(hours, limit.max_per_week) / limit.max_per_week
    monthly = round(monthly_equivalent(draft.pay, hours, rules, limit.max_per_week), 2)
    minimum = round(wage.monthly * share, 2)
    return PayCheck(monthly, minimum, wage.currency, wage.effective_date,
                    round(monthly / minimum, 3) if minimum else 0.0, wage.monthly, wage.source, rules.is_stale(on))


class DecentWorkGate:
    """Judges drafts; country data and phrase rules are data handed in, so tests and ministries can vary them."""

    def __init__(self, countries: dict[str, CountryRules] | None = None,
                 text_rules: tuple[TextRule, ...] | None = None):
        self.countries = countries if countries is not None else load_countries()
        self.text_rules = text_rules if text_rules is not None else load_text_rules()

    def reference_date(self, draft: Draft, today: date) -> date:
        """Return the date whose law applies: the start date when it is later than today."""
        return max(today, draft.start_date) if draft.start_date else today

    def check(self, draft: Draft, today: date) -> GateResult:
        """Return every finding on ``draft`` and its pay check."""
        findings: list[Finding] = []
        on = self.reference_date(draft, today)
        rules = self.countries.get(draft.country)
        pay_check = None
        if rules is None:
            findings.append(Finding("country_not_covered", "/country", HOLD, {"country": draft.country}))
        else:
            pay_check = check_pay(draft, rules, on)
            findings += self._pay_and_hours(draft, rules, on, pay_check)
        findings += self._benefits(draft)
        findings += self._text(draft)
        return GateResult(tuple(findings), pay_check)

    def _pay_and_hours(self, draft: Draft, rules: CountryRules, on: date, pay_check: PayCheck | None) -> list[Finding]:
        out = []
        if pay_check is None:
            out.append(Finding("pay_currency_not_comparable", "/pay/currency", HOLD,
                               {"currency": draft.pay.currency, "expected": rules.currency}))
        elif pay_check.monthly_equivalent + 0.005 < pay_check.minimum_monthly:
            out.append(Finding("pay_below_minimum", "/pay/amount", HOLD, {
                "monthly_equivalent": pay_check.monthly_equivalent, "minimum": pay_check.minimum_monthly,
                "currency": pay_check.currency, "effective_date": pay_check.effective_date.isoformat()}))
        limit = rules.hours_limit(on)
        if limit and draft.hours_per_week > limit.max_per_week:
            out.append(Finding("hours_over_maximum", "/hours_per_week", HOLD,
                               {"hours": draft.hours_per_week, "maximum": limit.max_per_week}))
        return out

    @staticmethod
    def _benefits(draft: Draft) -> list[Finding]:
        # Social security is compulsory for employees in every covered country: saying "no" is an informal job.
        if draft.benefits.get("social_security") is False:
            return [Finding("informal_no_contract", "/benefits/social_security", HOLD, {})]
        return []

    def _text(self, draft: Draft) -> list[Finding]:
        out, seen = [], set()
        for field_name in ("title", "description", "shifts"):
            text = getattr(draft, field_name) or ""
            for rule in self.text_rules:
                if rule.code in seen:  # one finding per problem is enough for the reader
                    continue
                evidence = rule.find(text)
                if evidence:
                    seen.add(rule.code)
                    out.append(Finding(rule.code, f"/{field_name}", rule.severity, {"evidence": evidence}))
        return out


def summary(findings: tuple[Finding, ...]) -> list[dict[str, str]]:
    """Return the (code, field) pairs events carry: no free text, no parameters."""
    return [{"code": f.code, "field": f.field} for f in findings]


__all__ = ["DecentWorkGate", "GateResult", "PayCheck", "TextRule", "check_pay", "load_text_rules",
           "monthly_equivalent", "sentences", "summary", "WARNING", "HOLD"]
