"""The bulletin tables on SQLite and PostgreSQL: migration up and down, constraints, file bytes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.core.db import make_engine
from formulatrust.core.migrate import downgrade, upgrade
from formulatrust.publishing.bulletins import store
from formulatrust.publishing.bulletins.models import Bulletin, BulletinAttachment, BulletinRevision

from .bulletins_factory import bulletin, content
from .liveserver import sibling_database

TABLES = {"bulletin", "bulletin_revision", "bulletin_attachment"}


def test_migration_0007_goes_up_and_down(database_url, tmp_path):
    engine = make_engine(sibling_database(database_url, "bulletin_migration", tmp_path))
    try:
        upgrade(engine, "0007")
        assert TABLES <= set(inspect(engine).get_table_names())
        downgrade(engine, "0006")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)  # to the newest schema, which the models describe
        assert TABLES <= set(inspect(engine).get_table_names())
        with Session(engine) as session:
            bulletin(session, publish=utcnow() + timedelta(days=1))
            assert session.scalar(select(Bulletin.slug)) == "q3-quality"
    finally:
        engine.dispose()


def test_a_published_bulletin_must_have_a_time(session):
    record = bulletin(session, publish=False)
    record.status = "published"
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_times_are_stored_in_utc_and_read_back_aware(session):
    moment = utcnow().replace(microsecond=0) + timedelta(hours=3)
    record = bulletin(session, publish=moment)
    session.expire_all()
    again = session.get(Bulletin, record.id)
    assert again.published_at == moment and again.published_at.tzinfo is not None
    assert again.is_scheduled() and not again.is_visible()
    assert again.is_visible(moment + timedelta(seconds=1))


def test_file_bytes_round_trip_and_deleting_a_bulletin_deletes_its_parts(session):
    record = bulletin(session)
    data = b"%PDF-1.7\n" + bytes(range(256)) * 20000  # about 5 MB of every byte value
    store.attach(session, None, record, "big.pdf", "application/pdf", data, len(data))
    store.save(session, None, record, content(body_zh="改过"))
    session.commit()
    session.expire_all()
    assert session.scalar(select(BulletinAttachment.data)) == data
    session.execute(delete(Bulletin))  # the database itself cascades, not only the ORM
    session.commit()
    assert session.scalar(select(BulletinRevision.id)) is None
    assert session.scalar(select(BulletinAttachment.id)) is None
