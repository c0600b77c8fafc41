"""Create the table that remembers Idempotency-Keys of vacancy and employer creates (shared.idempotency)."""

from shared.idempotency import downgrade_idempotency as downgrade  # noqa: F401
from shared.idempotency import upgrade_idempotency as upgrade  # noqa: F401

revision = "vacancies_0003"
down_revision = "vacancies_0002"
branch_labels = None
depends_on = None
