"""Roles, accounts, passwords and lockout, through the service functions and the CLI, on both databases."""

import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from readiness import demo
from readiness.access import auth
from readiness.access.auth import AccountError
from readiness.access.permissions import OPERATOR, Actor, Permission, PermissionDenied, allowed, require
from readiness.cli import acting_as, main
from readiness.core import db
from readiness.core.models import Account, AuditEvent, Role
from readiness.core.settings import get_settings

PASSWORD = "correct-horse-57"
ADMIN = Actor("boss", Role.ADMIN)
OFFICER = Actor("officer", Role.OFFICER)
LEADER = Actor("leader", Role.LEADER)
HOAN_KIEM = Actor("hoankiem", Role.COMMUNE, "00070")


def create(name: str, role: str = Role.OFFICER, commune: str | None = None, email: str | None = None) -> Actor:
    with db.write_session() as session:
        return auth.create_account(session, OPERATOR, name, role, PASSWORD, commune, email)


def account(name: str) -> Account:
    with db.session() as session:
        return session.exec(select(Account).where(Account.name == name)).scalar_one()


def counts() -> tuple[int, int]:
    with db.session() as session:
        return (
            session.execute(select(func.count(Account.id))).scalar_one(),
            session.execute(select(func.count(AuditEvent.id))).scalar_one(),
        )


# Permission rules (no database) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "permission", "commune", "expected"),
    [
        (ADMIN, Permission.MANAGE_ACCOUNTS, None, True),
        (ADMIN, Permission.IMPORT_CHECKLIST, "00073", True),
        (ADMIN, Permission.LOAD_DEMO, None, True),
        (OFFICER, Permission.IMPORT_PROVINCE_WORKBOOK, None, True),
        (OFFICER, Permission.IMPORT_CHECKLIST, "00073", True),
        (OFFICER, Permission.EXPORT, None, True),
        (OFFICER, Permission.MANAGE_ACCOUNTS, None, False),
        (OFFICER, Permission.VIEW_AUDIT, None, False),
        (OFFICER, Permission.LOAD_DEMO, None, False),
        (LEADER, Permission.EXPORT, None, True),
        (LEADER, Permission.VIEW_PROVINCE, None, True),
        (LEADER, Permission.IMPORT_CHECKLIST, "00070", False),
        (LEADER, Permission.IMPORT_PROVINCE_WORKBOOK, None, False),
        (HOAN_KIEM, Permission.IMPORT_CHECKLIST, "00070", True),
        (HOAN_KIEM, Permission.IMPORT_CHECKLIST, "00073", False),
        (HOAN_KIEM, Permission.IMPORT_CHECKLIST, None, False),
        (HOAN_KIEM, Permission.VIEW_COMMUNE, "00070", True),
        (HOAN_KIEM, Permission.VIEW_COMMUNE, "00073", False),
        (HOAN_KIEM, Permission.VIEW_PROVINCE, None, True),
        (HOAN_KIEM, Permission.IMPORT_PROVINCE_WORKBOOK, None, False),
        (HOAN_KIEM, Permission.EXPORT, None, False),
        (None, Permission.VIEW_PROVINCE, None, False),
    ],
)
def test_permission_rules_per_role(actor, permission, commune, expected):
    assert allowed(actor, permission, commune) is expected
    if expected:
        require(actor, permission, commune)
    else:
        with pytest.raises(PermissionDenied):
            require(actor, permission, commune)


def test_refusals_say_who_and_what_in_both_languages():
    with pytest.raises(PermissionDenied) as other_commune:
        require(HOAN_KIEM, Permission.IMPORT_CHECKLIST, "00073")
    assert other_commune.value.message("en") == "Account hoankiem may act only for commune 00070, not for 00073."
    assert "00073" in other_commune.value.message("vi")
    with pytest.raises(PermissionDenied) as leader:
        require(LEADER, Permission.IMPORT_PROVINCE_WORKBOOK)
    assert "leader" in leader.value.message("en") and "import_province_workbook" in leader.value.message("en")
    with pytest.raises(PermissionDenied) as anonymous:
        require(None, Permission.VIEW_PROVINCE)
    assert anonymous.value.message("en") == "You need to log in to do this."


