"""What each finding and refusal says to a person, in Spanish, Portuguese and English."""

from __future__ import annotations

from typing import Any

LANGS = ("es", "pt", "en")
DEFAULT_LANG = "en"

FINDINGS: dict[str, dict[str, str]] = {
    "pay_below_minimum": {
        "es": "El pago equivale a {monthly_equivalent:,.2f} {currency} al mes, por debajo del mínimo legal de "
              "{minimum:,.2f} {currency} para estas horas (vigente desde {effective_date}).",
        "pt": "O pagamento equivale a {monthly_equivalent:,.2f} {currency} por mês, abaixo do mínimo legal de "
              "{minimum:,.2f} {currency} para esta jornada (em vigor desde {effective_date}).",
        "en": "The pay is worth {monthly_equivalent:,.2f} {currency} a month, below the legal minimum of "
              "{minimum:,.2f} {currency} for these hours (in force since {effective_date}).",
    },
    "pay_currency_not_comparable": {
        "es": "No podemos comparar un pago en {currency} con el salario mínimo; indique el pago en {expected}.",
        "pt": "Não é possível comparar um pagamento em {currency} com o salário mínimo; informe-o em {expected}.",
        "en": "Pay in {currency} cannot be compared with the minimum wage; state it in {expected}.",
    },
    "hours_over_maximum": {
        "es": "{hours:g} horas semanales superan el máximo legal de {maximum:g} horas.",
        "pt": "{hours:g} horas semanais ultrapassam o máximo legal de {maximum:g} horas.",
        "en": "{hours:g} hours a week exceed the legal maximum of {maximum:g} hours.",
    },
    "country_not_covered": {
        "es": "Aún no tenemos datos laborales de {country}; un administrador revisará la vacante.",
        "pt": "Ainda não temos dados trabalhistas de {country}; um administrador revisará a vaga.",
        "en": "We have no labour data for {country} yet; an administrator will review the vacancy.",
    },
    "worker_pays_fees": {
        "es": "El trabajador no debe pagar nada para conseguir o empezar el trabajo (\"{evidence}\"): "
              "el empleador asume esos costos.",
        "pt": "O trabalhador não deve pagar nada para conseguir ou começar o trabalho (\"{evidence}\"): "
              "o empregador arca com esses custos.",
        "en": "Workers must not pay anything to get or start the job (\"{evidence}\"): the employer pays.",
    },
    "document_retention": {
        "es": "Retener el pasaporte o documentos de identidad del trabajador no está permitido (\"{evidence}\").",
        "pt": "Reter o passaporte ou documentos de identidade do trabalhador não é permitido (\"{evidence}\").",
        "en": "Keeping a worker's passport or identity documents is not allowed (\"{evidence}\").",
    },
    "unpaid_trial": {
        "es": "Todo período de prueba se paga (\"{evidence}\").",
        "pt": "Todo período de experiência deve ser pago (\"{evidence}\").",
        "en": "Every trial period must be paid (\"{evidence}\").",
    },
    "informal_no_contract": {
        "es": "La vacante describe un trabajo sin contrato o sin seguridad social (\"{evidence}\").",
        "pt": "A vaga descreve um trabalho sem contrato ou sem seguridade social (\"{evidence}\").",
        "en": "The vacancy describes work without a contract or social security (\"{evidence}\").",
    },
    "no_weekly_rest": {
        "es": "Todo trabajador tiene derecho a descanso semanal (\"{evidence}\").",
        "pt": "Todo trabalhador tem direito ao descanso semanal (\"{evidence}\").",
        "en": "Every worker is entitled to a weekly rest (\"{evidence}\").",
    },
    "discrimination_nationality": {
        "es": "Excluir por nacionalidad o situación migratoria no está permitido sin una razón legal (\"{evidence}\"). "
              "Puede pedir permiso de trabajo vigente.",
        "pt": "Excluir por nacionalidade ou situação migratória não é permitido sem razão legal (\"{evidence}\"). "
              "Pode exigir autorização de trabalho válida.",
        "en": "Excluding people by nationality or migration status needs a lawful reason (\"{evidence}\"). "
              "You may ask for a valid work permit.",
    },
    "discrimination_sex": {
        "es": "Exigir un sexo determinado no está permitido sin una razón legal (\"{evidence}\").",
        "pt": "Exigir um sexo determinado não é permitido sem razão legal (\"{evidence}\").",
        "en": "Requiring a particular sex needs a lawful reason (\"{evidence}\").",
    },
    "discrimination_age": {
        "es": "Poner límites de edad no está permitido sin una razón legal (\"{evidence}\").",
        "pt": "Limites de idade não são permitidos sem razão legal (\"{evidence}\").",
        "en": "Age limits need a lawful reason (\"{evidence}\").",
    },
    "discrimination_family": {
        "es": "No se puede exigir no tener hijos, no estar embarazada ni un estado civil (\"{evidence}\").",
        "pt": "Não se pode exigir não ter filhos, não estar grávida nem um estado civil (\"{evidence}\").",
        "en": "You may not require having no children, not being pregnant or a marital status (\"{evidence}\").",
    },
    "discrimination_disability": {
        "es": "Excluir a personas con discapacidad no está permitido (\"{evidence}\").",
        "pt": "Excluir pessoas com deficiência não é permitido (\"{evidence}\").",
        "en": "Excluding people with disabilities is not allowed (\"{evidence}\").",
    },
    "appearance_requirement": {
        "es": "Pedir \"{evidence}\" suele excluir a personas sin relación con el trabajo; describa el requisito real.",
        "pt": "Pedir \"{evidence}\" costuma excluir pessoas sem relação com o trabalho; descreva o requisito real.",
        "en": "Asking for \"{evidence}\" tends to exclude people for reasons unrelated to the job; "
              "state the real requirement.",
    },
    "age_preference": {
        "es": "\"{evidence}\" puede leerse como preferencia por edad; si no es un requisito, quítelo.",
        "pt": "\"{evidence}\" pode ser lido como preferência de idade; se não é requisito, retire.",
        "en": "\"{evidence}\" may read as an age preference; remove it if it is not a requirement.",
    },
    "long_shifts": {
        "es": "Turnos largos (\"{evidence}\"): indique los descansos y que las horas semanales respetan la ley.",
        "pt": "Turnos longos (\"{evidence}\"): informe as pausas e que as horas semanais respeitam a lei.",
        "en": "Long shifts (\"{evidence}\"): state the breaks and that weekly hours stay within the law.",
    },
    "disguised_self_employment": {
        "es": "\"{evidence}\" puede ocultar una relación laboral; con horario y subordinación corresponde contrato.",
        "pt": "\"{evidence}\" pode ocultar um vínculo de emprego; com horário e subordinação, cabe contrato.",
        "en": "\"{evidence}\" may hide an employment relationship; set hours and supervision call for a contract.",
    },
}

