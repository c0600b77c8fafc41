"""The integration events the insights service reads: the vacancy events of the published language.

Insights publishes nothing. It reads ``shared.published.vacancies`` (published opens a vacancy, held or closed
it is not open) from the vacancies topic; the consumer has already validated each payload against its contract.
"""

from __future__ import annotations

from shared.published import vacancies

VACANCIES = vacancies.TOPIC  # the topic they arrive on, keyed by vacancy id
