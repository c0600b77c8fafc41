"""Create the access log: who read whose identifying fields, when and why (kept when the person is erased)."""

from alembic import op
from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table

revision = "profiles_0005_access_log"
down_revision = "profiles_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata = MetaData()
    Table(
        "profile_access_log", metadata,
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("actor_role", String(20), nullable=False),
        Column("actor_org", String(200), nullable=False),
        Column("profile_id", String(36), nullable=False),
        Column("action", String(32), nullable=False),
        Column("purpose", String(32), nullable=False),
        Index("ix_profile_access_log_at", "at", "seq"),
        Index("ix_profile_access_log_profile", "profile_id", "at", "seq"),
        Index("ix_profile_access_log_actor", "actor", "at", "seq"),
    )
    metadata.create_all(bind=op.get_bind())


def downgrade() -> None:
    op.drop_table("profile_access_log")
