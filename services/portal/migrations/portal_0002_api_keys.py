"""Create the API-key table of machine clients (the portal owns identity)."""

from alembic import op

from shared.auth import api_keys_table, auth_metadata

revision = "portal_0002"
down_revision = "portal_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    auth_metadata.create_all(bind=op.get_bind(), tables=[api_keys_table])


def downgrade() -> None:
    op.drop_table("api_keys")
