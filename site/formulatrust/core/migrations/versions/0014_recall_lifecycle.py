"""Recalls with a lifecycle: level, status reason, quantities and public versions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recall") as batch:
        batch.add_column(sa.Column("level", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("status_reason", sa.Text(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("quantity_affected", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("quantity_recovered", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "recall_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recall_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["recall_id"], ["recall.id"],
                                name=op.f("fk_recall_revision_recall_id_recall")),
        sa.ForeignKeyConstraint(["replaced_by_id"], ["user_account.id"],
                                name=op.f("fk_recall_revision_replaced_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall_revision")),
        sa.UniqueConstraint("recall_id", "version", name=op.f("uq_recall_revision_recall_id")),
    )
    op.create_index(op.f("ix_recall_revision_recall_id"), "recall_revision", ["recall_id"])


def downgrade() -> None:
    op.drop_table("recall_revision")
    with op.batch_alter_table("recall") as batch:
        for column in ("version", "quantity_recovered", "quantity_affected", "status_reason",
                       "level"):
            batch.drop_column(column)