# Accounts ------------------------------------------------------------------------------------------------------


def test_accounts_store_only_an_argon2_hash_and_log_in_by_normalised_name(initialized):
    actor = create("  Chi.Lan ", Role.COMMUNE, "70", "Lan@HoanKiem.gov.vn")
    assert actor == Actor("chi.lan", Role.COMMUNE, "00070")
    stored = account("chi.lan")
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    assert stored.email == "lan@hoankiem.gov.vn"
    assert auth.authenticate("CHI.LAN", PASSWORD) == actor


@pytest.mark.parametrize(
    ("name", "role", "commune", "email", "password", "message"),
    [
        (
            "lan",
            "boss",
            None,
            None,
            PASSWORD,
            "There is no role 'boss'. Choose one of: admin, officer, commune, leader, unit.",
        ),
        ("lan", "commune", None, None, PASSWORD, "A commune account needs the code of its commune (--commune)"),
        ("lan", "commune", "99999", None, PASSWORD, "There is no commune with code '99999'"),
        ("lan", "commune", "x70", None, PASSWORD, "There is no commune with code 'x70'"),
        ("lan", "commune", "26506", None, PASSWORD, "Phường Vũng Tàu (code 26506) is not in Thành phố Hà Nội"),
        ("lan", "leader", "00070", None, PASSWORD, "Only commune accounts are bound to a commune"),
        ("taken", "officer", None, None, PASSWORD, "An account named taken exists already."),
        ("lan", "officer", None, "taken@so.gov.vn", PASSWORD, "An account already uses the e-mail taken@so.gov.vn"),
        ("lan", "officer", None, "not-an-address", PASSWORD, "'not-an-address' is not one valid e-mail address"),
        ("two words", "officer", None, None, PASSWORD, "The account name “two words” cannot be used: it has spaces."),
        ("x", "officer", None, None, PASSWORD, "The account name “x” cannot be used: it is too short (1 character)."),
        ("cli", "admin", None, None, PASSWORD, "The name cli is reserved"),
        (" CLI ", "officer", None, None, PASSWORD, "The name cli is reserved"),
        ("system", "officer", None, None, PASSWORD, "The name system is reserved"),
        (
            "аdmin",  # the first letter is Cyrillic
            "admin",
            None,
            None,
            PASSWORD,
            "The account name “аdmin” cannot be used: it has Cyrillic or Greek letters that look like Latin ones but "
            "are other letters (а).",
        ),
        (
            "ｌａｎ",
            "officer",
            None,
            None,
            PASSWORD,
            "The account name “ｌａｎ” cannot be used: it has full-width letters or digits (ｌ, ａ, ｎ).",
        ),
        (
            "chị.lan",
            "officer",
            None,
            None,
            PASSWORD,
            "The account name “chị.lan” cannot be used: it has letters with diacritics (ị).",
        ),
        (
            "lan@so",
            "officer",
            None,
            None,
            PASSWORD,
            "The account name “lan@so” cannot be used: it has signs that are not allowed (@).",
        ),
        ("lan", "officer", None, None, "", "The password is empty."),
        ("lan", "officer", None, None, "short", "The password is too short: it needs at least 10 characters"),
    ],
)
def test_bad_account_input_is_refused_clearly_and_changes_nothing(
    initialized, name, role, commune, email, password, message
):
    create("taken", email="taken@so.gov.vn")
    before = counts()
    with pytest.raises(AccountError) as refused, db.write_session() as session:
        auth.create_account(session, ADMIN, name, role, password, commune, email)
    assert refused.value.message("en").startswith(message)
    assert refused.value.message("vi") != refused.value.message("en")
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "twin"),
    [
        ("chị.lan", "chi.lan"),
        ("ｌａｎ", "lan"),
        ("đức", "duc"),
        ("Nguyễn Văn Á", "nguyen.van.a"),
        ("Trần Thị  Bích-Ngọc", "tran.thi.bich-ngoc"),
        ("lan@so", "lan.so"),
        (" hà / nội ", "ha.noi"),
        ("аdmin", None),  # a Cyrillic а: no plain spelling reads like it
        ("中文", None),
        ("c l i", "c.l.i"),
    ],
)
def test_a_refused_name_suggests_a_plain_spelling_the_rule_allows(initialized, name, twin):
    with pytest.raises(AccountError) as refused, db.write_session() as session:
        auth.create_account(session, ADMIN, name, Role.OFFICER, PASSWORD)
    vi, en = refused.value.message("vi"), refused.value.message("en")
    if twin is None:
        assert "Có thể dùng" not in vi and "You could use" not in en
        return
    assert en.endswith(f"You could use: {twin}.")
    assert vi.endswith(f"Có thể dùng: {twin}.")
    with db.write_session() as session:  # the suggestion is itself a name the rule takes
        assert auth.create_account(session, ADMIN, twin, Role.OFFICER, PASSWORD).name == twin