REASONS: dict[str, dict[str, str]] = {
    "closing_date_past": {"es": "La fecha de cierre ya pasó.", "pt": "A data de encerramento já passou.",
                          "en": "The closing date is in the past."},
    "closing_date_too_far": {"es": "La fecha de cierre está a más de dos años del inicio.",
                             "pt": "A data de encerramento está a mais de dois anos do início.",
                             "en": "The closing date is more than two years after the start."},
    "skill_listed_twice": {"es": "Una habilidad figura como requerida y como deseable.",
                           "pt": "Uma habilidade aparece como obrigatória e como desejável.",
                           "en": "A skill is listed as both required and nice to have."},
    "unknown_occupation": {"es": "No es un grupo primario de la CIUO-08.", "pt": "Não é um grupo de base da ISCO-08.",
                           "en": "Not an ISCO-08 unit group."},
    "occupation_not_found": {"es": "No encontramos una ocupación para este título; elija una.",
                             "pt": "Não encontramos uma ocupação para este título; escolha uma.",
                             "en": "No occupation matches this title; please choose one."},
    "unknown_skill": {"es": "Código de habilidad desconocido.", "pt": "Código de habilidade desconhecido.",
                      "en": "Unknown skill code."},
}


def language(accept: str | None) -> str:
    """Return es, pt or en: the best of the three for an already-chosen language tag."""
    tag = (accept or "").lower()[:2]
    return tag if tag in LANGS else DEFAULT_LANG


def finding_message(code: str, params: dict[str, Any], lang: str) -> str:
    """Return the sentence a person reads for one finding."""
    templates = FINDINGS.get(code)
    if templates is None:
        return code
    try:
        return templates.get(lang, templates[DEFAULT_LANG]).format(**params)
    except (KeyError, ValueError):
        return templates.get(lang, templates[DEFAULT_LANG]).split("(")[0].strip()


def reason_message(code: str, lang: str) -> str:
    """Return the sentence a person reads for one refused field."""
    texts = REASONS.get(code)
    return texts.get(lang, texts[DEFAULT_LANG]) if texts else code
