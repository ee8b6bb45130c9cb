"""A read whose database connection drops mid-statement is answered from a fresh connection;
a write is never sent twice; a second drop gets the 503 page."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import Connection, Engine, event, select, text
from sqlalchemy.engine import ExceptionContext

from formulatrust.core import db
from formulatrust.scan.models import ProblemReport

from .pagecheck import check_page

RETRY_WARNING = "reading once more"
REPORT_FORM = "/scan/report?gtin=09521234500018&lot=20260301A1&serial=REG0001&lang=en"


class DroppedConnection(sqlite3.OperationalError):
    """SQLite has no server connection to lose: this error stands for one dropping."""


def cut(connection: Connection, admin: Engine) -> None:
    """Cut ``connection``: PostgreSQL ends its server process for real; on SQLite the statement
    fails with an error SQLAlchemy is told is a disconnect (see ``drop_connection``)."""
    if admin.dialect.name != "postgresql":
        raise DroppedConnection("the connection to the database dropped")
    with admin.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                      {"pid": connection.connection.driver_connection.info.backend_pid})


def classify_as_disconnect(context: ExceptionContext) -> None:
    if isinstance(context.original_exception, DroppedConnection):
        context.is_disconnect = True


@pytest.fixture
def drop_connection(app, engine):
    """``drop_connection(times)`` cuts the app's database connection under each of its next
    ``times`` statements, as a database restart or a network fault would; it returns the list
    of statements that were cut."""
    app_engine = app.extensions[db.EXTENSION_KEY].kw["bind"]
    statements_cut: list[str] = []
    remaining = 0

    def before_statement(connection: Connection, _cursor, statement: str, *_rest) -> None:
        nonlocal remaining
        if remaining:
            remaining -= 1
            statements_cut.append(statement)
            cut(connection, engine)

    def arm(times: int) -> list[str]:
        nonlocal remaining
        remaining = times
        return statements_cut

    event.listen(app_engine, "before_cursor_execute", before_statement)
    event.listen(app_engine, "handle_error", classify_as_disconnect)
    yield arm
    event.remove(app_engine, "handle_error", classify_as_disconnect)
    event.remove(app_engine, "before_cursor_execute", before_statement)


def retries(caplog) -> int:
    return sum(RETRY_WARNING in record.getMessage() for record in caplog.records)


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    text = response.get_data(as_text=True)
    assert "Temporarily unavailable" in text and "暂时无法访问" in text


def test_a_page_whose_connection_drops_is_read_again_on_a_fresh_one(client, world,
                                                                     drop_connection, caplog):
    statements_cut = drop_connection(1)
    response = client.get("/enterprises/test-dairy?lang=en")
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True), "en")
    assert soup.h1.get_text(strip=True) == "Test Dairy Co., Ltd."
    assert len(statements_cut) == 1 and retries(caplog) == 1


def test_an_api_read_whose_connection_drops_is_read_again(client, world, drop_connection,
                                                          caplog):
    statements_cut = drop_connection(1)
    response = client.get("/api/v1/enterprises")
    assert response.status_code == 200
    slugs = {each["slug"] for each in response.get_json()["enterprises"]}
    assert slugs == {"test-dairy", "river-milk"}
    assert len(statements_cut) == 1 and retries(caplog) == 1


def test_a_second_drop_answers_503_once_without_trying_again(client, world, drop_connection,
                                                             caplog):
    statements_cut = drop_connection(3)
    assert_unavailable_page(client.get("/enterprises/test-dairy?lang=en"))
    # The page's read was tried twice (the third drop met the error page's demo-data check,
    # which shows the page without the banner rather than failing).
    page_reads = [s for s in statements_cut if "enterprise.slug = " in s]
    assert len(page_reads) == 2 and retries(caplog) == 1


def test_a_form_whose_connection_drops_is_not_sent_twice(client, engine, world, drop_connection,
                                                         caplog):
    page = check_page(client.get(REPORT_FORM).get_data(as_text=True), "en")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    statements_cut = drop_connection(2)
    response = client.post("/scan/report?lang=en", data={
        "csrf_token": token, "gtin": "09521234500018", "lot": "20260301A1",
        "serial": "REG0001", "category": "counterfeit",
        "description": "The seal was already broken when I opened the box."})
    assert_unavailable_page(response)
    assert len(statements_cut) == 1 and retries(caplog) == 0
    with engine.connect() as connection:  # not the app's engine, whose next statement is cut
        assert connection.scalars(select(ProblemReport.id)).all() == []