def test_the_name_refusal_says_in_plain_vietnamese_what_is_wrong(initialized):
    with pytest.raises(AccountError) as refused, db.write_session() as session:
        auth.create_account(session, ADMIN, "Nguyễn Văn Á", Role.OFFICER, PASSWORD)
    vi = refused.value.message("vi")
    assert vi.startswith("Tên tài khoản “nguyễn văn á” không dùng được: có khoảng trắng; có chữ có dấu (ễ, ă, á).")
    # No Unicode character names, no Python reprs: words a province officer reads.
    assert "LATIN" not in vi and "SPACE" not in vi and "'" not in vi


def test_the_first_admin_cannot_be_named_cli_either(initialized):
    with pytest.raises(AccountError, match="dành riêng"):
        auth.first_admin("cli", PASSWORD)


@pytest.mark.parametrize("actor", [OFFICER, LEADER, HOAN_KIEM, None])
def test_only_admins_manage_accounts_or_load_the_demo(initialized, actor):
    create("target")
    before = counts()
    writes = [
        lambda s: auth.create_account(s, actor, "newcomer", Role.LEADER, PASSWORD),
        lambda s: auth.list_accounts(s, actor),
        lambda s: auth.disable_account(s, actor, "target"),
        lambda s: auth.reset_password(s, actor, "target", "another-password"),
        lambda s: auth.delete_account(s, actor, "target"),
        lambda s: demo.load(s, actor),
        lambda s: demo.clear(s, actor),
        lambda s: demo.load_accounts(s, actor),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied), db.write_session() as session:
            write(session)
    assert counts() == before


