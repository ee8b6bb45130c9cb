"""Following batches and products by e-mail, the outbox that sends the messages, and an
optional address on open-day bookings, and visits cancelled with a reason

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follower",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follower")),
        sa.UniqueConstraint("email", name=op.f("uq_follower_email")),
        sa.UniqueConstraint("token", name=op.f("uq_follower_token")),
    )
    op.create_table(
        "followed_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("lot", sa.String(length=20), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["follower_id"], ["follower.id"], ondelete="CASCADE",
                                name=op.f("fk_followed_item_follower_id_follower")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followed_item")),
        sa.UniqueConstraint("follower_id", "gtin", "lot",
                            name=op.f("uq_followed_item_follower_id")),
        sa.UniqueConstraint("token", name=op.f("uq_followed_item_token")),
    )
    op.create_index(op.f("ix_followed_item_follower_id"), "followed_item", ["follower_id"])
    op.create_index(op.f("ix_followed_item_gtin"), "followed_item", ["gtin"])
    op.create_table(
        "follow_cursor",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_change_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_follow_cursor")),
    )
    op.create_table(
        "mail_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=True),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_delivery")),
        sa.UniqueConstraint("key", name=op.f("uq_mail_delivery_key")),
        sa.UniqueConstraint("change_id", "subscription_id",
                            name=op.f("uq_mail_delivery_change_id")),
    )
    op.add_column("booking", sa.Column("email", sa.String(length=254), nullable=False,
                                       server_default=""))
    op.add_column("booking", sa.Column("language", sa.String(length=5), nullable=False,
                                       server_default="zh"))
    op.add_column("open_day", sa.Column("cancelled_at", sa.DateTime(timezone=True),
                                        nullable=True))
    op.add_column("open_day", sa.Column("cancel_reason", sa.Text(), nullable=False,
                                        server_default=""))
    op.create_index(op.f("ix_mail_delivery_due_at"), "mail_delivery", ["due_at"])
    op.create_index(op.f("ix_mail_delivery_subscription_id"), "mail_delivery",
                    ["subscription_id"])


def downgrade() -> None:
    with op.batch_alter_table("open_day") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_at")
    with op.batch_alter_table("booking") as batch:
        batch.drop_column("language")
        batch.drop_column("email")
    op.drop_table("mail_delivery")
    op.drop_table("follow_cursor")
    op.drop_table("followed_item")
    op.drop_table("follower")
