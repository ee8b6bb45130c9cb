"""recall and penalty authorship (web publishing)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("recall", "penalty")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("published_at", sa.DateTime(timezone=True), nullable=True)
            )
            batch_op.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_published_by_id_user_account"),
                "user_account", ["published_by_id"], ["id"],
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_published_by_id_user_account"), type_="foreignkey"
            )
            batch_op.drop_column("published_by_id")
            batch_op.drop_column("published_at")
