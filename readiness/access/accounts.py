"""Account records: names, the rules a new account meets, finding, listing, disabling and deleting accounts.

Passwords are hashed and checked in readiness.access.auth, the public face of accounts and logins, which adds the
hash to a new account checked here (`checked_account`).
"""

import re
import unicodedata
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from readiness.access import audit, sessions, tokens
from readiness.access.permissions import OPERATOR, Actor, Permission, Refusal, require
from readiness.core import addresses, registry
from readiness.core.models import Account, Commune, Role, Unit, UnitKind
from readiness.core.settings import NATIONAL, get_settings
from readiness.core.text import nfc


class AccountError(Refusal, ValueError):
    """A login refused, or bad input for an account change (which then changes nothing)."""


_NAME = re.compile(r"[a-z0-9._-]{2,64}")
_NAME_SIGN = re.compile(r"[a-z0-9._-]")
# Names no account may take: the operator's (how the command line appears in the audit trail) and names that
# would read as the system itself there.
RESERVED_NAMES = frozenset({OPERATOR.name, "system", "root", "operator", "anonymous", "unknown"})
ROLE_NAMES = ", ".join(Role)


def normal_name(name: str) -> str:
    """Account names are matched without regard to case or Unicode form."""
    return nfc(name.strip()).lower()


def find(session: Session, name: str) -> Account | None:
    return session.exec(select(Account).where(Account.name == normal_name(name))).first()


def get(session: Session, name: str, actor: Actor | None = None) -> Account:
    """The account of that name; with `actor`, only one within the actor's scope (others are as if absent)."""
    account = find(session, name)
    if account is not None and actor is not None and actor.province not in (None, Actor.of(account).province):
        account = None
    if account is None:
        raise AccountError(
            f"Không có tài khoản tên {normal_name(name)}.", f"There is no account named {normal_name(name)}."
        )
    return account


def check_password(password: str) -> None:
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


def checked_account(
    session: Session,
    name: str,
    role: str,
    password: str,
    commune_code: str | None,
    email: str | None,
    unit_code: str | None = None,
    province_code: str | None = None,
) -> Account:
    """A new account that meets every rule (its name, role, commune, unit, province, e-mail and password), not yet
    added to the session and without its password hash, which readiness.access.auth adds."""
    name = normal_name(name)
    _check_name(name)
    if find(session, name) is not None:
        raise AccountError(f"Đã có tài khoản tên {name}.", f"An account named {name} exists already.")
    checked_role = _role(role)
    code = _commune(session, checked_role, commune_code)
    unit = _unit(session, checked_role, unit_code)
    province = _province(checked_role, province_code, code)
    if unit is not None and get_settings().province == NATIONAL:
        # A department account works in its department's province, and reads only that province's tasks.
        own = session.get(Unit, unit).province_code
        if province not in (None, own):
            raise AccountError(
                f"Đơn vị {unit} thuộc tỉnh/thành mã {own}, không thuộc mã {province}.",
                f"Unit {unit} belongs to province {own}, not {province}.",
            )
        province = own
    checked_email = _email(session, email)
    check_password(password)
    return Account(
        name=name,
        role=checked_role,
        commune_code=code,
        unit_code=unit,
        province_code=province,
        email=checked_email,
        created_at=datetime.now(UTC),
    )


def described(account: Account) -> str:
    """A new account's binding, for the audit trail."""
    return (
        f"role {account.role}"
        + (f", commune {account.commune_code}" if account.commune_code else "")
        + (f", unit {account.unit_code}" if account.unit_code else "")
        + (f", province {account.province_code}" if account.province_code else "")
        + (f", e-mail {account.email}" if account.email else "")
    )


