"""Organisations: every account belongs to one, and bulletins name theirs

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:10:00

Existing accounts are given an organisation: an enterprise editor its enterprise's, an
association editor the organisation its latest bulletin was published under, anyone else one
organisation per role, to be renamed with `flask --app wsgi organisations rename`.
"""

import hashlib
import re

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ROLE_ORGANISATIONS = {
    "admin": ("operator", "operator", "网站运营方", "Site operator"),
    "regulator": ("regulator", "regulator", "监管部门", "Regulator"),
    "association": ("association", "association", "行业协会", "Industry association"),
    "science": ("editorial-office", "editorial", "科普编辑部", "Science editorial office"),
}


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"],
                                name=op.f("fk_organisation_enterprise_id_enterprise")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisation_slug")),
        sa.UniqueConstraint("enterprise_id", name=op.f("uq_organisation_enterprise_id")),
    )
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_index("ix_user_account_organisation_id", ["organisation_id"])
        batch.create_foreign_key("fk_user_account_organisation_id_organisation", "organisation",
                                 ["organisation_id"], ["id"])
    with op.batch_alter_table("bulletin") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_index("ix_bulletin_organisation_id", ["organisation_id"])
        batch.create_foreign_key("fk_bulletin_organisation_id_organisation", "organisation",
                                 ["organisation_id"], ["id"])
    _backfill(op.get_bind())


def _backfill(connection) -> None:
    organisation = sa.table("organisation", *(sa.column(n) for n in (
        "id", "slug", "kind", "name_zh", "name_en", "enterprise_id", "is_demo")))
    made: dict[str, int] = {}

    def make(slug: str, kind: str, name_zh: str, name_en: str, enterprise_id=None,
             is_demo=False) -> int:
        if slug not in made:
            connection.execute(organisation.insert().values(
                slug=slug, kind=kind, name_zh=name_zh, name_en=name_en,
                enterprise_id=enterprise_id, is_demo=is_demo))
            made[slug] = connection.execute(sa.select(organisation.c.id).where(
                organisation.c.slug == slug)).scalar_one()
        return made[slug]

    bulletins = connection.execute(sa.text(
        "SELECT id, author_id, organisation_zh, organisation_en, is_demo FROM bulletin "
        "ORDER BY updated_at")).all()
    latest: dict[int, int] = {}
    for bulletin_id, author_id, name_zh, name_en, is_demo in bulletins:
        slug = "association-" + (re.sub(r"[^a-z0-9]+", "-", (name_en or "").lower()).strip("-")
                                 or hashlib.sha256(name_zh.encode()).hexdigest()[:8])
        org_id = make(slug[:80], "association", name_zh, name_en or "", is_demo=bool(is_demo))
        connection.execute(sa.text("UPDATE bulletin SET organisation_id = :o WHERE id = :b"),
                           {"o": org_id, "b": bulletin_id})
        if author_id is not None:
            latest[author_id] = org_id
    users = connection.execute(sa.text(
        "SELECT u.id, u.role, e.id, e.slug, e.name_zh, e.name_en, e.is_demo FROM user_account u "
        "LEFT JOIN enterprise e ON e.id = u.enterprise_id")).all()
    for user_id, role, enterprise_id, slug, name_zh, name_en, is_demo in users:
        if enterprise_id is not None:
            org_id = make(slug, "enterprise", name_zh, name_en, enterprise_id, bool(is_demo))
        elif user_id in latest:
            org_id = latest[user_id]
        else:
            org_id = make(*ROLE_ORGANISATIONS[role])
        connection.execute(sa.text("UPDATE user_account SET organisation_id = :o WHERE id = :u"),
                           {"o": org_id, "u": user_id})


def downgrade() -> None:
    with op.batch_alter_table("bulletin") as batch:
        batch.drop_constraint("fk_bulletin_organisation_id_organisation", type_="foreignkey")
        batch.drop_index("ix_bulletin_organisation_id")
        batch.drop_column("organisation_id")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("fk_user_account_organisation_id_organisation",
                              type_="foreignkey")
        batch.drop_index("ix_user_account_organisation_id")
        batch.drop_column("organisation_id")
    op.drop_table("organisation")
