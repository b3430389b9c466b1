"""`readiness warnings send` against a real local SMTP server (aiosmtpd) started by each test."""

import email
import email.policy
import io
import socket
from collections.abc import Iterator
from datetime import date

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from readiness import cli
from readiness.access import auth
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.models import AuditEvent, Unit, WarningDelivery
from readiness.core.settings import get_settings
from readiness.outputs import mail
from readiness.reading import queries

AS_OF = date(2025, 11, 5)
LEADERS = ["dost@example.vn", "leader@example.vn"]


class Inbox:
    """aiosmtpd handler: keeps every message; answers 550 to the addresses in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    # aiosmtpd's Controller cannot start on port 0 (it probes the port it was given), so take a free one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch, demo_data: str) -> int:
    number = _free_port()
    monkeypatch.setenv("READINESS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("READINESS_SMTP_PORT", str(number))
    monkeypatch.setenv("READINESS_SMTP_STARTTLS", "false")
    monkeypatch.setenv("READINESS_SMTP_FROM", "readiness@skhcn.hanoi.gov.vn")
    monkeypatch.setenv("READINESS_WARNING_RECIPIENTS", ", ".join(LEADERS))
    get_settings.cache_clear()
    # The departments' addresses receive their tasks' lists (tests/test_task_mail.py); here only the criteria's.
    with db.write_session() as session:
        session.execute(update(Unit).values(emails=""))
    return number


def _serve(port: int, inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    box = Inbox()
    controller = _serve(port, box)
    yield box
    controller.stop()


@pytest.fixture
def listed() -> list[str]:
    """The first two communes on the warning list, each with a commune account that has an e-mail; and one
    commune not on the list, with an account too (it must get nothing)."""
    with db.session() as session:
        warnings = queries.warning_list(session, AS_OF, "01")
        everyone = queries.communes(session, "01")["code"]
    codes = warnings["commune_code"].tolist()[:2]
    outside = next(code for code in everyone if code not in set(warnings["commune_code"]))
    with db.write_session() as session:
        for code in [*codes, outside]:
            auth.create_account(session, OPERATOR, f"xa-{code}", "commune", "mat-khau-57-dai", code, f"{code}@xa.vn")
    assert len(codes) == 2
    return codes


def _send(**kwargs: bool) -> list[mail.Delivery]:
    return mail.send_warnings(AS_OF, "01", actor=OPERATOR, **kwargs)


def _records() -> dict[tuple[str, str], WarningDelivery]:
    with db.session() as session:
        rows = session.execute(select(WarningDelivery)).scalars().all()
        return {(r.recipient, r.scope): r for r in rows}


def test_leaders_get_the_whole_list_with_the_excel_and_communes_their_own_items(
    inbox: Inbox, listed: list[str]
) -> None:
    deliveries = _send()
    assert sorted((d.recipient, d.outcome) for d in deliveries) == sorted(
        [(a, "sent") for a in LEADERS] + [(f"{c}@xa.vn", "sent") for c in listed]
    )
    with db.session() as session:
        warnings = queries.warning_list(session, AS_OF, "01")
    for leader in LEADERS:
        (message,) = inbox.to(leader)
        assert "Danh sách cảnh báo tuần từ 03/11/2025 đến 09/11/2025" in message["Subject"]
        body = message.get_body(("plain",)).get_content()
        assert f"Có {len(warnings)} xã, phường trong danh sách cảnh báo" in body
        for row in warnings.itertuples():
            assert f"{row.commune_name} ({row.commune_code})" in body
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == "danh-sach-canh-bao-2025-11-05.xlsx"
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.get_content())).active
        codes = [sheet.cell(row, 2).value for row in range(5, sheet.max_row + 1)]
        assert codes == warnings["commune_code"].tolist()
    for code in listed:
        (message,) = inbox.to(f"{code}@xa.vn")
        body = message.get_body(("plain",)).get_content()
        name = warnings.set_index("commune_code").at[code, "commune_name"]
        assert name in message["Subject"]
        assert f"{name} ({code}) có tên trong danh sách cảnh báo" in body
        other = next(c for c in listed if c != code)
        assert other not in body
        assert not list(message.iter_attachments())
    assert len(inbox.messages) == len(LEADERS) + len(listed)


def test_a_week_is_sent_once_unless_resent(inbox: Inbox, listed: list[str]) -> None:
    _send()
    sent = len(inbox.messages)
    again = _send()
    assert {d.outcome for d in again} == {"already sent"}
    assert len(inbox.messages) == sent
    # The next week is owed again.
    next_week = mail.send_warnings(date(2025, 11, 10), "01", actor=OPERATOR)
    assert {d.outcome for d in next_week} == {"sent"}
    resent = _send(resend=True)
    assert {d.outcome for d in resent} == {"sent"}
    assert len(inbox.messages) == 2 * sent + len(next_week)
    assert all(r.attempts == 2 for (_, _), r in _records().items() if r.week == date(2025, 11, 3))


def test_dry_run_sends_and_records_nothing(inbox: Inbox, listed: list[str]) -> None:
    deliveries = _send(dry_run=True)
    assert {d.outcome for d in deliveries} == {"dry run"}
    assert len(deliveries) == len(LEADERS) + len(listed)
    assert inbox.messages == []
    assert _records() == {}


def test_a_dead_server_loses_nothing_and_the_next_run_sends(port: int, listed: list[str]) -> None:
    deliveries = _send()
    assert {d.outcome for d in deliveries} == {"failed"}
    assert all(f"cannot reach 127.0.0.1:{port}" in d.error for d in deliveries)
    records = _records()
    assert len(records) == len(LEADERS) + len(listed)
    assert {r.status for r in records.values()} == {"failed"}
    assert all(r.sent_at is None for r in records.values())

    box = Inbox()
    controller = _serve(port, box)
    try:
        later = _send()
    finally:
        controller.stop()
    assert {d.outcome for d in later} == {"sent"}
    assert len(box.messages) == len(LEADERS) + len(listed)
    assert {r.status for r in _records().values()} == {"sent"}


def test_a_refused_recipient_is_reported_and_retried_alone(inbox: Inbox, listed: list[str]) -> None:
    refused = f"{listed[0]}@xa.vn"
    inbox.refuse.add(refused)
    deliveries = {d.recipient: d for d in _send()}
    assert deliveries[refused].outcome == "failed"
    assert "550" in deliveries[refused].error
    assert all(d.outcome == "sent" for r, d in deliveries.items() if r != refused)
    assert _records()[(refused, listed[0])].status == "failed"
    assert inbox.to(refused) == []

    inbox.refuse.clear()
    delivered = len(inbox.messages)
    retried = [d for d in _send() if d.outcome != "already sent"]
    assert [(d.recipient, d.outcome) for d in retried] == [(refused, "sent")]
    assert len(inbox.messages) == delivered + 1
    record = _records()[(refused, listed[0])]
    assert (record.status, record.attempts, record.last_error) == ("sent", 2, "")


def test_cli_reports_each_recipient_and_audits(
    inbox: Inbox, listed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox.refuse.add(LEADERS[1])
    assert cli.main(["warnings", "send", "--as-of", AS_OF.isoformat()]) == 1
    out = capsys.readouterr().out
    assert f"sent         {LEADERS[0]} [whole list + Excel]" in out
    assert f"failed       {LEADERS[1]} [whole list + Excel] (recipient refused: 550" in out
    assert f"sent         {listed[0]}@xa.vn [commune {listed[0]}]" in out
    with db.session() as session:
        trail = session.execute(
            select(AuditEvent.target, AuditEvent.detail).where(AuditEvent.action == "warnings.mail")
        ).all()
    assert len(trail) == len(LEADERS) + len(listed)
    assert (LEADERS[1], "week 2025-11-03, all: failed: recipient refused: 550 5.1.1 Mailbox unavailable") in trail
    inbox.refuse.clear()
    assert cli.main(["warnings", "send", "--as-of", AS_OF.isoformat()]) == 0
    assert "1 sent, 0 failed" in capsys.readouterr().out


def test_sending_needs_a_configured_server(
    monkeypatch: pytest.MonkeyPatch, port: int, listed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READINESS_SMTP_HOST", "")
    get_settings.cache_clear()
    assert cli.main(["warnings", "send", "--as-of", AS_OF.isoformat()]) == 2
    assert "READINESS_SMTP_HOST is not set" in capsys.readouterr().err
    assert _records() == {}
