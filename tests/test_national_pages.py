"""The pages of a national installation with AppTest: each account is shown its own scope, a national account
picks a province in the sidebar; API tokens on "My account"."""

from datetime import date

import pytest
from conftest import APP, log_in
from streamlit.testing.v1 import AppTest

from readiness.access import auth, tokens
from readiness.access.permissions import OPERATOR
from readiness.core import db

pytestmark = pytest.mark.page

DAY = date(2025, 10, 6)


def app_of(name: str) -> AppTest:
    with db.session() as session:
        actor = auth.acting_as(session, name)
    at = log_in(AppTest.from_file(APP, default_timeout=120), actor)
    at.session_state["as_of"] = DAY
    return at.run()


def communes_shown(at: AppTest) -> str:
    """The overview's "fully green" figure: how many of how many communes."""
    return next(m.value for m in at.metric if m.label.startswith("Đạt đủ"))


def test_a_province_officer_sees_its_province_and_a_national_account_picks_one(national):
    officer = app_of("hn")
    assert not officer.exception, officer.exception
    assert [s.label for s in officer.sidebar.selectbox] == []  # no choice of scope
    assert communes_shown(officer) == "0/126"

    leader = app_of("nation")
    assert not leader.exception, leader.exception
    (scope,) = leader.sidebar.selectbox
    assert scope.label == "Phạm vi" and scope.value == "all"
    assert communes_shown(leader) == "0/3.321"
    scope.set_value("79").run()
    assert leader.session_state["province"] == "79"
    assert communes_shown(leader) == "0/168"


def test_my_account_lists_the_api_tokens_and_revokes_one(national):
    with db.write_session() as session:
        tokens.create(session, OPERATOR, "hn", 30, "ioc")
    at = app_of("hn")
    at.switch_page("pages/account.py").run()
    assert not at.exception, at.exception
    assert any("**ioc #1**" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Thu hồi").click().run()
    assert [s.value for s in at.success] == ["Đã thu hồi khóa API #1."]
    with db.session() as session:
        assert tokens.listing(session, OPERATOR, "hn").empty
