"""Demo credentials for `puente up`: the demo migrants' diplomas, assessed where they live (idempotent)."""

from __future__ import annotations

import uuid

from services.credentials.domain.model import Evidence
from shared import demo
from shared.auth import Principal
from shared.service import Container

_NS = uuid.UUID("5b0c8f7e-2d1a-4c3b-9e8f-7a6b5c4d3e2f")

# (profile, centre, destination, declaration, workflow moves after the assessment)
CREDENTIALS = [
    (demo.PROFILE_MARIA, demo.CENTRE_LIMA, "PE",
     dict(title="Licenciada en Enfermería", level=6, orientation="general", field="0913", country="VE",
          institution="Universidad Central de Venezuela", year=2011, documents=("original", "apostilled")),
     ["procedure_started"]),
    (demo.PROFILE_JEAN, demo.CENTRE_BOA_VISTA, "BR",
     dict(title="Certificat d'aptitude professionnelle – électricité", level=3, orientation="vocational",
          field="0713", country="HT", institution="Centre de formation professionnelle (Port-au-Prince)", year=2014,
          documents=("original", "legalised")), []),
    (demo.PROFILE_CARLOS, demo.CENTRE_CUCUTA, "CO",
     dict(title="Bachiller en Ciencias", level=3, orientation="general", field="00", country="VE",
          institution="Liceo (San Cristóbal)", year=2008, documents=("none",),
          evidence=Evidence(interview_completed=True, interview_date="2026-10-02",
                            partial_documents=("transcript",))), []),
    (demo.PROFILE_ANA, demo.CENTRE_CUCUTA, "EC",
     dict(title="Licenciada en Educación Básica Primaria", level=6, orientation="general", field="0113",
          country="CO", institution="Universidad Pedagógica Nacional", year=2016, documents=("original", "apostilled")),
     []),
    (demo.PROFILE_LUIS, demo.CENTRE_SANTIAGO, "CL",
     dict(title="Técnico en Cocina", level=4, orientation="vocational", field="1013", country="VE",
          institution="Instituto de Turismo (Caracas)", year=2013, documents=("original", "apostilled")), []),
]


def load_demo(container: Container) -> int:
    """Declare and assess the demo credentials that are missing; return how many were created."""
    from services.credentials.app import service_of

    credentials = service_of(container)
    created = 0
    for profile, centre, destination, declaration, moves in CREDENTIALS:
        credential_id = str(uuid.uuid5(_NS, f"{profile}/{declaration['title']}"))
        counsellor = Principal(f"demo-counsellor@{centre}", "counsellor", centre)
        with credentials.uow() as uow:
            if uow.credentials.get(credential_id) is not None:
                continue
        # What the profiles topic will say too (the demo loads before the consumer has read it).
        credentials.person_registered(profile, centre)
        credentials.declare(counsellor, profile_id=profile, credential_id=credential_id, **declaration)
        credentials.assess(counsellor, credential_id, destination)
        for status in moves:
            credentials.change_status(counsellor, credential_id, status)
        created += 1
    return created
