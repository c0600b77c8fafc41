"""Identifiers shared by every service's demo data, so `puente up` shows one consistent small world.

Organisation ids are what tokens carry in ``org``; the portal creates the matching accounts.
"""

# Migrant orientation centres (counsellors work for one of them).
CENTRE_CUCUTA = "centre-cucuta"
CENTRE_LIMA = "centre-lima"
CENTRE_BOA_VISTA = "centre-boa-vista"
CENTRE_SANTIAGO = "centre-santiago"

# Employers.
EMPLOYER_CONSTRUCTION_BOGOTA = "employer-constructora-andina"
EMPLOYER_HOTEL_LIMA = "employer-hotel-miraflores"
EMPLOYER_CARE_SAO_PAULO = "employer-cuidar-sp"
EMPLOYER_FARM_ICA = "employer-agro-ica"

# Public bodies.
MINISTRY_PERU = "ministry-mtpe-pe"
ADMIN_ORG = "puente"
