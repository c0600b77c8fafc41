"""The decent-work gate: every rule, every conversion, in Spanish, Portuguese and English."""

from datetime import date, timedelta

import pytest

from services.vacancies.domain.countries import load_countries
from services.vacancies.domain.gate import DecentWorkGate, check_pay, load_text_rules
from services.vacancies.domain.messages import FINDINGS, finding_message
from services.vacancies.domain.model import Draft, Pay
from shared.i18n import translate

ON = date(2025, 8, 1)
GATE = DecentWorkGate()
CLEAN = {
    "es": "Panadería de barrio contrata ayudante de horno. Contrato con todas las prestaciones de ley.",
    "pt": "Padaria contrata auxiliar de forno com carteira assinada e vale-transporte.",
    "en": "Neighbourhood bakery hires an oven assistant on a written contract with social security.",
}


def draft(**kw) -> Draft:
    base = dict(title="Ayudante de panadería", description=CLEAN["es"], language="es", country="PE",
                pay=Pay(1500, "PEN", "month"), hours_per_week=48, contract_type="permanent")
    base.update(kw)
    return Draft(**base)


def codes(d: Draft, on: date = ON) -> dict[str, str]:
    return {f.code: f.severity for f in GATE.check(d, on).findings}


def test_a_clean_vacancy_has_no_findings_in_any_language():
    for lang, text in CLEAN.items():
        assert codes(draft(description=text, language=lang)) == {}, lang


@pytest.mark.parametrize("country", ["AR", "BO", "BR", "CL", "CO", "EC", "PE", "PY", "UY", "VE"])
def test_every_country_file_has_a_dated_sourced_minimum_and_hours_limit(country):
    rules = load_countries()[country]
    wage = rules.minimum_wage(ON)
    assert wage is not None and wage.monthly > 0 and wage.source["url"].startswith("http")
    assert rules.hours_limit(ON).max_per_week in (40, 44, 45, 46, 47, 48)
    assert rules.conversion.days_per_month in (25, 26, 30)


def test_the_minimum_in_force_on_the_date_is_chosen():
    cl = load_countries()["CL"]
    assert cl.minimum_wage(date(2025, 4, 30)).monthly == 510636  # Ley 21.578 IPC readjustment of 2025-01-01
    assert cl.minimum_wage(date(2025, 5, 1)).monthly == 529000
    assert cl.hours_limit(date(2026, 4, 25)).max_per_week == 44
    assert cl.hours_limit(date(2026, 4, 26)).max_per_week == 42


def test_monthly_pay_under_the_minimum_is_held_and_at_the_minimum_passes():
    assert codes(draft(pay=Pay(1129, "PEN", "month"))) == {"pay_below_minimum": "hold"}
    assert codes(draft(pay=Pay(1130, "PEN", "month"))) == {}


def test_part_time_minimum_is_pro_rated_to_the_hours():
    result = GATE.check(draft(hours_per_week=24, pay=Pay(565, "PEN", "month")), ON)
    assert result.pay_check.minimum_monthly == 565 and not result.findings
    assert codes(draft(hours_per_week=24, pay=Pay(560, "PEN", "month"))) == {"pay_below_minimum": "hold"}


def test_an_hour_rate_is_converted_with_the_country_divisor():
    # Brazil: 220 monthly hours for 44 weekly hours, so R$ 1,518 / 220 = R$ 6.90 an hour.
    br = dict(country="BR", language="pt", description=CLEAN["pt"], hours_per_week=44)
    assert GATE.check(draft(pay=Pay(6.90, "BRL", "hour"), **br), ON).pay_check.monthly_equivalent == 1518.0
    assert codes(draft(pay=Pay(6.80, "BRL", "hour"), **br)) == {"pay_below_minimum": "hold"}
    assert codes(draft(pay=Pay(6.90, "BRL", "hour"), **br)) == {}


