"""Review at scale (readiness.intake.flags, readiness.intake.review): replaced submissions superseded, the review
flags computed on arrival, on SQLite and PostgreSQL."""

import json
from datetime import UTC, date, datetime

import pytest
from conftest import account
from sqlalchemy import select, text
from test_review import PDF_BYTES

from readiness.cli import main
from readiness.core import db
from readiness.core.db import get_engine
from readiness.core.models import AuditEvent, Origin, ResultBase, ReviewStatus, Role, Submission, SubmissionCreate
from readiness.core.settings import get_settings
from readiness.intake import evidence, flags, review, submissions
from readiness.reading import queries

WEEK_1, WEEK_2 = date(2025, 9, 1), date(2025, 9, 8)
# Every criterion but TC09 green (15 of 16), and the same with TC03 red as well (14 of 16).
GREEN = {
    "TC01": 1,
    "TC02": 120,
    "TC03": (30, 30),
    "TC04": 2,
    "TC05": 1,
    "TC06": (30, 30),
    "TC07": 1,
    "TC08": (30, 30),
    "TC09": 0,
    "TC10": (30, 30),
    "TC11": (90, 100),
    "TC12": 1,
    "TC13": 1,
    "TC14": 1,
    "TC15": (30, 30),
    "TC16": (30, 30),
}
FOURTEEN = {**GREEN, "TC03": (20, 30)}


def _send(
    values: dict,
    day: date,
    received: datetime | None = None,
    commune: str = "00070",
    status: ReviewStatus = ReviewStatus.PENDING,
) -> int:
    results = [
        ResultBase(criterion_code=code, value=v[0], out_of=v[1])
        if isinstance(v, tuple)
        else ResultBase(criterion_code=code, value=v)
        for code, v in values.items()
    ]
    with db.write_session() as session:
        [submission_id] = submissions.save(
            session,
            [
                SubmissionCreate(
                    commune_code=commune,
                    reporting_date=day,
                    received_at=received or datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                    received_from=f"sender-{commune}",
                    origin=Origin.UPLOAD,
                    review_status=status,
                    results=results,
                )
            ],
        )
    return submission_id


def _flags(submission_id: int) -> dict[str, str]:
    with db.session() as session:
        found = flags.of(session, [submission_id])
    return dict(zip(found["code"], found["text_vi"], strict=True))


def _status(submission_id: int) -> str:
    with db.session() as session:
        return session.get(Submission, submission_id).review_status


def _figures(as_of: date, approved_only: bool | None = None) -> tuple[int, int]:
    """00070's counting submission as of a date, and its green count (what every page and `summary` show)."""
    with db.session() as session:
        latest = queries.status(session, as_of, "01", approved_only)
    mine = latest[latest["commune_code"] == "00070"]
    return int(mine["submission_id"].iloc[0]), int((mine["status"] == "green").sum())


def _with_evidence(*codes: str, commune: str = "00070") -> None:
    lan = account(Role.COMMUNE, commune)
    with db.write_session() as session:
        for code in codes:
            evidence.add(session, lan, commune, code, f"{code}.pdf", PDF_BYTES)


# Replaced submissions ----------------------------------------------------------------------------------------------


def test_a_replaced_pending_submission_is_superseded_out_of_the_queue_and_cannot_be_approved(initialized):
    officer = account(Role.OFFICER)
    _with_evidence("TC01", "TC05", "TC14")
    older = _send(FOURTEEN, WEEK_2, datetime(2025, 9, 8, 9, tzinfo=UTC))
    assert _status(older) == "pending" and _flags(older) == {}
    newer = _send(GREEN, WEEK_2, datetime(2025, 9, 8, 10, tzinfo=UTC))
    assert (_status(older), _status(newer)) == ("superseded", "pending")
    assert _flags(older)["superseded"].startswith(f"Báo cáo số {newer} mới hơn, cùng ngày báo cáo, thay thế")
    with db.session() as session:
        assert review.queue(session, officer)["id"].tolist() == [newer]
        shown = review.queue(session, officer, superseded=True)
        assert shown["id"].tolist() == [older, newer] and shown["flags"].tolist()[0] == ["superseded"]
    with db.write_session() as session, pytest.raises(review.ReviewError) as refused:
        review.approve(session, officer, older)
    assert "a newer report replaces it" in refused.value.en
    assert _status(older) == "superseded"
    with db.session() as session:
        [event] = session.execute(select(AuditEvent).where(AuditEvent.action == "review.superseded")).scalars()
    assert event.target == f"submission {older}, 00070" and f"superseded by submission {newer}" in event.detail


