"""Create the table of which centre keeps each person, as read from the profiles topic."""

from alembic import op
from sqlalchemy import Column, DateTime, String

revision = "credentials_0003"
down_revision = "credentials_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Spelled out here (not imported from the adapter) so later changes to the code never rewrite history.
    op.create_table(
        "profile_centres",
        Column("profile_id", String(36), primary_key=True),
        Column("centre", String(64), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("profile_centres")