def test_a_day_rate_is_converted_with_the_country_days_per_month():
    # Peru: daily minimum = 1,130 / 30 = 37.67 soles.
    assert codes(draft(pay=Pay(37, "PEN", "day"))) == {"pay_below_minimum": "hold"}
    assert GATE.check(draft(pay=Pay(38, "PEN", "day")), ON).pay_check.monthly_equivalent == 1140.0


def test_week_and_year_amounts_are_converted():
    check = GATE.check(draft(pay=Pay(300, "PEN", "week")), ON).pay_check
    assert check.monthly_equivalent == pytest.approx(1299.99, abs=0.01)
    assert GATE.check(draft(pay=Pay(12000, "PEN", "year")), ON).pay_check.monthly_equivalent == 1000.0
    assert codes(draft(pay=Pay(12000, "PEN", "year"))) == {"pay_below_minimum": "hold"}


def test_pay_check_reports_ratio_currency_and_effective_date():
    check = check_pay(draft(pay=Pay(2260, "PEN", "month")), load_countries()["PE"], ON)
    assert (check.ratio, check.currency, check.effective_date) == (2.0, "PEN", date(2025, 1, 1))
    past_review = load_countries()["PE"].review_after + timedelta(days=1)
    assert check.stale is False and check_pay(draft(), load_countries()["PE"], past_review).stale


def test_pay_in_a_currency_without_a_minimum_is_held():
    assert codes(draft(pay=Pay(900, "USD", "month"))) == {"pay_currency_not_comparable": "hold"}


def test_venezuelan_pay_in_dollars_has_no_legal_floor_and_is_held_for_review():
    # The USD 160 "ingreso mínimo integral" is a bonus for public workers, not a floor for private employers.
    ve = dict(country="VE", hours_per_week=40)
    assert codes(draft(pay=Pay(150, "USD", "month"), **ve)) == {"pay_currency_not_comparable": "hold"}
    assert codes(draft(pay=Pay(200, "USD", "month"), **ve)) == {"pay_currency_not_comparable": "hold"}
    assert codes(draft(pay=Pay(200, "VES", "month"), **ve)) == {}


def test_hours_over_the_legal_weekly_maximum_are_held():
    assert codes(draft(hours_per_week=49, pay=Pay(2000, "PEN", "month"))) == {"hours_over_maximum": "hold"}
    ec = dict(country="EC", pay=Pay(600, "USD", "month"))
    assert codes(draft(hours_per_week=41, **ec)) == {"hours_over_maximum": "hold"}
    assert codes(draft(hours_per_week=40, **ec)) == {}


def test_the_law_on_the_start_date_applies_when_it_is_later():
    co = dict(country="CO", pay=Pay(1_800_000, "COP", "month"), hours_per_week=44)  # 2026 minimum: 1,750,905
    assert codes(draft(**co), date(2026, 6, 1)) == {}
    assert codes(draft(start_date=date(2026, 8, 1), **co), date(2026, 6, 1)) == {"hours_over_maximum": "hold"}


def test_a_country_without_data_is_held():
    assert codes(draft(country="MX", pay=Pay(9000, "MXN", "month"))) == {"country_not_covered": "hold"}


def test_saying_there_is_no_social_security_is_held_as_informal():
    assert codes(draft(benefits={"social_security": False})) == {"informal_no_contract": "hold"}
    assert codes(draft(benefits={"social_security": True})) == {}


