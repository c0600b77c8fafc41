"""Whether a vacancy needs a licence: declared by the employer, read in the ad, or by the occupation's
regulation in the vacancy's country (``shared.regulation``, generated from the credentials rulebooks).

An employer's form may leave "licence required" unticked for a job the law regulates, or write the
requirement only in the text ("con tarjeta profesional", "registro no COREN", "curso OS-10"). Matching reads
all three, so a person without the recognised credential is never shown as eligible for such a job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from services.matching.domain.readmodels import VacancyView
from shared.regulation import Regulation, load_regulation
from shared.text import fold

# What kind of licence: a professional or trade licence the credentials service can assess (``credential``),
# a driving licence, or a private-security licence (neither is a credential a recognition office assesses).
KINDS = ("credential", "driving", "security")


@dataclass(frozen=True)
class LicenceNeed:
    """Why a vacancy needs a licence (``source``: declared, text or regulation) and of what kind."""

    kind: str
    source: str
    profession: str | None = None  # the regulated profession, e.g. "nursing", when the regulation says so


def _patterns(*texts: str) -> re.Pattern[str]:
    # Matched against accent-folded, lower-cased text (shared.text.fold), so the patterns are written so too.
    return re.compile("|".join(f"(?:{t})" for t in texts))


# Phrases that name a licence, registration or recognised title as a requirement (es, pt, en), by kind.
_KIND_PATTERNS = (
    ("security", _patterns(
        r"\bos-?10\b", r"\bsucamec\b", r"curso de vigilan", r"credencial de guardia",
        r"superintendencia de vigilancia", r"curso de vigilante", r"\bcnv\b")),
    ("driving", _patterns(
        r"licencia (?:de conduc(?:ir|cion) )?(?:profesional )?(?:tipo|clase|categoria) [a-e]\b",
        r"licencia (?:de conduc(?:ir|cion) )?[a-e]-?(?:[iv]+|\d)\w*\b", r"registro de conducir",
        r"\bcnh\b", r"carteira (?:nacional )?de habilitacao", r"(?:driving|driver'?s) licen[cs]e")),
    ("credential", _patterns(
        r"tarjeta profesional", r"\bcolegiatura\b", r"\bcolegiad[oa]s?\b", r"habilitacion (?:profesional )?vigente",
        r"matricula (?:profesional|vigente|conte)", r"\bmatriculad[oa]s?\b",
        r"\brethus\b", r"\bsunedu\b", r"\beunacom\b", r"superintendencia de salud", r"prestadores individuales",
        r"\bsenescyt\b", r"registr(?:o|ad[oa]) (?:vigente )?(?:en|ante) (?:el |la )?(?:msp|ministerio de salud)",
        r"titulo (?:\w+ ){0,4}(?:reconocido|revalidado|convalidado)", r"\brevalidad[oa]s?\b",
        r"\bconvalidad[oa]s?\b", r"\bconvalidacion\b", r"\brevalida\b",
        r"licencia sec\b", r"licencia de instalador", r"\bnr-?10\b",
        r"registro (?:ativo |profissional )?(?:no|na|junto ao|junto a) (?:coren|crm|crf|crp|cro|crea|crc|cau|oab)",
        r"\b(?:coren|crm|crf|crp|cro|crea|oab)(?:-[a-z]{2})? ativo", r"inscricao na oab",
        r"(?:professional|state) licen[cs]e", r"\bmust be licensed\b",
        r"\blicensed (?:nurse|electrician|practical|pharmacist|psychologist|physician|doctor|teacher|lawyer)")),
)
# A clause that makes it optional or says it is not needed ("deseable", "no es requisito", "sin convalidación").
_NOT_REQUIRED = _patterns(
    r"\bno (?:es|son) (?:requisito|necesari|obligatori|excluyente)", r"\bno se (?:requiere|exige|pide|necesita)",
    r"\bno (?:exigimos|pedimos|requerimos)", r"\bsin (?:\w+ )?(?:convalidacion|revalidacion|reconocimiento|titulo)",
    r"\bdeseable", r"\bse valora", r"\bvaloramos", r"\bvalorara", r"\bno excluyente", r"\bo disposicion",
    r"\bnao (?:e|sao) (?:necessari|obrigatori|exigid)", r"\bnao exigimos", r"\bsem (?:revalidacao|registro)",
    r"\bdesejavel", r"\bdiferencial", r"\bou disponibilidade",
    r"\bnot (?:required|needed|necessary)", r"\bnice to have", r"\bpreferred", r"\ba plus\b")
# Clauses end at sentence and list punctuation, but not inside numbers ("$1.500.000", "R$ 2.650,00").
_CLAUSE = re.compile(r"(?<!\d)[.;,](?!\d)|[.;,]\s|:\s|\n")


@lru_cache(maxsize=8192)
def licence_in_text(text: str) -> str | None:
    """Return the kind of licence the text requires (see ``KINDS``), or None when it requires none.

    A clause naming a licence counts unless it makes the licence optional or says it is not needed; when
    clauses name several kinds, security wins over driving over a credential (the more specific next step).
    """
    found = set()
    for clause in _CLAUSE.split(fold(text)):
        if _NOT_REQUIRED.search(clause):
            continue
        for kind, pattern in _KIND_PATTERNS:
            if pattern.search(clause):
                found.add(kind)
    return next((kind for kind in KINDS[::-1] if kind in found), None) if found else None


def licence_need(vacancy: VacancyView, regulation: Regulation | None = None) -> LicenceNeed | None:
    """Return why ``vacancy`` needs a licence, or None: the regulation of its occupation in its country first,
    then its text, then the employer's declaration."""
    regulation = regulation if regulation is not None else load_regulation()
    profession = regulation.profession(vacancy.country, vacancy.occupation)
    read = licence_in_text(f"{vacancy.title}. {vacancy.description}")
    if profession is not None:
        return LicenceNeed("credential", "regulation", profession)
    if read is not None:
        return LicenceNeed(read, "text")
    if vacancy.licence_required:
        return LicenceNeed("credential", "declared")
    return None
