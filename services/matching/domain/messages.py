"""What a counsellor reads about a match, in Spanish, Portuguese, English and French."""

from __future__ import annotations

# (code, reason) -> lang -> (message, next step). Placeholders: {country}, {language}, {level}, {has}.
BLOCKERS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("work_authorization", "none"): {
        "es": ("No tiene autorización de trabajo en {country}.",
               "Orientar sobre la regularización migratoria o el permiso de trabajo en {country}."),
        "pt": ("Não tem autorização de trabalho em {country}.",
               "Orientar sobre a regularização migratória ou a autorização de trabalho em {country}."),
        "en": ("No work authorisation in {country}.",
               "Advise on regularisation or a work permit in {country}."),
        "fr": ("Pas d'autorisation de travail en {country}.",
               "Orienter vers la régularisation ou un permis de travail en {country}."),
    },
    ("work_authorization", "in_process"): {
        "es": ("La autorización de trabajo en {country} está en trámite.",
               "Dar seguimiento al trámite; la vacante se habilita cuando se apruebe."),
        "pt": ("A autorização de trabalho em {country} está em andamento.",
               "Acompanhar o processo; a vaga fica disponível quando for aprovado."),
        "en": ("The work authorisation in {country} is being processed.",
               "Follow up on the application; the vacancy opens up once it is granted."),
        "fr": ("L'autorisation de travail en {country} est en cours.",
               "Suivre la demande ; l'offre devient accessible une fois l'autorisation accordée."),
    },
    ("work_authorization", "expired"): {
        "es": ("El permiso de trabajo en {country} está vencido.", "Renovar el permiso de trabajo."),
        "pt": ("A autorização de trabalho em {country} está vencida.", "Renovar a autorização de trabalho."),
        "en": ("The work permit for {country} has expired.", "Renew the work permit."),
        "fr": ("Le permis de travail pour {country} a expiré.", "Renouveler le permis de travail."),
    },
    ("licence_required", "none_declared"): {
        "es": ("La vacante exige una licencia o un título reconocido en {country}, y no hay ninguno evaluado.",
               "Registrar el título o la licencia para que se evalúe su reconocimiento."),
        "pt": ("A vaga exige licença ou diploma reconhecido em {country}, e nenhum foi avaliado.",
               "Registrar o diploma ou a licença para avaliar o reconhecimento."),
        "en": ("The vacancy requires a licence or a recognised credential in {country}; none has been assessed.",
               "Record the degree or licence so its recognition can be assessed."),
        "fr": ("L'offre exige une licence ou un diplôme reconnu en {country} ; aucun n'a été évalué.",
               "Enregistrer le diplôme ou la licence pour en évaluer la reconnaissance."),
    },
    ("licence_required", "other_country"): {
        "es": ("Su título no está evaluado para {country}, donde la vacante exige licencia.",
               "Solicitar la evaluación del título para {country}."),
        "pt": ("O diploma não foi avaliado para {country}, onde a vaga exige licença.",
               "Pedir a avaliação do diploma para {country}."),
        "en": ("The credential has not been assessed for {country}, where the vacancy requires a licence.",
               "Request an assessment of the credential for {country}."),
        "fr": ("Le diplôme n'a pas été évalué pour {country}, où l'offre exige une licence.",
               "Demander l'évaluation du diplôme pour {country}."),
    },
    ("licence_required", "procedure"): {
        "es": ("El título necesita convalidación en {country}.", "Iniciar el trámite de convalidación."),
        "pt": ("O diploma precisa de revalidação em {country}.", "Iniciar o processo de revalidação."),
        "en": ("The credential needs recognition in {country}.", "Start the recognition procedure."),
        "fr": ("Le diplôme doit être reconnu en {country}.", "Lancer la procédure de reconnaissance."),
    },
    ("licence_required", "in_progress"): {
        "es": ("La convalidación del título en {country} está en curso.",
               "Dar seguimiento a la convalidación; la vacante se habilita al obtenerla."),
        "pt": ("A revalidação do diploma em {country} está em andamento.",
               "Acompanhar a revalidação; a vaga fica disponível quando concluída."),
        "en": ("Recognition of the credential in {country} is under way.",
               "Follow up on the recognition; the vacancy opens up once it is granted."),
        "fr": ("La reconnaissance du diplôme en {country} est en cours.",
               "Suivre la procédure ; l'offre devient accessible une fois le diplôme reconnu."),
    },
    ("licence_required", "licence"): {
        "es": ("Falta la licencia profesional exigida en {country}.",
               "Solicitar la licencia o colegiatura profesional."),
        "pt": ("Falta o registro profissional exigido em {country}.", "Solicitar o registro no conselho profissional."),
        "en": ("The professional licence required in {country} is missing.", "Apply for the professional licence."),
        "fr": ("La licence professionnelle exigée en {country} manque.", "Demander la licence professionnelle."),
    },
    ("licence_required", "not_recognisable"): {
        "es": ("El título no puede reconocerse en {country} para este oficio.",
               "Considerar ocupaciones afines que no exigen licencia."),
        "pt": ("O diploma não pode ser reconhecido em {country} para esta ocupação.",
               "Considerar ocupações afins que não exigem licença."),
        "en": ("The credential cannot be recognised in {country} for this occupation.",
               "Consider related occupations that need no licence."),
        "fr": ("Le diplôme ne peut pas être reconnu en {country} pour ce métier.",
               "Envisager des métiers proches qui n'exigent pas de licence."),
    },
    ("licence_required", "pending"): {
        "es": ("El reconocimiento del título en {country} aún no está claro.", "Completar la evaluación del título."),
        "pt": ("O reconhecimento do diploma em {country} ainda não está claro.", "Concluir a avaliação do diploma."),
        "en": ("Recognition of the credential in {country} is not settled yet.", "Complete the credential assessment."),
        "fr": ("La reconnaissance du diplôme en {country} n'est pas encore établie.",
               "Compléter l'évaluation du diplôme."),
    },
    ("language", "below_level"): {
        "es": ("La vacante pide {language} nivel {level}; nivel actual: {has}.",
               "Curso de {language} hasta el nivel {level}."),
        "pt": ("A vaga pede {language} nível {level}; nível atual: {has}.", "Curso de {language} até o nível {level}."),
        "en": ("The vacancy asks for {language} at {level}; current level: {has}.",
               "A {language} course up to level {level}."),
        "fr": ("L'offre demande le {language} au niveau {level} ; niveau actuel : {has}.",
               "Un cours de {language} jusqu'au niveau {level}."),
    },
    ("location", "not_relocating"): {
        "es": ("La vacante está en {country} y la persona no desea mudarse.",
               "Confirmar si aceptaría mudarse o buscar vacantes en su país actual."),
        "pt": ("A vaga é em {country} e a pessoa não deseja se mudar.",
               "Confirmar se aceitaria se mudar ou buscar vagas no país atual."),
        "en": ("The vacancy is in {country} and the person does not want to move.",
               "Ask whether they would move, or look at vacancies where they live."),
        "fr": ("L'offre est en {country} et la personne ne souhaite pas déménager.",
               "Vérifier si elle accepterait de déménager, ou chercher dans son pays actuel."),
    },
    ("location", "other_country"): {
        "es": ("La vacante está en {country}, fuera de los países donde se mudaría.",
               "Confirmar si {country} le interesa."),
        "pt": ("A vaga é em {country}, fora dos países para onde se mudaria.", "Confirmar se {country} interessa."),
        "en": ("The vacancy is in {country}, outside the countries they would move to.",
               "Ask whether {country} would suit them."),
        "fr": ("L'offre est en {country}, hors des pays où la personne irait.",
               "Demander si {country} lui conviendrait."),
    },
}

