"""Alembic environment: the connection comes from the caller (``flask --app wsgi db upgrade``)."""

from alembic import context

from formulatrust.db import make_engine
from formulatrust.models import Base
from formulatrust.models_accounts import User  # noqa: F401  (registers the account tables)
from formulatrust.models_api import ApiToken  # noqa: F401  (registers the API-token table)
from formulatrust.models_bulletins import Bulletin  # noqa: F401  (registers the bulletin tables)
from formulatrust.models_integrity import Licence  # noqa: F401  (registers the integrity tables)
from formulatrust.models_open_days import OpenDay  # noqa: F401  (registers the open-day tables)
from formulatrust.models_showcases import Showcase  # noqa: F401  (registers the showcase tables)

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with make_engine(config.get_main_option("sqlalchemy.url")).connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `flask --app wsgi db upgrade`.")
run_migrations_online()
