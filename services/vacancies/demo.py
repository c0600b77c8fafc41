"""Puente's own demo employers and vacancies for `puente up` (written for Puente; idempotent by external id)."""

from __future__ import annotations

from services.vacancies.app import build_service
from shared import demo
from shared.auth import Principal

EMPLOYERS = {
    demo.EMPLOYER_CONSTRUCTION_BOGOTA: dict(name="Constructora Andina (demo)", tax_id="900000001-1", country="CO",
                                            sector="construction", contact_email="empleo@andina.example"),
    demo.EMPLOYER_HOTEL_LIMA: dict(name="Hotel Miraflores (demo)", tax_id="20000000001", country="PE",
                                   sector="hospitality", contact_email="rrhh@miraflores.example"),
    demo.EMPLOYER_CARE_SAO_PAULO: dict(name="Cuidar SP (demo)", tax_id="00.000.000/0001-00", country="BR",
                                       sector="care", contact_email="vagas@cuidar.example"),
    demo.EMPLOYER_FARM_ICA: dict(name="Agro Ica (demo)", tax_id="20000000002", country="PE", sector="agriculture",
                                 contact_email="personal@agroica.example"),
}

VACANCIES = [
    (demo.EMPLOYER_CONSTRUCTION_BOGOTA, dict(
        external_id="demo-andina-1", title="Oficial de mampostería para vivienda social", language="es",
        occupation="7112", required_skills=["S1001"], country="CO", city="Bogotá", openings=4,
        description="Buscamos oficiales de mampostería para un conjunto de vivienda social en Usme. Levante de muros "
                    "en bloque y ladrillo, lectura básica de planos. Contrato por obra con afiliación a salud, "
                    "pensión y riesgos laborales desde el primer día. Dotación y herramientas a cargo de la empresa.",
        pay={"amount": 2_100_000, "currency": "COP", "period": "month"}, hours_per_week=42,
        contract_type="fixed_term", languages=[{"code": "es", "min_level": "B1"}],
        benefits={"social_security": True, "transport": True})),
    (demo.EMPLOYER_HOTEL_LIMA, dict(
        external_id="demo-miraflores-1", title="Recepcionista de hotel bilingüe", language="es", occupation="4224",
        country="PE", city="Lima", description="Hotel de 80 habitaciones en Miraflores busca recepcionista para turno "
        "tarde. Registro de huéspedes, reservas y atención en español e inglés. Planilla completa, seguro EsSalud y "
        "alimentación en el turno.", pay={"amount": 1_800, "currency": "PEN", "period": "month"},
        hours_per_week=48, contract_type="permanent",
        languages=[{"code": "es", "min_level": "C1"}, {"code": "en", "min_level": "B2"}],
        benefits={"social_security": True})),
    (demo.EMPLOYER_HOTEL_LIMA, dict(
        external_id="demo-miraflores-2", title="Ayudante de cocina", language="es", occupation="9412",
        country="PE", city="Lima", description="Cocina del hotel necesita ayudante para preparación de insumos, "
        "limpieza y apoyo en desayunos. Se ofrece planilla, uniforme y capacitación en manipulación de alimentos "
        "sin costo para el trabajador.", pay={"amount": 1_250, "currency": "PEN", "period": "month"},
        hours_per_week=48, contract_type="permanent", benefits={"social_security": True})),
    (demo.EMPLOYER_CARE_SAO_PAULO, dict(
        external_id="demo-cuidar-1", title="Cuidador(a) de idosos", language="pt", occupation="5322",
        country="BR", city="São Paulo", description="Empresa de cuidados domiciliares contrata cuidadores(as) para "
        "acompanhar idosos em atividades diárias, medicação e mobilidade. Carteira assinada, vale-transporte e "
        "treinamento pago pela empresa.", pay={"amount": 2_200, "currency": "BRL", "period": "month"},
        hours_per_week=44, contract_type="permanent", languages=[{"code": "pt", "min_level": "B1"}],
        benefits={"social_security": True, "transport": True})),
    (demo.EMPLOYER_FARM_ICA, dict(
        external_id="demo-agroica-1", title="Operario de cosecha de espárrago", language="es", occupation="9211",
        country="PE", city="Ica", description="Fundo agroexportador contrata operarios para cosecha y empaque de "
        "espárrago en temporada. Movilidad desde Ica, planilla agraria y pago semanal por transferencia.",
        pay={"amount": 45, "currency": "PEN", "period": "day"}, hours_per_week=48, contract_type="seasonal",
        benefits={"social_security": True, "transport": True})),
    # Held on purpose, so an administrator has something to review in the demo.
    (demo.EMPLOYER_FARM_ICA, dict(
        external_id="demo-agroica-2", title="Operario de riego", language="es", occupation="9211",
        country="PE", city="Ica", description="Se busca operario para turnos de riego por goteo en el fundo. "
        "Pago semanal en efectivo y alojamiento en el campamento.",
        pay={"amount": 900, "currency": "PEN", "period": "month"}, hours_per_week=48, contract_type="seasonal")),
]


def load(container) -> int:
    """Create the demo employers and vacancies that are missing; return how many rows were created."""
    service = build_service(container)
    created = 0
    for org, data in EMPLOYERS.items():
        with service.uow() as uow:
            if uow.employers.get(org) is not None:
                continue
        service.register_employer(Principal(f"demo:{org}", "employer", org), data)
        created += 1
    for org, data in VACANCIES:
        outcome = service.submit(Principal(f"demo:{org}", "employer", org), dict(data))
        created += int(outcome.created)
    return created
