"""Engine, sessions and schema migrations. SQLite by default, PostgreSQL by URL."""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from readiness.core.settings import get_settings

MIGRATIONS_DIR = Path(__file__).parents[1] / "migrations"


_engines: dict[str, Engine] = {}


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    database = url.split("///", 1)[-1]
    # A "file:…?mode=ro&uri=true" database is an SQLite URI, not a path whose folder to create.
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    busy_ms = get_settings().sqlite_busy_timeout_s * 1000

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take over transaction control from the sqlite3 module so that writers can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers never block a writer; busy_timeout: a second writer waits instead of failing.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that reads and then writes
        # can fail with "database is locked" without waiting for the busy timeout.
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def get_engine() -> Engine:
    url = get_settings().database_url
    if url not in _engines:
        _engines[url] = _make_engine(url)
    return _engines[url]


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or get_engine()).dialect.name == "sqlite"


@contextmanager
def session() -> Iterator[Session]:
    """A session for reading; commit explicitly if it writes."""
    with Session(get_engine()) as s:
        yield s


@contextmanager
def write_session() -> Iterator[Session]:
    """A session that holds the write lock from its first statement and commits on success."""
    engine = get_engine().execution_options(immediate=True)
    with Session(engine) as s, s.begin():
        yield s


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade() -> None:
    """Bring the database to the latest schema (a no-op when it is there already)."""
    engine = get_engine()
    with engine.begin() as connection:
        # Every command and app process starts here: a database at the head revision skips loading the
        # migration environment (about 0.1 s).
        if MigrationContext.configure(connection).get_current_revision() == _head():
            return
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def reset_caches() -> None:
    """Forget the cached settings and engines (tests switch databases between cases)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    get_settings.cache_clear()
