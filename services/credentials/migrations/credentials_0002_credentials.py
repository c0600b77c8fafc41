"""Create the credentials table (declaration, evidence, latest assessment and status history)."""

from alembic import op

from services.credentials.adapters.sql import credentials_table, metadata

revision = "credentials_0002"
down_revision = "credentials_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(bind=op.get_bind(), tables=[credentials_table])


def downgrade() -> None:
    op.drop_table("credentials")
