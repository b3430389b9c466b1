"""Fixtures: every data-layer test runs on SQLite and, when READINESS_TEST_POSTGRES_URL is set, on PostgreSQL.

Each PostgreSQL case gets a schema of its own, dropped afterwards. Page tests (marked `page`) and browser tests
(marked `browser`) run on SQLite only: pages hold no SQL, and the queries, writes and sessions they call are tested
on both databases in their own files; a few page tests stay unmarked so that every page is also drawn once on
PostgreSQL, and the two-replica test (tests/test_deploy.py) runs the browser against PostgreSQL.
"""

import functools
import json
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import Engine, create_engine, make_url, text
from sqlmodel import SQLModel
from streamlit.testing.v1 import AppTest

import ui
from readiness import bootstrap, demo
from readiness.access import auth, sessions
from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.enums import TaskLevel
from readiness.core.models import Origin, ResultBase, Role, SubmissionCreate
from readiness.intake import submissions, tasks

POSTGRES_URL = os.environ.get("READINESS_TEST_POSTGRES_URL")
PROJECT_DIR = Path(__file__).resolve().parent.parent
APP = str(PROJECT_DIR / "app.py")
TEST_PASSWORD = "test-password-57"
# AppTest cannot send cookies: in page tests the app finds the session token under this session_state key.
SESSION_KEY = "_test_session_token"
_URL = "READINESS_DATABASE_URL"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def postgres_page(item: pytest.Item) -> bool:
        callspec = getattr(item, "callspec", None)
        drawn = item.get_closest_marker("page") or item.get_closest_marker("browser")
        return bool(drawn) and callspec is not None and "postgresql" in callspec.params.values()

    deselected = [item for item in items if postgres_page(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not postgres_page(item)]


def _use(monkeypatch: pytest.MonkeyPatch, url: str, province: str = "01") -> None:
    monkeypatch.setenv(_URL, url)
    monkeypatch.setenv("READINESS_PROVINCE", province)
    db.reset_caches()


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """The smallest argon2id parameters the library accepts: the app's defaults cost ~0.1 s per hash, and the
    tests hash hundreds of passwords. Only the settings change; every code path stays the production one."""
    monkeypatch.setenv("READINESS_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("READINESS_ARGON2_MEMORY_COST_KIB", "8")
    monkeypatch.setenv("READINESS_ARGON2_PARALLELISM", "1")
    db.reset_caches()


@pytest.fixture(autouse=True, scope="session")
def _components_scanned_once() -> Iterator[None]:
    """Every new AppTest scans the metadata of every installed package for Streamlit components (about 0.5 s; the
    app has none). The installed packages do not change during a run: scan once per process, keep the result."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(
            manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests)
        )
        yield


@pytest.fixture(autouse=True)
def _session_cookie_from_session_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where AppTest cannot go: the browser's cookie. Everything from the token on (sessions.actor_for, expiry,
    revocation) is the production path."""
    monkeypatch.setattr(ui, "session_token", lambda: st.session_state.get(SESSION_KEY))


def log_in(at: AppTest, actor: Actor) -> AppTest:
    """Log an AppTest in as an existing account, through a real login session."""
    at.session_state[SESSION_KEY] = sessions.open_session(actor, "AppTest")
    return at


def next_click(at: AppTest) -> AppTest:
    """The tab's next click, through app.py: after its first run, AppTest reruns only the page script, while a
    browser tab runs app.py (and its login check) on every click. A new AppTest with the tab's login state."""
    again = AppTest.from_file(APP, default_timeout=60)
    for key in (SESSION_KEY, "actor", "done", "lang"):
        if key in at.session_state:
            again.session_state[key] = at.session_state[key]
    return again.run()


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    # AppTest runs app.py as the __main__ module and leaves it there; a process started with "spawn" (the
    # concurrency tests) would then re-run app.py on start-up and fail.
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'readiness.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("READINESS_TEST_POSTGRES_URL is not set: PostgreSQL case skipped")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = request.getfixturevalue("_postgres_admin")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield _schema_url(schema)
    db.reset_caches()
    with admin.connect() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def _schema_url(schema: str) -> str:
    """The test server's URL with `schema` first on the search path."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def _postgres_admin() -> Iterator[Engine]:
    """One autocommit connection pool per test process for creating and dropping the tests' schemas and
    databases."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[str]:
    """An empty database (no tables) of each kind, configured for Hà Nội."""
    _use(monkeypatch, database_url)
    yield database_url
    db.reset_caches()


@pytest.fixture
def initialized(database: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database after `readiness init`: 126 Hà Nội communes and the 16 criteria. Migrating a new database for
    every test took about a fifth of the import and export tests' time, so: on SQLite, a copy of the file init
    wrote for the first test of this process with the same READINESS_ settings; on PostgreSQL, one migrated schema
    per test process, emptied (rows deleted, sequences restarted) and seeded again for each test."""
    if not database.startswith("sqlite:///"):
        url = request.getfixturevalue("_postgres_reused_schema")
        _use(monkeypatch, url, os.environ["READINESS_PROVINCE"])  # as `database` set it, or a fixture after it
        _emptied()
        bootstrap.init()
        return url
    path = Path(database.removeprefix("sqlite:///"))
    templates = request.getfixturevalue("_initialized_sqlite_templates")
    settings = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("READINESS_") and k != _URL))
    template = templates.get(settings)
    if template is None:
        bootstrap.init()
        db.reset_caches()  # closes the connections: the write-ahead log is checkpointed into the file
        template = templates[settings] = request.getfixturevalue("tmp_path_factory").mktemp("init") / "readiness.db"
        shutil.copy(path, template)
    else:
        shutil.copy(template, path)
        db.reset_caches()
    return database


def _emptied() -> None:
    """Every row of the configured PostgreSQL database deleted and its sequences restarted: as new after its
    migrations. A lock left by an earlier test fails this one instead of hanging the run."""
    with db.get_engine().begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
        sequences = text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        for sequence in connection.execute(sequences).scalars().all():
            connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(scope="session")
def _postgres_reused_schema(_postgres_admin: Engine) -> Iterator[str]:
    """The migrated schema `initialized` empties and seeds for each PostgreSQL test of this process; its URL."""
    schema = f"test_init_{uuid.uuid4().hex[:12]}"
    with _postgres_admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use(monkeypatch, _schema_url(schema))
        db.upgrade()
        db.reset_caches()
    yield _schema_url(schema)
    db.reset_caches()
    with _postgres_admin.connect() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(scope="session")
def _initialized_sqlite_templates() -> dict[tuple, Path]:
    return {}


@pytest.fixture
def demo_data(
    database: str, _demo_sqlite_template: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """`initialized` with the Hà Nội demo loaded: a copy of one demo database made per test process (the same rows:
    demo.load is deterministic), which saves loading it again for every test (≈ 3 s on PostgreSQL, 0.1 s to copy).
    On PostgreSQL the copy is a database of its own, dropped afterwards."""
    if database.startswith("sqlite:///"):
        shutil.copy(_demo_sqlite_template, database.removeprefix("sqlite:///"))
        db.reset_caches()
        yield database
        return
    template = request.getfixturevalue("_demo_postgres_template")
    name = f"readiness_test_{uuid.uuid4().hex[:12]}"
    admin = request.getfixturevalue("_postgres_admin")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY"))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    _use(monkeypatch, url)
    yield url
    db.reset_caches()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def _demo_postgres_template(_postgres_admin: Engine) -> Iterator[str]:
    """A PostgreSQL database with the Hà Nội demo loaded, made once per test process; its name."""
    name = f"readiness_demo_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use(monkeypatch, make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
        bootstrap.init()
        with db.write_session() as session:
            demo.load(session, OPERATOR)
        # A template database can be copied only while nobody is connected to it.
        db.reset_caches()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def _demo_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use(monkeypatch, f"sqlite:///{path}")
        bootstrap.init()
        with db.write_session() as session:
            demo.load(session, OPERATOR)
        db.reset_caches()
    return path


@pytest.fixture
def demo_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, _demo_sqlite_template: Path) -> Iterator[str]:
    """A copy of one SQLite database with the Hà Nội demo loaded, for tests that only read it (fast)."""
    path = tmp_path / "demo.db"
    shutil.copy(_demo_sqlite_template, path)
    url = f"sqlite:///{path}"
    _use(monkeypatch, url)
    yield url
    db.reset_caches()


def submit(
    commune: str, day: date, values: dict[str, float | None], received: datetime | None = None, **fields: str
) -> None:
    """Store one hand-made submission (received at 09:00 UTC on its reporting date unless said otherwise)."""
    with db.write_session() as session:
        submissions.save(
            session,
            [
                SubmissionCreate(
                    commune_code=commune,
                    reporting_date=day,
                    received_at=received or datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                    received_from="test",
                    origin=Origin.UPLOAD,
                    results=[ResultBase(criterion_code=code, value=value) for code, value in values.items()],
                    **fields,
                )
            ],
        )


def account(role: Role, commune_code: str | None = None, unit_code: str | None = None) -> Actor:
    """A real account of `role` in the current database (created on first use; a unit account needs its department
    `unit_code`): the app re-reads the logged-in account from the database on every run."""
    name = f"test-{role}" + (f"-{commune_code}" if commune_code else "")
    bootstrap.init()
    with db.write_session() as session:
        if not auth.accounts_exist(session) or name not in set(auth.list_accounts(session, OPERATOR)["name"]):
            return auth.create_account(session, OPERATOR, name, role, TEST_PASSWORD, commune_code, unit_code=unit_code)
    with db.session() as session:
        return auth.actor_for(session, name)


@pytest.fixture
def app_as(initialized: str) -> Callable[..., AppTest]:
    """Make an AppTest of app.py logged in as a new account of `role` (a commune account needs its commune).

    Only the first run() goes through app.py (navigation by role); after switch_page, AppTest runs the page
    script alone, because Streamlit treats the pages/ folder the old way until st.navigation is called."""

    def make(role: Role, commune_code: str | None = None) -> AppTest:
        return log_in(AppTest.from_file(APP, default_timeout=60), account(role, commune_code))

    return make


def shown(element: object) -> pd.DataFrame:
    """What an AppTest dataframe element shows: its column_order, under the headers of its column_config."""
    config = json.loads(element.proto.columns)
    order = list(element.proto.column_order) or list(element.value.columns)
    return element.value[order].rename(columns={key: config.get(key, {}).get("label", key) for key in order})


NATIONAL_PASSWORD = "a-long-password-57"


@pytest.fixture
def national(database: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A national database (3,321 communes, set up as `initialized` is): officers of Hà Nội (hn, hn2), of Hồ Chí
    Minh City (hcm), a national officer (nation), the commune account of Phường Vũng Tàu (vungtau); a submission of
    06/10/2025 from Phường Cửa Nam (00073: TC01 yes) and one from Phường Vũng Tàu (26506: TC01 yes, TC02 0)."""
    monkeypatch.setenv("READINESS_PROVINCE", "all")
    db.reset_caches()
    url = request.getfixturevalue("initialized")
    with db.write_session() as session:
        for name, province in (("hn", "01"), ("hn2", "01"), ("hcm", "79"), ("nation", None)):
            auth.create_account(session, OPERATOR, name, Role.OFFICER, NATIONAL_PASSWORD, province_code=province)
        auth.create_account(session, OPERATOR, "vungtau", Role.COMMUNE, NATIONAL_PASSWORD, "26506")
    submit("00073", date(2025, 10, 6), {"TC01": 1})
    submit("26506", date(2025, 10, 6), {"TC01": 1, "TC02": 0})
    return url


def plan_row(code: str, lead: str, deadline: date | None) -> tasks.TaskRow:
    """A plan row of the central level, coordinated by STC, without a KPI."""
    return tasks.TaskRow(
        code=code,
        content=f"Nội dung {code}",
        source_document="Kế hoạch 02-KH/BCĐTW",
        level=TaskLevel.CENTRAL,
        objective="Hạ tầng số",
        lead_unit_code=lead,
        coordinating_unit_codes=["STC"],
        deadline=deadline,
        kpi_indicator="",
        kpi_target=None,
        kpi_unit="",
    )


@pytest.fixture
def planned(initialized: str) -> str:
    """A plan of three tasks: T1 led by SKHCN, T2 by SYT (both due 30/09/2025), T3 by the commune 00070 (continuous);
    each coordinated by STC."""
    with db.write_session() as session:
        tasks.save_plan(
            session,
            OPERATOR,
            [
                plan_row("T1", "SKHCN", date(2025, 9, 30)),
                plan_row("T2", "SYT", date(2025, 9, 30)),
                plan_row("T3", "00070", None),
            ],
            None,
        )
    return initialized
