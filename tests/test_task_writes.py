"""Writes to the task register on SQLite and PostgreSQL: the plan, extensions, progress, completions under review,
evidence; who may do what; everything audited; the classification read back from the database."""

from datetime import date

import pytest
from conftest import account

from readiness.access import audit, auth
from readiness.access.permissions import OPERATOR, PermissionDenied
from readiness.core import db
from readiness.core.enums import Role, TaskClass
from readiness.intake import evidence, tasks
from readiness.reading import tasks as register

PNG = evidence._PNG_SIGNATURE  # only the signature: a file that is not a whole PNG is refused


def classes(as_of: date) -> dict[str, str]:
    with db.session() as session:
        frame = register.register(session, as_of)
    return dict(zip(frame["code"], frame["task_class"], strict=True))


def test_unit_account_reports_its_own_tasks_and_waits_for_review(planned: str):
    with db.write_session() as session:
        skhcn = auth.create_account(session, OPERATOR, "skhcn", Role.UNIT, "unit-password-57", unit_code="SKHCN")
    with db.write_session() as session:
        tasks.report_progress(session, skhcn, "t1", 60, "Đã lắp đặt", "Thiếu kinh phí", None)
        completion = tasks.complete(session, skhcn, "T1", date(2025, 9, 30), "Xong")
        with pytest.raises(PermissionDenied):
            tasks.complete(session, skhcn, "T2", date(2025, 9, 1))
    as_of = date(2025, 10, 5)
    assert classes(as_of)["T1"] == TaskClass.ON_TIME  # pending counts with READINESS_COUNTS=reported
    officer = account(Role.OFFICER)
    with db.write_session() as session:
        with pytest.raises(tasks.TaskError):
            tasks.review_completion(session, officer, completion, approve=False)  # a reason is needed
        tasks.review_completion(session, officer, completion, approve=False, reason="Thiếu biên bản nghiệm thu")
    assert classes(as_of)["T1"] == TaskClass.OVERDUE
    with db.session() as session:
        history = tasks.history(session, officer, "T1")
        trail = audit.events(session, OPERATOR)
    assert list(history["completions"]["review_status"]) == ["returned"]
    assert list(history["progress"]["percent"]) == [60]
    assert {"task.progress", "task.complete", "task.review.returned"} <= set(trail["action"])


def test_commune_account_acts_for_its_commune_tasks(planned: str):
    commune = account(Role.COMMUNE, "00070")
    with db.write_session() as session:
        tasks.report_progress(session, commune, "T3", 50)
        with pytest.raises(PermissionDenied):
            tasks.report_progress(session, commune, "T1", 50)


def test_extension_is_recorded_beside_the_deadline(planned: str):
    with db.write_session() as session:
        tasks.extend(session, OPERATOR, "T2", date(2025, 12, 31), "123/QĐ-UBND", date(2025, 10, 10))
        with pytest.raises(tasks.TaskError):
            tasks.extend(session, OPERATOR, "T3", date(2025, 12, 31), "124/QĐ-UBND", date(2025, 10, 10))
        with pytest.raises(tasks.TaskError):
            tasks.extend(session, OPERATOR, "T2", date(2025, 12, 31), " ", date(2025, 10, 10))
        assert tasks.get(session, "T2").deadline == date(2025, 9, 30)
    assert classes(date(2025, 10, 9))["T2"] == TaskClass.OVERDUE
    assert classes(date(2025, 10, 10))["T2"] == TaskClass.WITHIN
    with pytest.raises(PermissionDenied), db.write_session() as session:
        tasks.extend(session, account(Role.LEADER), "T1", date(2025, 12, 31), "1/QĐ", date(2025, 10, 1))


def test_officer_completion_is_approved_and_evidence_follows_the_evidence_rules(planned: str, tmp_path):
    from PIL import Image

    path = tmp_path / "a.png"
    Image.new("RGB", (4, 4)).save(path)
    with db.write_session() as session:
        tasks.complete(session, OPERATOR, "T2", date(2025, 10, 3))
        tasks.add_evidence(session, OPERATOR, "T2", "bien-ban.png", path.read_bytes())
        with pytest.raises(evidence.EvidenceError):
            tasks.add_evidence(session, OPERATOR, "T2", "x.png", PNG)
        with pytest.raises(tasks.TaskError):
            tasks.complete(session, OPERATOR, "T2", date(2999, 1, 1))
    assert classes(date(2025, 10, 5))["T2"] == TaskClass.LATE
    with db.session() as session:
        files = tasks.history(session, OPERATOR, "T2")["evidence"]
    assert list(files["filename"]) == ["bien-ban.png"]
