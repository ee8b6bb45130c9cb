"""Industry statistics as data: releases, figures and every value each figure had

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "industry_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("corrected", sa.Integer(), nullable=False),
        sa.Column("first_period", sa.String(length=7), nullable=False),
        sa.Column("last_period", sa.String(length=7), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_industry_release_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["published_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_industry_release_published_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industry_release")),
    )
    op.create_index(op.f("ix_industry_release_organisation_id"), "industry_release",
                    ["organisation_id"])
    op.create_table(
        "industry_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("category_zh", sa.String(length=100), nullable=False),
        sa.Column("category_en", sa.String(length=100), nullable=False),
        sa.Column("stage_zh", sa.String(length=100), nullable=False),
        sa.Column("stage_en", sa.String(length=100), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=24), nullable=False),
        sa.Column("source_zh", sa.String(length=300), nullable=False),
        sa.Column("source_en", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_industry_figure_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["release_id"], ["industry_release.id"],
                                name=op.f("fk_industry_figure_release_id_industry_release")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industry_figure")),
        sa.UniqueConstraint("organisation_id", "period", "category_zh", "stage_zh", "measure",
                            name=op.f("uq_industry_figure_organisation_id")),
    )
    op.create_index(op.f("ix_industry_figure_organisation_id"), "industry_figure",
                    ["organisation_id"])
    op.create_index(op.f("ix_industry_figure_period"), "industry_figure", ["period"])
    op.create_index(op.f("ix_industry_figure_release_id"), "industry_figure", ["release_id"])
    op.create_table(
        "industry_figure_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("figure_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=24), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("source_zh", sa.String(length=300), nullable=False),
        sa.Column("source_en", sa.String(length=300), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["figure_id"], ["industry_figure.id"], ondelete="CASCADE",
                                name=op.f("fk_industry_figure_version_figure_id_industry_figure")),
        sa.ForeignKeyConstraint(
            ["release_id"], ["industry_release.id"],
            name=op.f("fk_industry_figure_version_release_id_industry_release")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industry_figure_version")),
        sa.UniqueConstraint("figure_id", "version",
                            name=op.f("uq_industry_figure_version_figure_id")),
    )
    op.create_index(op.f("ix_industry_figure_version_figure_id"), "industry_figure_version",
                    ["figure_id"])
    op.create_index(op.f("ix_industry_figure_version_release_id"), "industry_figure_version",
                    ["release_id"])


def downgrade() -> None:
    op.drop_table("industry_figure_version")
    op.drop_table("industry_figure")
    op.drop_table("industry_release")