SENTENCES = {
    "eligible": {
        "es": "Coincidencia {strength} ({score}) con {occupation}; habilidades requeridas cubiertas: {covered}.",
        "pt": "Compatibilidade {strength} ({score}) com {occupation}; habilidades exigidas cobertas: {covered}.",
        "en": "{strength} match ({score}) for {occupation}; required skills covered: {covered}.",
        "fr": "Correspondance {strength} ({score}) pour {occupation} ; compétences requises couvertes : {covered}.",
    },
    "blocked": {
        "es": "Coincidencia {strength} ({score}) con {occupation}, pero bloqueada por: {blockers}.",
        "pt": "Compatibilidade {strength} ({score}) com {occupation}, mas bloqueada por: {blockers}.",
        "en": "{strength} match ({score}) for {occupation}, but blocked by: {blockers}.",
        "fr": "Correspondance {strength} ({score}) pour {occupation}, mais bloquée par : {blockers}.",
    },
}
STRENGTH = {
    "es": ("fuerte", "media", "débil"), "pt": ("forte", "média", "fraca"),
    "en": ("Strong", "Moderate", "Weak"), "fr": ("forte", "moyenne", "faible"),
}
CODE_NAMES = {
    "es": {"work_authorization": "autorización de trabajo", "licence_required": "licencia o título",
           "language": "idioma", "location": "ubicación"},
    "pt": {"work_authorization": "autorização de trabalho", "licence_required": "licença ou diploma",
           "language": "idioma", "location": "localização"},
    "en": {"work_authorization": "work authorisation", "licence_required": "licence or credential",
           "language": "language", "location": "location"},
    "fr": {"work_authorization": "autorisation de travail", "licence_required": "licence ou diplôme",
           "language": "langue", "location": "lieu"},
}
UNKNOWN_OCCUPATION = {"es": "ocupación sin código", "pt": "ocupação sem código", "en": "an uncoded occupation",
                      "fr": "un métier sans code"}
