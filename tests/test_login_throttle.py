"""Login throttling (NIST SP 800-63B §5.2.2, OWASP): the same words for every account name, real or not, locked or
not; growing delays for a client that keeps sending wrong passwords; and no way for a stranger to keep an account,
an admin's included, locked against its owner. On both databases."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from readiness.access import auth, throttle
from readiness.access.auth import AccountError
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.models import LoginThrottle, Role
from readiness.core.settings import get_settings

PASSWORD = "correct-horse-57"
START = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
STRANGER, OWNER = "203.0.113.9", "198.51.100.20"


@pytest.fixture
def boss(initialized: str) -> str:
    with db.write_session() as session:
        auth.create_account(session, OPERATOR, "boss", Role.ADMIN, PASSWORD)
    return "boss"


def _refusal(name: str, password: str, now: datetime, client: str) -> tuple[str, str]:
    with pytest.raises(AccountError) as refused:
        auth.authenticate(name, password, now=now, client=client)
    return refused.value.message("vi"), refused.value.message("en")


def _failures(client: str) -> int:
    with db.session() as session:
        row = session.get(LoginThrottle, client)
    return row.failures if row else 0


def test_every_refusal_says_the_same_for_real_unknown_and_locked_names(boss):
    wrong = ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong account name or password.")
    limit = get_settings().max_failed_logins
    assert _refusal("nobody", "guess", START, STRANGER) == wrong
    for _ in range(limit):
        assert _refusal("boss", "guess", START, STRANGER) == wrong  # the last one locks the account
    assert _refusal("boss", "guess", START, STRANGER) == wrong  # locked
    assert _refusal("boss", PASSWORD, START, STRANGER) == wrong  # locked, even the right password from there
    assert _refusal("nobody", "guess", START, STRANGER) == wrong


def test_a_client_that_keeps_failing_waits_growing_delays_whatever_the_names(boss, monkeypatch):
    settings = get_settings()
    free, first = settings.client_max_failed_logins, settings.login_delay_seconds
    checked: list[str] = []
    verify = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda h, p: checked.append(p) or verify(h, p))
    now = START
    for i in range(free - 1):  # names real and not: a password sprayed over many names counts the same
        _refusal(f"name-{i}", "guess", now, STRANGER)
    assert _failures(STRANGER) == free - 1
    _refusal("boss", "guess", now, STRANGER)  # the free ones are used up: the next waits `first` seconds
    waits = []
    for _ in range(10):
        checked.clear()
        vi, en = _refusal("boss", PASSWORD, now, STRANGER)  # refused before anything is looked up or checked
        assert en.startswith("Too many wrong passwords from this device. Try again after ")
        assert vi.startswith("Đã nhập sai mật khẩu quá nhiều lần từ máy này.")
        assert checked == []
        # Said the same for an unknown name.
        assert _refusal("nobody", PASSWORD, now, STRANGER) == (vi, en)
        with db.session() as session:
            until = throttle.blocked_until(session, STRANGER, now)
        waits.append(until - now)
        now = until
        _refusal("nobody", "guess", now, STRANGER)  # the wait is over: one more try, wrong again
    longest = timedelta(minutes=settings.lockout_minutes)
    assert waits == [min(timedelta(seconds=first * 2**k), longest) for k in range(10)]
    assert waits[-1] == longest  # growing, but never without end
    # Another client is not slowed down at all.
    assert auth.authenticate("boss", PASSWORD, now=now, client=OWNER).name == "boss"


def test_a_stranger_cannot_keep_an_admin_out(boss):
    """A stranger sends wrong passwords for the admin as fast as the delays allow, for a whole day: the admin,
    from its own client, logs in with the right password whenever it likes."""
    now, end = START, START + timedelta(days=1)
    logins = 0
    while now < end:
        with db.session() as session:
            now = throttle.blocked_until(session, STRANGER, now) or now
        _refusal("boss", "guess", now, STRANGER)
        if logins < 24 and now >= START + timedelta(hours=logins):
            assert auth.authenticate("boss", PASSWORD, now=now, client=OWNER).name == "boss"
            logins += 1
        now += timedelta(seconds=1)
    assert logins == 24
    # The guesses did lock the account against the stranger's client, which the owner's logins did not reopen.
    assert _refusal("boss", PASSWORD, now, STRANGER)


def test_the_owner_who_mistyped_during_a_lock_gets_in_after_lockout_minutes(boss):
    limit, minutes = get_settings().max_failed_logins, get_settings().lockout_minutes
    for _ in range(limit):
        _refusal("boss", "guess", START, STRANGER)
    _refusal("boss", "typo", START, OWNER)  # checked: a client without failures may try
    _refusal("boss", PASSWORD, START + timedelta(minutes=1), OWNER)  # now it has failed lately itself
    later = START + timedelta(minutes=minutes + 1)
    assert auth.authenticate("boss", PASSWORD, now=later, client=OWNER).name == "boss"


def test_a_client_is_forgotten_a_day_after_its_last_failure(boss):
    for i in range(get_settings().client_max_failed_logins + 3):
        _refusal(f"name-{i}", "guess", START, STRANGER)
    assert _failures(STRANGER) == get_settings().client_max_failed_logins  # the last three were made to wait
    day_after = START + timedelta(days=1, seconds=1)
    assert auth.authenticate("boss", PASSWORD, now=day_after, client=STRANGER).name == "boss"
    _refusal("nobody", "guess", day_after, STRANGER)
    assert _failures(STRANGER) == 1


def test_first_failures_of_a_new_client_at_the_same_moment_are_all_counted(boss):
    """Many threads, each with its own connection, record the first failures of one client at once: its row is
    made once (no duplicate key on PostgreSQL) and every failure counts."""
    count = 8
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def fail(i: int) -> None:
        barrier.wait()
        try:
            with db.write_session() as session:
                throttle.record_failure(session, STRANGER, START)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=fail, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with db.session() as session:
        rows = session.exec(select(LoginThrottle)).all()
    assert [(r.client, r.failures) for r in rows] == [(STRANGER, count)]


@pytest.mark.parametrize(
    ("header", "proxies", "peer", "sent", "client"),
    [
        ("", "127.0.0.1", "127.0.0.1", {"x-forwarded-for": "203.0.113.9"}, "127.0.0.1"),
        ("X-Forwarded-For", "127.0.0.1,::1", "127.0.0.1", {"x-forwarded-for": "1.1.1.1, 203.0.113.9"}, STRANGER),
        ("X-Forwarded-For", "127.0.0.1", "::1", {"x-forwarded-for": "203.0.113.9"}, "::1"),
        ("X-Real-IP", "10.0.0.2", "10.0.0.2", {"x-real-ip": "2001:db8::1"}, "2001:db8::1"),
        ("X-Forwarded-For", "127.0.0.1", "127.0.0.1", {"x-forwarded-for": "not an address"}, "127.0.0.1"),
        ("X-Forwarded-For", "127.0.0.1", "127.0.0.1", {}, "127.0.0.1"),
        ("X-Forwarded-For", "127.0.0.1", None, {"x-forwarded-for": "203.0.113.9"}, "unknown"),
    ],
)
def test_the_client_address_trusts_the_header_of_configured_proxies_only(
    monkeypatch, header, proxies, peer, sent, client
):
    monkeypatch.setenv("READINESS_TRUSTED_PROXY_HEADER", header)
    monkeypatch.setenv("READINESS_TRUSTED_PROXIES", proxies)
    get_settings.cache_clear()
    assert throttle.client_address(peer, sent) == client