def test_admin_manages_accounts(initialized):
    create("target", Role.COMMUNE, "00073")
    with db.write_session() as session:
        auth.create_account(session, ADMIN, "second", Role.LEADER, PASSWORD)
        auth.disable_account(session, ADMIN, "target")
        listing = auth.list_accounts(session, ADMIN)
    assert list(listing.columns) == [
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
    rows = listing.set_index("name")
    assert rows.loc["target", "commune_name"] == "Phường Cửa Nam"
    assert bool(rows.loc["target", "disabled"]) and not bool(rows.loc["second", "disabled"])
    with db.write_session() as session:
        auth.delete_account(session, ADMIN, "second")
    assert auth.account_names is not None
    with db.session() as session:
        assert auth.account_names(session) == {"target"}


def test_the_last_enabled_admin_cannot_be_disabled_or_deleted_while_others_remain(initialized):
    create("only-admin", Role.ADMIN)
    create("clerk")
    for change in (auth.disable_account, auth.delete_account):
        with pytest.raises(AccountError, match="quản trị viên cuối cùng"), db.write_session() as session:
            change(session, ADMIN, "only-admin")
    create("other-admin", Role.ADMIN)
    with db.write_session() as session:
        auth.disable_account(session, ADMIN, "only-admin")


def test_first_admin_works_only_while_no_account_exists(initialized):
    assert auth.first_admin("Admin", PASSWORD) == Actor("admin", Role.ADMIN)
    with pytest.raises(AccountError) as refused:
        auth.first_admin("intruder", PASSWORD)
    assert "first admin has been created" in refused.value.message("en")
    with db.session() as session:
        assert auth.account_names(session) == {"admin"}
        event = session.exec(select(AuditEvent)).scalar_one()
    assert (event.actor, event.action, event.target) == ("admin", "account.first_admin", "admin")


# Logging in ----------------------------------------------------------------------------------------------------


def test_lockout_after_max_failures_and_unlock_after_lockout_minutes(initialized):
    settings = get_settings()
    assert (settings.max_failed_logins, settings.lockout_minutes) == (5, 15)
    create("lan")
    start = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
    for attempt in range(settings.max_failed_logins - 1):
        with pytest.raises(AccountError) as wrong:
            auth.authenticate("lan", "wrong-password", now=start + timedelta(seconds=attempt))
        assert wrong.value.message("en") == "Wrong account name or password."
    with pytest.raises(AccountError) as locking:
        auth.authenticate("lan", "wrong-password", now=start + timedelta(seconds=5))
    until = start + timedelta(seconds=5, minutes=settings.lockout_minutes)
    # The same words as for any wrong password or unknown name: a refusal does not tell which names exist.
    assert locking.value.message("en") == "Wrong account name or password."
    assert account("lan").locked_until == until

    with pytest.raises(AccountError, match="Sai tên đăng nhập"):
        auth.authenticate("lan", PASSWORD, now=until - timedelta(seconds=1))
    assert auth.authenticate("lan", PASSWORD, now=until) == Actor("lan", Role.OFFICER)
    assert (account("lan").failed_logins, account("lan").locked_until) == (0, None)


def test_a_successful_login_resets_the_count_of_failures(initialized):
    create("lan")
    now = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
    for _ in range(get_settings().max_failed_logins - 1):
        with pytest.raises(AccountError):
            auth.authenticate("lan", "wrong-password", now=now)
    auth.authenticate("lan", PASSWORD, now=now)
    with pytest.raises(AccountError, match="Sai tên đăng nhập"):
        auth.authenticate("lan", "wrong-password", now=now)
    assert account("lan").locked_until is None


def test_reset_password_lifts_a_lockout(initialized):
    create("lan")
    now = datetime.now(UTC)
    for _ in range(get_settings().max_failed_logins):
        with pytest.raises(AccountError):
            auth.authenticate("lan", "wrong-password", now=now)
    with db.write_session() as session:
        assert auth.list_accounts(session, ADMIN, now=now).loc[0, "locked_until"] is not None
        auth.reset_password(session, ADMIN, "lan", "brand-new-password")
    assert auth.authenticate("lan", "brand-new-password", now=now).name == "lan"


def test_refusals_for_unknown_or_locked_accounts_cost_one_hash_check_like_a_wrong_password(initialized, monkeypatch):
    create("lan")
    checked: list[str] = []
    verify = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda h, p: checked.append(p) or verify(h, p))
    now = datetime.now(UTC)
    for name, password in [("nobody", "guess-1"), ("lan", "guess-2")]:
        with pytest.raises(AccountError):
            auth.authenticate(name, password, now=now)
    for _ in range(get_settings().max_failed_logins - 1):
        with pytest.raises(AccountError):
            auth.authenticate("lan", "wrong-password", now=now)
    checked.clear()
    with pytest.raises(AccountError, match="Sai tên đăng nhập"):
        auth.authenticate("lan", "guess-3", now=now)
    assert checked == ["guess-3"]


