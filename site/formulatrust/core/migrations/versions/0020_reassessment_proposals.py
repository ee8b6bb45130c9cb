"""Review proposals to re-assess a rating, after a non-compliant result or a published penalty

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07 05:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_proposal") as batch:
        batch.alter_column("result_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("penalty_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rating_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_review_proposal_penalty_id_penalty"), "penalty",
                                 ["penalty_id"], ["id"])
        batch.create_foreign_key(op.f("fk_review_proposal_rating_id_rating"), "rating",
                                 ["rating_id"], ["id"])


def downgrade() -> None:
    op.execute("DELETE FROM review_proposal WHERE result_id IS NULL")
    with op.batch_alter_table("review_proposal") as batch:
        batch.drop_constraint(op.f("fk_review_proposal_rating_id_rating"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_review_proposal_penalty_id_penalty"), type_="foreignkey")
        batch.drop_column("rating_id")
        batch.drop_column("penalty_id")
        batch.alter_column("result_id", existing_type=sa.Integer(), nullable=False)
