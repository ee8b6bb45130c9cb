"""Learn articles in the database: every saved version, reviewers and review dates

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("reviewer", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("reviewer_qualification", sa.String(length=200),
                                   nullable=False, server_default=""))
    op.create_table(
        "learn_article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.Column("last_reviewed_on", sa.Date(), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learn_article")),
        sa.UniqueConstraint("slug", name=op.f("uq_learn_article_slug")),
    )
    op.create_table(
        "learn_article_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("summary_zh", sa.String(length=500), nullable=False),
        sa.Column("summary_en", sa.String(length=500), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=100), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passed_checks", sa.Boolean(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(length=100), nullable=False),
        sa.Column("reviewer_qualification", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["learn_article.id"], ondelete="CASCADE",
                                name=op.f("fk_learn_article_version_article_id_learn_article")),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_learn_article_version_author_id_user_account")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_learn_article_version_reviewer_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learn_article_version")),
        sa.UniqueConstraint("article_id", "number",
                            name=op.f("uq_learn_article_version_article_id")),
    )
    op.create_index(op.f("ix_learn_article_version_article_id"), "learn_article_version",
                    ["article_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_learn_article_version_article_id"),
                  table_name="learn_article_version")
    op.drop_table("learn_article_version")
    op.drop_table("learn_article")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("reviewer_qualification")
        batch.drop_column("reviewer")
