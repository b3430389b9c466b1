"""Alembic environment: runs on the connection handed over by readiness.core.db.upgrade, or on the configured URL."""

from alembic import context
from sqlmodel import SQLModel

import readiness.core.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from readiness.core.db import get_engine

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with get_engine().begin() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
