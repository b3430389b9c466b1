"""Login sessions that survive a reload, a new tab and another replica: a random token in an HttpOnly cookie,
its SHA-256 in the database.

The token itself is returned once, to be put in the cookie, and never stored, logged or audited. A session ends
at logout, after session_idle_hours without a click, after session_max_days in any case, and with every other
session of its account when the password is changed or reset, the account is disabled or deleted, or its owner
logs out everywhere.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlmodel import Session, select

# Below auth: auth ends an account's sessions when its password or state changes, and opens one after checking a
# password (auth.log_in); this module never checks a password itself.
from readiness.access import audit, permissions
from readiness.core import db
from readiness.core.models import Account, LoginSession
from readiness.core.settings import get_settings

log = logging.getLogger(__name__)

# The cookie's name; the log-in route sets it and the app reads it.
COOKIE = "readiness_session"
# last_seen_at is written at most this often, so that a busy page does not write on every click.
_TOUCH_EVERY = timedelta(minutes=1)
_USER_AGENT_MAX = 512


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    settings = get_settings()
    return timedelta(hours=settings.session_idle_hours), timedelta(days=settings.session_max_days)


def _ended(login: LoginSession, now: datetime) -> bool:
    idle, longest = _limits()
    return now - login.last_seen_at > idle or now - login.created_at > longest


def _purge_expired(session: Session, now: datetime) -> None:
    idle, longest = _limits()
    session.exec(
        delete(LoginSession).where(or_(LoginSession.last_seen_at < now - idle, LoginSession.created_at < now - longest))
    )


def open_session(actor: permissions.Actor, user_agent: str = "", now: datetime | None = None) -> str:
    """A new session for an account whose password was just checked (auth.log_in); the token for the cookie."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with db.write_session() as session:
        _purge_expired(session, now)
        account_id = session.exec(select(Account.id).where(Account.name == actor.name)).one()
        session.add(
            LoginSession(
                token_hash=token_hash(token),
                account_id=account_id,
                created_at=now,
                last_seen_at=now,
                user_agent=user_agent[:_USER_AGENT_MAX],
            )
        )
    return token


def actor_for(token: str | None, now: datetime | None = None) -> permissions.Actor | None:
    """The account a session token logs in, re-read now (its role may have changed); None when the token is
    unknown, the session has ended (and is then removed) or the account is disabled."""
    if not token:
        return None
    now = now or datetime.now(UTC)
    with db.session() as session:
        found = session.exec(
            select(LoginSession, Account).join(Account).where(LoginSession.token_hash == token_hash(token))
        ).first()
    if found is None:
        return None
    login, account = found
    if _ended(login, now) or account.disabled:
        with db.write_session() as session:
            session.exec(delete(LoginSession).where(LoginSession.id == login.id))
        log.info("session of %s ended (expired or account disabled)", account.name)
        return None
    if now - login.last_seen_at >= _TOUCH_EVERY:
        with db.write_session() as session:
            session.exec(update(LoginSession).where(LoginSession.id == login.id).values(last_seen_at=now))
    return permissions.Actor.of(account)


def log_out(token: str | None) -> None:
    """End the session of this token (logout); an unknown or ended one is ignored."""
    if not token:
        return
    with db.write_session() as session:
        found = session.exec(
            select(LoginSession.id, Account.name).join(Account).where(LoginSession.token_hash == token_hash(token))
        ).first()
        if found is None:
            return
        session.exec(delete(LoginSession).where(LoginSession.id == found.id))
        audit.record(session, found.name, "account.logout", found.name)


def end_all(session: Session, account_name: str) -> int:
    """End every session of an account, in the caller's transaction (password changed or reset, disabled,
    deleted); how many there were."""
    account_id = select(Account.id).where(Account.name == account_name).scalar_subquery()
    return session.exec(delete(LoginSession).where(LoginSession.account_id == account_id)).rowcount


def log_out_everywhere(session: Session, actor: permissions.Actor) -> int:
    """The logged-in account ends all its sessions (every browser and device), audited, in the caller's
    transaction; how many ended."""
    ended = end_all(session, actor.name)
    audit.record(session, actor.name, "account.logout_everywhere", actor.name, f"{ended} session(s)")
    return ended


def active(account_name: str, now: datetime | None = None) -> int:
    """How many sessions of the account are open (ended ones not yet purged excluded)."""
    now = now or datetime.now(UTC)
    with db.session() as session:
        rows = session.exec(select(LoginSession).join(Account).where(Account.name == account_name)).all()
    return sum(not _ended(login, now) for login in rows)
