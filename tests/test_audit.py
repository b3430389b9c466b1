"""The audit trail: written with every change, readable by admins only, filtered by local day, exported."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest

from readiness import demo
from readiness.access import audit, auth
from readiness.access.permissions import OPERATOR, Actor, PermissionDenied
from readiness.core import db
from readiness.core.models import AuditEvent, Role
from readiness.outputs.views import tables as views

ADMIN = Actor("boss", Role.ADMIN)
PASSWORD = "correct-horse-57"


def trail(**filters) -> list[tuple[str, str, str]]:
    with db.session() as session:
        events = audit.events(session, ADMIN, **filters)
    return list(events[["actor", "action", "target"]].itertuples(index=False, name=None))


def test_account_changes_are_recorded_with_the_person_who_made_them(initialized):
    with db.write_session() as session:
        auth.create_account(session, ADMIN, "lan", Role.COMMUNE, PASSWORD, "00070", "lan@hk.gov.vn")
        auth.create_account(session, OPERATOR, "chief", Role.LEADER, PASSWORD)
        auth.reset_password(session, ADMIN, "chief", "another-password")
        auth.disable_account(session, ADMIN, "chief")
    lan = auth.authenticate("lan", PASSWORD)
    auth.change_password(lan, PASSWORD, "lan-new-password")
    with pytest.raises(auth.AccountError):
        auth.authenticate("lan", "wrong-password")
    assert trail() == [
        ("lan", "account.login_failed", "lan"),
        ("lan", "account.change_password", "lan"),
        ("lan", "account.login", "lan"),
        ("boss", "account.disable", "chief"),
        ("boss", "account.reset_password", "chief"),
        ("cli", "account.create", "chief"),
        ("boss", "account.create", "lan"),
    ]
    with db.session() as session:
        created = audit.events(session, ADMIN, action="account.create", actor="boss")
    assert created.loc[0, "detail"] == "role commune, commune 00070, e-mail lan@hk.gov.vn"
    assert str(created.loc[0, "at"].tz) == "Asia/Ho_Chi_Minh"


def test_a_refused_change_leaves_no_trace(initialized):
    with pytest.raises(PermissionDenied), db.write_session() as session:
        auth.create_account(session, Actor("so", Role.OFFICER), "lan", Role.LEADER, PASSWORD)
    with pytest.raises(auth.AccountError), db.write_session() as session:
        auth.create_account(session, ADMIN, "lan", Role.LEADER, "short")
    assert trail() == []


def test_demo_load_and_clear_are_recorded(demo_data):
    with db.write_session() as session:
        demo.clear(session, OPERATOR)
    with db.session() as session:
        events = audit.events(session, ADMIN, actor="cli")
    assert list(events["action"]) == ["demo.clear", "demo.load"]
    assert events.loc[1, "detail"] == events.loc[0, "detail"] != "0 submissions"


@pytest.mark.parametrize(
    "viewer", [Actor("so", Role.OFFICER), Actor("chief", Role.LEADER), Actor("lan", Role.COMMUNE, "00070"), None]
)
def test_only_admins_read_the_trail(initialized, viewer):
    with db.session() as session:
        with pytest.raises(PermissionDenied):
            audit.events(session, viewer)
        with pytest.raises(PermissionDenied):
            audit.choices(session, viewer)


def test_filters_by_actor_action_and_local_day(initialized):
    # 17:30 UTC on 20/11 is already 21/11 in Vietnam (UTC+7).
    moments = [
        ("lan", "import.checklist", datetime(2025, 11, 20, 16, 59, tzinfo=UTC), "a" * 64),
        ("lan", "import.checklist", datetime(2025, 11, 20, 17, 30, tzinfo=UTC), "b" * 64),
        ("so", "import.workbook", datetime(2025, 11, 21, 16, 59, tzinfo=UTC), "c" * 64),
        ("so", "account.login", datetime(2025, 11, 21, 17, 0, tzinfo=UTC), None),
    ]
    with db.write_session() as session:
        for actor, action, at, sha in moments:
            session.add(AuditEvent(at=at, actor=actor, action=action, target="00070", file_sha256=sha))
    with db.session() as session:
        assert audit.choices(session, ADMIN) == (
            ["lan", "so"],
            ["account.login", "import.checklist", "import.workbook"],
        )
        on_21 = audit.events(session, ADMIN, since=date(2025, 11, 21), until=date(2025, 11, 21))
        assert list(on_21["file_sha256"]) == ["c" * 64, "b" * 64]
        assert list(audit.events(session, ADMIN, until=date(2025, 11, 20))["file_sha256"]) == ["a" * 64]
        assert len(audit.events(session, ADMIN, since=date(2025, 11, 22))) == 1
        lan_imports = audit.events(session, ADMIN, actor="lan", action="import.checklist")
        assert list(lan_imports["at"].dt.strftime("%d/%m/%Y %H:%M")) == ["21/11/2025 00:30", "20/11/2025 23:59"]
        assert audit.events(session, ADMIN, actor="nobody").empty


def test_csv_and_excel_exports_keep_every_row_and_the_vietnamese_text(initialized):
    with db.write_session() as session:
        audit.record(session, "lan", "import.checklist", "Phường Hoàn Kiếm", "16 tiêu chí", "d" * 64)
        audit.record(session, "boss", "account.create", "lan")
    with db.session() as session:
        events = audit.events(session, ADMIN)
    table = views.audit_trail(events, "vi")  # the frame the audit page shows and exports

    data = audit.to_csv(table)
    assert data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["Người thực hiện"], r["Đối tượng"], r["SHA-256 của tệp"]) for r in rows] == [
        ("boss", "lan", ""),
        ("lan", "Phường Hoàn Kiếm", "d" * 64),
    ]

    sheet = openpyxl.load_workbook(io.BytesIO(audit.to_xlsx(table))).active
    values = list(sheet.values)
    assert values[0] == (
        "Thời điểm (giờ Việt Nam)",
        "Người thực hiện",
        "Thao tác",
        "Đối tượng",
        "Chi tiết",
        "SHA-256 của tệp",
    )
    assert values[2][1:] == ("lan", "import.checklist", "Phường Hoàn Kiếm", "16 tiêu chí", "d" * 64)
    local = events.loc[1, "at"]
    assert abs(values[2][0] - local.tz_localize(None).to_pydatetime()) < timedelta(milliseconds=1)
    assert sheet["A3"].number_format == "dd/mm/yyyy hh:mm:ss"
    assert sheet.freeze_panes == "A2"


def test_the_trail_words_each_action(initialized):
    with db.write_session() as session:
        audit.record(session, "lan", "account.login", "password")
        audit.record(session, "lan", "import.rejected", "00070")
        audit.record(session, "lan", "some.future_action", "x")
    with db.session() as session:
        events = audit.events(session, ADMIN)
    assert sorted(views.audit_trail(events, "vi")["Thao tác"]) == [
        "Nhập tệp: bị từ chối",
        "some.future_action",  # recorded by a newer version: its code
        "Đăng nhập",
    ]
    assert "Logged in" in set(views.audit_trail(events, "en")["Action"])
