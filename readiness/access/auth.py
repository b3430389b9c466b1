"""Who is who: accounts, passwords, lockout (what each may do: readiness.access.permissions).

Passwords and their hashes
never leave this module: not in exceptions, logs, audit details, returned rows or an account's repr.
"""

import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, update
from sqlmodel import Session, select

from readiness.access import audit, sessions, throttle, tokens
from readiness.access.permissions import (
    OPERATOR,
    Actor,
    Permission,
    Refusal,
    not_logged_in,
    readable_province,
    require,
)
from readiness.core import addresses, db, registry
from readiness.core.i18n import format_datetime
from readiness.core.models import Account, Commune, Role, Unit, UnitKind
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import nfc

log = logging.getLogger(__name__)


class AccountError(Refusal, ValueError):
    """A login refused, or bad input for an account change (which then changes nothing)."""


# Accounts --------------------------------------------------------------------------------------------------------

_NAME = re.compile(r"[a-z0-9._-]{2,64}")
_NAME_SIGN = re.compile(r"[a-z0-9._-]")
# Names no account may take: the operator's (how the command line appears in the audit trail) and names that
# would read as the system itself there.
RESERVED_NAMES = frozenset({OPERATOR.name, "system", "root", "operator", "anonymous", "unknown"})
ROLE_NAMES = ", ".join(Role)


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


def normal_name(name: str) -> str:
    """Account names are matched without regard to case or Unicode form."""
    return nfc(name.strip()).lower()


def _find(session: Session, name: str) -> Account | None:
    return session.exec(select(Account).where(Account.name == normal_name(name))).first()


def _get(session: Session, name: str, actor: Actor | None = None) -> Account:
    """The account of that name; with `actor`, only one within the actor's scope (others are as if absent)."""
    account = _find(session, name)
    if account is not None and actor is not None and actor.province not in (None, Actor.of(account).province):
        account = None
    if account is None:
        raise AccountError(
            f"Không có tài khoản tên {normal_name(name)}.", f"There is no account named {normal_name(name)}."
        )
    return account


def _actor(account: Account) -> Actor:
    return Actor.of(account)


def _check_password(password: str) -> None:
    minimum = get_settings().password_min_length
    if not password.strip():
        raise AccountError("Mật khẩu đang để trống.", "The password is empty.")
    if len(password) < minimum:
        raise AccountError(
            f"Mật khẩu quá ngắn: cần ít nhất {minimum} ký tự, mới có {len(password)}.",
            f"The password is too short: it needs at least {minimum} characters, it has {len(password)}.",
        )


def _role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise AccountError(
            f"Không có vai trò {role!r}. Chọn một trong: {ROLE_NAMES}.",
            f"There is no role {role!r}. Choose one of: {ROLE_NAMES}.",
        ) from None


def _commune(session: Session, role: Role, commune_code: str | None) -> str | None:
    """The commune a new account is bound to: required for the commune role, refused for the others."""
    if role != Role.COMMUNE:
        if commune_code:
            raise AccountError(
                f"Chỉ tài khoản vai trò commune mới gắn với một xã/phường; bỏ mã {commune_code} cho vai trò {role}.",
                f"Only commune accounts are bound to a commune; leave out {commune_code} for role {role}.",
            )
        return None
    if not commune_code:
        raise AccountError(
            "Tài khoản vai trò commune cần mã xã/phường của mình (--commune), ví dụ 00070.",
            "A commune account needs the code of its commune (--commune), e.g. 00070.",
        )
    try:
        code = registry.commune_code(commune_code)
    except registry.UnknownCode:
        code = None
    province = get_settings().province
    commune = session.get(Commune, code) if code else None
    if commune is not None and (province == NATIONAL or commune.province_code == province):
        return code
    here = registry.province_name(province)
    elsewhere = next((c for c in registry.communes(NATIONAL) if c.code == code), None) if code else None
    if elsewhere is None:
        raise AccountError(
            f"Không có xã/phường mã {commune_code!r} (mã chính thức gồm 5 chữ số, ví dụ 00070).",
            f"There is no commune with code {commune_code!r} (official codes have 5 digits, e.g. 00070).",
        )
    raise AccountError(
        f"{elsewhere.name} (mã {code}) không thuộc {here}, địa bàn của ứng dụng này.",
        f"{elsewhere.name} (code {code}) is not in {here}, the province this app serves.",
    )


def _unit(session: Session, role: Role, unit_code: str | None) -> str | None:
    """The department a new account is bound to: required for the unit role, refused for the others."""
    if role != Role.UNIT:
        if unit_code:
            raise AccountError(
                f"Chỉ tài khoản vai trò unit mới gắn với một đơn vị; bỏ mã {unit_code} cho vai trò {role}.",
                f"Only unit accounts are bound to a unit; leave out {unit_code} for role {role}.",
            )
        return None
    if not unit_code:
        raise AccountError(
            "Tài khoản vai trò unit cần mã đơn vị (sở, ban, ngành) của mình (--unit), ví dụ SKHCN.",
            "A unit account needs the code of its department (--unit), e.g. SKHCN.",
        )
    unit = session.get(Unit, nfc(unit_code).upper())
    if unit is None or unit.kind != UnitKind.DEPARTMENT:
        raise AccountError(
            f"Không có sở, ban, ngành mã {unit_code!r} (xem: readiness units list). Tài khoản của xã, phường "
            "dùng vai trò commune.",
            f"There is no department with code {unit_code!r} (see: readiness units list). A commune's accounts "
            "use the commune role.",
        )
    return unit.code


