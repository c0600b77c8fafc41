"""Reasons a person reads in problem+json responses, in es, pt and en."""

from __future__ import annotations

import re

LANGS = ("es", "pt", "en")
REASONS = {
    "bad_level": {"es": "El nivel CINE debe estar entre 0 y 8.", "pt": "O nível CITE deve estar entre 0 e 8.",
                  "en": "The ISCED level must be between 0 and 8."},
    "bad_orientation": {"es": "Debe ser general o vocational.", "pt": "Deve ser general ou vocational.",
                        "en": "Must be general or vocational."},
    "bad_field": {"es": "El campo CINE-F debe tener de 2 a 4 dígitos.",
                  "pt": "O campo CITE-F deve ter de 2 a 4 dígitos.",
                  "en": "The ISCED-F field must have 2 to 4 digits."},
    "bad_country": {"es": "Código de país ISO de dos letras.", "pt": "Código de país ISO de duas letras.",
                    "en": "Two-letter ISO country code."},
    "bad_document": {"es": "Tipo de documento desconocido.", "pt": "Tipo de documento desconhecido.",
                     "en": "Unknown kind of document."},
    "none_with_documents": {"es": "«none» no puede ir junto a otros documentos.",
                            "pt": "«none» não pode vir junto com outros documentos.",
                            "en": "'none' cannot be combined with other documents."},
    "bad_accreditation": {"es": "Acreditación desconocida.", "pt": "Acreditação desconhecida.",
                          "en": "Unknown accreditation."},
    "unknown_status": {"es": "Estado desconocido.", "pt": "Situação desconhecida.", "en": "Unknown status."},
    "bad_transition": {"es": "No se puede pasar de «{current}» a «{status}».",
                       "pt": "Não é possível passar de «{current}» para «{status}».",
                       "en": "Cannot move from '{current}' to '{status}'."},
    "not_assessed": {"es": "Primero hay que evaluar la credencial.", "pt": "Primeiro é preciso avaliar a credencial.",
                     "en": "Assess the credential first."},
    "procedure_elsewhere": {"es": "Hay un trámite en curso en {destination}.",
                            "pt": "Há um procedimento em andamento em {destination}.",
                            "en": "A procedure is under way in {destination}."},
    "bad_cursor": {"es": "Cursor no válido.", "pt": "Cursor inválido.", "en": "Invalid cursor."},
}
TITLES = {
    "invalid": {"es": "Datos no válidos", "pt": "Dados inválidos", "en": "Invalid data"},
    "conflict": {"es": "Conflicto", "pt": "Conflito", "en": "Conflict"},
}
# marshmallow's English messages, matched and translated.
MARSHMALLOW = [
    (re.compile(r"^Missing data for required field\.$"),
     {"es": "Campo obligatorio.", "pt": "Campo obrigatório.", "en": "Missing data for required field."}),
    (re.compile(r"^Unknown field\.$"),
     {"es": "Campo desconocido.", "pt": "Campo desconhecido.", "en": "Unknown field."}),
    (re.compile(r"^Not a valid (string|integer|boolean|list|date)\.$"),
     {"es": "Tipo de valor no válido.", "pt": "Tipo de valor inválido.", "en": "Not a valid {0}."}),
    (re.compile(r"^Must be one of: (.*)\.$"),
     {"es": "Debe ser uno de: {0}.", "pt": "Deve ser um de: {0}.", "en": "Must be one of: {0}."}),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
     {"es": "La longitud debe estar entre {0} y {1}.", "pt": "O comprimento deve estar entre {0} e {1}.",
      "en": "Length must be between {0} and {1}."}),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     {"es": "Debe estar entre {0} y {1}.", "pt": "Deve estar entre {0} e {1}.", "en": "Must be between {0} and {1}."}),
    (re.compile(r"^String does not match expected pattern\.$"),
     {"es": "El formato no es válido.", "pt": "O formato é inválido.",
      "en": "String does not match expected pattern."}),
]


def reason(code: str, lang: str, **params) -> str:
    """Return the reason for ``code`` in ``lang`` (English when the language is not offered)."""
    texts = REASONS[code]
    return texts.get(lang, texts["en"]).format(**params)


def translate(message: str, lang: str) -> str:
    """Translate one of marshmallow's English messages; leave others as they are."""
    for pattern, texts in MARSHMALLOW:
        match = pattern.match(message)
        if match:
            return texts.get(lang, texts["en"]).format(*match.groups())
    return message