@pytest.mark.parametrize("counts", ["reported", "approved"])
def test_after_the_newer_one_is_returned_the_previous_counting_submission_stands_never_the_replaced_one(
    initialized, counts
):
    """The issue's story: 14/16 replaced by 15/16; once the newer one is returned the ward must not show the
    replaced 14/16 again, but its previous counting submission (here: week 1, approved, 15/16)."""
    officer = account(Role.OFFICER)
    approved_only = counts == "approved"
    week_1 = _send(GREEN, WEEK_1)
    with db.write_session() as session:
        review.approve(session, officer, week_1)
    replaced = _send(FOURTEEN, WEEK_2, datetime(2025, 9, 8, 9, tzinfo=UTC))
    newer = _send(GREEN, WEEK_2, datetime(2025, 9, 8, 10, tzinfo=UTC))
    assert _figures(WEEK_2, approved_only) == ((newer if counts == "reported" else week_1), 15)
    with db.write_session() as session:
        review.return_submission(session, officer, newer, "Thiếu quyết định")
    assert _figures(WEEK_2, approved_only) == (week_1, 15)
    assert _status(replaced) == "superseded"
    with db.session() as session:
        history = queries.commune_history(session, "00070").set_index("id")
    assert not history.loc[replaced, "counts"] and history.loc[replaced, "superseded"]


def test_a_newer_submission_leaves_an_approved_one_approved(initialized):
    officer = account(Role.OFFICER)
    first = _send(GREEN, WEEK_2, datetime(2025, 9, 8, 9, tzinfo=UTC))
    with db.write_session() as session:
        review.approve(session, officer, first)
    second = _send(FOURTEEN, WEEK_2, datetime(2025, 9, 8, 10, tzinfo=UTC))
    assert (_status(first), _status(second)) == ("approved", "pending")
    assert _figures(WEEK_2, approved_only=True) == (first, 15)


def test_the_command_line_refuses_a_superseded_submission_and_lists_flags(initialized, capsys):
    account(Role.OFFICER)
    _with_evidence("TC01", "TC05", "TC14")
    older = _send(FOURTEEN, WEEK_2, datetime(2025, 9, 8, 9, tzinfo=UTC))
    newer = _send(GREEN, WEEK_2, datetime(2025, 9, 8, 10, tzinfo=UTC))
    capsys.readouterr()
    assert main(["review", "approve", str(older), "--as", "test-officer"]) == 1
    assert "a newer report replaces it" in capsys.readouterr().err
    assert main(["review", "list", "--json"]) == 0
    listed = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed[older]["status"] == "superseded" and listed[older]["flags"] == ["superseded"]
    assert listed[newer]["status"] == "pending" and "flags" in listed[newer]


def test_migration_0009_supersedes_pending_submissions_already_replaced(initialized):
    from alembic import command

    from readiness.core.db import alembic_config

    older = _send(FOURTEEN, WEEK_2, datetime(2025, 9, 8, 9, tzinfo=UTC))
    with get_engine().begin() as connection:
        # As stored before this revision: both pending, no flag.
        connection.execute(text("UPDATE submission SET review_status = 'pending'"))
        connection.execute(text("DELETE FROM submission_flag"))
    newer = _send(GREEN, WEEK_2, datetime(2025, 9, 8, 10, tzinfo=UTC))
    with get_engine().begin() as connection:
        connection.execute(text("UPDATE submission SET review_status = 'pending'"))
        connection.execute(text("DELETE FROM submission_flag"))
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
        command.upgrade(config, "head")
    assert (_status(older), _status(newer)) == ("superseded", "pending")
    assert list(_flags(older)) == ["superseded"]


# Flags ---------------------------------------------------------------------------------------------------------------


def test_a_first_report_with_nothing_doubtful_has_no_flag(initialized):
    _with_evidence("TC01", "TC05", "TC14")
    first = _send(GREEN, WEEK_1, datetime(2025, 9, 2, 8, tzinfo=UTC))
    assert _flags(first) == {}


def test_regression_a_criterion_green_before_is_red_now(initialized):
    _with_evidence("TC01", "TC05", "TC14")
    _send(GREEN, WEEK_1)
    now = _send(FOURTEEN, WEEK_2)
    assert list(_flags(now)) == ["regression"]
    assert _flags(now)["regression"].startswith("TC03 đạt ở báo cáo trước")
    assert "nay không đạt" in _flags(now)["regression"]


def test_jump_a_value_or_share_moving_by_more_than_half_its_target_or_a_total_by_more_than_half(initialized):
    _with_evidence("TC01", "TC05", "TC14")
    _send({**GREEN, "TC02": 20, "TC11": (10, 100)}, WEEK_1)
    # TC02 20 → 120 Mbps (target 100: moved 100 > 50); TC11 10% → 90% (target 80%: moved 0.8 > 0.4); TC06's total
    # 30 → 50 (more than half) while its share stays 100%.
    now = _send({**GREEN, "TC06": (50, 50)}, WEEK_2)
    text_vi = _flags(now)["jump"]
    assert text_vi.startswith("TC02: 20 Mbps → 120 Mbps") and "TC06" in text_vi and "TC11" in text_vi
    assert "TC03" not in text_vi
    small = _send({**GREEN, "TC02": 150}, date(2025, 9, 15))  # 120 → 150: 30 of a 100 target, not a jump
    assert "jump" not in _flags(small)


