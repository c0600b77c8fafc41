"""Create the table of failed sign-ins that the sign-in throttle counts."""

from alembic import op

from services.portal.adapters.sql import portal_metadata, signin_failures

revision = "portal_0004"
down_revision = "portal_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    portal_metadata.create_all(bind=op.get_bind(), tables=[signin_failures])


def downgrade() -> None:
    op.drop_table(signin_failures.name)
