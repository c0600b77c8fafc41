"""Demo accounts for `puente up`: one employer per demo employer, one counsellor per centre and an admin."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from services.portal.accounts import Accounts, Organisation
from services.portal.adapters.sql import SqlAccountStore
from shared import demo
from shared.service import Container

# Demo only: printed in the README so a newcomer can sign in; never used outside `puente up`.
DEMO_PASSWORD = "puente-demo-2025"

DEMO_ACCOUNTS = [
    ("contratacion@constructora-andina.example", "employer",
     Organisation(demo.EMPLOYER_CONSTRUCTION_BOGOTA, "Constructora Andina", "employer")),
    ("rrhh@hotel-miraflores.example", "employer",
     Organisation(demo.EMPLOYER_HOTEL_LIMA, "Hotel Miraflores", "employer")),
    ("vagas@cuidar-sp.example", "employer", Organisation(demo.EMPLOYER_CARE_SAO_PAULO, "Cuidar SP", "employer")),
    ("personal@agro-ica.example", "employer", Organisation(demo.EMPLOYER_FARM_ICA, "Agro Ica", "employer")),
    ("orientacion@centro-cucuta.example", "counsellor",
     Organisation(demo.CENTRE_CUCUTA, "Centro de orientación Cúcuta", "centre")),
    ("orientacion@centro-lima.example", "counsellor",
     Organisation(demo.CENTRE_LIMA, "Centro de orientación Lima", "centre")),
    ("orientacao@centro-boa-vista.example", "counsellor",
     Organisation(demo.CENTRE_BOA_VISTA, "Centro de orientação Boa Vista", "centre")),
    ("orientacion@centro-santiago.example", "counsellor",
     Organisation(demo.CENTRE_SANTIAGO, "Centro de orientación Santiago", "centre")),
    ("admin@puente.example", "admin", Organisation(demo.ADMIN_ORG, "Puente", "platform")),
]


def load_demo(container: Container) -> int:
    """Create the demo accounts that do not exist yet; return how many were created."""
    accounts = Accounts(SqlAccountStore(container.sessions), generate_password_hash, check_password_hash)
    return sum(accounts.ensure_user(email, DEMO_PASSWORD, role, org) for email, role, org in DEMO_ACCOUNTS)
