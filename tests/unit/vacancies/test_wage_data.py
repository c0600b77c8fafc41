"""The country wage data itself: dated, ordered, current on a fixed date, and right where it was found wrong."""

import json
from datetime import date

import pytest

from services.vacancies.domain.countries import DATA_DIR, load_countries
from services.vacancies.domain.gate import DecentWorkGate
from services.vacancies.domain.model import Draft, Pay

# A fixed date, not today: the data compiled on 2026-12-07 must cover it, and CI must not start failing next year.
COMPILED = date(2026, 12, 7)
FILES = sorted(DATA_DIR.glob("*.json"))
GATE = DecentWorkGate()


def raw(path):
    return json.loads(path.read_text(encoding="utf-8"))


def draft(**kw) -> Draft:
    base = dict(title="Ayudante de cocina", language="es", contract_type="permanent",
                description="Restaurante contrata ayudante de cocina. Contrato con todas las prestaciones de ley.")
    base.update(kw)
    return Draft(**base)


def test_there_is_a_data_file_for_every_covered_country():
    assert {p.stem for p in FILES} == {"AR", "BO", "BR", "CL", "CO", "EC", "PE", "PY", "UY", "VE"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_minimum_wages_are_dated_sourced_and_in_effective_date_order(path):
    wages = raw(path)["minimum_wages"]
    assert wages
    for currency in {w["currency"] for w in wages}:
        dates = [date.fromisoformat(w["effective_date"]) for w in wages if w["currency"] == currency]
        assert dates == sorted(dates) and len(set(dates)) == len(dates), (path.stem, currency)
    for w in wages:
        assert w["monthly"] > 0 and w["kind"]
        assert w["source"]["authority"] and w["source"]["instrument"] and w["source"]["url"].startswith("http")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_review_date_lies_after_the_compilation_date_and_the_checks_are_described(path):
    doc = raw(path)
    assert date.fromisoformat(doc["review_after"]) > date.fromisoformat(doc["compiled_on"])
    assert doc["verification_note"].strip()


@pytest.mark.parametrize("country", [p.stem for p in FILES])
def test_a_figure_compiled_for_the_current_year_is_in_force_on_the_compilation_date(country):
    rules = load_countries()[country]
    wage = rules.minimum_wage(COMPILED)
    assert wage is not None
    assert not rules.is_stale(COMPILED), "the data says it was already out of date when compiled"
    # Every country but PE, PY and VE set a new figure in 2026; those three are checked by value below.
    if country not in {"PE", "PY", "VE"}:
        assert wage.effective_date.year == 2026, (country, wage.effective_date)


@pytest.mark.parametrize(("country", "on", "monthly"), [
    ("AR", date(2025, 3, 15), 296_832),
    ("AR", date(2025, 4, 1), 302_600),
    ("AR", date(2025, 11, 1), 328_400),
    ("AR", date(2026, 1, 31), 341_000),
    ("AR", COMPILED, 376_600),
    ("BO", date(2025, 1, 1), 2_750),
    ("BO", date(2026, 1, 2), 3_300),
    ("BR", date(2026, 1, 1), 1_621),
    ("CL", date(2024, 7, 1), 500_000),
    ("CL", date(2025, 5, 1), 529_000),
    ("CL", date(2026, 1, 1), 539_000),
    ("CO", date(2026, 1, 1), 1_750_905),
    ("EC", date(2026, 1, 1), 482),
    ("PE", COMPILED, 1_130),
    ("PY", COMPILED, 2_899_048),
    ("UY", date(2026, 6, 30), 24_572),
    ("UY", date(2026, 7, 1), 25_383),
    ("VE", COMPILED, 130),
])
def test_the_figure_in_force_on_a_date(country, on, monthly):
    assert load_countries()[country].minimum_wage(on).monthly == monthly


def test_argentina_has_every_monthly_step_of_res_9_2025():
    ar = load_countries()["AR"]
    steps = [328_400, 334_800, 341_000, 346_800, 352_400, 357_800, 363_000, 367_800, 372_400, 376_600]
    months = [date(2025, 11, 1), date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 9)]
    assert [ar.minimum_wage(m).monthly for m in months] == steps
    assert all(ar.minimum_wage(m).effective_date == m for m in months)


def test_a_colombian_job_at_1_5_million_for_42_hours_in_2026_is_below_the_minimum():
    job = draft(country="CO", pay=Pay(1_500_000, "COP", "month"), hours_per_week=42)
    for on in (date(2026, 3, 1), COMPILED):  # 44-hour maximum until 2026-07-15 (pro-rated), then 42 hours
        result = GATE.check(job, on)
        assert [f.code for f in result.findings] == ["pay_below_minimum"], on
        assert result.pay_check.full_time_minimum == 1_750_905
        assert result.pay_check.minimum_monthly > 1_500_000


def test_colombia_2026_figure_is_marked_contested_and_says_why():
    co = load_countries()["CO"]
    wage = co.minimum_wage(date(2026, 1, 1))
    assert wage.status == "contested"
    assert "Consejo de Estado" in wage.status_note and "1469" in wage.status_note
    assert "transitional" in wage.status_note
    assert co.minimum_wage(date(2025, 12, 31)).status is None  # an uncontested figure has no status


def test_venezuela_has_no_private_sector_floor_from_the_public_sector_bonus():
    ve = load_countries()["VE"]
    assert all(w.currency == "VES" for w in ve.minimum_wages)
    assert ve.minimum_wage(COMPILED, "USD") is None
    bonus = raw(DATA_DIR / "VE.json")["non_floor_income"]
    assert [(b["monthly"], b["currency"], b["legal_floor"]) for b in bonus] == [(160, "USD", False)]
    # Dollar pay is not compared with the bonus: there is no legal dollar minimum, so it is held for review.
    result = GATE.check(draft(country="VE", pay=Pay(150, "USD", "month"), hours_per_week=40), COMPILED)
    assert [f.code for f in result.findings] == ["pay_currency_not_comparable"] and result.pay_check is None
