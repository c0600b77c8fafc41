"""Puente's own demo profiles for ``puente up``: invented people, in several languages and trades."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.profiles.app import build_service
from services.profiles.domain.model import (
    Actor,
    Document,
    Education,
    Experience,
    Identity,
    LanguageSkill,
    Location,
    PayExpectation,
    ProfileDetails,
    WorkAuthorization,
)
from services.profiles.usecases import ProfileService
from shared import demo
from shared.errors import NotFound
from shared.service import Container

# Two more invented people besides the ids every service shares.
PROFILE_DANIELA = "1e6f7a8b-9c0d-4e1f-8a2b-4c5d6e7f8091"  # Venezuelan carer in Boa Vista, writes in Portuguese
PROFILE_KWAME = "2f7a8b9c-0d1e-4f2a-9b3c-5d6e7f809102"  # Guyanese forklift driver in Boa Vista, writes in English

ALL = {"matching": True, "introductions": True, "statistics": True}


def _people(today: date) -> list[tuple[str, str, ProfileDetails, dict[str, bool]]]:
    permit_until = today + timedelta(days=420)
    return [
        (demo.PROFILE_MARIA, demo.CENTRE_LIMA, ProfileDetails(
            identity=Identity("María Fernanda", "Rangel Ochoa", date(1988, 3, 14), ["VE"],
                              [Document("passport", "DEMO-VE-0001", "VE")], "+51 912 345 678", True),
            location=Location("PE", "Lima", True, ["CL"]),
            languages=[LanguageSkill("es", "native"), LanguageSkill("en", "A2")],
            work_authorizations=[WorkAuthorization("PE", "permit", "Carné de extranjería", permit_until)],
            experience=[Experience("Enfermera de hospitalización", "2221", "VE", date(2011, 2, 1), date(2018, 6, 30),
                                   "Cuidado de pacientes adultos en sala de medicina interna, turnos rotativos."),
                        Experience("Auxiliar en clínica privada", "3221", "PE", date(2019, 1, 15), None,
                                   "Toma de signos vitales, curaciones y apoyo al equipo de enfermería.")],
            skills_text="Curaciones, administración de medicamentos, signos vitales, atención humanizada.",
            skills=["S4501", "S4503", "S4506"],
            education=[Education("Licenciatura en Enfermería", 6, "Enfermería", "VE", year=2010)],
            desired_occupations=["2221"], availability="within_month",
            pay_expectation=PayExpectation(2200, "PEN", "month"),
            situation_notes="Título en trámite de reconocimiento; pidió orientación sobre el SERUMS.",
            text_language="es"), ALL),
        (demo.PROFILE_JEAN, demo.CENTRE_BOA_VISTA, ProfileDetails(
            identity=Identity("Jean-Baptiste", "Pierre-Louis", date(1992, 9, 2), ["HT"],
                              [Document("residence_permit", "DEMO-BR-0002", "BR")], "+55 11 91234 5678", True),
            location=Location("BR", "São Paulo", True, ["BR"]),
            languages=[LanguageSkill("ht", "native"), LanguageSkill("fr", "C1"), LanguageSkill("pt", "B1")],
            work_authorizations=[WorkAuthorization("BR", "permit", "Autorização de residência", permit_until)],
            experience=[Experience("Elektrisyen nan batiman", "7411", "HT", date(2012, 5, 1), date(2019, 12, 31),
                                   "Mwen fè enstalasyon elektrik nan kay ak ti biznis, mwen ranje tablo.")],
            skills_text="Enstalasyon elektrik rezidansyèl, sekirite elektrik, panno solè.",
            skills=["S1501", "S1503", "S1505"],
            education=[Education("Formation professionnelle en électricité", 4, "Électricité", "HT", year=2011)],
            desired_occupations=["7411"], availability="immediate", text_language="ht"), ALL),
        (demo.PROFILE_CARLOS, demo.CENTRE_CUCUTA, ProfileDetails(
            identity=Identity("Carlos Alberto", "Mendoza Ríos", date(1979, 11, 20), ["VE"],
                              [Document("national_id", "DEMO-VE-0003", "VE")], "+57 310 555 0142"),
            location=Location("CO", "Bogotá"),
            languages=[LanguageSkill("es", "native")],
            work_authorizations=[WorkAuthorization("CO", "permit", "PPT", permit_until)],
            experience=[Experience("Maestro de obra", "7112", "VE", date(2003, 1, 1), date(2017, 8, 1),
                                   "Levanté muros de bloque y ladrillo, vaciado de placas y pañetes."),
                        Experience("Oficial de construcción", "7112", "CO", date(2018, 3, 1), None,
                                   "Obras de vivienda de interés social en el sur de la ciudad.")],
            skills_text="Mampostería, pañete, mezcla de concreto, lectura de planos sencillos.",
            skills=["S1001", "S1002", "S1025"],
            desired_occupations=["7112"], availability="immediate",
            pay_expectation=PayExpectation(1900000, "COP", "month"), text_language="es"),
         {"matching": True, "introductions": False, "statistics": True}),
        (demo.PROFILE_ANA, demo.CENTRE_CUCUTA, ProfileDetails(
            identity=Identity("Ana Lucía", "Pabón Suárez", date(1985, 6, 5), ["CO"],
                              [Document("national_id", "DEMO-CO-0004", "CO")], None, False, "ana.demo@example.org"),
            location=Location("EC", "Quito", True, ["EC", "PE"]),
            languages=[LanguageSkill("es", "native"), LanguageSkill("en", "B2")],
            work_authorizations=[WorkAuthorization("EC", "in_process", "Visa de residencia temporal")],
            experience=[Experience("Docente de primaria", "2341", "CO", date(2009, 2, 1), date(2021, 11, 30),
                                   "Enseñé lenguaje y matemáticas en tercero y cuarto grado; proyectos de lectura.")],
            skills_text="Planeación de clases, enseñanza de inglés básico, alfabetización de adultos.",
            skills=["S8001", "S8010", "S8012"],
            education=[Education("Licenciatura en Educación Básica", 6, "Educación", "CO", year=2008)],
            desired_occupations=["2341"], availability="within_month",
            accessibility_needs="Usa audífono en el oído izquierdo; prefiere entrevistas presenciales.",
            text_language="es"), ALL),
        (demo.PROFILE_LUIS, demo.CENTRE_SANTIAGO, ProfileDetails(
            identity=Identity("Luis Eduardo", "Briceño Páez", date(1995, 1, 27), ["VE"],
                              [Document("passport", "DEMO-VE-0005", "VE")], "+56 9 6123 4567", True),
            location=Location("CL", "Santiago"),
            languages=[LanguageSkill("es", "native")],
            work_authorizations=[WorkAuthorization("CL", "in_process", "Visa temporaria")],
            experience=[Experience("Cocinero de línea", "5120", "VE", date(2014, 4, 1), date(2018, 9, 1),
                                   "Parrilla y cocina criolla en restaurante de Maracaibo."),
                        Experience("Ayudante de cocina", "9412", "CL", date(2019, 2, 1), None,
                                   "Preparación de insumos y platos del día en un casino de empresa.")],
            skills_text="Cocina venezolana, parrilla, manipulación higiénica de alimentos.",
            skills=["S3001", "S3005", "S3008"],
            desired_occupations=["5120"], availability="immediate", text_language="es"),
         {"matching": True, "introductions": True, "statistics": False}),
        (PROFILE_DANIELA, demo.CENTRE_BOA_VISTA, ProfileDetails(
            identity=Identity("Daniela", "Carrasquel Vivas", date(1990, 12, 8), ["VE"],
                              [Document("refugee_id", "DEMO-BR-0006", "BR")], "+55 95 98123 4567", True),
            location=Location("BR", "Boa Vista", True, ["BR"]),
            languages=[LanguageSkill("es", "native"), LanguageSkill("pt", "B2")],
            work_authorizations=[WorkAuthorization("BR", "permit", "Protocolo de refúgio", permit_until)],
            experience=[Experience("Cuidadora de idosos", "5322", "BR", date(2020, 3, 1), None,
                                   "Cuido de uma senhora com Alzheimer: higiene, medicação e companhia.")],
            skills_text="Cuidado de idosos, apoio com medicação, cozinha para dietas especiais.",
            skills=["S4003", "S4007", "S4008"],
            desired_occupations=["5322", "5321"], availability="within_month", text_language="pt"),
         {"matching": False, "introductions": False, "statistics": True}),
        (PROFILE_KWAME, demo.CENTRE_BOA_VISTA, ProfileDetails(
            identity=Identity("Kwame", "Fraser", date(1987, 7, 19), ["GY"],
                              [Document("passport", "DEMO-GY-0007", "GY")], "+55 95 99876 5432"),
            location=Location("BR", "Boa Vista", True, ["BR", "GY"]),
            languages=[LanguageSkill("en", "native"), LanguageSkill("pt", "A2")],
            work_authorizations=[WorkAuthorization("BR", "permit", "Autorização de residência", permit_until)],
            experience=[Experience("Forklift operator", "8344", "GY", date(2010, 6, 1), date(2022, 5, 31),
                                   "I loaded containers at a rice mill and kept the stock records.")],
            skills_text="Forklift driving, warehouse stock control, basic spreadsheets.",
            skills=["S6001", "S6005", "S9003"],
            desired_occupations=["8344", "4321"], availability="immediate", text_language="en"), ALL),
    ]


def load_demo(container: Container, profiles: ProfileService | None = None) -> int:
    """Create the demo profiles that are missing; return how many were created."""
    profiles = profiles or build_service(container)
    created = 0
    for profile_id, centre, details, consents in _people(datetime.now(UTC).date()):
        counsellor = Actor(f"demo-counsellor@{centre}", "counsellor", centre)
        try:
            profiles.get(counsellor, profile_id)
            continue
        except NotFound:
            pass
        profiles.create(counsellor, details, consents, profile_id=profile_id)
        created += 1
    return created