TEXT_CASES = [
    ("worker_pays_fees", "es", "Los elegidos deberán abonar S/ 80 por el uniforme antes de empezar."),
    ("worker_pays_fees", "es", "Cobro por inscripción: 50 soles."),
    ("worker_pays_fees", "pt", "Os aprovados devem pagar uma taxa de cadastro de R$ 100."),
    ("worker_pays_fees", "en", "Applicants must pay a registration fee of 40 dollars."),
    ("document_retention", "es", "El pasaporte del trabajador queda en la oficina mientras dure la obra."),
    ("document_retention", "pt", "Vamos reter o passaporte até o fim da safra."),
    ("document_retention", "en", "Your passport will be kept by the manager during the season."),
    ("unpaid_trial", "es", "La primera semana de prueba no se paga."),
    ("unpaid_trial", "pt", "Os primeiros 5 dias de experiência são sem remuneração."),
    ("unpaid_trial", "en", "There is an unpaid trial shift on Saturday."),
    ("informal_no_contract", "es", "Trabajo sin contrato, pago diario."),
    ("informal_no_contract", "pt", "Trabalho sem carteira assinada."),
    ("informal_no_contract", "en", "Paid cash in hand, no contract."),
    ("no_weekly_rest", "es", "Se trabaja toda la semana con un día de descanso al mes."),
    ("no_weekly_rest", "pt", "Jornada corrida sem folga."),
    ("no_weekly_rest", "en", "Busy season: no days off."),
    ("discrimination_nationality", "es", "Solo personal peruano."),
    ("discrimination_nationality", "es", "Abstenerse extranjeros."),
    ("discrimination_nationality", "pt", "Não aceitamos estrangeiros."),
    ("discrimination_nationality", "en", "Nationals only, no foreigners."),
    ("discrimination_sex", "es", "Requisito: sexo masculino."),
    ("discrimination_sex", "pt", "Somente homens."),
    ("discrimination_sex", "en", "Men only for this role."),
    ("discrimination_age", "es", "Edad de 20 a 30 años."),
    ("discrimination_age", "pt", "Idade entre 18 e 25 anos."),
    ("discrimination_age", "en", "Applicants aged 20-35."),
    ("discrimination_family", "es", "Preferible sin hijos."),
    ("discrimination_family", "pt", "Exigimos teste de gravidez."),
    ("discrimination_family", "en", "Candidates must not be pregnant; we run a pregnancy test."),
    ("discrimination_disability", "es", "Personas sin discapacidad."),
    ("discrimination_disability", "pt", "Candidatos sem deficiência."),
    ("discrimination_disability", "en", "Applicants without disabilities."),
    ("appearance_requirement", "es", "Buscamos cajera con buena presencia."),
    ("appearance_requirement", "pt", "Exigimos boa aparência."),
    ("appearance_requirement", "en", "Good appearance required."),
    ("age_preference", "es", "Buscamos jóvenes con ganas."),
    ("age_preference", "pt", "Procuramos jovem dinâmico."),
    ("age_preference", "en", "Ideal for young people."),
    ("long_shifts", "es", "Turnos de 12 horas rotativos."),
    ("long_shifts", "pt", "Plantões de 12h."),
    ("long_shifts", "en", "12-hour shifts on weekends."),
    ("disguised_self_employment", "es", "Trabajás como monotributista."),
    ("disguised_self_employment", "pt", "Contratação como PJ."),
    ("disguised_self_employment", "en", "Riders are paid per delivery as independent contractors."),
]


@pytest.mark.parametrize(("code", "lang", "text"), TEXT_CASES)
def test_each_text_rule_catches_its_phrase(code, lang, text):
    found = GATE.check(draft(description=f"{CLEAN[lang]} {text}", language=lang), ON).findings
    assert [(f.code, f.field) for f in found] == [(code, "/description")]
    assert found[0].severity == ("warning" if code in {"appearance_requirement", "age_preference", "long_shifts",
                                                       "disguised_self_employment"} else "hold")


def test_every_text_rule_is_tested_in_spanish_portuguese_and_english():
    tested = {(code, lang) for code, lang, _ in TEXT_CASES}
    for rule in load_text_rules():
        assert {(rule.code, lang) for lang in ("es", "pt", "en")} <= tested, rule.code


