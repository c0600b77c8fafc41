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

# Demo migrants' profile ids (random UUIDs, fixed so credentials and matching demo data can refer to them).
PROFILE_MARIA = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"  # Venezuelan nurse in Lima
PROFILE_JEAN = "7a2b3c4d-5e6f-4a7b-9c8d-0e1f2a3b4c5d"  # Haitian electrician in São Paulo
PROFILE_CARLOS = "8b3c4d5e-6f7a-4b8c-8d9e-1f2a3b4c5d6e"  # Venezuelan mason in Bogotá
PROFILE_ANA = "9c4d5e6f-7a8b-4c9d-9e0f-2a3b4c5d6e7f"  # Colombian teacher in Quito
PROFILE_LUIS = "0d5e6f7a-8b9c-4d0e-8f1a-3b4c5d6e7f80"  # Venezuelan cook in Santiago
