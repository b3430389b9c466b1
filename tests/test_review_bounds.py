"""Bounds on what one commune or account can pile up: messages (newest 50 shown, older on request, an hourly limit
per account, a length limit), on SQLite and PostgreSQL; the evidence quota is in test_evidence_safety."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import account
from test_review_pages import _page

from readiness.core import db
from readiness.core.models import Comment, Role
from readiness.intake import comments


def _stored_messages(count: int, author: str, hours_ago: float = 2) -> None:
    start = datetime.now(UTC) - timedelta(hours=hours_ago)
    with db.write_session() as session:
        session.add_all(
            Comment(commune_code="00070", author=author, at=start + timedelta(seconds=i), text=f"tin {i}")
            for i in range(count)
        )


def test_a_thread_reads_the_newest_50_newest_last_and_older_ones_on_request(initialized):
    lan = account(Role.COMMUNE, "00070")
    _stored_messages(120, lan.name)
    with db.session() as session:
        newest, total = comments.thread(session, lan, "00070")
        more, _ = comments.thread(session, lan, "00070", newest=100)
    assert total == 120 and newest["text"].tolist() == [f"tin {i}" for i in range(70, 120)]
    assert more["text"].tolist() == [f"tin {i}" for i in range(20, 120)]


def test_an_account_sends_at_most_the_hourly_limit_of_messages(initialized, monkeypatch):
    monkeypatch.setenv("READINESS_MESSAGES_PER_HOUR", "3")
    db.reset_caches()
    lan, officer = account(Role.COMMUNE, "00070"), account(Role.OFFICER)
    _stored_messages(5, lan.name, hours_ago=1.5)  # older than an hour: they do not count
    for i in range(3):
        with db.write_session() as session:
            comments.add(session, lan, "00070", f"gửi {i}")
    with pytest.raises(comments.CommentError) as refused, db.write_session() as session:
        comments.add(session, lan, "00070", "một tin nữa")
    assert "sent 3 messages in the last hour, at most 3" in refused.value.en
    with db.write_session() as session:  # the limit is per account
        comments.add(session, officer, "00070", "Sở trả lời")
    with db.session() as session:
        assert comments.thread(session, lan, "00070")[1] == 9


def test_the_commune_page_shows_50_messages_and_older_ones_on_a_click(initialized):
    lan = account(Role.COMMUNE, "00070")
    _stored_messages(60, lan.name)
    page = _page("pages/commune.py", Role.COMMUNE, "00070")
    assert len(page.chat_message) == 50
    older = page.button(key="messages_older")
    assert older.label == "Xem tin cũ hơn (đang hiện 50 tin mới nhất trong 60)"
    older.click().run()
    assert len(page.chat_message) == 60 and not [b for b in page.button if b.key == "messages_older"]