def test_same_values_as_another_communes_submission_of_the_same_week_flags_both(initialized):
    _with_evidence("TC01", "TC05", "TC14")
    lan = account(Role.COMMUNE, "00073")
    with db.write_session() as session:
        for code in ("TC01", "TC05", "TC14"):
            evidence.add(session, lan, "00073", code, f"{code}.pdf", PDF_BYTES)
    first = _send(GREEN, WEEK_2, commune="00073")
    other_week = _send(GREEN, WEEK_1, commune="00004")
    copied = _send(GREEN, date(2025, 9, 10))  # Wednesday of the same week
    assert _flags(copied)["same_values"].startswith(f"Cả 9 giá trị số trùng với báo cáo số {first} của ")
    assert f"số {copied} của Phường Hoàn Kiếm (00070)" in _flags(first)["same_values"]
    assert "same_values" not in _flags(other_week)
    different = _send({**GREEN, "TC02": 121}, WEEK_2, commune="00004")
    assert "same_values" not in _flags(different)


def test_no_evidence_until_the_commune_attaches_a_file(initialized):
    _with_evidence("TC01", "TC05")
    first = _send(GREEN, WEEK_1)
    assert _flags(first) == {"no_evidence": "TC14 chuyển sang đạt mà chưa có tệp minh chứng."}
    _with_evidence("TC14")
    assert _flags(first) == {}


def test_backdated_a_reporting_date_more_than_the_setting_before_arrival_in_vietnam_days(initialized, monkeypatch):
    _with_evidence("TC01", "TC05", "TC14")
    on_time = _send(GREEN, WEEK_1, datetime(2025, 9, 15, 9, tzinfo=UTC))  # 14 days
    late = _send(GREEN, date(2025, 9, 2), datetime(2025, 9, 16, 18, tzinfo=UTC))  # 17/09 in Vietnam: 15 days
    assert _flags(on_time) == {}
    assert _flags(late) == {"backdated": "Ngày báo cáo 02/09/2025 sớm hơn ngày gửi 15 ngày (quá 14 ngày)."}
    monkeypatch.setenv("READINESS_BACKDATE_DAYS", "20")
    get_settings.cache_clear()
    allowed = _send(GREEN, date(2025, 9, 3), datetime(2025, 9, 17, 18, tzinfo=UTC))
    assert "backdated" not in _flags(allowed)


# Bulk approval -----------------------------------------------------------------------------------------------------


def test_approving_every_unflagged_submission_skips_flagged_superseded_and_own_each_audited(initialized):
    officer = account(Role.OFFICER)
    _with_evidence("TC01", "TC05", "TC14")
    clean = _send(GREEN, WEEK_1)
    flagged = _send(FOURTEEN, WEEK_2)  # regression against week 1
    replaced = _send({**GREEN, "TC02": 111}, WEEK_1, commune="00073")
    newer = _send({**GREEN, "TC02": 110}, WEEK_1, datetime(2025, 9, 1, 10, tzinfo=UTC), commune="00073")
    own = _send({**GREEN, "TC02": 130}, WEEK_1, commune="00004")
    with db.write_session() as session:
        session.get(Submission, own).received_from = officer.name
    with db.write_session() as session:
        assert review.approve_unflagged(session, officer, commune_code="73") == []  # its pending one has no_evidence
        approved = review.approve_unflagged(session, officer)
    assert approved == [clean]
    assert [_status(i) for i in (clean, flagged, replaced, newer, own)] == [
        "approved",
        "pending",
        "superseded",
        "pending",
        "pending",
    ]
    with db.session() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "review.approved")).scalars().all()
    assert [e.target for e in events] == [f"submission {clean}, 00070"]


def test_bulk_approval_of_the_ids_shown_approves_only_those_still_unflagged(initialized):
    officer = account(Role.OFFICER)
    _with_evidence("TC01", "TC05", "TC14")
    for commune in ("00004", "00008"):
        _with_evidence("TC01", "TC05", "TC14", commune=commune)
    first = _send(GREEN, WEEK_1)
    second = _send({**GREEN, "TC02": 102}, WEEK_1, commune="00004")
    hidden = _send({**GREEN, "TC02": 101}, WEEK_1, commune="00008")
    with db.write_session() as session:
        assert review.approve_unflagged(session, officer, shown=[first, second]) == [first, second]
    assert _status(hidden) == "pending"


def test_the_command_line_approves_all_unflagged_and_prints_the_ids(initialized, capsys):
    account(Role.OFFICER)
    _with_evidence("TC01", "TC05", "TC14")
    first = _send(GREEN, WEEK_1)
    other = _send({**GREEN, "TC02": 101}, WEEK_1, commune="00004")
    capsys.readouterr()
    assert main(["review", "approve", "--all-unflagged", "--commune", "70", "--as", "test-officer"]) == 0
    assert json.loads(capsys.readouterr().out) == [first]
    assert _status(other) == "pending"
    assert main(["review", "approve", "--all-unflagged", "--commune", "99999", "--as", "test-officer"]) == 1
    assert "There is no commune" in capsys.readouterr().err
    assert main(["review", "approve", "--all-unflagged", "--as", "test-commune-00070"]) == 1
    assert _status(other) == "pending"
