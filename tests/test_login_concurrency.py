"""Password guesses sent at the same moment (threads, each with its own database connection) take their turn:
no more than max_failed_logins wrong passwords are ever checked before the account locks (SQLite and PostgreSQL),
and the lock does not keep out the owner at a client without wrong passwords of its own.
"""

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from readiness.access import auth
from readiness.access.auth import AccountError
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.models import AuditEvent, Role
from readiness.core.settings import get_settings

PASSWORD = "correct-horse-57"
ATTEMPTS = 14


def guess_at_once(passwords: list[str]) -> list[str]:
    """Send every password for account "lan" at the same moment; the outcome of each, in order."""
    barrier = threading.Barrier(len(passwords))
    outcomes = [""] * len(passwords)

    def guess(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = f"in as {auth.authenticate('lan', passwords[i]).name}"
        except AccountError as exc:
            outcomes[i] = exc.message("en")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(passwords))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def lan(initialized: str, monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Account "lan", and a count of the hash checks made against its real hash (and against the dummy one); the
    passwords checked against the real hash, in order, under "order". The guesses all come from one client, whose
    own delays (tests/test_login_throttle.py) are kept out of the way: these tests are about the account's count."""
    monkeypatch.setenv("READINESS_CLIENT_MAX_FAILED_LOGINS", str(2 * ATTEMPTS))
    get_settings.cache_clear()
    with db.write_session() as session:
        auth.create_account(session, OPERATOR, "lan", Role.OFFICER, PASSWORD)
        real_hash = session.exec(select(auth.Account.password_hash)).scalar_one()
    checks: Counter = Counter()
    order: list[str] = []
    checks["order"] = order
    verify = auth._verify

    def counting_verify(password_hash: str, password: str) -> bool:
        if password_hash == real_hash:
            order.append(password)
        checks["real" if password_hash == real_hash else "dummy"] += 1
        return verify(password_hash, password)

    monkeypatch.setattr(auth, "_verify", counting_verify)
    return checks


def failures_recorded() -> int:
    with db.session() as session:
        return session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action.in_(["account.login_failed", "account.locked"]))
        ).scalar_one()


def test_parallel_wrong_guesses_check_at_most_the_limit_then_lock(lan):
    limit = get_settings().max_failed_logins

    outcomes = guess_at_once([f"wrong-{i}" for i in range(ATTEMPTS)])

    assert lan["real"] == limit
    assert failures_recorded() == limit
    # Locked or not, every refusal says the same (no account enumeration).
    assert outcomes == ["Wrong account name or password."] * ATTEMPTS
    # Refusals without a check of the real hash still cost one hash check (of the dummy hash).
    assert lan["dummy"] == ATTEMPTS - limit
    with pytest.raises(AccountError, match="Sai tên đăng nhập"):
        auth.authenticate("lan", PASSWORD)
    # The owner, from a client that sent no wrong password, still gets in: guesses cannot keep it out.
    assert auth.authenticate("lan", PASSWORD, client="192.0.2.7").name == "lan"


def test_the_right_password_among_parallel_guesses_is_checked_only_within_the_limit(lan):
    limit = get_settings().max_failed_logins
    passwords = [f"wrong-{i}" for i in range(ATTEMPTS - 1)] + [PASSWORD]

    outcomes = guess_at_once(passwords)

    assert lan["real"] + lan["dummy"] == ATTEMPTS
    if outcomes[-1] == "in as lan":
        # As if the guesses had come one by one: the right one was among the first `limit` checked, and its
        # success started a new count, so at most `limit` more wrong ones were checked after it.
        assert lan["order"].index(PASSWORD) < limit
        assert lan["real"] <= 2 * limit
    else:
        assert outcomes[-1] == "Wrong account name or password."
        assert PASSWORD not in lan["order"]
        assert lan["real"] == failures_recorded() == limit


def test_right_passwords_sent_at_once_all_get_in(lan, monkeypatch):
    """One account shared by an office: twice the limit of right passwords at the same moment are each let in,
    none refused as locked, and the account is left unlocked with its count back at zero."""
    limit = get_settings().max_failed_logins
    # The first checks wait until `limit` have begun, so that the later attempts arrive while none has finished.
    begun, lock, all_begun = [0], threading.Lock(), threading.Event()
    verify = auth._verify

    def gated_verify(password_hash: str, password: str) -> bool:
        with lock:
            begun[0] += 1
            if begun[0] == limit:
                all_begun.set()
        all_begun.wait(timeout=30)
        return verify(password_hash, password)

    monkeypatch.setattr(auth, "_verify", gated_verify)

    outcomes = guess_at_once([PASSWORD] * (2 * limit))

    assert outcomes == ["in as lan"] * (2 * limit)
    assert failures_recorded() == 0
    with db.session() as session:
        account = session.exec(select(auth.Account).where(auth.Account.name == "lan")).scalar_one()
    assert (account.failed_logins, account.locked_until) == (0, None)


def test_hash_checks_run_at_most_argon2_concurrency_at_a_time(initialized, monkeypatch):
    """A wave of logins queues for the hash slots (64 MiB and every core each) instead of computing all at once:
    with two slots, two checks in progress leave no slot for a third, which starts once one of them ends."""
    with db.write_session() as session:
        for name in ("an", "binh", "chi"):
            auth.create_account(session, OPERATOR, name, Role.OFFICER, PASSWORD)
    monkeypatch.setenv("READINESS_ARGON2_CONCURRENCY", "2")
    get_settings.cache_clear()
    inside, most, lock = [0], [0], threading.Lock()
    two_inside, release = threading.Event(), threading.Event()
    hasher = auth._hasher()

    class Watched:
        def verify(self, password_hash: str, password: str) -> bool:
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                if inside[0] == 2:
                    two_inside.set()
            release.wait(timeout=60)  # only a guard against hanging: the test sets it
            with lock:
                inside[0] -= 1
            return hasher.verify(password_hash, password)

        def __getattr__(self, name: str) -> object:
            return getattr(hasher, name)

    monkeypatch.setattr(auth, "_hasher", Watched)
    names = ("an", "binh", "chi")
    actors = {}
    threads = [threading.Thread(target=lambda n=n: actors.update({n: auth.authenticate(n, PASSWORD)})) for n in names]
    for thread in threads:
        thread.start()
    assert two_inside.wait(timeout=60)
    assert not auth._slots(2).acquire(blocking=False)  # both slots are taken: the third check waits for one
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(actor.name for actor in actors.values()) == sorted(names)
    assert most[0] == 2