@pytest.mark.parametrize("text", [
    "Recibimos hojas de vida de nacionales y extranjeros con permiso de trabajo vigente.",
    "Indispensable cédula de identidad chilena o permiso de trabajo vigente.",
    "Presentarse con fotocopia de la cédula y certificado de estudios.",
    "Se requiere de 3 a 5 años de experiencia; mayor de 18 años.",
    "Empresa con hasta 30 años de trayectoria en el rubro.",
    "La capacitación es gratuita y la empresa paga el uniforme.",
    "Período de prueba de tres meses, remunerado según la ley.",
    "Contratamos personas con y sin discapacidad.",
    "Damos prioridad a mujeres y hombres por igual.",
    "Nunca cobramos por postular: no fees at any step.",
    "Aceitamos brasileiros e estrangeiros com CPF.",
    "Se paga la quincena por transferencia.",
])
def test_lawful_phrases_do_not_hold_a_vacancy(text):
    assert not GATE.check(draft(description=f"{CLEAN['es']} {text}"), ON).holds


def test_a_finding_in_the_title_points_at_the_title():
    found = GATE.check(draft(title="Vendedoras – solo mujeres"), ON).findings
    assert [(f.code, f.field) for f in found] == [("discrimination_sex", "/title")]


def test_a_line_break_ends_a_sentence_so_a_phrase_never_spans_two_lines():
    assert codes(draft(description=f"{CLEAN['es']}\nSolo personal\nperuano para la obra.")) == {}
    assert codes(draft(description=f"{CLEAN['es']}\nSolo personal peruano.")) == {"discrimination_nationality": "hold"}


def test_an_exception_on_one_line_does_not_cancel_a_phrase_on_the_next():
    text = f"{CLEAN['es']}\nRecibimos nacionales y extranjeros\nSolo personal peruano en planta"
    assert codes(draft(description=text)) == {"discrimination_nationality": "hold"}


def test_marks_that_fold_into_a_full_stop_still_end_a_sentence():
    # "…" folds to "..." (NFKD): the exception before it must not cancel the phrase after it.
    text = f"{CLEAN['es']} Recibimos nacionales y extranjeros… Solo personal peruano en planta"
    assert codes(draft(description=text)) == {"discrimination_nationality": "hold"}


def test_evidence_is_quoted_folded_with_single_spaces():
    [finding] = GATE.check(draft(description=f"{CLEAN['es']} Abstenerse   EXTRANJEROS\t por favor."), ON).findings
    assert finding.params == {"evidence": "abstenerse extranjeros"}


def test_every_finding_the_gate_can_make_has_a_message_translated_into_every_language():
    made = {r.code for r in load_text_rules()} | {"pay_below_minimum", "pay_currency_not_comparable",
                                                   "hours_over_maximum", "country_not_covered"}
    assert made <= set(FINDINGS)
    for code, message in FINDINGS.items():
        for lang in ("es", "pt", "fr"):
            assert translate(message, lang) != message, (code, lang)


def test_a_finding_reads_in_the_employers_language_with_numbers_in_its_format():
    f = GATE.check(draft(pay=Pay(1000, "PEN", "month")), ON).findings[0]
    assert "1.000 PEN al mes, por debajo del mínimo legal de 1.130 PEN" in finding_message(f.code, f.params, "es")
    assert "abaixo do mínimo legal de 1.130 PEN" in finding_message(f.code, f.params, "pt")
    assert "1,000 PEN a month, below the legal minimum of 1,130 PEN" in finding_message(f.code, f.params, "en")
    assert "(in force since January 1, 2025)" in finding_message(f.code, f.params, "en")
    assert "(vigente desde 1 de enero de 2025)" in finding_message(f.code, f.params, "es")


def test_a_finding_stored_without_a_value_still_says_what_is_wrong():
    assert finding_message("hours_over_maximum", {"hours": 60}, "es") == (
        "60 horas semanales superan el máximo legal de … horas.")
    assert finding_message("no_such_code", {}, "es") == "no_such_code"
