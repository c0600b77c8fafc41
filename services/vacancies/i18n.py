"""Field errors from marshmallow, said in the caller's language."""

from __future__ import annotations

import json
import re

from flask import request

from services.vacancies.domain.messages import language

# marshmallow's default messages (English) -> Spanish and Portuguese.
_PATTERNS = [
    (r"^Missing data for required field\.$", "Falta este dato obligatorio.", "Este campo é obrigatório."),
    (r"^Field may not be null\.$", "Este dato no puede estar vacío.", "Este campo não pode ficar vazio."),
    (r"^Unknown field\.$", "Campo desconocido.", "Campo desconhecido."),
    (r"^Not a valid (string|integer|number|boolean|date|list|mapping)\.$",
     "El valor no tiene el formato esperado.", "O valor não tem o formato esperado."),
    (r"^Not a valid email address\.$", "Correo electrónico no válido.", "Endereço de e-mail inválido."),
    (r"^Must be one of: (.*)\.$", r"Debe ser uno de: \1.", r"Deve ser um de: \1."),
    (r"^(Length must be|Shorter than|Longer than).*$", "La longitud no es válida.", "O comprimento não é válido."),
    (r"^Must be (greater|less) than.*$", "El valor está fuera del rango permitido.", "O valor está fora do intervalo."),
    (r"^(String does not match expected pattern|Must be).*$", "El formato no es válido.", "O formato não é válido."),
]


def translate(reason: str, lang: str) -> str:
    """Return a marshmallow message in es or pt (English unchanged)."""
    if lang == "en":
        return reason
    for pattern, es, pt in _PATTERNS:
        if re.match(pattern, reason):
            return re.sub(pattern, es if lang == "es" else pt, reason)
    return reason


def localise_422(api):
    """Return a 422 handler that renders as the shared one does, then translates each field's reason."""

    def handler(error):
        response = api.handle_http_exception(error)
        lang = language(request.accept_languages.best_match(["es", "pt", "en"]))
        body = response.get_json()
        for item in body.get("errors", []):
            item["reason"] = translate(item["reason"], lang)
        response.set_data(json.dumps(body, ensure_ascii=False))
        return response

    return handler