def _province(role: Role, province_code: str | None, commune_code: str | None) -> str | None:
    """The province a new account works in: national mode only; a commune account's comes from its commune."""
    if not province_code:
        return None
    installed = get_settings().province
    if installed != NATIONAL:
        raise AccountError(
            f"Ứng dụng này chỉ phục vụ {registry.province_name(installed)}: mọi tài khoản đã thuộc tỉnh đó; "
            "chỉ chế độ toàn quốc (READINESS_PROVINCE=all) mới gắn tài khoản với một tỉnh (--province).",
            f"This app serves {registry.province_name(installed)} only: every account belongs to it already; "
            "--province is for national mode (READINESS_PROVINCE=all).",
        )
    code = f"{int(province_code):02d}" if province_code.strip().isdigit() else province_code.strip()
    try:
        name = registry.province_name(code)
    except registry.UnknownCode:
        raise AccountError(
            f"Không có tỉnh/thành mã {province_code!r} (34 tỉnh, thành từ 01/07/2025, ví dụ 01 là Hà Nội).",
            f"There is no province with code {province_code!r} (34 provinces since 01/07/2025, e.g. 01 is Hà Nội).",
        ) from None
    if role == Role.COMMUNE:
        if commune_code and registry.province_of(commune_code) != code:
            raise AccountError(
                f"Xã/phường {commune_code} không thuộc {name}: tài khoản xã, phường thuộc tỉnh của xã mình; "
                "hãy bỏ --province.",
                f"Commune {commune_code} is not in {name}: a commune account belongs to its commune's province; "
                "leave out --province.",
            )
        return None
    return code


def _email(session: Session, email: str | None) -> str | None:
    if not email or not email.strip():
        return None
    try:
        email = addresses.email_address(email)
    except addresses.AddressError as exc:
        raise AccountError(exc.vi, exc.en) from None
    if session.exec(select(Account.id).where(Account.email == email)).first() is not None:
        raise AccountError(
            f"Đã có tài khoản dùng e-mail {email}; mỗi e-mail chỉ gắn với một tài khoản.",
            f"An account already uses the e-mail {email}; an e-mail belongs to one account only.",
        )
    return email


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
    name = normal_name(name)
    _check_name(name)
    if _find(session, name) is not None:
        raise AccountError(f"Đã có tài khoản tên {name}.", f"An account named {name} exists already.")
    checked_role = _role(role)
    code = _commune(session, checked_role, commune_code)
    unit = _unit(session, checked_role, unit_code)
    province = _province(checked_role, province_code, code)
    checked_email = _email(session, email)
    _check_password(password)
    account = Account(
        name=name,
        role=checked_role,
        commune_code=code,
        unit_code=unit,
        province_code=province,
        email=checked_email,
        password_hash=_hash(password),
        created_at=datetime.now(UTC),
    )
    session.add(account)
    session.flush()
    detail = (
        f"role {checked_role}"
        + (f", commune {code}" if code else "")
        + (f", unit {unit}" if unit else "")
        + (f", province {province}" if province else "")
        + (f", e-mail {checked_email}" if checked_email else "")
    )
    audit.record(session, by, action, name, detail)
    return _actor(account)