def test_a_locked_account_cannot_act_through_the_cli(initialized, capsys):
    create("lan")
    for _ in range(get_settings().max_failed_logins):
        with pytest.raises(AccountError):
            auth.authenticate("lan", "wrong-password")
    with pytest.raises(AccountError) as refused:
        acting_as("lan")
    assert refused.value.message("en").startswith("The account is locked until")
    capsys.readouterr()
    assert main(["import", "--as", "lan", __file__]) == 1
    assert capsys.readouterr().err.startswith("error: The account is locked until")


def test_wrong_current_passwords_when_changing_it_count_towards_the_lockout(initialized):
    lan = create("lan")
    for _ in range(get_settings().max_failed_logins - 1):
        with pytest.raises(AccountError, match="Mật khẩu hiện tại không đúng"):
            auth.change_password(lan, "not-my-password", "another-password")
    with pytest.raises(AccountError, match="Mật khẩu hiện tại không đúng"):
        auth.change_password(lan, "not-my-password", "another-password")
    assert account("lan").locked_until is not None
    with pytest.raises(AccountError, match="Mật khẩu hiện tại không đúng"):
        auth.change_password(lan, PASSWORD, "another-password")
    with pytest.raises(AccountError, match="Sai tên đăng nhập"):
        auth.authenticate("lan", PASSWORD)


def test_unknown_name_and_wrong_password_get_the_same_answer(initialized):
    create("lan")
    with pytest.raises(AccountError) as unknown:
        auth.authenticate("nobody", PASSWORD)
    with pytest.raises(AccountError) as wrong:
        auth.authenticate("lan", "wrong-password")
    assert unknown.value.message("vi") == wrong.value.message("vi") == "Sai tên đăng nhập hoặc mật khẩu."


def test_a_disabled_account_cannot_log_in_or_act(initialized):
    create("lan", Role.COMMUNE, "00070")
    with db.write_session() as session:
        auth.disable_account(session, ADMIN, "lan")
    with pytest.raises(AccountError) as refused:
        auth.authenticate("lan", PASSWORD)
    assert refused.value.message("en") == "The account lan is disabled; please contact an admin."
    with pytest.raises(AccountError, match="Sai tên đăng nhập"):
        auth.authenticate("lan", "wrong-password")  # the state is told only to who knows the password
    with pytest.raises(AccountError, match="vô hiệu hóa"), db.session() as session:
        auth.actor_for(session, "lan")
    with pytest.raises(AccountError) as cli_refused:
        acting_as("lan")
    assert cli_refused.value.message("en") == "The account lan is disabled."
    with db.write_session() as session:
        auth.disable_account(session, ADMIN, "lan", disabled=False)
    assert auth.authenticate("lan", PASSWORD).commune_code == "00070"


def test_hashes_made_with_other_parameters_are_rehashed_at_the_next_login(initialized, monkeypatch):
    monkeypatch.setenv("READINESS_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("READINESS_ARGON2_MEMORY_COST_KIB", "8192")
    db.reset_caches()
    create("lan")
    old = account("lan").password_hash
    assert "m=8192,t=1" in old
    monkeypatch.setenv("READINESS_ARGON2_TIME_COST", "2")
    monkeypatch.setenv("READINESS_ARGON2_MEMORY_COST_KIB", "16384")
    db.reset_caches()
    auth.authenticate("lan", PASSWORD)
    new = account("lan").password_hash
    assert "m=16384,t=2" in new and new != old
    auth.authenticate("lan", PASSWORD)
    assert account("lan").password_hash == new  # up to date: left alone
    with db.session() as session:
        details = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "account.login")).scalars().all()
    assert details == ["password, rehashed", "password"]


def test_change_password_needs_the_current_one(initialized):
    lan = create("lan")
    with pytest.raises(PermissionDenied, match="cần đăng nhập"):
        auth.change_password(None, PASSWORD, "another-password")
    with pytest.raises(AccountError, match="Mật khẩu hiện tại không đúng"):
        auth.change_password(lan, "not-my-password", "another-password")
    with pytest.raises(AccountError, match="quá ngắn"):
        auth.change_password(lan, PASSWORD, "short")
    auth.change_password(lan, PASSWORD, "another-password")
    assert auth.authenticate("lan", "another-password") == lan
    with pytest.raises(AccountError):
        auth.authenticate("lan", PASSWORD)


