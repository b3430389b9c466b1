"""`readiness warnings send` adds the tasks: each lead unit gets its own overdue and due-soon tasks (from the
units file's addresses and its accounts' e-mails), nothing of another unit; the leaders' list counts them. Against
the real local SMTP server of tests/test_mail.py."""

from datetime import date

from sqlalchemy import update
from test_mail import Inbox, inbox, port  # noqa: F401  (fixtures)

from readiness.access import auth
from readiness.access.permissions import OPERATOR
from readiness.core import db
from readiness.core.enums import Role
from readiness.core.settings import get_settings
from readiness.core.task_models import Unit
from readiness.outputs import mail
from readiness.reading import tasks as register

AS_OF = date(2025, 11, 14)


def test_each_unit_receives_its_own_tasks(inbox: Inbox) -> None:  # noqa: F811
    with db.write_session() as session:
        session.execute(update(Unit).where(Unit.code == "SKHCN").values(emails="vanthu@skhcn.vn"))
        auth.create_account(session, OPERATOR, "syt", Role.UNIT, "unit-password-57", None, "kehoach@syt.vn", "SYT")
    with db.session() as session:
        frame = register.register(session, AS_OF)
    at_risk = get_settings().at_risk_days
    overdue, soon = register.overdue(frame), register.due_soon(frame, at_risk)
    deliveries = mail.send_warnings(AS_OF, "01", actor=OPERATOR)
    assert {(d.recipient, d.scope) for d in deliveries if d.scope.startswith("task:")} == {
        ("vanthu@skhcn.vn", "task:SKHCN"),
        ("kehoach@syt.vn", "task:SYT"),
    }
    for address, unit in (("vanthu@skhcn.vn", "SKHCN"), ("kehoach@syt.vn", "SYT")):
        (message,) = inbox.to(address)
        body = message.get_body(("plain",)).get_content()
        mine = overdue[overdue["lead_unit_code"] == unit]
        assert f"có {len(mine)} nhiệm vụ quá hạn" in message["Subject"]
        for code in mine["code"]:
            assert f"- {code} " in body
        for code in soon[soon["lead_unit_code"] == unit]["code"]:
            assert f"- {code} " in body
        others = set(overdue["code"]) - set(mine["code"]) | set(soon["code"]) - set(
            soon[soon["lead_unit_code"] == unit]["code"]
        )
        assert not [code for code in others if f"- {code} " in body]
    leader = inbox.to("dost@example.vn")[0].get_body(("plain",)).get_content()
    assert f"Nhiệm vụ: {len(overdue)} nhiệm vụ quá hạn, {len(soon)} nhiệm vụ đến hạn trong {at_risk} ngày." in leader
    # Sent once a week: a second run owes nothing.
    assert {d.outcome for d in mail.send_warnings(AS_OF, "01", actor=OPERATOR)} == {"already sent"}
