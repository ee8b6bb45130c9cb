"""Publisher accounts, the audit log and the API tokens enterprise systems push data with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.clock import utcnow
from formulatrust.core.models import Base, timestamp_column
from formulatrust.enterprises.models import Enterprise

ROLES = ("admin", "regulator", "association", "enterprise", "science")
# The kind of organisation each role's accounts belong to.
ORGANISATION_KINDS = {"admin": "operator", "regulator": "regulator",
                      "association": "association", "enterprise": "enterprise",
                      "science": "editorial"}


class Organisation(Base):
    """Who stands behind what is published: a regulator, an association, an enterprise, the
    science editorial office or the site's operator. Accounts belong to one; what they publish
    carries its name, never a name typed into a form."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # a value of ORGANISATION_KINDS
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), unique=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise | None] = relationship()


class User(Base):
    """A publisher who signs in: one role, and for enterprise editors one enterprise."""

    __tablename__ = "user_account"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'regulator', 'association', 'enterprise', 'science')",
                        name="role"),
        CheckConstraint("role != 'enterprise' OR enterprise_id IS NOT NULL",
                        name="enterprise_role_has_enterprise"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                        index=True)
    active: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step a code was accepted for, so a seen code cannot be replayed.
    totp_last_step: Mapped[int | None] = mapped_column()
    # Stored in the session at sign-in; bumping it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)  # wrong attempts in a row
    # No attempt is checked before this time: a growing delay after wrong ones, never a lockout.
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = timestamp_column()
    # Set by an administrator (`users reviewer`): may approve science articles others wrote.
    reviewer: Mapped[bool] = mapped_column(default=False, server_default=false())
    reviewer_qualification: Mapped[str] = mapped_column(String(200), default="",
                                                        server_default="")

    enterprise: Mapped[Enterprise | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class SignIn(Base):
    """One signed-in browser, known to the server: signing out deletes it, so a copied session
    cookie stops working on every node the moment its holder signs out."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cookie's
    started_at: Mapped[datetime] = timestamp_column()


class FailedSignIn(Base):
    """A wrong password or code for an account, kept until its holder next signs in and is told
    how many there were and from how many addresses (a keyed hash: never the address itself)."""

    __tablename__ = "failed_sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    address_key: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = timestamp_column()


class AuditEntry(Base):
    """Who created, changed, published or deleted what, and when. Written once, never changed."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(_mapper, _connection, target: AuditEntry) -> None:
    raise ValueError(f"audit entry {target.id} cannot be changed or deleted")


class ApiToken(Base):
    """A bearer token for one enterprise; only a hash of its secret is kept.

    ``public_id`` is the part of the token before the secret: it finds the row without
    comparing secrets, and is safe to show in lists and logs.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the secret, hex
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = timestamp_column()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    enterprise: Mapped[Enterprise] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
