"""Appeals: filed by enterprises, decided by regulators

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 00:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=12), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("grounds_zh", sa.Text(), nullable=False),
        sa.Column("grounds_en", sa.Text(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome_reason_zh", sa.Text(), nullable=False),
        sa.Column("outcome_reason_en", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"],
                                name=op.f("fk_appeal_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["filed_by_id"], ["user_account.id"],
                                name=op.f("fk_appeal_filed_by_id_user_account")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"],
                                name=op.f("fk_appeal_decided_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal")),
    )
    op.create_index(op.f("ix_appeal_enterprise_id"), "appeal", ["enterprise_id"])
    op.create_index(op.f("ix_appeal_target_id"), "appeal", ["target_id"])


def downgrade() -> None:
    op.drop_table("appeal")
