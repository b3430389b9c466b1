"""The DOST's review (readiness.intake.review), which submissions count (queries.counting), evidence files and comments,
on SQLite and PostgreSQL."""

import io
import unicodedata
from datetime import UTC, date, datetime, timedelta

import hostile_evidence
import pytest
from alembic import command
from conftest import account
from PIL import Image
from sqlalchemy import func, select

from readiness import bootstrap
from readiness.access import audit
from readiness.access.permissions import OPERATOR, PermissionDenied
from readiness.core import db
from readiness.core.models import (
    AuditEvent,
    EvidenceFile,
    Origin,
    ResultBase,
    ReviewStatus,
    Role,
    Submission,
    SubmissionCreate,
)
from readiness.intake import comments, evidence, review, submissions
from readiness.reading import queries

DAY = date(2025, 9, 1)
PDF_BYTES = hostile_evidence.pdf()


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "seagreen").save(buffer, kind)
    return buffer.getvalue()


PNG_BYTES, JPEG_BYTES = _image("PNG"), _image("JPEG")


def _submit(
    tc01: float,
    received: datetime,
    day: date = DAY,
    status: ReviewStatus = ReviewStatus.PENDING,
    sender: str = "test-commune-00070",
    commune: str = "00070",
) -> int:
    with db.write_session() as session:
        [submission_id] = submissions.save(
            session,
            [
                SubmissionCreate(
                    commune_code=commune,
                    reporting_date=day,
                    received_at=received,
                    received_from=sender,
                    origin=Origin.UPLOAD,
                    review_status=status,
                    results=[ResultBase(criterion_code="TC01", value=tc01)],
                )
            ],
        )
    return submission_id


def _state(submission_id: int) -> Submission:
    with db.session() as session:
        return session.get(Submission, submission_id)


def _events(action: str) -> list:
    with db.session() as session:
        return session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars().all()


def _tc01(approved_only: bool | None = None, as_of: date = DAY) -> str:
    with db.session() as session:
        frame = queries.status(session, as_of, "01", approved_only)
    return frame[(frame["commune_code"] == "00070") & (frame["criterion_code"] == "TC01")]["status"].iloc[0]


# Transitions and refusals by role ----------------------------------------------------------------------------------


def test_an_officer_approves_and_an_admin_returns_with_a_reason_both_audited(initialized):
    officer, admin = account(Role.OFFICER), account(Role.ADMIN)
    first = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC))
    with db.write_session() as session:
        review.approve(session, officer, first)
    # Sent after the first was approved: a pending one would be superseded by it.
    second = _submit(0, datetime(2025, 9, 2, 9, tzinfo=UTC))
    with db.write_session() as session:
        review.return_submission(session, admin, second, "  Thiếu quyết định\r\nbổ nhiệm ", ["tc01", "TC02"])
    approved, returned = _state(first), _state(second)
    assert (approved.review_status, approved.reviewed_by, approved.review_reason) == ("approved", officer.name, "")
    assert approved.reviewed_at is not None
    assert returned.review_status == "returned" and returned.reviewed_by == admin.name
    assert returned.review_reason == "Thiếu quyết định\nbổ nhiệm" and returned.review_criteria == "TC01,TC02"
    [approve_event] = _events("review.approved")
    assert approve_event.actor == officer.name and approve_event.detail == "pending → approved"
    assert approve_event.target == f"submission {first}, 00070"
    [return_event] = _events("review.returned")
    assert return_event.detail == "pending → returned; TC01, TC02; Thiếu quyết định\nbổ nhiệm"


