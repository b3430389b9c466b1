"""E-mail addresses: exactly one valid address per field, wherever one enters (accounts, the recipients setting),
and a bad address stored before the check is never mailed to."""

import pytest
from pydantic import ValidationError
from sqlalchemy import update
from test_mail import AS_OF, Inbox, inbox, listed, port  # noqa: F401 (fixtures)

from readiness.access import auth
from readiness.access.auth import AccountError
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.addresses import AddressError, email_address
from readiness.core.models import Account, Role
from readiness.core.settings import Settings, get_settings
from readiness.outputs import mail

PASSWORD = "correct-horse-57"
NOT_ONE = [
    "x,attacker@evil.example",
    "lan@so.gov.vn, attacker@evil.example",
    "lan@so.gov.vn;attacker@evil.example",
    "Lan <lan@so.gov.vn>",
    "lan@so.gov.vn\nBcc: attacker@evil.example",
    "lan@so.gov.vn attacker@evil.example",
    "not-an-address",
    "lan@localhost",
]


@pytest.mark.parametrize("text", NOT_ONE)
def test_anything_but_one_address_is_refused(text: str) -> None:
    with pytest.raises(AddressError) as refused:
        email_address(text)
    assert "is not one valid e-mail address" in refused.value.message("en")
    assert refused.value.message("vi") != refused.value.message("en")


def test_a_list_in_one_field_says_one_address_per_field() -> None:
    with pytest.raises(AddressError) as refused:
        email_address("x,attacker@evil.example")
    assert refused.value.message("en").endswith("Give one address per field.")


@pytest.mark.parametrize(
    ("text", "stored"),
    [(" Lan@HoanKiem.gov.vn ", "lan@hoankiem.gov.vn"), ("nguyễn@hà-nội.vn", "nguyễn@hà-nội.vn")],
)
def test_one_address_is_normalised(text: str, stored: str) -> None:
    assert email_address(text) == stored


@pytest.mark.parametrize("text", NOT_ONE)
def test_an_account_takes_one_address_only(initialized: str, text: str) -> None:
    with pytest.raises(AccountError) as refused, db.write_session() as session:
        auth.create_account(session, OPERATOR, "lan", Role.OFFICER, PASSWORD, None, text)
    assert "is not one valid e-mail address" in refused.value.message("en")
    with db.session() as session:
        assert "lan" not in auth.account_names(session)


def test_the_recipients_setting_is_checked_address_by_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_WARNING_RECIPIENTS", " DOST@so.gov.vn, leader@ubnd.gov.vn ,")
    assert Settings().warning_recipient_list == ["dost@so.gov.vn", "leader@ubnd.gov.vn"]
    for bad in ("dost@so.gov.vn, x", "Lan <lan@so.gov.vn>", "dost@so.gov.vn;leader@ubnd.gov.vn"):
        monkeypatch.setenv("READINESS_WARNING_RECIPIENTS", bad)
        with pytest.raises(ValidationError, match=r"READINESS_WARNING_RECIPIENTS: .* is not one valid e-mail"):
            Settings()


def test_a_bad_address_stored_before_the_check_gets_no_mail(inbox: Inbox, listed: list[str]) -> None:  # noqa: F811
    with db.write_session() as session:
        session.exec(update(Account).where(Account.name == f"xa-{listed[0]}").values(email="x,attacker@evil.example"))
    deliveries = mail.send_warnings(AS_OF, "01", actor=OPERATOR)
    recipients = {d.recipient for d in deliveries}
    assert "x,attacker@evil.example" not in recipients
    assert f"{listed[1]}@xa.vn" in recipients
    assert not any("evil.example" in str(m["To"]) for m in inbox.messages)
    assert len(inbox.messages) == len(get_settings().warning_recipient_list) + 1
