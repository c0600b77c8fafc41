"""Create the table of employers' sign-ups that wait for the link mailed to their address."""

from alembic import op

from services.portal.adapters.sql import pending_signups, portal_metadata

revision = "portal_0005"
down_revision = "portal_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    portal_metadata.create_all(bind=op.get_bind(), tables=[pending_signups])


def downgrade() -> None:
    op.drop_table(pending_signups.name)
