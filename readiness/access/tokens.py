"""API tokens: a random bearer token per use (a script, another system) that acts with its account's role and scope.

The token is shown once, when made, and only its SHA-256 is stored (a copy of the database calls no API). A token
ends when it expires, is revoked, or its account is disabled, deleted or has its password reset. Each token may
make `api_rate_limit_per_minute` requests a minute, counted in its database row so that every replica behind the
proxy counts the same requests.
"""

import secrets
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import case, delete, update
from sqlmodel import Session, select

from readiness.access import audit, sessions
from readiness.access.permissions import Actor, Permission, Refusal, allowed, not_logged_in
from readiness.core import db
from readiness.core.models import Account, ApiToken
from readiness.core.settings import get_settings

PREFIX = "rdy_"  # makes a leaked token recognisable to secret scanners and people
LABEL_MAX = 64


class TokenError(Refusal, ValueError):
    """A token refused or a token change refused; nothing changed."""


class RateLimited(Refusal):
    """Over the token's requests per minute; `retry_after` seconds until the next minute."""

    def __init__(self, vi: str, en: str, retry_after: int) -> None:
        super().__init__(vi, en)
        self.retry_after = retry_after


def _account(session: Session, actor: Actor | None, name: str) -> Account:
    """The account whose tokens `actor` handles: its own, or one an admin manages within the admin's scope."""
    if actor is None:
        raise not_logged_in()
    account = session.exec(select(Account).where(Account.name == name.strip().lower())).first()
    own = account is not None and account.name == actor.name
    reach = account is not None and actor.province in (None, Actor.of(account).province)
    if account is None or not (own or (allowed(actor, Permission.MANAGE_ACCOUNTS) and reach)):
        raise TokenError(
            f"Không có tài khoản tên {name} mà bạn được quản lý khóa API.",
            f"There is no account named {name} whose API tokens you may manage.",
        )
    return account


def create(session: Session, actor: Actor | None, name: str, expires_days: int | None = None, label: str = "") -> str:
    """A new token for account `name` (the actor's own, or any in an admin's scope); the token itself, returned
    this once."""
    account = _account(session, actor, name)
    if account.disabled:
        raise TokenError(f"Tài khoản {account.name} đã bị vô hiệu hóa.", f"The account {account.name} is disabled.")
    if expires_days is not None and expires_days < 1:
        raise TokenError(
            f"Số ngày hiệu lực phải từ 1 trở lên, không phải {expires_days}.",
            f"The days of validity must be 1 or more, not {expires_days}.",
        )
    label = label.strip()[:LABEL_MAX]
    token = PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(days=expires_days) if expires_days else None
    session.add(
        ApiToken(
            token_hash=sessions.token_hash(token),
            account_id=account.id,
            label=label,
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    detail = (f"expires {expires:%Y-%m-%d}" if expires else "no expiry") + (f"; {label}" if label else "")
    audit.record(session, actor.name, "token.create", account.name, detail)
    return token


def listing(session: Session, actor: Actor | None, name: str) -> pd.DataFrame:
    """The account's tokens (never the token): id, label, created_at, expires_at, last_used_at; newest first."""
    account = _account(session, actor, name)
    rows = session.exec(
        select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.created_at.desc())
    ).all()
    columns = ["id", "label", "created_at", "expires_at", "last_used_at"]
    return pd.DataFrame([[getattr(t, c) for c in columns] for t in rows], columns=columns)


def revoke(session: Session, actor: Actor | None, name: str, token_id: int) -> None:
    """End one token of account `name` at once."""
    account = _account(session, actor, name)
    removed = session.exec(delete(ApiToken).where(ApiToken.id == token_id, ApiToken.account_id == account.id)).rowcount
    if not removed:
        raise TokenError(
            f"Tài khoản {account.name} không có khóa API số {token_id}.",
            f"Account {account.name} has no API token {token_id}.",
        )
    audit.record(session, actor.name, "token.revoke", account.name, f"token {token_id}")


def end_all(session: Session, account_name: str) -> int:
    """End every token of an account, in the caller's transaction (disabled, password reset); how many."""
    account_id = select(Account.id).where(Account.name == account_name).scalar_subquery()
    return session.exec(delete(ApiToken).where(ApiToken.account_id == account_id)).rowcount


def _refused() -> TokenError:
    # One message for unknown, expired and disabled: a refusal does not tell which tokens exist.
    return TokenError(
        "Khóa API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.", "The API token is invalid, expired or revoked."
    )


def actor_for(token: str | None, now: datetime | None = None) -> Actor:
    """The account a bearer token acts as, re-read now, with this request counted against the token's limit.
    Raises TokenError (no, unknown, expired token; disabled account) or RateLimited."""
    if not token:
        raise TokenError("Thiếu khóa API (Authorization: Bearer …).", "No API token (Authorization: Bearer …).")
    now = now or datetime.now(UTC)
    window = now.replace(second=0, microsecond=0)
    with db.write_session() as session:
        found = session.exec(
            select(ApiToken, Account).join(Account).where(ApiToken.token_hash == sessions.token_hash(token))
        ).first()
        if found is None:
            raise _refused()
        row, account = found
        if account.disabled or (row.expires_at is not None and row.expires_at <= now):
            raise _refused()
        # One statement counts the request, so that requests sent at once to several replicas are all counted.
        count = session.execute(
            update(ApiToken)
            .where(ApiToken.id == row.id)
            .values(
                window_count=case((ApiToken.window_start == window, ApiToken.window_count + 1), else_=1),
                window_start=window,
                last_used_at=now,
            )
            .returning(ApiToken.window_count)
        ).scalar_one()
        actor = Actor.of(account)
    limit = get_settings().api_rate_limit_per_minute
    if count > limit:
        raise RateLimited(
            f"Quá {limit} yêu cầu mỗi phút cho khóa API này; hãy thử lại sau.",
            f"Over {limit} requests a minute for this API token; try again later.",
            retry_after=60 - now.second,
        )
    return actor
