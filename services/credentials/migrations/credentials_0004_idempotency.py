"""Create the table that remembers Idempotency-Keys of credential declarations (shared.idempotency)."""

from shared.idempotency import downgrade_idempotency as downgrade  # noqa: F401
from shared.idempotency import upgrade_idempotency as upgrade  # noqa: F401

revision = "credentials_0004"
down_revision = "credentials_0003"
branch_labels = None
depends_on = None