@pytest.mark.parametrize(
    ("who", "reason", "message"),
    [
        ("leader", "x", "does not have the right: review"),
        ("commune", "x", "does not have the right: review"),
        ("own", "x", "nobody reviews their own upload"),
        ("officer", "   ", "A reason is required"),
        ("officer", "bad \x1b[31m text", "U+001B"),
        ("officer", "x", "There is no submission with id"),
    ],
)
def test_refused_reviews_change_nothing(initialized, who, reason, message):
    officer = account(Role.OFFICER)
    actors = {
        "leader": account(Role.LEADER),
        "commune": account(Role.COMMUNE, "00070"),
        "own": officer,
        "officer": officer,
    }
    submission_id = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC), sender=officer.name if who == "own" else "lan")
    target = submission_id + 1000 if "no submission" in message else submission_id
    with pytest.raises((review.ReviewError, PermissionDenied)) as refused, db.write_session() as session:
        review.return_submission(session, actors[who], target, reason)
    assert message in refused.value.en
    assert _state(submission_id).review_status == "pending" and _state(submission_id).reviewed_by is None
    assert not _events("review.returned")


def test_only_a_pending_submission_is_reviewed_so_an_approved_one_is_never_changed(initialized):
    officer = account(Role.OFFICER)
    submission_id = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC))
    with db.write_session() as session:
        review.approve(session, officer, submission_id)
    for decide in (
        lambda s: review.approve(s, OPERATOR, submission_id),
        lambda s: review.return_submission(s, OPERATOR, submission_id, "changed my mind"),
    ):
        with pytest.raises(review.ReviewError, match="đã được duyệt") as refused, db.write_session() as session:
            decide(session)
        assert "already approved" in refused.value.en
    state = _state(submission_id)
    assert (state.review_status, state.reviewed_by) == ("approved", officer.name)
    assert len(_events("review.approved")) == 1

    returned = _submit(0, datetime(2025, 9, 2, 9, tzinfo=UTC))
    with db.write_session() as session:
        review.return_submission(session, officer, returned, "Sai số liệu")
    with pytest.raises(review.ReviewError) as refused, db.write_session() as session:
        review.approve(session, OPERATOR, returned)
    assert "already returned" in refused.value.en and "sending a newer one" in refused.value.en
    assert _state(returned).review_status == "returned" and len(_events("review.approved")) == 1


def test_demo_data_is_approved_and_uploads_wait_for_review(initialized):
    from readiness import demo

    with db.write_session() as session:
        demo.load(session, OPERATOR)
    with db.session() as session:
        states = dict(session.execute(select(Submission.origin, func.count()).group_by(Submission.origin)).all())
        statuses = set(session.execute(select(Submission.review_status).distinct()).scalars())
    assert states == {"demo": 2390} and statuses == {"approved"}
    assert _state(_submit(1, datetime(2025, 11, 20, 9, tzinfo=UTC), day=date(2025, 11, 20))).review_status == "pending"


# Which submissions count ------------------------------------------------------------------------------------------


def test_reported_counts_pending_and_a_returned_one_falls_back_to_the_previous(initialized, monkeypatch):
    officer = account(Role.OFFICER)
    old = _submit(0, datetime(2025, 8, 1, 9, tzinfo=UTC), day=date(2025, 8, 1), status=ReviewStatus.APPROVED)
    new = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC))
    assert _tc01() == "green"  # pending counts when READINESS_COUNTS=reported
    assert _tc01(approved_only=True) == "red"
    with db.session() as session:
        summary = queries.summary(session, DAY, "01")
        assert summary["counts"] == "reported" and summary["pending"] == 1
        assert summary["by_commune"]["00070"]["green"] == 1
        kpis = queries.kpis(session, DAY, "01")
        assert kpis["pending_communes"] == 1
        criteria = queries.by_criterion(queries.status(session, DAY, "01")).set_index("criterion_code")
        assert criteria.loc["TC01", "green_pending"] == 1 and criteria.loc["TC02", "green_pending"] == 0
    with db.write_session() as session:
        review.return_submission(session, officer, new, "Sai số liệu")
    assert _tc01() == "red"  # the returned one never counts: the approved one of 01/08 stands
    with db.session() as session:
        latest = queries.latest_submissions(session, DAY, "01").set_index("commune_code")
        trend = queries.trend(session, DAY, "01")
        history = queries.commune_history(session, "00070").set_index("id")
        commune_trend = queries.commune_trend(session, DAY, "00070")
    assert latest.loc["00070", "submission_id"] == old
    assert trend["average_green"].iloc[-1] == 0
    assert history.loc[new, "counts"] == False and history.loc[old, "counts"] == True  # noqa: E712
    assert commune_trend["date"].tolist() == [date(2025, 8, 1)]


