"""Reasons a field was refused, in the languages counsellors read (es, pt, en)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGUAGES = ("es", "pt", "en")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Problem:
    """One refused field: a JSON pointer, a reason code and the values the reason mentions."""

    pointer: str
    code: str
    params: dict = field(default_factory=dict, compare=False)


CATALOGUE: dict[str, dict[str, str]] = {
    "required": {"en": "This field is required.", "es": "Este campo es obligatorio.",
                 "pt": "Este campo é obrigatório."},
    "null": {"en": "This field may not be empty.", "es": "Este campo no puede estar vacío.",
             "pt": "Este campo não pode ficar vazio."},
    "unknown_field": {"en": "This field is not known.", "es": "Este campo no existe.",
                      "pt": "Este campo não existe."},
    "invalid_type": {"en": "The value has the wrong type.", "es": "El valor no es del tipo esperado.",
                     "pt": "O valor não é do tipo esperado."},
    "not_text": {"en": "Enter text.", "es": "Escriba un texto.", "pt": "Escreva um texto."},
    "not_integer": {"en": "Enter a whole number.", "es": "Escriba un número entero.",
                    "pt": "Escreva um número inteiro."},
    "not_number": {"en": "Enter a number.", "es": "Escriba un número.", "pt": "Escreva um número."},
    "not_boolean": {"en": "Answer yes or no.", "es": "Responda sí o no.", "pt": "Responda sim ou não."},
    "not_date": {"en": "Enter a date as YYYY-MM-DD.", "es": "Escriba una fecha como AAAA-MM-DD.",
                 "pt": "Escreva uma data como AAAA-MM-DD."},
    "not_email": {"en": "Enter a valid e-mail address.", "es": "Escriba un correo electrónico válido.",
                  "pt": "Escreva um e-mail válido."},
    "not_list": {"en": "Enter a list.", "es": "Escriba una lista.", "pt": "Escreva uma lista."},
    "one_of": {"en": "Choose one of: {choices}.", "es": "Elija una de estas opciones: {choices}.",
               "pt": "Escolha uma destas opções: {choices}."},
    "length_between": {"en": "Enter between {min} and {max} characters or items.",
                       "es": "Escriba entre {min} y {max} caracteres o elementos.",
                       "pt": "Escreva entre {min} e {max} caracteres ou itens."},
    "too_short": {"en": "Enter at least {min} characters or items.",
                  "es": "Escriba al menos {min} caracteres o elementos.",
                  "pt": "Escreva pelo menos {min} caracteres ou itens."},
    "too_long": {"en": "Enter at most {max} characters or items.",
                 "es": "Escriba como máximo {max} caracteres o elementos.",
                 "pt": "Escreva no máximo {max} caracteres ou itens."},
    "range": {"en": "Enter a value from {min} to {max}.", "es": "Escriba un valor entre {min} y {max}.",
              "pt": "Escreva um valor entre {min} e {max}."},
    "pattern": {"en": "The value does not have the expected form.", "es": "El valor no tiene la forma esperada.",
                "pt": "O valor não tem a forma esperada."},
    "birth_date_future": {"en": "The date of birth cannot be in the future.",
                          "es": "La fecha de nacimiento no puede ser futura.",
                          "pt": "A data de nascimento não pode ser futura."},
    "too_young": {"en": "The person must be at least {min_age} years old.",
                  "es": "La persona debe tener al menos {min_age} años.",
                  "pt": "A pessoa deve ter pelo menos {min_age} anos."},
    "too_old": {"en": "Check the date of birth: the person would be over {max_age}.",
                "es": "Revise la fecha de nacimiento: la persona tendría más de {max_age} años.",
                "pt": "Verifique a data de nascimento: a pessoa teria mais de {max_age} anos."},
    "country_unknown": {"en": "Use a two-letter country code (ISO 3166-1), for example CO or BR.",
                        "es": "Use un código de país de dos letras (ISO 3166-1), por ejemplo CO o BR.",
                        "pt": "Use um código de país de duas letras (ISO 3166-1), por exemplo CO ou BR."},
    "phone_invalid": {"en": "This is not a valid phone number; add the country prefix, e.g. +57.",
                      "es": "No es un teléfono válido; agregue el prefijo del país, p. ej. +57.",
                      "pt": "Não é um telefone válido; inclua o código do país, p. ex. +55."},
    "date_future": {"en": "This date cannot be in the future.", "es": "Esta fecha no puede ser futura.",
                    "pt": "Esta data não pode ser futura."},
    "end_before_start": {"en": "The end date is before the start date.",
                         "es": "La fecha de fin es anterior a la de inicio.",
                         "pt": "A data de término é anterior à de início."},
    "permit_expired": {"en": "This permit has expired; record the status as 'in_process' or 'none'.",
                       "es": "Este permiso está vencido; registre el estado 'in_process' o 'none'.",
                       "pt": "Esta autorização venceu; registre o status 'in_process' ou 'none'."},
    "expiry_without_permit": {"en": "An expiry date only applies to a permit.",
                              "es": "La fecha de vencimiento solo aplica a un permiso.",
                              "pt": "A data de validade só se aplica a uma autorização."},
    "skill_unknown": {"en": "'{code}' is not a skill of the taxonomy.",
                      "es": "'{code}' no es una habilidad de la taxonomía.",
                      "pt": "'{code}' não é uma habilidade da taxonomia."},
    "occupation_unknown": {"en": "'{code}' is not an ISCO-08 unit group.",
                           "es": "'{code}' no es un grupo primario de la CIUO-08.",
                           "pt": "'{code}' não é um grupo de base da CIUO-08."},
    "repeated": {"en": "'{value}' appears more than once.", "es": "'{value}' aparece más de una vez.",
                 "pt": "'{value}' aparece mais de uma vez."},
    "relocation_not_willing": {"en": "Relocation countries need willingness to relocate.",
                               "es": "Los países de traslado requieren disposición a trasladarse.",
                               "pt": "Os países de mudança exigem disposição para se mudar."},
    "not_positive": {"en": "Enter an amount above zero.", "es": "Escriba un monto mayor que cero.",
                     "pt": "Escreva um valor maior que zero."},
    "year_range": {"en": "Enter a year from {min} to {max}.", "es": "Escriba un año entre {min} y {max}.",
                   "pt": "Escreva um ano entre {min} e {max}."},
    "merge_self": {"en": "A profile cannot be merged with itself.",
                   "es": "Un perfil no se puede fusionar consigo mismo.",
                   "pt": "Um perfil não pode ser mesclado consigo mesmo."},
    "merge_unknown": {"en": "No profile with this id in your centre.",
                      "es": "No hay un perfil con este id en su centro.",
                      "pt": "Não há perfil com este id no seu centro."},
    "invalid": {"en": "The value is not valid: {detail}", "es": "El valor no es válido: {detail}",
                "pt": "O valor não é válido: {detail}"},
}

TITLES = {
    "invalid": {"en": "Invalid fields", "es": "Campos inválidos", "pt": "Campos inválidos"},
    "invalid_detail": {"en": "One or more fields are invalid; nothing was stored.",
                       "es": "Uno o más campos no son válidos; no se guardó nada.",
                       "pt": "Um ou mais campos são inválidos; nada foi salvo."},
}

# marshmallow's English messages, mapped to reason codes so they can be said in the reader's language.
_MARSHMALLOW = [
    (re.compile(r"^Missing data for required field\.$"), "required"),
    (re.compile(r"^Field may not be null\.$"), "null"),
    (re.compile(r"^Unknown field\.$"), "unknown_field"),
    (re.compile(r"^Invalid input type\.$"), "invalid_type"),
    (re.compile(r"^Not a valid string\.$"), "not_text"),
    (re.compile(r"^Not a valid integer\.$"), "not_integer"),
    (re.compile(r"^Not a valid number\.$"), "not_number"),
    (re.compile(r"^Not a valid boolean\.$"), "not_boolean"),
    (re.compile(r"^Not a valid (date|datetime)\.$"), "not_date"),
    (re.compile(r"^Not a valid email address\.$"), "not_email"),
    (re.compile(r"^Not a valid list\.$"), "not_list"),
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), "one_of"),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"), "length_between"),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"), "too_short"),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"), "too_long"),
    (re.compile(r"^Must be greater than or equal to (?P<min>[\d.]+) and less than or equal to (?P<max>[\d.]+)\.$"),
     "range"),
    (re.compile(r"^Must be greater than or equal to (?P<min>[\d.]+)\.$"), "not_positive"),
    (re.compile(r"^String does not match expected pattern\.$"), "pattern"),
]


def from_library_message(pointer: str, message: str) -> Problem:
    """Turn one of marshmallow's English messages into a Problem (unknown ones keep their text)."""
    for pattern, code in _MARSHMALLOW:
        match = pattern.match(message)
        if match:
            return Problem(pointer, code, match.groupdict())
    return Problem(pointer, "invalid", {"detail": message})


def say(problem: Problem, lang: str) -> str:
    """Return the reason of ``problem`` in ``lang`` (English when the language is not supported)."""
    texts = CATALOGUE.get(problem.code) or CATALOGUE["invalid"]
    template = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    try:
        return template.format(**problem.params)
    except (KeyError, IndexError):
        return template


def title(key: str, lang: str) -> str:
    """Return a localised problem title or detail."""
    return TITLES[key].get(lang) or TITLES[key][DEFAULT_LANGUAGE]
