"""Matching's rules on plain objects: read models, eligibility, the score blend, its explanation, the concept
bridge and the fairness audit.

Nothing here knows about HTTP, databases, the bus or a model runtime. A person's nationality, sex, age,
disability and ethnicity are never inputs: the read models have no field for them, and the events carry none.
"""
