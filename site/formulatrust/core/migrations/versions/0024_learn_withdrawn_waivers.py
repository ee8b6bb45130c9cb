"""Learn articles: withdrawing a published article, and regulators' waivers of findings

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learn_article") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_reason", sa.String(length=500), nullable=False,
                                   server_default=""))
    op.create_table(
        "learn_article_waiver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("waived_by_id", sa.Integer(), nullable=True),
        sa.Column("waived_by_name", sa.String(length=100), nullable=False),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["learn_article.id"], ondelete="CASCADE",
                                name=op.f("fk_learn_article_waiver_article_id_learn_article")),
        sa.ForeignKeyConstraint(["waived_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_learn_article_waiver_waived_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learn_article_waiver")),
        sa.UniqueConstraint("article_id", "rule", "phrase",
                            name=op.f("uq_learn_article_waiver_article_id")),
    )
    op.create_index(op.f("ix_learn_article_waiver_article_id"), "learn_article_waiver",
                    ["article_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_learn_article_waiver_article_id"), table_name="learn_article_waiver")
    op.drop_table("learn_article_waiver")
    with op.batch_alter_table("learn_article") as batch:
        batch.drop_column("withdrawn_reason")
        batch.drop_column("withdrawn_at")
