"""Recall status, overturned results, and scan history that forgets

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recall") as batch:
        batch.add_column(sa.Column("status", sa.String(length=12), nullable=False,
                                   server_default="ongoing"))
    with op.batch_alter_table("sampling_result") as batch:
        batch.add_column(sa.Column("overturned_on", sa.Date(), nullable=True))
    with op.batch_alter_table("can_query") as batch:
        batch.drop_column("devices")
        batch.add_column(sa.Column("burst_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("burst_devices", sa.Integer(), nullable=False,
                                   server_default="0"))
    # The old device rows were hashes salted from the permanent secret key: they could be
    # recomputed by anyone holding it, so they go.
    op.execute("DELETE FROM can_query_device")
    with op.batch_alter_table("can_query_device") as batch:
        batch.add_column(sa.Column("seen_on", sa.Date(), nullable=False,
                                   server_default="2000-01-01"))
        batch.create_index("ix_can_query_device_last_at", ["last_at"])
    op.create_table(
        "scan_day_key",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_scan_day_key")),
    )


def downgrade() -> None:
    op.drop_table("scan_day_key")
    with op.batch_alter_table("can_query_device") as batch:
        batch.drop_index("ix_can_query_device_last_at")
        batch.drop_column("seen_on")
    with op.batch_alter_table("can_query") as batch:
        batch.drop_column("burst_devices")
        batch.drop_column("burst_at")
        batch.add_column(sa.Column("devices", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("sampling_result") as batch:
        batch.drop_column("overturned_on")
    with op.batch_alter_table("recall") as batch:
        batch.drop_column("status")