def _ascii_twin(name: str) -> str:
    """What the user probably meant: the name without diacritics and in compatibility form (ｌａｎ, chị → chi)."""
    decomposed = unicodedata.normalize("NFKD", name.replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain_spelling(name: str) -> str | None:
    """A name the rule allows for what the user typed ("Nguyễn Văn Á" → nguyen.van.a, "lan@so" → lan.so): letters
    without diacritics, plain forms of full-width ones, a dot for spaces and other signs. None when no such name
    reads like it (a Cyrillic or Greek letter, a name too short or too long, a reserved name)."""
    twin = _ascii_twin(normal_name(name))
    if not twin.isascii():
        return None
    plain = re.sub(r"[^a-z0-9._-]+", ".", twin).strip("._-")
    plain = re.sub(r"([._-])[._-]+", r"\1", plain)
    return plain if _NAME.fullmatch(plain) and plain not in RESERVED_NAMES else None


# What is wrong with a character a name may not hold, in plain words, by kind; in the order they are told.
_ODD_KINDS = {
    "space": ("có khoảng trắng", "it has spaces"),
    "diacritic": ("có chữ có dấu", "it has letters with diacritics"),
    "lookalike": (
        "có chữ Kirin hoặc Hy Lạp trông giống chữ Latinh nhưng là chữ khác",
        "it has Cyrillic or Greek letters that look like Latin ones but are other letters",
    ),
    "wide": ("có chữ hoặc số viết kiểu toàn khổ", "it has full-width letters or digits"),
    "letter": ("có chữ ngoài bảng chữ a–z", "it has letters outside a–z"),
    "sign": ("có ký tự không được dùng", "it has signs that are not allowed"),
}


def _odd_kind(sign: str) -> str:
    if sign.isspace():
        return "space"
    if unicodedata.name(sign, "").startswith(("CYRILLIC", "GREEK")):
        return "lookalike"
    if unicodedata.normalize("NFKC", sign) != sign and _ascii_twin(sign).isascii():
        return "wide"
    if _ascii_twin(sign).isascii() and _ascii_twin(sign).isalnum():
        return "diacritic"
    return "letter" if sign.isalpha() else "sign"


def _what_is_wrong(name: str) -> tuple[list[str], list[str]]:
    """Each problem of a name the rule refuses, in plain words (Vietnamese, English), with its characters."""
    kinds: dict[str, list[str]] = {}
    for sign in dict.fromkeys(name):
        if not _NAME_SIGN.fullmatch(sign):
            kinds.setdefault(_odd_kind(sign), []).append(sign)
    vi, en = [], []
    for kind, (said_vi, said_en) in _ODD_KINDS.items():
        if kind in kinds:
            shown = "" if kind == "space" else f" ({', '.join(kinds[kind][:3])})"
            vi.append(said_vi + shown)
            en.append(said_en + shown)
    if len(name) < 2:
        vi.append(f"quá ngắn ({len(name)} ký tự)")
        en.append(f"it is too short ({len(name)} character{'s' * (len(name) != 1)})")
    elif len(name) > 64:
        vi.append(f"quá dài ({len(name)} ký tự)")
        en.append(f"it is too long ({len(name)} characters)")
    return vi, en


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
    wrong_vi, wrong_en = _what_is_wrong(name)
    plain = plain_spelling(name)
    raise AccountError(
        f"Tên tài khoản “{name}” không dùng được: {'; '.join(wrong_vi)}. Tên tài khoản chỉ gồm 2 đến 64 chữ cái "
        "không dấu (a–z), chữ số và các dấu chấm, gạch dưới, gạch ngang (. _ -), không có khoảng trắng."
        + (f" Có thể dùng: {plain}." if plain else ""),
        f"The account name “{name}” cannot be used: {'; '.join(wrong_en)}. An account name has 2 to 64 letters "
        "without diacritics (a–z), digits, and dots, underscores or hyphens (. _ -), no spaces."
        + (f" You could use: {plain}." if plain else ""),
    )


def account_names(session: Session) -> set[str]:
    return set(session.exec(select(Account.name)))


def accounts_exist(session: Session) -> bool:
    return session.exec(select(Account.id).limit(1)).first() is not None


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
                lock_of(a, now),
                a.created_at,
                Actor.of(a).province,
            )
            for a, commune in rows
        ],
        columns=columns,
    )
    # An admin of a province manages the accounts of its province only.
    return frame if actor.province is None else frame[frame["province_code"] == actor.province].reset_index(drop=True)


def lock_of(account: Account, now: datetime) -> datetime | None:
    return account.locked_until if account.locked_until is not None and account.locked_until > now else None


def _admins_left(session: Session, without: str) -> int:
    return session.exec(
        select(func.count(Account.id)).where(Account.role == Role.ADMIN, ~Account.disabled, Account.name != without)
    ).one()


def disable_account(session: Session, actor: Actor, name: str, disabled: bool = True) -> None:
    """Disable (or enable again) an account: a disabled account cannot log in or act through --as, and its
    open sessions end."""
    require(actor, Permission.MANAGE_ACCOUNTS)
    account = get(session, name, actor)
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
    account = get(session, name, actor)
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
