"""brand showcases edited in the browser: versions and regulators' waivers

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "showcase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("published_number", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'published')", name=op.f("ck_showcase_status")),
        sa.CheckConstraint("status = 'draft' OR published_number IS NOT NULL",
                           name=op.f("ck_showcase_published_has_revision")),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"],
                                name=op.f("fk_showcase_brand_id_brand"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["published_by_id"], ["user_account.id"],
                                name=op.f("fk_showcase_published_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_showcase")),
        sa.UniqueConstraint("brand_id", name=op.f("uq_showcase_brand_id")),
    )

    op.create_table(
        "showcase_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("showcase_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("summary_zh", sa.String(length=500), nullable=False),
        sa.Column("summary_en", sa.String(length=500), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["showcase_id"], ["showcase.id"],
                                name=op.f("fk_showcase_revision_showcase_id_showcase"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["edited_by_id"], ["user_account.id"],
                                name=op.f("fk_showcase_revision_edited_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_showcase_revision")),
        sa.UniqueConstraint("showcase_id", "number",
                            name=op.f("uq_showcase_revision_showcase_id")),
    )

    op.create_table(
        "showcase_waiver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("showcase_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("waived_by_id", sa.Integer(), nullable=True),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["showcase_id"], ["showcase.id"],
                                name=op.f("fk_showcase_waiver_showcase_id_showcase"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["waived_by_id"], ["user_account.id"],
                                name=op.f("fk_showcase_waiver_waived_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_showcase_waiver")),
        sa.UniqueConstraint("showcase_id", "rule", "phrase",
                            name=op.f("uq_showcase_waiver_showcase_id")),
    )
    with op.batch_alter_table("showcase_waiver", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_showcase_waiver_showcase_id"), ["showcase_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("showcase_waiver", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_showcase_waiver_showcase_id"))
    op.drop_table("showcase_waiver")
    op.drop_table("showcase_revision")
    op.drop_table("showcase")
