"""Who is who: passwords, logins and lockout, and the public face of accounts (their records and rules:
readiness.access.accounts; what each may do: readiness.access.permissions).

Passwords and their hashes never leave this module and readiness.access.accounts: not in exceptions, logs, audit
details, returned rows or an account's repr.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, update
from sqlmodel import Session, select

from readiness.access import audit, sessions, throttle, tokens
from readiness.access.accounts import (
    AccountError,
    account_names,
    accounts_exist,
    check_password,
    checked_account,
    delete_account,
    described,
    disable_account,
    get,
    list_accounts,
    lock_of,
    normal_name,
)
from readiness.access.permissions import (
    OPERATOR,
    Actor,
    Permission,
    Refusal,
    not_logged_in,
    readable_province,
    require,
)
from readiness.core import db, registry
from readiness.core.i18n import format_datetime
from readiness.core.models import Account, Role
from readiness.core.settings import get_settings
from readiness.core.text import nfc

# What the rest of the app calls: logins here, account records re-exported from readiness.access.accounts.
__all__ = [
    "OPERATOR",
    "Account",
    "AccountError",
    "Refusal",
    "account_names",
    "accounts_exist",
    "acting_as",
    "actor_for",
    "authenticate",
    "change_password",
    "create_account",
    "delete_account",
    "disable_account",
    "first_admin",
    "list_accounts",
    "log_in",
    "normal_name",
    "reset_password",
    "sso_login",
]

log = logging.getLogger(__name__)


def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
    )


@lru_cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """Verified against for unknown names, so that a refusal takes as long whether the account exists or not."""
    return PasswordHasher(time_cost, memory_cost, parallelism).hash("no such account")


@lru_cache
def _slots(count: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(count)


@contextmanager
def _argon2_slot() -> Iterator[None]:
    """At most argon2_concurrency hash computations at a time in this process. Each takes 64 MiB and all cores for
    ~0.2 s: a wave of 30 logins at once took 1.9 GB and made every login wait for all of them."""
    with _slots(get_settings().argon2_concurrency):
        yield


def _hash(password: str) -> str:
    with _argon2_slot():
        return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    with _argon2_slot():
        try:
            return _hasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _actor(account: Account) -> Actor:
    return Actor.of(account)


def _create(
    session: Session,
    by: str,
    name: str,
    role: str,
    password: str,
    commune_code: str | None,
    email: str | None,
    action: str,
    unit_code: str | None = None,
    province_code: str | None = None,
) -> Actor:
    account = checked_account(session, name, role, password, commune_code, email, unit_code, province_code)
    account.password_hash = _hash(password)
    session.add(account)
    session.flush()
    audit.record(session, by, action, account.name, described(account))
    return _actor(account)


def first_admin(name: str, password: str) -> Actor:
    """Create the first admin; refused as soon as any account exists (the app's one-time setup)."""
    with db.write_session() as session:
        if not db.is_sqlite(session.get_bind()):
            # SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL two first-run forms sent at once
            # could otherwise both find no account.
            session.exec(select(func.pg_advisory_xact_lock(57_006)))
        if accounts_exist(session):
            raise AccountError(
                "Đã có tài khoản: quản trị viên đầu tiên đã được tạo. Hãy đăng nhập.",
                "Accounts exist already: the first admin has been created. Please log in.",
            )
        return _create(session, normal_name(name), name, Role.ADMIN, password, None, None, "account.first_admin")


def create_account(
    session: Session,
    actor: Actor,
    name: str,
    role: str,
    password: str,
    commune_code: str | None = None,
    email: str | None = None,
    unit_code: str | None = None,
    province_code: str | None = None,
) -> Actor:
    """A new account; in national mode bound to `province_code` (None: national), which an admin of a province
    can only give its own province."""
    require(actor, Permission.MANAGE_ACCOUNTS)
    if actor.province is not None:
        province_code = readable_province(actor, province_code or actor.province)
        require(actor, Permission.MANAGE_ACCOUNTS, commune_code and registry.commune_code(commune_code))
    return _create(
        session, actor.name, name, role, password, commune_code, email, "account.create", unit_code, province_code
    )


def reset_password(session: Session, actor: Actor, name: str, new_password: str) -> None:
    """Set a new password for someone (who forgot theirs); this also lifts a lockout and ends every session of
    the account."""
    require(actor, Permission.MANAGE_ACCOUNTS)
    account = get(session, name, actor)
    check_password(new_password)
    account.password_hash = _hash(new_password)
    account.failed_logins = 0
    account.locked_until = None
    session.add(account)
    sessions.end_all(session, account.name)
    tokens.end_all(session, account.name)
    audit.record(session, actor.name, "account.reset_password", account.name)


def change_password(
    actor: Actor | None,
    current_password: str,
    new_password: str,
    now: datetime | None = None,
    client: str = throttle.UNKNOWN,
) -> None:
    """Self-service: the logged-in account changes its own password, proving it knows the current one. A wrong
    current password counts as a failed login (it is a guess like any other). Every session of the account ends,
    this one too: each browser logs in again with the new password."""
    if actor is None:
        raise not_logged_in()
    check_password(new_password)
    account = _check_attempt(
        actor.name,
        current_password,
        now or datetime.now(UTC),
        client,
        wrong=lambda: AccountError("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
    )
    with db.write_session() as session:
        session.exec(
            update(Account)
            .where(Account.id == account.id)
            .values(password_hash=_hash(new_password), failed_logins=0, locked_until=None)
        )
        sessions.end_all(session, account.name)
        audit.record(session, actor.name, "account.change_password", account.name)


def actor_for(session: Session, name: str) -> Actor:
    """The rights of an existing, enabled account (the app re-checking its logged-in user)."""
    account = get(session, name)
    if account.disabled:
        raise AccountError(f"Tài khoản {account.name} đã bị vô hiệu hóa.", f"The account {account.name} is disabled.")
    return _actor(account)


def acting_as(session: Session, name: str, now: datetime | None = None) -> Actor:
    """The rights the CLI takes with --as NAME: those of an enabled account that is not locked out. A lockout
    stops the account everywhere, not only at the login form."""
    actor = actor_for(session, name)
    account = get(session, name)
    if lock_of(account, now or datetime.now(UTC)):
        raise _locked_message(account.locked_until)
    return actor


def sso_login(email: str | None) -> Actor:
    """The account matching a single-sign-on identity's e-mail. No account is ever created or promoted here."""
    address = nfc((email or "").strip()).lower()
    with db.write_session() as session:
        account = (
            session.exec(select(Account).where(Account.email == address, ~Account.disabled)).first()
            if address
            else None
        )
        if account is None:
            raise AccountError(
                f"Không có tài khoản đang hoạt động nào dùng e-mail {address or '(trống)'}; "
                "hãy nhờ quản trị viên thêm e-mail này vào tài khoản của bạn.",
                f"No enabled account has the e-mail {address or '(none)'}; ask an admin to add it to your account.",
            )
        audit.record(session, account.name, "account.login", account.name, "single sign-on")
        return _actor(account)


def _locked_message(until: datetime) -> AccountError:
    settings = get_settings()
    return AccountError(
        f"Tài khoản đang bị khóa đến {format_datetime(until, 'vi')} vì nhập sai mật khẩu "
        f"{settings.max_failed_logins} lần. Hãy thử lại sau, hoặc nhờ quản trị viên đặt lại mật khẩu.",
        f"The account is locked until {format_datetime(until, 'en')} after {settings.max_failed_logins} wrong "
        "passwords. Try again later, or ask an admin to reset the password.",
    )


def _wrong() -> AccountError:
    # The same words whether the name or the password is wrong: a refusal does not tell which names exist.
    return AccountError("Sai tên đăng nhập hoặc mật khẩu.", "Wrong account name or password.")


def _dummy_verify(password: str) -> None:
    """Spend the time of a real password check, so that a refusal does not tell whether the account exists or
    is locked."""
    settings = get_settings()
    _verify(
        _dummy_hash(settings.argon2_time_cost, settings.argon2_memory_cost_kib, settings.argon2_parallelism),
        password,
    )


# What `_reserve_attempt` returns for a locked account tried from a client with recent failures.
_LOCKED = "locked"


def _throttled(until: datetime) -> AccountError:
    # Said whatever the name tried: it tells nothing about which accounts exist.
    return AccountError(
        f"Đã nhập sai mật khẩu quá nhiều lần từ máy này. Hãy thử lại sau {format_datetime(until, 'vi')}.",
        f"Too many wrong passwords from this device. Try again after {format_datetime(until, 'en')}.",
    )


def _reserve_attempt(name: str, password: str, client: str, now: datetime) -> tuple[Account, bool | None] | str | None:
    """Count a password attempt before its hash is checked, under the account's row lock (SELECT ... FOR UPDATE
    on PostgreSQL; BEGIN IMMEDIATE serialises SQLite), so that attempts sent at the same moment take their turn.

    The attempt that reaches max_failed_logins has its hash checked here, still holding the lock: a wrong password
    locks the account (and counts against its client) before any later attempt is looked at, and a right one starts
    the count again, so that a burst of right passwords (one account shared by an office) is never refused as
    locked. That one check per lockout holds the lock for the time of a hash.

    A locked account refuses only clients with wrong passwords of their own lately (_LOCKED): from any other, the
    password is checked as usual, so that a stranger's guesses cannot keep the owner out. Returns the account and
    whether the password was right (None: not checked yet, the caller checks it outside the lock); None when there
    is no such account. Raises the throttling refusal while the client waits (throttle.delay)."""
    settings = get_settings()
    with db.write_session() as session:
        until = throttle.blocked_until(session, client, now)
        if until is None:
            account = session.exec(select(Account).where(Account.name == normal_name(name)).with_for_update()).first()
            if account is None:
                return None
            right = None
            if lock_of(account, now):
                if throttle.failed_lately(session, client, now):
                    return _LOCKED
            else:
                if account.locked_until is not None:
                    # The lockout has run out: a fresh series of attempts starts.
                    account.failed_logins, account.locked_until = 0, None
                account.failed_logins += 1
                if account.failed_logins >= settings.max_failed_logins:
                    right = _verify(account.password_hash, password)
                    if right:
                        account.failed_logins = 0
                    else:
                        account.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                        throttle.record_failure(session, client, now)
                session.add(account)
                session.flush()
            session.expunge(account)
            return account, right
    log.info("login refused: too many wrong passwords from %s", client)
    raise _throttled(until)


def _check_attempt(
    name: str,
    password: str,
    now: datetime,
    client: str = throttle.UNKNOWN,
    wrong: Callable[[], AccountError] = lambda: _wrong(),
) -> Account:
    """One counted password attempt: the account when the password is right; otherwise the refusal, `wrong` for an
    unknown name, a locked account and a wrong password alike, each counted against the client and costing one hash
    check; a wrong password of a known account is recorded in the audit trail. A client made to wait is refused
    before anything is looked up."""
    reserved = _reserve_attempt(name, password, client, now)
    if reserved is None or reserved == _LOCKED:
        _dummy_verify(password)
        with db.write_session() as session:
            throttle.record_failure(session, client, now)
        log.info("login refused: %s from %s", "no such account" if reserved is None else "locked account", client)
        raise wrong()
    account, right = reserved
    locking = right is False  # checked under the lock: this attempt has just locked the account
    if right is None:
        right = _verify(account.password_hash, password)
    if not right:
        with db.write_session() as session:
            if not locking:
                throttle.record_failure(session, client, now)
            action = "account.locked" if locking else "account.login_failed"
            audit.record(session, account.name, action, account.name, f"from {client}")
        log.info("login refused: wrong password for %s from %s%s", account.name, client, " (now locked)" * locking)
        raise wrong()
    return account


def authenticate(name: str, password: str, now: datetime | None = None, client: str = throttle.UNKNOWN) -> Actor:
    """Check a password login from `client` (its address: throttle.client_address). Every attempt is counted before
    its hash is checked: max_failed_logins wrong passwords in a row lock the account for lockout_minutes against
    clients that sent wrong passwords lately, however many are sent at once; a client sending many waits growing
    delays (readiness.access.throttle). The hash is verified outside any write transaction, so a login does not hold
    the write lock for the ~0.1 s argon2 takes, except the one attempt in a row that reaches the limit (see
    `_reserve_attempt`)."""
    now = now or datetime.now(UTC)
    account = _check_attempt(name, password, now, client)
    if account.disabled:
        log.info("login refused: account %s is disabled", account.name)
        raise AccountError(
            f"Tài khoản {account.name} đã bị vô hiệu hóa; hãy liên hệ quản trị viên.",
            f"The account {account.name} is disabled; please contact an admin.",
        )
    hasher = _hasher()
    new_hash = _hash(password) if hasher.check_needs_rehash(account.password_hash) else None
    with db.write_session() as session:
        values = {"failed_logins": 0, "locked_until": None}
        if new_hash:
            values["password_hash"] = new_hash
        session.exec(update(Account).where(Account.id == account.id).values(**values))
        audit.record(
            session, account.name, "account.login", account.name, "password, rehashed" if new_hash else "password"
        )
    return _actor(account)


def log_in(
    name: str, password: str, user_agent: str = "", now: datetime | None = None, client: str = throttle.UNKNOWN
) -> tuple[Actor, str]:
    """Check a password from `client` (counted towards the lockout and the client's delays, audited, as
    authenticate) and open a login session: the account and the token for the cookie (readiness.access.sessions)."""
    now = now or datetime.now(UTC)
    actor = authenticate(name, password, now=now, client=client)
    return actor, sessions.open_session(actor, user_agent, now)
