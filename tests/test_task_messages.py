"""A task's messages on SQLite and PostgreSQL: readiness.intake.comments takes a task as it takes a commune, with the
same checks and bounds (newest 50, the hourly limit per account across every thread), audited; who may read and post
(the task's lead and coordinating units, the DOST's officers; leaders read; another unit neither)."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import account
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from readiness import demo_tasks
from readiness.access import audit, auth
from readiness.access.permissions import OPERATOR, PermissionDenied
from readiness.core import db
from readiness.core.enums import Origin, Role
from readiness.core.models import Comment
from readiness.core.task_models import Task
from readiness.intake import comments, tasks


def _unit(name: str, code: str):
    with db.write_session() as session:
        return auth.create_account(session, OPERATOR, name, Role.UNIT, "unit-password-57", unit_code=code)


def _post(actor, code: str, text: str) -> int:
    with db.write_session() as session:
        return comments.add_on_task(session, actor, code, text)


def _thread(actor, code: str, newest: int = comments.PAGE):
    with db.session() as session:
        return comments.task_thread(session, actor, code, newest)


def test_the_lead_and_coordinating_units_and_the_dost_talk_in_the_task_thread(planned: str):
    skhcn, stc, officer = _unit("skhcn", "SKHCN"), _unit("stc", "STC"), account(Role.OFFICER)
    _post(skhcn, "t1", "Đề nghị Sở Tài chính bố trí kinh phí.")
    _post(stc, "T1", "Đã trình UBND thành phố.")
    _post(officer, "T1", "Sở KH&CN đề nghị hoàn thành trước 30/9.\nXin cảm ơn.")
    thread, total = _thread(skhcn, "T1")
    assert total == 3
    assert list(thread["author"]) == ["skhcn", "stc", officer.name]
    assert thread["text"].iloc[-1] == "Sở KH&CN đề nghị hoàn thành trước 30/9.\nXin cảm ơn."
    # A leader reads; the task's thread is its own (the commune threads hold nothing of it).
    assert _thread(account(Role.LEADER), "T1")[1] == 3
    assert _thread(officer, "T2")[1] == 0
    with db.session() as session:
        assert comments.thread(session, officer, "00070")[1] == 0
        trail = audit.events(session, OPERATOR)
    posted = trail[trail["action"] == "comment.add"]
    assert list(posted["target"]) == ["T1"] * 3
    assert all(detail.startswith("task T1: ") for detail in posted["detail"])


def test_another_unit_may_neither_read_nor_post_and_a_leader_only_reads(planned: str):
    syt = _unit("syt", "SYT")
    for act in (lambda: _thread(syt, "T1"), lambda: _post(syt, "T1", "Xin chào")):
        with pytest.raises(PermissionDenied) as refused:
            act()
        assert "may discuss only the tasks its unit SYT leads or coordinates, not task T1" in refused.value.en
    with pytest.raises(PermissionDenied):
        _post(account(Role.LEADER), "T1", "Lãnh đạo nhắc")
    # A commune account: its commune's task, not a department's.
    commune = account(Role.COMMUNE, "00070")
    _post(commune, "T3", "Xã đã triển khai.")
    with pytest.raises(PermissionDenied):
        _thread(commune, "T1")
    with pytest.raises(PermissionDenied):
        _post(account(Role.COMMUNE, "00073"), "T3", "Không phải xã mình")
    with db.session() as session:
        assert session.scalars(select(Comment.text)).all() == ["Xã đã triển khai."]
    with pytest.raises(tasks.TaskError):
        _post(OPERATOR, "T9", "Không có nhiệm vụ này")


def test_task_messages_keep_the_bounds_of_every_thread(planned: str, monkeypatch: pytest.MonkeyPatch):
    skhcn = _unit("skhcn", "SKHCN")
    with db.write_session() as session:
        task_id = session.scalars(select(Task.id).where(Task.code == "T1")).one()
        start = datetime.now(UTC) - timedelta(hours=2)
        session.add_all(
            Comment(task_id=task_id, author="skhcn", at=start + timedelta(seconds=i), text=f"tin {i}")
            for i in range(60)
        )
    newest, total = _thread(skhcn, "T1")
    assert total == 60 and newest["text"].tolist() == [f"tin {i}" for i in range(10, 60)]
    for bad, said in (("  ", "The comment is empty."), ("x" * 4001, "at most 4000 characters")):
        with pytest.raises(comments.CommentError) as refused:
            _post(skhcn, "T1", bad)
        assert said in refused.value.en
    # One hourly limit per account, over the commune threads and the task threads together.
    monkeypatch.setenv("READINESS_MESSAGES_PER_HOUR", "2")
    db.reset_caches()
    officer = account(Role.OFFICER)
    with db.write_session() as session:
        comments.add(session, officer, "00070", "Gửi xã")
    _post(officer, "T1", "Gửi đơn vị")
    with pytest.raises(comments.CommentError) as refused:
        _post(officer, "T2", "Thêm một tin")
    assert "sent 2 messages in the last hour, at most 2" in refused.value.en
    assert _thread(officer, "T2")[1] == 0


def test_a_message_has_one_thread_and_demo_tasks_leave_with_theirs(planned: str):
    with db.write_session() as session:
        task_id = session.scalars(select(Task.id).where(Task.code == "T1")).one()
    with pytest.raises(IntegrityError), db.write_session() as session:
        session.add(Comment(task_id=task_id, commune_code="00070", author="x", at=datetime.now(UTC), text="hai"))
    _post(OPERATOR, "T1", "Tin về nhiệm vụ demo")
    with db.write_session() as session:
        session.get(Task, task_id).origin = Origin.DEMO
    with db.write_session() as session:
        assert demo_tasks.clear(session) == 1
    with db.session() as session:
        assert session.scalars(select(Comment)).all() == []