def _ascii_twin(name: str) -> str:
    """What the user probably meant: the name without diacritics and in compatibility form (ｌａｎ, chị → chi)."""
    decomposed = unicodedata.normalize("NFKD", name.replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _check_name(name: str) -> None:
    """Account names are 2–64 ASCII letters, digits and . _ -: they appear in the audit trail, file names and
    URLs, and a look-alike letter (Cyrillic а, Greek ο, a full-width ｌ) would let one account pass for another."""
    if name in RESERVED_NAMES:
        raise AccountError(
            f"Tên {name} được dành riêng (cli là tên của người chạy dòng lệnh trong nhật ký); hãy chọn tên khác.",
            f"The name {name} is reserved (cli is how the command line's operator appears in the audit trail); "
            "choose another.",
        )
    if _NAME.fullmatch(name):
        return
    odd = list(dict.fromkeys(c for c in name if not _NAME_SIGN.fullmatch(c)))[:3]
    shown = ", ".join(f"{c!r} ({unicodedata.name(c, f'U+{ord(c):04X}')})" for c in odd)
    detail_vi, detail_en = (shown, shown) if odd else (f"dài {len(name)} ký tự", f"length {len(name)}")
    if any(unicodedata.name(c, "").startswith(("CYRILLIC", "GREEK")) for c in odd):
        detail_vi += " — chữ Kirin/Hy Lạp trông giống chữ Latinh nhưng là chữ khác"
        detail_en += " — Cyrillic/Greek letters that look like Latin ones but are other letters"
    twin = _ascii_twin(name)
    known = _NAME.fullmatch(twin) and twin not in RESERVED_NAMES
    raise AccountError(
        f"Tên tài khoản {name!r} không hợp lệ ({detail_vi}). Chỉ dùng 2–64 chữ cái không dấu a–z, chữ số và . _ -, "
        "không có khoảng trắng." + (f" Ví dụ: {twin}." if known else ""),
        f"The account name {name!r} is not valid ({detail_en}). Use 2–64 letters a–z without diacritics, digits "
        "and . _ - only, no spaces." + (f" For example: {twin}." if known else ""),
    )


def account_names(session: Session) -> set[str]:
    return set(session.exec(select(Account.name)))


def accounts_exist(session: Session) -> bool:
    return session.exec(select(Account.id).limit(1)).first() is not None


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


def list_accounts(session: Session, actor: Actor, now: datetime | None = None) -> pd.DataFrame:
    """Every account with its state (locked_until only while the lock lasts), by role and name; never a hash."""
    require(actor, Permission.MANAGE_ACCOUNTS)
    now = now or datetime.now(UTC)
    columns = [
        "name",
        "role",
        "commune_code",
        "commune_name",
        "email",
        "disabled",
        "locked_until",
        "created_at",
        "province_code",
    ]
    rows = session.exec(
        select(Account, Commune.name).join(Commune, isouter=True).order_by(Account.role, Account.name)
    ).all()
    frame = pd.DataFrame(
        [
            (
                a.name,
                a.role,
                a.commune_code,
                commune,
                a.email,
                a.disabled,
                _lock(a, now),
                a.created_at,
                Actor.of(a).province,
            )
            for a, commune in rows
        ],
        columns=columns,
    )
    # An admin of a province manages the accounts of its province only.
    return frame if actor.province is None else frame[frame["province_code"] == actor.province].reset_index(drop=True)


def _lock(account: Account, now: datetime) -> datetime | None:
    return account.locked_until if account.locked_until is not None and account.locked_until > now else None


def _admins_left(session: Session, without: str) -> int:
    return session.exec(
        select(func.count(Account.id)).where(Account.role == Role.ADMIN, ~Account.disabled, Account.name != without)
    ).one()


def disable_account(session: Session, actor: Actor, name: str, disabled: bool = True) -> None:
    """Disable (or enable again) an account: a disabled account cannot log in or act through --as, and its
    open sessions end."""
    require(actor, Permission.MANAGE_ACCOUNTS)
    account = _get(session, name, actor)
    if disabled and account.role == Role.ADMIN and _admins_left(session, account.name) == 0:
        raise AccountError(
            f"Không thể vô hiệu hóa {account.name}: đây là quản trị viên cuối cùng còn hoạt động.",
            f"Cannot disable {account.name}: it is the last enabled admin.",
        )
    account.disabled = disabled
    session.add(account)
    if disabled:
        sessions.end_all(session, account.name)
        tokens.end_all(session, account.name)
    audit.record(session, actor.name, "account.disable" if disabled else "account.enable", account.name)


def delete_account(session: Session, actor: Actor, name: str) -> None:
    """Remove an account (the audit trail keeps its name). The last admin goes only with the last account."""
    require(actor, Permission.MANAGE_ACCOUNTS)
    account = _get(session, name, actor)
    others = session.exec(select(func.count(Account.id)).where(Account.name != account.name)).one()
    if account.role == Role.ADMIN and others and _admins_left(session, account.name) == 0:
        raise AccountError(
            f"Không thể xóa {account.name}: đây là quản trị viên cuối cùng còn hoạt động; "
            "hãy tạo quản trị viên khác trước.",
            f"Cannot delete {account.name}: it is the last enabled admin; create another admin first.",
        )
    sessions.end_all(session, account.name)
    tokens.end_all(session, account.name)
    session.delete(account)
    session.flush()
    audit.record(session, actor.name, "account.delete", account.name)


def reset_password(session: Session, actor: Actor, name: str, new_password: str) -> None:
    """Set a new password for someone (who forgot theirs); this also lifts a lockout and ends every session of
    the account."""
    require(actor, Permission.MANAGE_ACCOUNTS)
    account = _get(session, name, actor)
    _check_password(new_password)
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
    _check_password(new_password)
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
    account = _get(session, name)
    if account.disabled:
        raise AccountError(f"Tài khoản {account.name} đã bị vô hiệu hóa.", f"The account {account.name} is disabled.")
    return _actor(account)


def acting_as(session: Session, name: str, now: datetime | None = None) -> Actor:
    """The rights the CLI takes with --as NAME: those of an enabled account that is not locked out. A lockout
    stops the account everywhere, not only at the login form."""
    actor = actor_for(session, name)
    account = _get(session, name)
    if _lock(account, now or datetime.now(UTC)):
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
            if _lock(account, now):
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
