"""bulletins, revisions, attachments and statistics

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _content_columns() -> list[sa.Column]:
    """The columns a bulletin and each of its revisions share."""
    return [
        sa.Column("organisation_zh", sa.String(length=200), nullable=False),
        sa.Column("organisation_en", sa.String(length=200), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("summary_zh", sa.String(length=500), nullable=False),
        sa.Column("summary_en", sa.String(length=500), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("statistics", sa.JSON(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "bulletin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        *_content_columns(),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("publish_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'published')", name=op.f("ck_bulletin_status")),
        sa.CheckConstraint("status = 'draft' OR publish_at IS NOT NULL",
                           name=op.f("ck_bulletin_published_has_time")),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_bulletin_author_id_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["edited_by_id"], ["user_account.id"],
                                name=op.f("fk_bulletin_edited_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin")),
        sa.UniqueConstraint("slug", name=op.f("uq_bulletin_slug")),
    )
    with op.batch_alter_table("bulletin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulletin_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_bulletin_status_publish_at", ["status", "publish_at"],
                              unique=False)

    op.create_table(
        "bulletin_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        *_content_columns(),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["bulletin_id"], ["bulletin.id"],
                                name=op.f("fk_bulletin_revision_bulletin_id_bulletin"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["edited_by_id"], ["user_account.id"],
                                name=op.f("fk_bulletin_revision_edited_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin_revision")),
        sa.UniqueConstraint("bulletin_id", "number",
                            name=op.f("uq_bulletin_revision_bulletin_id")),
    )

    op.create_table(
        "bulletin_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bulletin_id"], ["bulletin.id"],
                                name=op.f("fk_bulletin_attachment_bulletin_id_bulletin"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user_account.id"],
                                name=op.f("fk_bulletin_attachment_uploaded_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin_attachment")),
    )
    with op.batch_alter_table("bulletin_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulletin_attachment_bulletin_id"), ["bulletin_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bulletin_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulletin_attachment_bulletin_id"))
    op.drop_table("bulletin_attachment")
    op.drop_table("bulletin_revision")
    with op.batch_alter_table("bulletin", schema=None) as batch_op:
        batch_op.drop_index("ix_bulletin_status_publish_at")
        batch_op.drop_index(batch_op.f("ix_bulletin_author_id"))
    op.drop_table("bulletin")