def test_approved_counts_only_approved_submissions_and_the_flag_overrides_the_setting(initialized, monkeypatch):
    officer = account(Role.OFFICER)
    _submit(0, datetime(2025, 8, 1, 9, tzinfo=UTC), day=date(2025, 8, 1), status=ReviewStatus.APPROVED)
    first = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC))
    monkeypatch.setenv("READINESS_COUNTS", "approved")
    db.reset_caches()
    assert _tc01() == "red"  # pending does not count yet
    assert _tc01(approved_only=False) == "green"
    with db.write_session() as session:
        review.return_submission(session, officer, first, "Thiếu minh chứng")
    corrected = _submit(1, datetime(2025, 9, 2, 9, tzinfo=UTC))
    assert _tc01() == "red"
    with db.session() as session:
        assert queries.summary(session, DAY, "01")["counts"] == "approved"
        assert queries.summary(session, DAY, "01")["pending"] == 0
    with db.write_session() as session:
        review.approve(session, officer, corrected)
    assert _tc01() == "green"
    with db.session() as session:
        assert queries.trend(session, DAY, "01")["average_green"].iloc[-1] == 1 / 126


def test_the_counting_rule_is_one_reusable_filter(initialized):
    ids = {
        status: _submit(1, datetime(2025, 9, 1, 9, i, tzinfo=UTC), status=status)
        for i, status in enumerate(ReviewStatus)
    }
    with db.session() as session:
        reported = set(session.execute(queries.counting(select(Submission.id))).scalars())
        approved = set(session.execute(queries.counting(select(Submission.id), approved_only=True)).scalars())
    assert reported == {ids[ReviewStatus.PENDING], ids[ReviewStatus.APPROVED]}
    assert approved == {ids[ReviewStatus.APPROVED]}


def test_the_queue_lists_pending_oldest_first_with_what_changed(initialized):
    officer = account(Role.OFFICER)
    _submit(0, datetime(2025, 8, 1, 9, tzinfo=UTC), day=date(2025, 8, 1), status=ReviewStatus.APPROVED)
    newer = _submit(1, datetime(2025, 9, 3, 9, tzinfo=UTC), commune="00073", sender="x")
    older = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC))
    now = datetime(2025, 9, 11, 3, tzinfo=UTC)
    with db.session() as session:
        queue = review.queue(session, officer, now=now)
        assert queue["id"].tolist() == [older, newer]
        assert queue["age_days"].tolist() == [10, 8]
        assert review.queue(session, officer, commune_code="00073", now=now)["id"].tolist() == [newer]
        assert review.queue(session, officer, min_age_days=9, now=now)["id"].tolist() == [older]
        assert review.queue(session, officer, origins=[Origin.PROVINCE_WORKBOOK], now=now).empty
        assert review.queue_summary(session, "01", now=now) == {"pending": 2, "oldest_days": 10, "dated_later": 0}
        # At an earlier as-of date, the pending reports dated after it are not in its figures.
        earlier = review.queue_summary(session, "01", now=now, as_of=DAY - timedelta(days=1))
        assert (earlier["pending"], earlier["dated_later"]) == (2, 2)
        assert review.queue_summary(session, "01", now=now, as_of=DAY)["dated_later"] == 0
        changes = review.changes(session, officer, older).set_index("criterion_code")
        with pytest.raises(PermissionDenied):
            review.queue(session, account(Role.LEADER))
    assert changes.loc["TC01", ["value_before", "value", "status_before", "status", "change"]].tolist() == [
        0.0,
        1.0,
        "red",
        "green",
        "newly_green",
    ]
    assert changes.loc["TC02", "change"] == ""


def test_a_commune_lists_only_its_own_submissions_with_reasons(initialized):
    officer = account(Role.OFFICER)
    own = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC))
    _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC), commune="00073", sender="x")
    with db.write_session() as session:
        review.return_submission(session, officer, own, "Thiếu hồ sơ")
    with db.session() as session:
        mine = review.submissions(session, account(Role.COMMUNE, "00070"))
        everything = review.submissions(session, account(Role.LEADER))
    assert mine[["id", "review_status", "review_reason"]].values.tolist() == [[own, "returned", "Thiếu hồ sơ"]]
    assert len(everything) == 2


