"""API tokens for enterprise systems

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"],
            name=op.f("fk_api_token_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"],
            name=op.f("fk_api_token_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user_account.id"],
            name=op.f("fk_api_token_revoked_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("public_id", name=op.f("uq_api_token_public_id")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_token_enterprise_id"), ["enterprise_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_enterprise_id"))
    op.drop_table("api_token")
