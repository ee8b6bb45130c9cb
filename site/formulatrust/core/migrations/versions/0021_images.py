"""Uploaded images (showcase photos now, article images later) and their served widths

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("owner_kind", sa.String(length=20), nullable=False),
        sa.Column("owner_ref", sa.String(length=120), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("extension", sa.String(length=5), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("alt_zh", sa.String(length=200), nullable=False),
        sa.Column("alt_en", sa.String(length=200), nullable=False),
        sa.Column("declared_no_infant", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_status", sa.String(length=10), nullable=False),
        sa.Column("review_reason", sa.String(length=500), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("review_status IN ('pending', 'approved', 'rejected')",
                           name=op.f("ck_stored_image_review_status")),
        sa.CheckConstraint("declared_no_infant", name=op.f("ck_stored_image_declared")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], ondelete="CASCADE",
                                name=op.f("fk_stored_image_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_stored_image_uploaded_by_id_user_account")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_stored_image_reviewed_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_image")),
        sa.UniqueConstraint("key", name=op.f("uq_stored_image_key")),
    )
    op.create_index(op.f("ix_stored_image_enterprise_id"), "stored_image", ["enterprise_id"])
    op.create_table(
        "image_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["image_id"], ["stored_image.id"], ondelete="CASCADE",
                                name=op.f("fk_image_variant_image_id_stored_image")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_image_variant")),
        sa.UniqueConstraint("image_id", "width", name=op.f("uq_image_variant_image_id")),
    )


def downgrade() -> None:
    op.drop_table("image_variant")
    op.drop_index(op.f("ix_stored_image_enterprise_id"), table_name="stored_image")
    op.drop_table("stored_image")