def test_migration_0002_makes_existing_submissions_approved(database):
    config = db.alembic_config()
    with db.get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with db.get_engine().begin() as connection:
        connection.exec_driver_sql("INSERT INTO province (code, name) VALUES ('01', 'Hà Nội')")
        connection.exec_driver_sql(
            "INSERT INTO commune (code, name, kind, province_code) VALUES ('00070', 'Phường Hoàn Kiếm', 'phường', '01')"
        )
        connection.exec_driver_sql(
            "INSERT INTO submission (commune_code, reporting_date, received_at, received_from, origin, reporter_name, "
            "reporter_phone, green_count) VALUES ('00070', '2025-09-01', '2025-09-01 09:00:00', 'lan', 'upload', '', "
            "'', 1)"
        )
    bootstrap.init()
    with db.session() as session:
        [row] = session.execute(select(Submission)).scalars().all()
    assert (row.review_status, row.review_reason, row.reviewed_by) == ("approved", "", None)


# Evidence files ---------------------------------------------------------------------------------------------------


def test_evidence_type_comes_from_the_content_names_take_its_extension_files_superseded_never_deleted(initialized):
    lan = account(Role.COMMUNE, "00070")
    with db.write_session() as session:
        pdf = evidence.add(session, lan, "70", "tc01", "C:\\Users\\lan\\quyet-dinh.png", PDF_BYTES)
        png = evidence.add(session, lan, "00070", "TC01", "anh.pdf", PNG_BYTES)
        jpeg = evidence.add(session, lan, "00070", "TC02", "hop-dong.jpg", JPEG_BYTES)
        newer = evidence.add(session, lan, "00070", "TC01", "quyet-dinh.png", PDF_BYTES + b"\n")
    with db.session() as session:
        listed = evidence.files(session, lan, "00070").set_index("id")
        download = evidence.content(session, account(Role.LEADER), pdf)
    assert listed.loc[pdf, ["filename", "media_type", "superseded"]].tolist() == [
        "quyet-dinh.pdf",
        "application/pdf",
        True,
    ]
    assert listed.loc[newer, "superseded"] == False  # noqa: E712
    assert listed.loc[png, ["filename", "media_type"]].tolist() == ["anh.png", "image/png"]
    assert listed.loc[jpeg, ["filename", "media_type"]].tolist() == ["hop-dong.jpg", "image/jpeg"]
    assert listed.loc[pdf, "uploaded_by"] == lan.name and len(listed.loc[pdf, "sha256"]) == 64
    assert download.content == PDF_BYTES
    assert len(_events("evidence.add")) == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"hello, this is text pretending to be a PDF", "is not a PDF, JPEG or PNG"),
        (b"PK\x03\x04" + b"\x00" * 40, "is not a PDF, JPEG or PNG"),
        (PDF_BYTES[:30], "is damaged or truncated"),
        (PNG_BYTES[:40], "is damaged or truncated"),
        (JPEG_BYTES[:-40], "is damaged or truncated"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "is damaged or truncated"),
        (b"%PDF-1.4\n" + b"x" * (1024 * 1024 + 10) + b"%%EOF", "over the 1 MB limit"),
    ],
)
def test_bad_evidence_files_are_refused_with_a_message_and_nothing_is_stored(initialized, monkeypatch, data, message):
    monkeypatch.setenv("READINESS_EVIDENCE_LIMIT_MB", "1")
    db.reset_caches()
    with pytest.raises(evidence.EvidenceError) as refused, db.write_session() as session:
        evidence.add(session, OPERATOR, "00070", "TC01", "quyet-dinh.pdf", data)
    assert message in refused.value.en and "quyet-dinh.pdf" in refused.value.en
    with db.session() as session:
        assert session.execute(select(func.count(EvidenceFile.id))).scalar_one() == 0
    assert not _events("evidence.add")


