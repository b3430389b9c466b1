"""Login sessions (access.sessions) on both databases: expiry with an injected clock, every way a session ends,
and the token never kept in clear."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select

from readiness.access import auth, sessions
from readiness.access.permissions import OPERATOR, Actor
from readiness.core import db
from readiness.core.models import AuditEvent, LoginSession, Role

PASSWORD = "correct-horse-57"
T0 = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def lan(initialized: str) -> Actor:
    with db.write_session() as session:
        auth.create_account(session, OPERATOR, "chief", Role.ADMIN, PASSWORD)
        return auth.create_account(session, OPERATOR, "lan", Role.COMMUNE, PASSWORD, "00070")


def test_a_login_opens_a_session_that_finds_the_account_until_logout(lan):
    actor, token = auth.log_in("lan", PASSWORD, "Mozilla/5.0 test")
    assert actor == lan
    assert sessions.actor_for(token) == lan
    assert sessions.actor_for(token + "x") is None
    assert sessions.actor_for(None) is None and sessions.actor_for("") is None
    with db.session() as session:
        row = session.exec(select(LoginSession)).one()
    assert row.user_agent == "Mozilla/5.0 test"
    assert row.token_hash == sessions.token_hash(token) != token

    sessions.log_out(token)
    assert sessions.actor_for(token) is None  # a copied cookie is worth nothing after logout
    with db.session() as session:
        actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["account.login", "account.logout"]


def test_a_wrong_password_opens_no_session(lan):
    with pytest.raises(auth.AccountError):
        auth.log_in("lan", "wrong-password")
    with db.session() as session:
        assert session.exec(select(LoginSession)).all() == []


def test_idle_expiry_counts_from_the_last_click(lan):
    token = sessions.open_session(lan, now=T0)
    idle = timedelta(hours=8)
    assert sessions.actor_for(token, now=T0 + idle - timedelta(minutes=1)) == lan  # a click: the idle time restarts
    assert sessions.actor_for(token, now=T0 + 2 * idle - timedelta(minutes=2)) == lan
    assert sessions.actor_for(token, now=T0 + 3 * idle) is None
    with db.session() as session:
        assert session.exec(select(LoginSession)).all() == []  # an ended session is removed
    assert sessions.actor_for(token, now=T0 + 3 * idle - timedelta(hours=1)) is None


def test_absolute_expiry_ends_even_a_busy_session(lan, monkeypatch):
    monkeypatch.setenv("READINESS_SESSION_MAX_DAYS", "2")
    db.reset_caches()
    token = sessions.open_session(lan, now=T0)
    moment = T0
    while moment < T0 + timedelta(days=2):
        assert sessions.actor_for(token, now=moment) == lan
        moment += timedelta(hours=4)
    assert sessions.actor_for(token, now=T0 + timedelta(days=2, minutes=1)) is None


def test_changing_or_resetting_the_password_disabling_or_logging_out_everywhere_ends_every_session(lan):
    chief = Actor("chief", Role.ADMIN)

    def two_sessions_and_the_chiefs() -> tuple[str, str, str]:
        return sessions.open_session(lan), sessions.open_session(lan), sessions.open_session(chief)

    def ends_lans_sessions_only(change) -> None:
        first, second, chiefs = two_sessions_and_the_chiefs()
        change()
        assert sessions.actor_for(first) is None and sessions.actor_for(second) is None
        assert sessions.actor_for(chiefs) == chief

    def as_admin(change, *args) -> None:
        with db.write_session() as session:
            change(session, chief, "lan", *args)

    ends_lans_sessions_only(lambda: auth.change_password(lan, PASSWORD, "lan-new-password"))
    ends_lans_sessions_only(lambda: as_admin(auth.reset_password, "lan-reset-password"))
    ends_lans_sessions_only(lambda: as_admin(lambda session, *_: sessions.log_out_everywhere(session, lan)))
    ends_lans_sessions_only(lambda: as_admin(auth.disable_account))
    as_admin(auth.disable_account, False)
    ends_lans_sessions_only(lambda: as_admin(auth.delete_account))
    with db.session() as session:
        assert session.exec(
            select(AuditEvent.detail).where(AuditEvent.action == "account.logout_everywhere")
        ).all() == ["2 session(s)"]


def test_a_disabled_account_logs_in_nowhere_even_with_a_session_left(lan):
    token = sessions.open_session(lan)
    with db.write_session() as session:
        # Disabled behind the app's back (not through auth.disable_account, which ends the sessions itself).
        session.exec(text("UPDATE account SET disabled = true WHERE name = 'lan'"))
    assert sessions.actor_for(token) is None


def test_the_token_is_never_stored_or_logged_in_clear(lan, caplog):
    caplog.set_level(logging.DEBUG)
    _, token = auth.log_in("lan", PASSWORD, "Mozilla/5.0")
    sessions.actor_for(token, now=datetime.now(UTC) + timedelta(minutes=5))
    with db.write_session() as session:
        sessions.log_out_everywhere(session, lan)
    _, other = auth.log_in("lan", PASSWORD)
    sessions.log_out(other)
    everything = []
    with db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            everything += [repr(tuple(row)) for row in session.execute(table.select())]
    stored = "\n".join(everything)
    assert sessions.token_hash(token)[:8] not in caplog.text
    for secret in (token, other):
        assert secret not in stored
        assert secret not in caplog.text
    if db.is_sqlite():
        path = db.get_engine().url.database
        for suffix in ("", "-wal"):
            with open(path + suffix, "rb") as raw:
                content = raw.read()
            assert token.encode() not in content and other.encode() not in content
