"""Record the revision that last changed each searchable row, so API processes update their index in place."""

from alembic import op

from services.matching.adapters.sql import SCHEMA_0003, metadata

revision = "matching_0003"
down_revision = "matching_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(bind=op.get_bind(), tables=SCHEMA_0003)


def downgrade() -> None:
    metadata.drop_all(bind=op.get_bind(), tables=SCHEMA_0003)