def test_evidence_is_attached_and_read_only_by_accounts_that_may_see_the_commune(initialized):
    lan, other = account(Role.COMMUNE, "00070"), account(Role.COMMUNE, "00073")
    officer, leader = account(Role.OFFICER), account(Role.LEADER)
    with db.write_session() as session:
        mine = evidence.add(session, lan, "00070", "TC01", "a.pdf", PDF_BYTES)
        evidence.add(session, officer, "00073", "TC01", "b.pdf", PDF_BYTES)
    for who, commune, refused_for in [(other, "00070", PermissionDenied), (leader, "00070", PermissionDenied)]:
        with pytest.raises(refused_for), db.write_session() as session:
            evidence.add(session, who, commune, "TC01", "c.pdf", PDF_BYTES)
    with db.session() as session:
        with pytest.raises(PermissionDenied):
            evidence.files(session, other, "00070")
        with pytest.raises(PermissionDenied):
            evidence.content(session, other, mine)
        assert len(evidence.files(session, leader, "00070")) == 1
        with pytest.raises(evidence.EvidenceError, match="99999"):
            evidence.files(session, officer, "99999")
        with pytest.raises(evidence.EvidenceError, match="TC99"):
            evidence.add(session, officer, "00070", "TC99", "c.pdf", PDF_BYTES)


# Comments ---------------------------------------------------------------------------------------------------------


def test_comments_thread_is_nfc_newest_last_in_vietnam_time_and_audited(initialized):
    lan, officer = account(Role.COMMUNE, "00070"), account(Role.OFFICER)
    submission_id = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC))
    decomposed = unicodedata.normalize("NFD", "Đã bổ sung quyết định\nbổ nhiệm")
    with db.write_session() as session:
        comments.add(session, officer, "00070", "Thiếu quyết định", submission_id=submission_id, criterion_code="tc01")
    with db.write_session() as session:
        comments.add(session, lan, "70", decomposed)
    with db.session() as session:
        thread, total = comments.thread(session, lan, "00070")
    assert thread["author"].tolist() == [officer.name, lan.name] and total == 2
    assert thread["text"].tolist() == ["Thiếu quyết định", "Đã bổ sung quyết định\nbổ nhiệm"]
    assert thread["criterion_code"].tolist()[0] == "TC01" and thread["submission_id"].tolist()[0] == submission_id
    assert str(thread["at"].dt.tz) == "Asia/Ho_Chi_Minh"
    assert [e.actor for e in _events("comment.add")] == [officer.name, lan.name]


@pytest.mark.parametrize(
    ("text", "message"),
    [("   \n ", "The comment is empty"), ("xin\u202echào", "U+202E"), ("a\x00b", "U+0000"), ("x" * 4001, "too long")],
)
def test_bad_comments_are_refused(initialized, text, message):
    with pytest.raises(comments.CommentError) as refused, db.write_session() as session:
        comments.add(session, OPERATOR, "00070", text)
    assert message in refused.value.en
    assert not _events("comment.add")


def test_comments_are_visible_only_to_accounts_that_may_see_the_commune(initialized):
    lan, other, leader = account(Role.COMMUNE, "00070"), account(Role.COMMUNE, "00073"), account(Role.LEADER)
    foreign = _submit(1, datetime(2025, 9, 1, 9, tzinfo=UTC), commune="00073", sender="x")
    with db.write_session() as session:
        comments.add(session, lan, "00070", "Xin hướng dẫn")
    with db.session() as session:
        with pytest.raises(PermissionDenied):
            comments.thread(session, other, "00070")
        assert len(comments.thread(session, leader, "00070")[0]) == 1
    for who, kwargs, refused in [
        (other, {}, PermissionDenied),
        (leader, {}, PermissionDenied),
        (lan, {"submission_id": foreign}, comments.CommentError),
    ]:
        with pytest.raises(refused), db.write_session() as session:
            comments.add(session, who, "00070", "x", **kwargs)
    with db.session() as session:
        assert len(audit.events(session, OPERATOR, action="comment.add")) == 1
