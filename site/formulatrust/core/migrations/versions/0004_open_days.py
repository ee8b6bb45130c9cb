"""open days and bookings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("factory_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("address_zh", sa.String(length=300), nullable=False),
        sa.Column("address_en", sa.String(length=300), nullable=False),
        sa.Column("map_url", sa.String(length=500), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("accessibility_zh", sa.Text(), nullable=False),
        sa.Column("accessibility_en", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("waitlist_capacity", sa.Integer(), nullable=False),
        sa.Column("waitlist_taken", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity",
                           name=op.f("ck_open_day_seats")),
        sa.CheckConstraint("waitlist_taken >= 0 AND waitlist_taken <= waitlist_capacity",
                           name=op.f("ck_open_day_waitlist")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"],
                                name=op.f("fk_open_day_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["factory_id"], ["factory.id"],
                                name=op.f("fk_open_day_factory_id_factory")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_day")),
    )
    with op.batch_alter_table("open_day", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open_day_enterprise_id"), ["enterprise_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_open_day_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=10), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("adults >= 1 AND children >= 0 AND adults + children <= 5",
                           name=op.f("ck_booking_party")),
        sa.ForeignKeyConstraint(["visit_id"], ["open_day.id"],
                                name=op.f("fk_booking_visit_id_open_day"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        sa.UniqueConstraint("reference", name=op.f("uq_booking_reference")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index("ix_booking_visit_status", ["visit_id", "status", "created_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_visit_status")
    op.drop_table("booking")
    with op.batch_alter_table("open_day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_day_starts_at"))
        batch_op.drop_index(batch_op.f("ix_open_day_enterprise_id"))
    op.drop_table("open_day")
