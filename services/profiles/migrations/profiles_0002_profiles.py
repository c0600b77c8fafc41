"""Create the profiles table and its lookup keys (documents, codes, import fingerprints)."""

from alembic import op
from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB

revision = "profiles_0002"
down_revision = "profiles_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Spelled out here (not imported from the adapter) so later changes to the code never rewrite history.
    op.create_table(
        "profiles",
        Column("id", String(36), primary_key=True),
        Column("centre", String(64), nullable=False),
        Column("version", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("country", String(2), nullable=False),
        Column("city_key", String(120), nullable=True),
        Column("availability", String(20), nullable=True),
        Column("matching", Boolean, nullable=False),
        Column("birth_date", Date, nullable=True),
        Column("phone", String(20), nullable=True),
        Column("document", JSON().with_variant(JSONB, "postgresql"), nullable=False),
        Index("ix_profiles_centre_created", "centre", "created_at", "id"),
        Index("ix_profiles_phone", "phone"),
        Index("ix_profiles_birth_date", "birth_date"),
    )
    op.create_table(
        "profile_keys",
        Column("profile_id", String(36), ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
        Column("kind", String(16), primary_key=True),
        Column("value", String(200), primary_key=True),
        Index("ix_profile_keys_lookup", "kind", "value"),
    )


def downgrade() -> None:
    op.drop_table("profile_keys")
    op.drop_table("profiles")
