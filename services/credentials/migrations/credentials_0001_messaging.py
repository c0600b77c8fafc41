"""Create the credentials service's outbox and inbox tables."""

from shared.outbox import downgrade_messaging as downgrade  # noqa: F401
from shared.outbox import upgrade_messaging as upgrade  # noqa: F401

revision = "credentials_0001"
down_revision = None
branch_labels = ("credentials",)
depends_on = None
