"""The vacancies domain: vacancies, employers and the decent-work gate (no Flask, SQL or Kafka here)."""