def test_actor_for_gives_exactly_the_accounts_rights(initialized):
    """What `readiness import --as NAME` acts with: refused for another commune's file and for a leader."""
    create("lan", Role.COMMUNE, "00070")
    create("chief", Role.LEADER)
    create("so", Role.OFFICER)
    lan, chief, so = acting_as("lan"), acting_as("chief"), acting_as("so")
    assert lan == Actor("lan", Role.COMMUNE, "00070")
    assert acting_as(None) == OPERATOR
    require(lan, Permission.IMPORT_CHECKLIST, "00070")
    with pytest.raises(PermissionDenied, match="00073"):
        require(lan, Permission.IMPORT_CHECKLIST, "00073")
    with pytest.raises(PermissionDenied):
        require(lan, Permission.IMPORT_PROVINCE_WORKBOOK)
    with pytest.raises(PermissionDenied):
        require(chief, Permission.IMPORT_CHECKLIST, "00070")
    require(so, Permission.IMPORT_CHECKLIST, "00073")
    require(so, Permission.IMPORT_PROVINCE_WORKBOOK)
    with pytest.raises(AccountError, match="Không có tài khoản tên ghost"):
        acting_as("ghost")


def test_single_sign_on_maps_an_email_to_an_enabled_account_and_creates_nothing(initialized):
    create("chief", Role.LEADER, email="chief@so.gov.vn")
    assert auth.sso_login(" Chief@SO.gov.vn ") == Actor("chief", Role.LEADER)
    before = counts()[0]
    for email in ("stranger@so.gov.vn", "", None):
        with pytest.raises(AccountError, match="nhờ quản trị viên"):
            auth.sso_login(email)
    with db.write_session() as session:
        auth.disable_account(session, ADMIN, "chief")
    with pytest.raises(AccountError):
        auth.sso_login("chief@so.gov.vn")
    assert counts()[0] == before


def test_no_password_or_hash_in_logs_exceptions_listings_or_the_audit_trail(initialized, caplog, capsys, monkeypatch):
    caplog.set_level(logging.DEBUG)
    create("lan", email="lan@so.gov.vn")
    refusals = []
    for password in ("wrong-password-1", *["wrong-password-2"] * 5, PASSWORD):
        try:
            auth.authenticate("lan", password)
        except AccountError as exc:
            refusals.append(exc)
    with db.write_session() as session:
        auth.reset_password(session, ADMIN, "lan", "reset-password-1")
        for bad in ("", "short"):
            try:
                auth.reset_password(session, ADMIN, "lan", bad)
            except AccountError as exc:
                refusals.append(exc)
        listing = auth.list_accounts(session, ADMIN).to_string()
    monkeypatch.setattr("sys.stdin", io.StringIO("cli-password-1\n"))
    assert main(["user", "add", "clerk", "--role", "officer", "--password-stdin"]) == 0
    assert main(["user", "list"]) == 0
    stored = account("lan")
    with db.session() as session:
        trail = " ".join(" ".join(map(str, row)) for row in session.execute(select(AuditEvent.__table__)).all())
    seen = " ".join(
        [caplog.text, listing, trail, repr(stored), str(stored), capsys.readouterr().out]
        + [f"{e} {e!r} {e.message('en')}" for e in refusals]
    )
    assert "login refused: wrong password for lan" in caplog.text  # the logging itself works
    for secret in ("wrong-password-1", "wrong-password-2", PASSWORD, "reset-password-1", "cli-password-1"):
        assert secret not in seen
    assert "$argon2" not in seen and stored.password_hash not in seen


# CLI -------------------------------------------------------------------------------------------------------------


