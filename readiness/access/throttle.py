"""Password guesses throttled by the client they come from (NIST SP 800-63B §5.2.2, OWASP Authentication Cheat
Sheet): after `client_max_failed_logins` wrong passwords from one address (whatever the account names, real or
not), each further attempt from there waits a delay that doubles from `login_delay_seconds` up to
`lockout_minutes`; the count is forgotten a day after the address's last failure. A refusal during the delay names
no account, so it tells nothing about which names exist.

The client's address is the connection's peer, or, when that peer is one of `trusted_proxies`, the address the
proxy puts in `trusted_proxy_header` (the last one of X-Forwarded-For: the one the proxy itself saw; anything
before it comes from the client and could be forged).
"""

import ipaddress
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from readiness.core.models import LoginThrottle
from readiness.core.settings import get_settings

UNKNOWN = "unknown"
_FORGET_AFTER = timedelta(days=1)
_LONGEST = 64


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(peer: str | None, headers: Mapping[str, str]) -> str:
    """The address a login attempt comes from: the peer's, or the trusted proxy's header when the peer is one."""
    settings = get_settings()
    header = settings.trusted_proxy_header.strip().lower()
    trusted = {_address(p) for p in settings.trusted_proxies.split(",") if p.strip()}
    own = _address(peer) if peer else None
    if header and own is not None and own in trusted:
        forwarded = _address((headers.get(header) or "").split(",")[-1])
        if forwarded:
            return forwarded
    return (own or peer or UNKNOWN)[:_LONGEST]


def _current(row: LoginThrottle | None, now: datetime) -> LoginThrottle | None:
    return row if row is not None and now - row.last_failure_at <= _FORGET_AFTER else None


def blocked_until(session: Session, client: str, now: datetime) -> datetime | None:
    """Until when attempts from `client` wait, if they do now."""
    row = _current(session.get(LoginThrottle, client), now)
    return row.blocked_until if row is not None and row.blocked_until and row.blocked_until > now else None


def failed_lately(session: Session, client: str, now: datetime) -> bool:
    """Whether `client` sent a wrong password within the last lockout_minutes."""
    row = _current(session.get(LoginThrottle, client), now)
    return row is not None and now - row.last_failure_at <= timedelta(minutes=get_settings().lockout_minutes)


def delay(failures: int) -> timedelta:
    """The wait after the `failures`-th wrong password from one client: none up to client_max_failed_logins, then
    login_delay_seconds doubling with each further one, at most lockout_minutes."""
    settings = get_settings()
    over = failures - settings.client_max_failed_logins
    if over < 0:
        return timedelta(0)
    longest = settings.lockout_minutes * 60
    return timedelta(seconds=min(settings.login_delay_seconds * 2 ** min(over, 32), longest))


def record_failure(session: Session, client: str, now: datetime) -> None:
    """Count a wrong password from `client`, in the caller's transaction; rows forgotten long ago are purged."""
    session.exec(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - _FORGET_AFTER))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # Two first failures of one client at the same moment must not both insert its row.
    session.exec(insert(LoginThrottle).values(client=client, failures=0, last_failure_at=now).on_conflict_do_nothing())
    found = select(LoginThrottle).where(LoginThrottle.client == client).with_for_update()
    row = session.exec(found.execution_options(populate_existing=True)).one()
    row.failures += 1
    row.last_failure_at = now
    wait = delay(row.failures)
    row.blocked_until = now + wait if wait else None
    session.add(row)
