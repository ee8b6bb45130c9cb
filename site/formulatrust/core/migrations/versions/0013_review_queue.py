"""The regulators' review queue: proposed key-supervision listings

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 00:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["result_id"], ["sampling_result.id"],
                                name=op.f("fk_review_proposal_result_id_sampling_result")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"],
                                name=op.f("fk_review_proposal_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"],
                                name=op.f("fk_review_proposal_product_id_product")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"],
                                name=op.f("fk_review_proposal_decided_by_id_user_account")),
        sa.ForeignKeyConstraint(["listing_id"], ["supervision_listing.id"],
                                name=op.f("fk_review_proposal_listing_id_supervision_listing")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_proposal")),
        sa.UniqueConstraint("kind", "result_id", name=op.f("uq_review_proposal_kind")),
    )
    op.create_index(op.f("ix_review_proposal_result_id"), "review_proposal", ["result_id"])
    op.create_index(op.f("ix_review_proposal_enterprise_id"), "review_proposal",
                    ["enterprise_id"])
    op.create_index(op.f("ix_review_proposal_status"), "review_proposal", ["status"])


def downgrade() -> None:
    op.drop_table("review_proposal")