def user(monkeypatch, capsys, *args: str, stdin: str = "") -> tuple[int, str, str]:
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["user", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_user_commands(initialized, monkeypatch, capsys):
    code, out, _ = user(
        monkeypatch, capsys, "add", "lan", "--role", "commune", "--commune", "70", "--password-stdin", stdin=PASSWORD
    )
    assert (code, out) == (0, "Account lan created (role commune, commune 00070).\n")
    assert auth.authenticate("lan", PASSWORD) == Actor("lan", Role.COMMUNE, "00070")
    code, _, err = user(monkeypatch, capsys, "add", "lan", "--role", "officer", "--password-stdin", stdin=PASSWORD)
    assert (code, err) == (1, "error: An account named lan exists already.\n")
    code, _, err = user(monkeypatch, capsys, "add", "x1", "--role", "commune", "--password-stdin", stdin=PASSWORD)
    assert (code, err) == (1, "error: A commune account needs the code of its commune (--commune), e.g. 00070.\n")
    code, _, err = user(monkeypatch, capsys, "add", "x1", "--role", "boss", "--password-stdin", stdin=PASSWORD)
    assert code == 1 and "There is no role 'boss'" in err
    code, _, err = user(monkeypatch, capsys, "add", "x1", "--role", "officer", "--password-stdin", stdin="\n")
    assert (code, err) == (1, "error: The password is empty.\n")
    code, out, _ = user(monkeypatch, capsys, "list")
    assert code == 0 and out.splitlines()[1].split() == ["lan", "commune", "00070", "enabled"]

    code, out, _ = user(monkeypatch, capsys, "reset-password", "LAN", "--password-stdin", stdin="new-password-57\r\n")
    assert (code, out) == (0, "Password of lan reset; any lockout is lifted.\n")
    assert auth.authenticate("lan", "new-password-57").name == "lan"
    code, out, _ = user(monkeypatch, capsys, "disable", "lan")
    assert (code, out) == (0, "Account lan disabled.\n")
    assert user(monkeypatch, capsys, "list")[1].splitlines()[1].split()[-1] == "disabled"
    code, _, err = user(monkeypatch, capsys, "disable", "ghost")
    assert (code, err) == (1, "error: There is no account named ghost.\n")
    with pytest.raises(SystemExit):
        main(["user", "add", "x2", "--role", "officer"])  # the password never goes on the command line
    with db.session() as session:
        actions = session.exec(select(AuditEvent.action, AuditEvent.actor).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a[0] != "account.login"] == [
        ("account.create", "cli"),
        ("account.reset_password", "cli"),
        ("account.disable", "cli"),
    ]


def test_demo_creates_printed_accounts_once_and_clear_removes_only_them(demo_sqlite, capsys):
    create("real-admin", Role.ADMIN)
    capsys.readouterr()
    assert main(["demo"]) == 0
    printed = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    assert [row[0] for row in printed] == [
        "demo-admin",
        "demo-officer",
        "demo-leader",
        "demo-00070",
        "demo-00073",
        "demo-00004",
    ]
    for row in printed:
        actor = auth.authenticate(row[0], row[-1])
        assert (actor.role, actor.commune_code) == (row[1], row[2] if len(row) == 4 else None)

    with db.write_session() as session:
        auth.reset_password(session, ADMIN, "demo-officer", "changed-by-someone")
    assert main(["demo"]) == 0
    assert "demo-officer officer (existed already; password left unchanged)" in " ".join(
        capsys.readouterr().out.split()
    )
    assert auth.authenticate("demo-officer", "changed-by-someone").name == "demo-officer"

    assert main(["demo", "--clear"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "Removed 6 demo accounts: demo-00004, demo-00073, demo-00070, demo-leader, demo-officer, demo-admin"
    )
    with db.session() as session:
        assert auth.account_names(session) == {"real-admin"}


def test_demo_clear_keeps_everything_when_the_demo_admin_is_the_last_admin(demo_sqlite, capsys):
    assert main(["demo"]) == 0
    create("clerk")
    before = counts()
    capsys.readouterr()
    assert main(["demo", "--clear"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == "error: Cannot delete demo-admin: it is the last enabled admin; create another admin first.\n"
    assert counts() == before
